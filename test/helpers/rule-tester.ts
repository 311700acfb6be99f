/**
 * Table-driven rule tests in the spirit of ESLint's RuleTester:
 *
 *   ruleTester(rule, {
 *     valid: ['services:\n  web:\n    image: nginx:1.27.3\n', { files: {...}, env: {...}, options: {...} }],
 *     invalid: [{
 *       code: 'services:\n  db:\n    image: postgres:16\n',        // or files: { 'compose.yaml': ..., 'compose.prod.yaml': ... }
 *       findings: [{ id: 'add-volumes', line: 2, environments: ['default'] }],
 *       output: 'services:\n  db:\n ...',                             // or { 'compose.yaml': ... }; omitted: not fixed
 *     }],
 *   });
 *
 * A case is a project in a fresh temporary directory: `code` is `compose.yaml` alone (one
 * environment, `default`); `files` are written as given (other files too: .env, nginx.conf),
 * with `env` naming environments (default: one per compose file). Valid: `check` reports
 * nothing (suppressed findings aside). Invalid: `check` reports exactly `findings`, in order
 * of file and line (each field given is compared; `message` by substring or RegExp); with
 * `output`, `fix` turns the files into it byte for byte (files not named stay unchanged), its
 * intent check passes, a second `fix` changes nothing, and `check` on the output reports no
 * finding with a fix.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkProject, fixProject } from '../../src/rules/engine.js';
import { writeChanges } from '../../src/core/save.js';
import type { ProjectTarget } from '../../src/core/targets.js';
import type { FixSettings } from '../../src/rules/settings.js';
import type { Finding, Level, Rule } from '../../src/rules/types.js';

export interface CaseBase {
  name?: string;
  /** compose.yaml alone. */
  code?: string;
  /** Every file of the project (relative paths). */
  files?: Record<string, string>;
  /** Environment name -> compose files in -f order (default: one per compose file of `files`). */
  env?: Record<string, string[]>;
  options?: Record<string, unknown>;
  levels?: Record<string, Level>;
  settings?: FixSettings;
}

export interface ExpectedFinding {
  id?: string;
  line?: number;
  column?: number;
  file?: string;
  severity?: Finding['severity'];
  message?: string | RegExp;
  environments?: string[];
  fixable?: boolean;
  suppressed?: boolean;
}

export interface InvalidCase extends CaseBase {
  findings: ExpectedFinding[];
  /** The files after `fix`: compose.yaml's text, or file -> text. */
  output?: string | Record<string, string>;
}

export type ValidCase = string | CaseBase;

function project(c: CaseBase): { target: ProjectTarget; files: Record<string, string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-rule-'));
  const files = c.files ?? { 'compose.yaml': c.code ?? '' };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  const env =
    c.env ??
    (c.code !== undefined
      ? { default: ['compose.yaml'] }
      : Object.fromEntries(
          Object.keys(files)
            .filter((f) => /\.ya?ml$/.test(f) && !f.includes('/'))
            .sort()
            .map((f) => [f, [f]]),
        ));
  return { target: { dir, environments: Object.entries(env).map(([name, list]) => ({ name, files: list.map((f) => path.join(dir, f)) })) }, files };
}

const label = (c: CaseBase | string, i: number): string => (typeof c === 'string' ? `valid #${i + 1}` : (c.name ?? `#${i + 1}`));

export function ruleTester(rule: Rule, cases: { valid?: ValidCase[]; invalid?: InvalidCase[] }): void {
  describe(`rule ${rule.meta.id}`, () => {
    (cases.valid ?? []).forEach((v, i) => {
      const c: CaseBase = typeof v === 'string' ? { code: v } : v;
      it(`valid: ${label(v, i)}`, async () => {
        const { target } = project(c);
        const r = await checkProject(target, [rule], { options: c.options, levels: c.levels, settings: c.settings });
        expect(r.findings.filter((f) => !f.suppressed).map((f) => `${f.id}: ${f.message}`)).toEqual([]);
      });
    });
    (cases.invalid ?? []).forEach((c, i) => {
      it(`invalid: ${label(c, i)}`, async () => {
        const { target, files } = project(c);
        const rel = (f: string | undefined) => (f ? path.relative(target.dir, f) : undefined);
        const r = await checkProject(target, [rule], { options: c.options, levels: c.levels, settings: c.settings });
        const got = r.findings;
        expect(
          got.length,
          `findings:\n${got.map((f) => `  ${rel(f.file) ?? '-'}:${f.line ?? '-'} ${f.id}: ${f.message} [${f.environments.join(', ')}]`).join('\n')}`,
        ).toBe(c.findings.length);
        c.findings.forEach((want, k) => {
          const f = got[k];
          const where = `finding ${k + 1} (${f.id} at ${rel(f.file)}:${f.line})`;
          if (want.id !== undefined) expect(f.id, where).toBe(want.id);
          if (want.line !== undefined) expect(f.line, where).toBe(want.line);
          if (want.column !== undefined) expect(f.column, where).toBe(want.column);
          if (want.file !== undefined) expect(rel(f.file), where).toBe(want.file);
          if (want.severity !== undefined) expect(f.severity, where).toBe(want.severity);
          if (want.environments !== undefined) expect(f.environments, where).toEqual(want.environments);
          if (want.fixable !== undefined) expect(f.fixable, where).toBe(want.fixable);
          if (want.suppressed !== undefined) expect(!!f.suppressed, where).toBe(want.suppressed);
          if (typeof want.message === 'string') expect(f.message, where).toContain(want.message);
          else if (want.message) expect(f.message, where).toMatch(want.message);
        });
        if (c.output === undefined) return;
        const fixed = await fixProject(target, [rule], { options: c.options, levels: c.levels, settings: c.settings });
        await writeChanges(fixed.changes);
        const output = typeof c.output === 'string' ? { 'compose.yaml': c.output } : c.output;
        for (const [f, text] of Object.entries({ ...files, ...output })) expect(readFileSync(path.join(target.dir, f), 'utf8'), f).toBe(text);
        const again = await fixProject(target, [rule], { options: c.options, levels: c.levels, settings: c.settings });
        expect(again.changes.map((x) => rel(x.path)), 'a second fix changes nothing').toEqual([]);
        const after = await checkProject(target, [rule], { options: c.options, levels: c.levels, settings: c.settings });
        expect(after.findings.filter((f) => f.fixable && !f.suppressed).map((f) => f.message), 'nothing left to fix').toEqual([]);
      });
    });
  });
}
