#!/usr/bin/env node
// One row of `npm run bench`: the secrets fix (with the runner's intent check) on a generated
// project of N services, in a fresh process so its peak RSS is its own.
//   node scripts/bench-fix-scale.mjs N   ->  one JSON line {services, wallMs, cpuMs, maxRssMiB, changes, notes}
// Two environments, `dev` = compose.yaml and `prod` = compose.yaml + compose.prod.yaml (which
// restarts every service), and an existing .env with N/2 entries. Every third service is a
// postgres with a literal password (-> *_FILE), the others an app with a `${TOKEN_i}` token
// (-> an environment secret) and a literal password shared by ten of them (-> .env + a file
// secret), so naming, collision checks, mounts, declarations and the intent check all scale.
// COMPOSEMOD_BENCH_ROOT=<checkout with dist/> measures another build (e.g. main's) the same way.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.COMPOSEMOD_BENCH_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.argv[2] ?? 1000);

const lines = ['services:'];
for (let i = 0; i < n; i++) {
  lines.push(`  svc${i}:`, `    image: ${i % 3 === 0 ? 'postgres:16' : 'example/app:1.0'}`, '    environment:');
  if (i % 3 === 0) lines.push(`      POSTGRES_PASSWORD: pw-${i}-secret`);
  else lines.push(`      API_TOKEN: \${TOKEN_${i}}`, `      DB_PASSWORD: shared-secret-${i % 10}`, '      LOG_LEVEL: info');
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'composemod-bench-scale-'));
const file = path.join(dir, 'compose.yaml');
const prod = path.join(dir, 'compose.prod.yaml');
writeFileSync(file, lines.join('\n') + '\n');
writeFileSync(prod, ['services:', ...Array.from({ length: n }, (_, i) => `  svc${i}:\n    restart: always`)].join('\n') + '\n');
writeFileSync(path.join(dir, '.env'), Array.from({ length: n / 2 }, (_, i) => `SETTING_${i}=value-${i}`).join('\n') + '\n');

const { fixProject } = await import(path.join(root, 'dist/rules/engine.js'));
const { default: secrets } = await import(path.join(root, 'dist/rules/secrets.js'));
const c0 = process.cpuUsage();
const t0 = performance.now();
const environments = [
  { name: 'dev', files: [file] },
  { name: 'prod', files: [file, prod] },
];
// the dev literals are moved too (--dev-secrets move), as every version of the fix did
const r = await fixProject({ dir, environments }, [secrets], { options: { devSecrets: 'move' } });
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(c0);
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    services: n,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    changes: r.changes.length,
    notes: r.notes.length,
  }),
);
