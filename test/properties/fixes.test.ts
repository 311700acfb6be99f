/**
 * Property tests for the offline fixes on generated single-file projects (on disk, in a temp
 * directory): they never throw anything but a ComposemodError; the output re-parses and
 * validates; a second run changes nothing; the edits are minimal (every line the diff does not
 * remove is kept in order, a removed line is part of a replaced or a deleted entry); and
 * comments survive, except those attached to a deleted entry.
 */
import fc from 'fast-check';
import { diffLines } from 'diff';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ComposemodError } from '../../src/core/errors.js';
import { toComposeModel } from '../../src/core/project.js';
import { writeChanges } from '../../src/core/save.js';
import { parseSource } from '../../src/core/source.js';
import { loadRules } from '../../src/rules/index.js';
import { runFixes, type FixRun as FixResult, type FixTarget } from '../helpers/run-fixes.js';
import { commentLines, declareResources, isObj, modelArb, render, runs, styleArb, verbose, type Obj } from './arbitraries.js';

const offline = (await loadRules()).filter((t) => !t.meta.network && t.meta.fixable);

/**
 * Projects for the fixes: often flat (no service networks, for network-split) and with fewer
 * mounts (so add-volumes has stateful images to fix).
 */
const projectArb = fc.record({ model: modelArb, flat: fc.boolean(), noMounts: fc.boolean() }).map(({ model, flat, noMounts }) => {
  const m = structuredClone(model);
  for (const svc of Object.values(m.services as Record<string, Obj>)) {
    if (!isObj(svc)) continue;
    if (flat) delete svc.networks;
    if (noMounts) delete svc.volumes;
  }
  return declareResources(m);
});
const root = mkdtempSync(path.join(tmpdir(), 'cm-prop-fixes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let caseNo = 0;

async function tryFixes(target: FixTarget): Promise<FixResult | ComposemodError> {
  try {
    return await runFixes(target, offline, {});
  } catch (e) {
    if (e instanceof ComposemodError) return e;
    throw e;
  }
}

interface Hunk {
  removed: string[];
  added: string[];
}

/** The diff as hunks of removed/added lines (between unchanged runs), checking it reassembles. */
function hunks(before: string, after: string): Hunk[] {
  const parts = diffLines(before, after);
  expect(parts.filter((p) => !p.added).map((p) => p.value).join('')).toBe(before);
  expect(parts.filter((p) => !p.removed).map((p) => p.value).join('')).toBe(after);
  const out: Hunk[] = [];
  let cur: Hunk | null = null;
  for (const p of parts) {
    if (!p.added && !p.removed) {
      cur = null;
      continue;
    }
    if (!cur) out.push((cur = { removed: [], added: [] }));
    const lines = p.value.split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    (p.removed ? cur.removed : cur.added).push(...lines);
  }
  return out;
}

const isComment = (l: string) => /^\s*#/.test(l);
const isBlank = (l: string) => /^\s*$/.test(l);
const keyOf = (l: string) => /^\s*(?:- )?([^\s:#]+):/.exec(l)?.[1];

describe('fix properties', () => {
  it('offline fixes on a single file: valid output, idempotent, minimal edits, comments kept', async () => {
    const stats = { changed: 0, unchanged: 0, errors: new Map<string, number>(), notes: new Map<string, number>() };
    await fc.assert(
      fc.asyncProperty(projectArb, styleArb, async (model, style) => {
        const dir = path.join(root, String(caseNo++));
        const file = path.join(dir, 'docker-compose.yml');
        mkdirSync(dir);
        const before = render(model, style, 'f');
        writeFileSync(file, before);
        const target: FixTarget = { dir, environments: [{ name: 'default', files: [file] }] };
        const result = await tryFixes(target);
        // anything but a ComposemodError fails the property right here (tryFixes rethrows it);
        // the generated files are valid, so a ComposemodError would be a fix that cannot handle one
        if (result instanceof ComposemodError) {
          stats.errors.set(result.message, (stats.errors.get(result.message) ?? 0) + 1);
          throw result;
        }
        for (const n of result.notes) stats.notes.set(n.rule, (stats.notes.get(n.rule) ?? 0) + 1);
        const change = result.changes.find((c) => c.path === file);
        if (!change) {
          stats.unchanged++;
          expect(result.changes.filter((c) => c.before !== null && /\.ya?ml$/.test(c.path))).toEqual([]);
        } else {
          stats.changed++;
          const after = change.after!;
          expect(change.before).toBe(before);
          // the output re-parses and validates (toComposeModel checks the schema)
          expect(() => toComposeModel(parseSource(after, file)), after).not.toThrow();
          // BOM and line endings kept
          expect(after.startsWith('\uFEFF')).toBe(before.startsWith('\uFEFF'));
          if (style.format.eol === '\r\n') expect(after.replace(/\r\n/g, '')).not.toContain('\n');
          else expect(after).not.toContain('\r');

          // minimal edits: `hunks` checks that the lines the diff does not remove are kept, in
          // order; a removed line is replaced within its hunk, or belongs to a deleted entry
          // (only container-name-replicas and obsolete-version delete: container_name and the
          // top-level version, each with its attached comments)
          const deletable = new Set(['container_name', 'version']);
          // (the BOM is compared above: here it would glue itself to the first line's key)
          const noBom = (t: string): string => t.replace(/^\uFEFF/, '');
          for (const h of hunks(noBom(before), noBom(after))) {
            const replaced = h.added.some((l) => !isBlank(l) && !isComment(l));
            if (replaced) continue;
            const entries = h.removed.filter((l) => !isBlank(l) && !isComment(l));
            expect(entries.length, `pure deletion without an entry:\n${h.removed.join('\n')}`).toBeGreaterThan(0);
            expect(deletable.has(keyOf(entries[0]) ?? ''), `deleted:\n${h.removed.join('\n')}\n--- in\n${after}`).toBe(true);
          }
          // comments survive, except those removed with a deleted container_name or version
          const lost = new Set<string>();
          for (const h of hunks(noBom(before), noBom(after)))
            if (h.removed.some((l) => deletable.has(keyOf(l) ?? ''))) for (const c of commentLines(h.removed.join('\n'))) lost.add(c);
          const have = new Set(commentLines(after));
          for (const c of commentLines(before)) if (!lost.has(c)) expect(have.has(c), `comment "# ${c}" lost:\n${after}`).toBe(true);
        }

        // a second run on the result changes nothing
        await writeChanges(result.changes);
        const again = await tryFixes(target);
        if (again instanceof ComposemodError) throw again;
        expect(again.changes.map((c) => `${c.path}:\n${c.after}`)).toEqual([]);
      }),
      runs(80),
    );
    if (verbose) console.log({ ...stats, errors: [...stats.errors], notes: [...stats.notes] });
    expect(stats.changed).toBeGreaterThan(20);
  });
});
