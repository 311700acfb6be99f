/**
 * Reference fixtures: fixtures/refs/<case>/
 *   input/            a repository around compose files (made a real git repository here)
 *   expected/         every file after `composemod extract`, byte for byte
 *   references.json   the `references` of extract's --json report
 *   args.json         optional: { "options": { …ExtractOptions }, "stdout": ["substring"] }
 * When extract's own output changes, `UPDATE_REF_FIXTURES=1 npx vitest run test/refs/fixtures.test.ts`
 * rewrites expected/ and references.json (then review `git diff fixtures/refs`).
 * For every updated reference, the new file list must give the same config as the old one
 * (composemod's merge engine, and Docker Compose itself when installed), and a second run must
 * find every reference up to date and change nothing.
 */
import { describe, it, expect } from 'vitest';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extractCommand, type ExtractOptions } from '../../src/cli/commands/extract.js';
import { configModel } from '../../src/core/merge/index.js';
import { loadComposeFile, resolveExtendsFile } from '../../src/core/project.js';
import { deepEqual } from '../../src/core/merge/values.js';
import { updateReferences } from '../../src/refs/index.js';
import { runCommand } from '../helpers/cli.js';
import { gitRepo, tree } from './repo.js';
import { projectRoot } from '../helpers/shared.js';
import { dockerCompose, runTool } from '../helpers/reference.js';

const fixDir = path.join(projectRoot, 'fixtures', 'refs');

interface RefJson {
  file: string;
  line: number;
  dir: string | null;
  environment: string | null;
  before: string[] | null;
  after: string[] | null;
  status: string;
  kind: string;
}

async function configOf(files: string[]): Promise<unknown> {
  const loaded = await Promise.all(files.map((f) => loadComposeFile(f)));
  return configModel(loaded.map((l) => ({ path: l.path, model: l.model })), { resolveExtendsFile });
}

/** The files a reference selects, absolute (implicit references select their environment's list). */
function filesOf(work: string, r: RefJson, list: string[] | null, envFiles: Map<string, string[]>, when: 'before' | 'after'): string[] {
  if (list && list.length) return list.map((v) => path.resolve(work, r.dir ?? '.', v));
  return envFiles.get(`${when}:${r.environment}`)!.map((f) => path.resolve(work, f));
}

describe('refs fixtures', () => {
  for (const c of existsSync(fixDir) ? readdirSync(fixDir).sort() : []) {
    const caseDir = path.join(fixDir, c);
    if (!statSync(caseDir).isDirectory()) continue;
    it(c, async () => {
      const argsPath = path.join(caseDir, 'args.json');
      const args: { options?: Partial<ExtractOptions>; stdout?: string[] } = existsSync(argsPath) ? JSON.parse(readFileSync(argsPath, 'utf8')) : {};
      const work = gitRepo(path.join(caseDir, 'input'));
      const opts: ExtractOptions = { ...(args.options ?? {}) };

      // what would change, and every updated reference's config before the change
      const dry = await runCommand(work, (io) => extractCommand(io, { ...opts, dryRun: true, json: true }));
      expect(dry.code, dry.stderr).toBe(0);
      const planned = JSON.parse(dry.stdout) as { references: RefJson[]; environments: { name: string; before: string[]; after: string[] }[] };
      const envFiles = new Map(planned.environments.flatMap((e) => [[`before:${e.name}`, e.before] as const, [`after:${e.name}`, e.after] as const]));
      const updated = planned.references.filter((r) => r.status === 'updated');
      // configs by file list (many references share one), with composemod and with Docker Compose
      const configs = new Map<string, { model: unknown; real?: string }>();
      const configFor = async (files: string[]) => {
        const key = files.join('\0');
        if (!configs.has(key)) {
          const real = dockerCompose ? await runTool(dockerCompose, ['-p', 'fx', ...files.flatMap((f) => ['-f', f]), 'config'], { cwd: work }) : undefined;
          if (real) expect(real.code, real.stderr).toBe(0);
          configs.set(key, { model: await configOf(files), real: real?.stdout });
        }
        return configs.get(key)!;
      };
      const before = [];
      for (const r of updated) before.push(await configFor(filesOf(work, r, r.before, envFiles, 'before')));
      configs.clear();

      const first = await runCommand(work, (io) => extractCommand(io, { ...opts, json: true }));
      expect(first.code, first.stderr).toBe(0);
      const report = JSON.parse(first.stdout) as { references: RefJson[] };
      const human = await runCommand(work, (io) => extractCommand(io, { ...opts, dryRun: true }));
      for (const s of args.stdout ?? []) expect(human.stdout + JSON.stringify(report)).toContain(s);

      // byte-exact files and report (UPDATE_REF_FIXTURES=1 rewrites them: review the diff)
      const expectedDir = path.join(caseDir, 'expected');
      if (process.env.UPDATE_REF_FIXTURES) {
        rmSync(expectedDir, { recursive: true, force: true });
        for (const f of tree(work)) {
          mkdirSync(path.dirname(path.join(expectedDir, f)), { recursive: true });
          cpSync(path.join(work, f), path.join(expectedDir, f));
        }
        writeFileSync(path.join(caseDir, 'references.json'), JSON.stringify(report.references, null, 2) + '\n');
      }
      expect(tree(work)).toEqual(tree(expectedDir));
      for (const f of tree(expectedDir)) expect(readFileSync(path.join(work, f), 'utf8'), f).toBe(readFileSync(path.join(expectedDir, f), 'utf8'));
      expect(JSON.stringify(report.references, null, 2) + '\n').toBe(readFileSync(path.join(caseDir, 'references.json'), 'utf8'));
      expect(report.references).toEqual(planned.references);

      // each updated reference's new list gives the config its old list gave
      for (const [i, r] of updated.entries()) {
        const now = await configFor(filesOf(work, r, r.after, envFiles, 'after'));
        expect(deepEqual(now.model, before[i].model), `${r.file}:${r.line} ${r.after?.join(' ')}`).toBe(true);
        expect(now.real, `${r.file}:${r.line} (docker compose config)`).toBe(before[i].real);
      }

      // idempotence: nothing left to extract, and every reference already names the new lists
      const again = await runCommand(work, (io) => extractCommand(io, { ...opts, env: undefined, layout: undefined, base: undefined }));
      expect(again.stdout, again.stderr).toContain('nothing to do');
      const envs = planned.environments.map((e) => ({ name: e.name, before: e.before.map((f) => path.resolve(work, f)), after: e.after.map((f) => path.resolve(work, f)) }));
      const rerun = await updateReferences({ projectDir: path.dirname(envs[0].after[0]), envs });
      expect(rerun.changes.filter((ch) => ch.before !== ch.after)).toEqual([]);
      expect(rerun.references.filter((r) => r.status === 'updated')).toEqual([]);
      expect(rerun.references.length).toBe(report.references.length);
    });
  }
});
