/** The README's rules table is the registry's (scripts/rules-table.mjs writes it). */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listRules } from '../src/api.js';
import { projectRoot } from './helpers/shared.js';
// @ts-expect-error a plain .mjs helper shared with the script
import { rulesTable, spliceRulesTable } from '../scripts/rules-table-lib.mjs';

describe('README rules table', () => {
  it('lists every rule of the registry, as `node scripts/rules-table.mjs` writes it', async () => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const metas = await listRules();
    const fresh = (spliceRulesTable as (r: string, t: string) => string)(readme, (rulesTable as (m: unknown[]) => string)(metas));
    expect(readme, 'README.md is stale: run `npm run build && node scripts/rules-table.mjs`').toBe(fresh);
    for (const m of metas) expect(readme).toContain(`[\`${m.id}\`](${m.docs})`);
  });
});
