/**
 * Fixture-driven tests for every fix: fixtures/<fix>/<case>/
 *   input/      the project before (compose files and any other files)
 *   expected/   the project after: every file compared byte for byte; a file of input/ that is
 *               missing from expected/ must have been deleted
 *   args.json   optional: { "env": { "NAME": ["a.yml", "b.yml"] }, "options": { ... },
 *               "settings": { "runtime": { "kind": "podman-compose", "composeVersion": "2.40.3" } },
 *               "warnings": ["substring", ...], "info": ["substring", ...], "notes": ["substring", ...] }
 *               (without "env", each compose file of input/
 *               is its own environment)
 * Each case also runs the fix a second time on its own output and expects no change.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, existsSync, statSync, mkdtempSync, cpSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { transforms } from '../src/transforms/index.js';
import { runFixes, type FixTarget } from '../src/transforms/runner.js';
import { writeChanges } from '../src/core/save.js';
import type { FixSettings } from '../src/transforms/settings.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface CaseArgs {
  env?: Record<string, string[]>;
  options?: Record<string, unknown>;
  settings?: FixSettings;
  warnings?: string[];
  info?: string[];
  notes?: string[];
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p));
  }
  return out;
}

function targetFor(dir: string, args: CaseArgs): FixTarget {
  if (args.env)
    return {
      dir,
      environments: Object.entries(args.env).map(([name, files]) => ({ name, files: files.map((f) => path.join(dir, f)) })),
    };
  const composeFiles = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  return { dir, environments: composeFiles.map((f) => ({ name: f, files: [path.join(dir, f)] })) };
}

for (const transform of transforms) {
  const fixDir = path.join(root, 'fixtures', transform.meta.name);
  if (!existsSync(fixDir)) continue;
  describe(`fix ${transform.meta.name}`, () => {
    for (const c of readdirSync(fixDir).sort()) {
      const caseDir = path.join(fixDir, c);
      if (!statSync(caseDir).isDirectory()) continue;
      it(c, async () => {
        const argsPath = path.join(caseDir, 'args.json');
        const args: CaseArgs = existsSync(argsPath) ? JSON.parse(readFileSync(argsPath, 'utf8')) : {};
        const work = mkdtempSync(path.join(tmpdir(), `cm-${transform.meta.name}-`));
        cpSync(path.join(caseDir, 'input'), work, { recursive: true });
        const first = await runFixes(targetFor(work, args), [transform], args.options ?? {}, args.settings);
        await writeChanges(first.changes);
        const expectedDir = path.join(caseDir, 'expected');
        const expectedFiles = listFiles(expectedDir);
        expect(listFiles(work)).toEqual(expectedFiles);
        for (const f of expectedFiles)
          expect(readFileSync(path.join(work, f), 'utf8'), f).toBe(readFileSync(path.join(expectedDir, f), 'utf8'));
        for (const w of args.warnings ?? [])
          expect(first.warnings.map((x) => x.message).join('\n')).toContain(w);
        for (const i of args.info ?? []) expect(first.infos.map((x) => x.message).join('\n')).toContain(i);
        for (const n of args.notes ?? []) expect(first.notes.map((x) => x.message).join('\n')).toContain(n);
        const second = await runFixes(targetFor(work, args), [transform], args.options ?? {}, args.settings);
        expect(second.changes, 'a second run changes nothing').toEqual([]);
      });
    }
  });
}
