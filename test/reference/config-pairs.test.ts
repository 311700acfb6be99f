/**
 * `composemod config` against `docker compose config` (2.40.3) on every environment of every
 * pair of ../shared/corpus/pairs (the environments extract sees: its detection, else each
 * compose file alone), in a temp copy, 4 modes. Byte-identical or both rejecting is required.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { dockerCompose, referenceSkipMessage } from '../helpers/reference.js';
import { corpusPairs, sharedPresent, sharedSkipMessage } from '../helpers/shared.js';
import { agrees, caseDir, compareAll, environments, readTree, report, withEmptyEnvFiles, type Comparison, type ConfigCase } from './config-helpers.js';

if (!dockerCompose) console.log(referenceSkipMessage);
if (!sharedPresent) console.log(sharedSkipMessage);
const enabled = Boolean(dockerCompose && sharedPresent);
const pairs = enabled ? readdirSync(corpusPairs).filter((d) => statSync(path.join(corpusPairs, d)).isDirectory()).sort() : [];

describe.skipIf(!enabled)('config = docker compose config over every environment of corpus/pairs', () => {
  const results = new Map<string, Comparison[]>();
  beforeAll(async () => {
    const cases: ConfigCase[] = [];
    for (const pair of pairs) {
      const dir = caseDir(pair, readTree(path.join(corpusPairs, pair)));
      for (const env of await environments(dir)) cases.push({ id: `${pair} ${env.name} (${env.files.join(' + ')})`, dir, files: env.files });
    }
    for (const [pair, rs] of await compareAll(cases)) results.set(pair, rs);
    // most interpolated rejections are env files the pairs do not ship: again with them empty
    const extra = await withEmptyEnvFiles(cases, results, (c) => readTree(path.join(corpusPairs, c.id.split(' ')[0])));
    for (const [pair, rs] of extra) results.set(pair, [...(results.get(pair) ?? []), ...rs]);
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
