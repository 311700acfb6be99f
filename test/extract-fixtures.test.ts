/**
 * Fixture cases for `composemod extract`: fixtures/extract/<case>/
 *   input/      the project before
 *   expected/   the project after, every file byte for byte; a file of input/ missing from
 *               expected/ must have been deleted
 *   args.json   optional: { "env": { "NAME": ["file", ...] }, "options": { ... },
 *               "exitCode": 0, "stdout": ["substring"], "stderr": ["substring"] }
 * Every case that writes is run a second time on its own output and must find nothing to do.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, existsSync, statSync, mkdtempSync, cpSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { extractCommand, type ExtractOptions } from '../src/cli/commands/extract.js';
import { runCommand } from './helpers/cli.js';
import { dockerCompose, referenceSkipMessage } from './helpers/reference.js';
import { compareWith, snapshots, stubEnvFiles, type Snapshot } from './helpers/extract-referee.js';

if (!dockerCompose) console.log(`extract fixtures: ${referenceSkipMessage}`);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixDir = path.join(root, 'fixtures', 'extract');

interface CaseArgs {
  env?: Record<string, string[]>;
  options?: Partial<ExtractOptions>;
  exitCode?: number;
  stdout?: string[];
  stderr?: string[];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => statSync(path.join(dir, n)).isFile())
    .sort();
}

const runExtract = (cwd: string, opts: ExtractOptions) => runCommand(cwd, (io) => extractCommand(io, opts));

describe('extract fixtures', () => {
  for (const c of existsSync(fixDir) ? readdirSync(fixDir).sort() : []) {
    const caseDir = path.join(fixDir, c);
    if (!statSync(caseDir).isDirectory()) continue;
    it(c, async () => {
      const argsPath = path.join(caseDir, 'args.json');
      const args: CaseArgs = existsSync(argsPath) ? JSON.parse(readFileSync(argsPath, 'utf8')) : {};
      const work = mkdtempSync(path.join(tmpdir(), 'cm-extract-'));
      cpSync(path.join(caseDir, 'input'), work, { recursive: true });
      const env = args.env ? Object.entries(args.env).map(([n, f]) => `${n}=${f.join(',')}`) : undefined;
      const opts: ExtractOptions = { ...(args.options ?? {}), env };
      // the referee: the environments' configs as Docker Compose prints them, before
      let lists: { name: string; before: string[]; after: string[] }[] = [];
      let before: Snapshot[] = [];
      // the referee adds the (empty) env files some cases name: not the fixture's files
      let stubs = new Set<string>();
      const own = (f: string) => !stubs.has(path.join(work, f));
      const writes = (args.exitCode ?? 0) === 0 && !opts.dryRun && !opts.check;
      if (dockerCompose && writes) {
        const plan = await runExtract(work, { ...opts, dryRun: true, json: true });
        const report = JSON.parse(plan.stdout) as { status: string; environments: { name: string; before: string[]; after: string[] }[] };
        if (report.status === 'extracted') {
          lists = report.environments.map((e) => ({ ...e, before: e.before.map((f) => path.join(work, f)), after: e.after.map((f) => path.join(work, f)) }));
          stubs = new Set(stubEnvFiles(work, [...new Set(lists.flatMap((e) => e.before))]));
          before = await snapshots(work, lists.map((e) => ({ name: e.name, files: e.before })));
        }
      }
      const first = await runExtract(work, opts);
      expect(first.code, first.stderr + first.stdout).toBe(args.exitCode ?? 0);
      for (const s of args.stdout ?? []) expect(first.stdout).toContain(s);
      for (const s of args.stderr ?? []) expect(first.stderr).toContain(s);

      const expectedDir = path.join(caseDir, 'expected');
      if (lists.length) {
        const problems = await compareWith(work, before, lists.map((e) => ({ name: e.name, files: e.after })));
        expect(problems, problems.join('\n')).toEqual([]);
      }
      expect(listFiles(work).filter(own)).toEqual(listFiles(expectedDir));
      for (const f of listFiles(expectedDir)) {
        expect(readFileSync(path.join(work, f), 'utf8'), f).toBe(readFileSync(path.join(expectedDir, f), 'utf8'));
      }
      if ((args.exitCode ?? 0) !== 0 || opts.dryRun || opts.check) return;
      // idempotence: the result is a base+override layout with nothing left to extract
      const again = await runExtract(work, { ...(args.options ?? {}), env: undefined, layout: undefined, base: undefined });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('nothing to do');
      expect(listFiles(work).filter(own)).toEqual(listFiles(expectedDir));
    });
  }
});
