#!/usr/bin/env node
// Writes the table of every rule (from the built registry: `composemod list --json`) into
// README.md between <!-- rules:start --> and <!-- rules:end -->. `--check` exits 1 when the
// README's table is not the current one (test/readme-rules.test.ts checks the same).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { rulesTable, spliceRulesTable } = await import(path.join(root, 'scripts', 'rules-table-lib.mjs'));
const { listRules } = await import(path.join(root, 'dist', 'api.js'));
const readme = path.join(root, 'README.md');
const before = readFileSync(readme, 'utf8');
const after = spliceRulesTable(before, rulesTable(await listRules()));
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('README.md: the rules table is not current: run `node scripts/rules-table.mjs`');
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(readme, after);
  console.log('README.md: rules table updated');
}
