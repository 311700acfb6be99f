/**
 * `composemod config` against `docker compose config` (2.40.3) on every environment of every
 * extract fixture and every fix fixture, before (input/) and after (expected/): 4 modes,
 * byte-identical or both rejecting. Environments come from the case's args.json (`env`), else
 * extract's detection, else each compose file alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { dockerCompose, referenceSkipMessage } from '../helpers/reference.js';
import { projectRoot } from '../helpers/shared.js';
import { agrees, caseDir, compareAll, environments, readTree, report, type Comparison, type ConfigCase } from './config-helpers.js';

if (!dockerCompose) console.log(referenceSkipMessage);

const fixtures = path.join(projectRoot, 'fixtures');
const kinds = readdirSync(fixtures).filter((k) => !['edit', 'demo'].includes(k) && statSync(path.join(fixtures, k)).isDirectory());
const cases = kinds.flatMap((k) =>
  readdirSync(path.join(fixtures, k))
    .filter((c) => existsSync(path.join(fixtures, k, c, 'input')))
    .map((c) => `${k}/${c}`),
);

describe.skipIf(!dockerCompose)('config = docker compose config over the extract and fix fixtures', () => {
  const results = new Map<string, Comparison[]>();
  beforeAll(async () => {
    const configCases: ConfigCase[] = [];
    for (const id of cases) {
      const dir = path.join(fixtures, id);
      const args = existsSync(path.join(dir, 'args.json')) ? (JSON.parse(readFileSync(path.join(dir, 'args.json'), 'utf8')) as { env?: Record<string, string[]> }) : {};
      for (const side of ['input', 'expected']) {
        if (!existsSync(path.join(dir, side))) continue;
        const copy = caseDir(`${id}-${side}`, readTree(path.join(dir, side)));
        for (const env of await environments(copy, side === 'input' ? args.env : undefined)) {
          configCases.push({ id: `${id} ${side} ${env.name} (${env.files.join(' + ')})`, dir: copy, files: env.files });
        }
      }
    }
    for (const [id, rs] of await compareAll(configCases)) results.set(id, rs);
  }, 1_800_000);

  afterAll(() => {
    const all = [...results.values()].flat();
    if (all.length) console.log(report('config vs docker compose 2.40.3, extract and fix fixtures (input and expected)', all));
  });

  it.each(cases)('%s', (id) => {
    for (const r of results.get(id) ?? []) expect(agrees(r), `${r.id} ${r.mode}: ${r.outcome} ${r.detail}`).toBe(true);
  });
});
