/**
 * extract over every pair of ../shared/corpus/pairs: each pair either extracts (then every
 * environment's config is unchanged, no comment is lost, and extract on the result has nothing
 * to do) or is refused / left alone with a reason. Skips when ../shared is absent.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { existsSync, readdirSync, readFileSync, mkdtempSync, cpSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSource, type ComposeSource } from '../src/core/source.js';
import { toComposeModel, resolveExtendsFile } from '../src/core/project.js';
import { configModel } from '../src/core/merge/index.js';
import { deepEqual } from '../src/core/merge/values.js';
import { writeChanges } from '../src/core/save.js';
import { detectProject, type Environment, type Family } from '../src/core/discover.js';
import { extract, type ExtractResult } from '../src/extract/extract.js';
import { comments } from '../src/extract/text.js';

const pairsDir = fileURLToPath(new URL('../../shared/corpus/pairs', import.meta.url));
const present = existsSync(pairsDir);
if (!present) console.log(`extract corpus: ${pairsDir} not found, skipping`);

interface Row {
  pair: string;
  status: string;
  reason?: string;
  before: number;
  after: number;
  markers?: number;
}

async function environmentsOf(dir: string): Promise<{ envs: Environment[]; family: Family; ext: '.yml' | '.yaml'; how: string }> {
  try {
    const d = await detectProject(dir);
    if (d.kind === 'per-env' || d.kind === 'base+override')
      return { envs: d.environments, family: d.family, ext: d.ext, how: d.kind };
  } catch {
    // flattened or ambiguous names: every compose file is its own environment
  }
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const envs = files.map((f) => ({ name: f.replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9_.-]/g, '_'), files: [path.join(dir, f)] }));
  const family: Family = files.some((f) => f.includes('docker-compose')) ? 'docker-compose' : 'compose';
  const ext = files.filter((f) => f.endsWith('.yaml')).length > files.length / 2 ? '.yaml' : '.yml';
  return { envs, family, ext, how: 'explicit' };
}

async function run(dir: string, envs: Environment[], family: Family, ext: '.yml' | '.yaml', allowReset = false): Promise<ExtractResult> {
  const sources = new Map<string, ComposeSource>();
  for (const e of envs) for (const f of e.files) if (!sources.has(f)) sources.set(f, await loadSource(f));
  return extract({ dir, environments: envs, sources, family, ext, exists: existsSync, resolveExtendsFile, allowReset });
}

async function config(files: string[]): Promise<unknown> {
  const loaded = [];
  for (const f of files) loaded.push({ path: f, model: toComposeModel(await loadSource(f)) });
  return configModel(loaded, { resolveExtendsFile });
}

for (const allowReset of [false, true])
describe.skipIf(!present)(`extract over the corpus pairs${allowReset ? ' (--allow-reset)' : ''}`, () => {
  const rows: Row[] = [];
  const pairs = present ? readdirSync(pairsDir).filter((d) => statSync(path.join(pairsDir, d)).isDirectory()).sort() : [];
  for (const pair of pairs) {
    it(pair, async () => {
      const work = mkdtempSync(path.join(tmpdir(), 'cm-extract-corpus-'));
      cpSync(path.join(pairsDir, pair), work, { recursive: true });
      const { envs, family, ext, how } = await environmentsOf(work);
      if (how === 'base+override') {
        rows.push({ pair, status: 'left alone (base+override)', before: 0, after: 0 });
        return;
      }
      let result: ExtractResult;
      try {
        result = await run(work, envs, family, ext, allowReset);
      } catch (e) {
        rows.push({ pair, status: 'error', reason: (e as Error).message, before: 0, after: 0 });
        // an input the loader rejects is a clear error, never a crash
        expect((e as Error).name).toBe('ComposemodError');
        return;
      }
      rows.push({
        pair,
        status: result.status,
        reason: result.reason,
        before: result.linesBefore,
        after: result.linesAfter,
        markers: result.environments.reduce((n, e) => n + e.markers.length, 0),
      });
      if (result.status !== 'extracted') {
        expect(result.reason).toBeTruthy();
        return;
      }
      const beforeConfigs = [];
      for (const e of envs) beforeConfigs.push(await config(e.files));
      const inputComments = envs.flatMap((e) => e.files.flatMap((f) => comments(readFileSync(f, 'utf8')).map((c) => c.text)));
      await writeChanges(result.changes);
      // equivalence, read back from disk
      for (let i = 0; i < envs.length; i++) {
        expect(deepEqual(await config(result.environments[i].after), beforeConfigs[i]), `${envs[i].name}`).toBe(true);
      }
      // comment retention
      const outText = result.changes.filter((c) => c.after !== null).map((c) => c.after!).join('\n');
      const outComments = new Set(comments(outText).map((c) => c.text));
      for (const c of inputComments) expect(outComments.has(c), `comment "${c}"`).toBe(true);
      // idempotence
      const again = await run(
        work,
        result.environments.map((e) => ({ name: e.name, files: e.after })),
        family,
        ext,
        allowReset,
      );
      expect(again.status).toBe('nothing-to-do');
    });
  }
  afterAll(() => {
    if (!rows.length) return;
    const extracted = rows.filter((r) => r.status === 'extracted');
    const before = extracted.reduce((n, r) => n + r.before, 0);
    const after = extracted.reduce((n, r) => n + r.after, 0);
    const lines = rows.map(
      (r) =>
        `  ${r.pair}: ${r.status}${r.reason ? ` (${r.reason})` : ''}${r.status === 'extracted' ? ` ${r.before} -> ${r.after} lines` : ''}${r.markers ? `, ${r.markers} !reset/!override` : ''}`,
    );
    console.log(
      `extract corpus${allowReset ? ' (--allow-reset)' : ''}: ${extracted.length} extracted, ${rows.filter((r) => r.status === 'refused').length} refused, ` +
        `${rows.length - extracted.length - rows.filter((r) => r.status === 'refused').length} other; lines ${before} -> ${after} (${before - after} removed)\n${lines.join('\n')}`,
    );
  });
});
