/**
 * Shared driver for the per-fix corpus tests: every file of ../shared/corpus/single is fixed
 * on its own.
 * - Input the project loader rejects (invalid YAML or schema) is counted, not a failure.
 * - Any error thrown by the fix itself is a failure (including the Editor's own
 *   "internal: edit produced an unexpected document" check).
 * - The output must re-parse, validate against the compose schema, and a second run must
 *   change nothing.
 * - No registered secret value (10+ characters; shorter ones are words our messages use too,
 *   test/transforms/secrets.test.ts checks distinctive values exactly) is in a note or warning.
 */
import { existsSync, readdirSync, mkdtempSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFixes, type FixTarget } from '../helpers/run-fixes.js';
import type { Rule as Transform } from '../../src/rules/types.js';
import { writeChanges } from '../../src/core/save.js';
import { parseSource } from '../../src/core/source.js';
import { toModel } from '../../src/core/model.js';
import { schemaIssues } from '../../src/core/schema.js';
import { isComposemodError } from '../../src/core/errors.js';

/** A fix that does nothing: running it makes the runner load, validate and merge the input. */
const loadOnly: Transform = {
  meta: { id: 'load-only', description: '', rationale: '', severity: 'note', fixable: false, options: [], docs: '' },
  check() {},
};

export const corpusDir = fileURLToPath(new URL('../../../shared/corpus/single', import.meta.url));
export const corpusPresent = existsSync(corpusDir);

export interface CorpusCounts {
  files: number;
  invalidInput: number;
  changed: number;
  unchanged: number;
  notes: number;
  warnings: number;
}

export async function runOverCorpus(
  fix: Transform,
  options: Record<string, unknown> = {},
): Promise<{ counts: CorpusCounts; failures: string[]; changedFiles: string[] }> {
  const counts: CorpusCounts = { files: 0, invalidInput: 0, changed: 0, unchanged: 0, notes: 0, warnings: 0 };
  const failures: string[] = [];
  const changedFiles: string[] = [];
  for (const name of readdirSync(corpusDir).sort()) {
    if (!/\.ya?ml$/i.test(name)) continue;
    counts.files++;
    const dir = mkdtempSync(path.join(tmpdir(), `cm-corpus-${fix.meta.id}-`));
    const file = path.join(dir, 'compose.yaml');
    copyFileSync(path.join(corpusDir, name), file);
    const target: FixTarget = { dir, environments: [{ name: 'default', files: [file] }] };
    try {
      try {
        await runFixes(target, [loadOnly], options); // loads, validates and merges the input only
      } catch (e) {
        if (isComposemodError(e)) {
          counts.invalidInput++;
          continue;
        }
        throw e;
      }
      let result;
      try {
        result = await runFixes(target, [fix], options);
      } catch (e) {
        failures.push(`${name}: ${fix.meta.id} threw: ${isComposemodError(e) ? e.format() : (e as Error).stack}`);
        continue;
      }
      counts.notes += result.notes.length;
      counts.warnings += result.warnings.length;
      const report = JSON.stringify({ notes: result.notes, warnings: result.warnings });
      for (const m of result.masks)
        if (m.length >= 10 && report.includes(m)) failures.push(`${name}: a masked value appears in notes/warnings`);
      if (!result.changes.length) {
        counts.unchanged++;
        continue;
      }
      counts.changed++;
      changedFiles.push(name);
      await writeChanges(result.changes);
      const text = readFileSync(file, 'utf8');
      try {
        const model = toModel(parseSource(text, file), file);
        const issues = schemaIssues(model);
        if (issues.length) failures.push(`${name}: output does not validate: ${issues[0].message}`);
      } catch (e) {
        failures.push(`${name}: output does not re-parse: ${(e as Error).message}`);
      }
      try {
        const second = await runFixes(target, [fix], options);
        if (second.changes.length) failures.push(`${name}: a second run changed the file again`);
      } catch (e) {
        failures.push(`${name}: second run threw: ${(e as Error).message}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { counts, failures, changedFiles };
}
