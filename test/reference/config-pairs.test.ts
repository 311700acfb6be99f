/**
 * `composemod config` against `docker compose config` (2.40.3) on every environment of every
 * pair of ../shared/corpus/pairs (the environments extract sees: its detection, else each
 * compose file alone), in a temp copy, 4 modes. Byte-identical or both rejecting is required.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { detectProject } from '../../src/core/discover.js';
import { dockerCompose, referenceSkipMessage } from '../helpers/reference.js';
import { corpusPairs, sharedPresent, sharedSkipMessage } from '../helpers/shared.js';
import { MODES, agrees, caseDir, compare, pool, readTree, report, type Comparison, type ConfigCase } from './config-helpers.js';

if (!dockerCompose) console.log(referenceSkipMessage);
if (!sharedPresent) console.log(sharedSkipMessage);
const enabled = Boolean(dockerCompose && sharedPresent);
const pairs = enabled ? readdirSync(corpusPairs).filter((d) => statSync(path.join(corpusPairs, d)).isDirectory()).sort() : [];

/** The environments of a pair: extract's detection, else every compose file on its own. */
export async function pairEnvironments(dir: string): Promise<{ name: string; files: string[] }[]> {
  try {
    const d = await detectProject(dir);
    if (d.kind === 'per-env' || d.kind === 'base+override') return d.environments.map((e) => ({ name: e.name, files: e.files.map((f) => path.relative(dir, path.resolve(dir, f))) }));
  } catch {
    // flattened or ambiguous names
  }
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ name: f, files: [f] }));
}

describe.skipIf(!enabled)('config = docker compose config over every environment of corpus/pairs', () => {
  const results = new Map<string, Comparison[]>();
  beforeAll(async () => {
    const cases: ConfigCase[] = [];
    for (const pair of pairs) {
      const dir = caseDir(pair, readTree(path.join(corpusPairs, pair)));
      for (const env of await pairEnvironments(dir)) cases.push({ id: `${pair} ${env.name} (${env.files.join(' + ')})`, dir, files: env.files });
    }
    const all = await pool(
      cases.flatMap((c) => MODES.map((mode) => ({ c, mode }))),
      4,
      ({ c, mode }) => compare(c, mode),
    );
    for (const r of all) {
      const pair = r.id.split(' ')[0];
      results.set(pair, [...(results.get(pair) ?? []), r]);
    }
  }, 1_800_000);

  afterAll(() => {
    const all = [...results.values()].flat();
    if (all.length) console.log(report('config vs docker compose 2.40.3, corpus/pairs environments', all));
  });

  it.each(pairs)('%s', (pair) => {
    const rs = results.get(pair) ?? [];
    expect(rs.length).toBeGreaterThan(0);
    for (const r of rs) expect(agrees(r), `${r.id} ${r.mode}: ${r.outcome} ${r.detail}`).toBe(true);
  });
});
