#!/usr/bin/env node
// Builds only when the build is out of date, so `npm run demo` and `npm run bench` right after
// `npm ci` (whose prepare step built already) do not run tsc again.
//
//   node scripts/built.mjs           run `npm run build` unless dist/ is newer than every input
//   node scripts/built.mjs --stamp   record a finished build (the last step of `npm run build`)
//
// Inputs: src/**, the tsconfig files, package.json, the schema and its generator. The stamp is
// dist/.build-stamp, written only after a build that succeeded.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');

if (process.argv.includes('--stamp')) {
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  process.exit(0);
}

function newest(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((n) => newest(path.join(p, n))));
}

const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'schema/compose-spec.json', 'schema/composemod-config.schema.json', 'scripts/build-schema.mjs'];
const validator = path.join(root, 'schema', 'compose-spec.validate.cjs');
const current =
  existsSync(stamp) &&
  existsSync(validator) &&
  statSync(stamp).mtimeMs >= Math.max(...inputs.map((i) => path.join(root, i)).filter(existsSync).map(newest));
if (!current) {
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
