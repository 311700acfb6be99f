/**
 * Every merge rule test's input files (test/merge/rules.test.ts, recorded while those tests
 * run here) through `docker compose config` (2.40.3) and `composemod config`: with
 * `--no-interpolate` (the merged model; no consistency checks, which most rule inputs would
 * fail for lack of an image) and interpolated, YAML. Byte-identical or both rejecting.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { dockerCompose, referenceSkipMessage } from '../helpers/reference.js';
import { ruleInputs } from '../merge/rule-inputs.js';
import { agrees, caseDir, compare, pool, report, type Comparison } from './config-helpers.js';

if (!dockerCompose) console.log(referenceSkipMessage);

// registers the rule tests in this file: they run first and record their inputs
await import('../merge/rules.test.js');

describe.skipIf(!dockerCompose)('merge rule inputs through docker compose config', () => {
  const results: Comparison[] = [];
  afterAll(() => {
    if (results.length) console.log(report('merge rule test inputs vs docker compose 2.40.3', results));
  });
  it('every recorded rule input gives the same config (or both reject it)', async () => {
    expect(ruleInputs.length).toBeGreaterThan(50);
    const cases = ruleInputs.map((texts, i) => {
      const files = Object.fromEntries(texts.map((t, j) => [`f${j}.yml`, t]));
      return { id: `rule-input-${i}`, dir: caseDir(`rule-${i}`, files), files: Object.keys(files) };
    });
    const modes = ['yaml --no-interpolate', 'yaml'] as const;
    results.push(...(await pool(cases.flatMap((c) => modes.map((mode) => ({ c, mode }))), 4, ({ c, mode }) => compare(c, mode))));
    const bad = results.filter((r) => !agrees(r));
    expect(bad.map((r) => `${r.id} ${r.mode}: ${r.outcome} ${r.detail}\n${ruleInputs[Number(r.id.split('-').pop())].join('\n---\n')}`)).toEqual([]);
  }, 1_200_000);
});
