/**
 * `composemod check` over every project of ../shared/corpus (each file of single/ on its own,
 * each directory of pairs/ with its environments): no crash (bad input is a ComposemodError
 * naming its file, counted), every finding of a rule composemod has, located in a file of the
 * project with a line when it has a file. Prints the findings per rule id and the time per
 * project. Then the SARIF of `check` over every loadable single file passes Microsoft's
 * validator (when installed).
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRules } from '../../src/rules/index.js';
import { checkProject } from '../../src/rules/engine.js';
import { isComposemodError } from '../../src/core/errors.js';
import { sharedPresent, sharedSkipMessage, corpusSingle } from '../helpers/shared.js';
import { corpusProjects } from '../helpers/fix-projects.js';
import { sarifValidator, sarifSkipMessage, validateSarif } from '../helpers/sarif.js';
import { cli } from '../helpers/cli.js';

if (!sharedPresent) console.log(sharedSkipMessage);

describe.skipIf(!sharedPresent)('check over the corpus', () => {
  const loadable: string[] = [];

  it('no crash; findings per rule; time per project', async () => {
    const rules = (await loadRules()).filter((r) => !r.meta.network);
    const ids = new Set((await loadRules()).flatMap((r) => [r.meta.id, ...Object.keys(r.meta.kinds ?? {}).map((k) => `${r.meta.id}/${k}`)]));
    const perRule: Record<string, number> = {};
    const failures: string[] = [];
    let projects = 0;
    let invalid = 0;
    let files = 0;
    let ms = 0;
    let slowest = { name: '', ms: 0 };
    for (const p of corpusProjects()) {
      const target = await p.copy();
      try {
        projects++;
        const start = performance.now();
        let result;
        try {
          result = await checkProject(target, rules, { knownRules: [...ids] });
        } catch (e) {
          if (isComposemodError(e) && !e.message.startsWith('internal') && e.file) {
            invalid++;
            continue;
          }
          failures.push(`${p.name}: crashed: ${(e as Error).stack}`);
          continue;
        }
        const took = performance.now() - start;
        ms += took;
        const projectFiles = new Set(target.environments.flatMap((e) => e.files));
        files += projectFiles.size;
        if (took > slowest.ms) slowest = { name: p.name, ms: took };
        if (p.name.startsWith('single/')) loadable.push(p.name.slice('single/'.length));
        for (const f of result.findings) {
          perRule[f.id] = (perRule[f.id] ?? 0) + 1;
          if (!ids.has(f.id)) failures.push(`${p.name}: a finding of an unknown id ${f.id}`);
          if (f.file !== undefined && !projectFiles.has(f.file) && !f.file.startsWith(target.dir))
            failures.push(`${p.name}: ${f.id} located outside the project: ${f.file}`);
          if (f.file !== undefined && projectFiles.has(f.file) && !(f.line && f.line >= 1)) failures.push(`${p.name}: ${f.id} in ${f.file} has no line`);
        }
      } finally {
        rmSync(target.dir, { recursive: true, force: true });
      }
    }
    const total = Object.values(perRule).reduce((a, b) => a + b, 0);
    console.log(
      `check over the corpus: ${projects} projects (${invalid} invalid input), ${files} files checked, ${total} findings; ` +
        `${(ms / Math.max(1, files)).toFixed(1)} ms per file (slowest: ${slowest.name} ${slowest.ms.toFixed(0)} ms)\n` +
        Object.entries(perRule)
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .map(([id, n]) => `  ${String(n).padStart(5)}  ${id}`)
          .join('\n'),
    );
    expect(failures, failures.join('\n')).toEqual([]);
    expect(projects).toBeGreaterThan(200);
    expect(total).toBeGreaterThan(0);
  }, 600_000);

  it.skipIf(!sarifValidator)('the SARIF of check over every loadable single file passes the validator', async () => {
    expect(loadable.length).toBeGreaterThan(150);
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-check-corpus-sarif-'));
    try {
      for (const f of loadable) copyFileSync(path.join(corpusSingle, f), path.join(dir, f));
      const r = await cli(['check', '--format', 'sarif', '--output', 'corpus.sarif', ...loadable], { cwd: dir });
      expect(r.code, r.stderr).toBe(1);
      const results = await validateSarif(path.join(dir, 'corpus.sarif'));
      const errors = results.filter((x) => x.level === 'error');
      expect(errors, JSON.stringify(errors.slice(0, 5), null, 2)).toEqual([]);
      const log = JSON.parse(readFileSync(path.join(dir, 'corpus.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
      expect(log.runs[0].results.length).toBeGreaterThan(loadable.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

if (!sarifValidator) console.log(sarifSkipMessage);
