/**
 * `composemod config` against `docker compose config` (2.40.3) on every file of
 * ../shared/corpus/single: YAML and JSON, interpolated and `--no-interpolate`, each file in a
 * temp copy (absolute paths agree), project name `cmref`, a clean environment. The real tool's
 * outputs are cached next to it by content (config-helpers.ts), so a second run takes seconds. Byte-identical
 * output is required; both tools rejecting a file counts as agreement (both messages are in the
 * report). Skips with a message when the tools or ../shared are absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dockerCompose, referenceSkipMessage } from '../helpers/reference.js';
import { corpusSingle, sharedPresent, sharedSkipMessage } from '../helpers/shared.js';
import { agrees, caseDir, compareAll, report, withEmptyEnvFiles, type Comparison, type ConfigCase } from './config-helpers.js';

if (!dockerCompose) console.log(referenceSkipMessage);
if (!sharedPresent) console.log(sharedSkipMessage);
const enabled = Boolean(dockerCompose && sharedPresent);
const names = enabled ? readdirSync(corpusSingle).filter((f) => /\.ya?ml$/.test(f)).sort() : [];

describe.skipIf(!enabled)('config = docker compose config over corpus/single', () => {
  const results = new Map<string, Comparison[]>();
  beforeAll(async () => {
    const cases: ConfigCase[] = names.map((name) => ({ id: name, dir: caseDir(name, { [name]: readFileSync(path.join(corpusSingle, name)) }), files: [name] }));
    for (const [id, rs] of await compareAll(cases)) results.set(id, rs);
    const extra = await withEmptyEnvFiles(cases, results, (c) => ({ [c.files[0]]: readFileSync(path.join(corpusSingle, c.files[0])) }));
    for (const [id, rs] of extra) results.set(id, [...(results.get(id) ?? []), ...rs]);
  }, 1_800_000);

  afterAll(() => {
    const all = [...results.values()].flat();
    if (all.length) console.log(report('config vs docker compose 2.40.3, corpus/single', all));
  });

  it.each(names)('%s', (name) => {
    for (const r of results.get(name) ?? []) {
      expect(agrees(r), `${r.mode}: ${r.outcome} ${r.detail}`).toBe(true);
    }
  });
});
