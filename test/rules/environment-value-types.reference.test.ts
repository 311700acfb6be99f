/**
 * environment-value-types against the real tools: for values YAML reads as numbers and
 * booleans, Docker Compose and podman-compose pass different strings before the fix (the test
 * would fail without the fix); after it, Docker Compose passes exactly what it passed before,
 * and podman-compose (`--dry-run up -d`, the `-e` flags of `podman create`) passes the same.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import rule from '../../src/rules/environment-value-types.js';
import { fixProject } from '../../src/rules/engine.js';
import { writeChanges } from '../../src/core/save.js';
import { composeConfig, dockerCompose, podmanCompose, podmanComposeRun, referenceSkipMessage } from '../helpers/reference.js';

if (!dockerCompose || !podmanCompose) console.log(referenceSkipMessage);

const VALUES: Record<string, string> = {
  B_TRUE: 'true',
  B_FALSE: 'False',
  FLAG_YES: 'yes',
  FLAG_OFF: 'off',
  INT: '8080',
  FLOAT: '1.0',
  FLOAT2: '0.25',
  EXP: '1e3',
  HEX: '0x10',
  OCT: '0755',
  INF: '.inf',
  NEG_INF: '-.Inf',
  UNDERSCORE: '1_000',
  TEXT: 'plain',
};

async function dockerEnv(dir: string): Promise<Record<string, string>> {
  const r = await composeConfig({ cwd: dir, files: ['compose.yaml'], format: 'json' });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).services.app.environment;
}

async function podmanEnv(dir: string): Promise<Record<string, string>> {
  const r = await podmanComposeRun(['compose.yaml'], ['--verbose', 'up', '-d'], { cwd: dir, dryRun: true, projectName: 'evt' });
  const line = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => l.includes('podman create'));
  expect(line, `${r.stdout}\n${r.stderr}`).toBeDefined();
  const out: Record<string, string> = {};
  for (const m of line!.matchAll(/ -e ([A-Z_0-9]+)=(\S*)/g)) out[m[1]] = m[2];
  return out;
}

describe.skipIf(!dockerCompose || !podmanCompose)('environment-value-types: Docker Compose and podman-compose agree after the fix', () => {
  it('every value form', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-evt-'));
    const text = `services:\n  app:\n    image: alpine:3.20\n    environment:\n${Object.entries(VALUES).map(([k, v]) => `      ${k}: ${v}\n`).join('')}`;
    writeFileSync(path.join(dir, 'compose.yaml'), text);
    const dockerBefore = await dockerEnv(dir);
    const podmanBefore = await podmanEnv(dir);
    expect(podmanBefore, 'the tools disagree before the fix').not.toEqual(dockerBefore);

    const target = { dir, environments: [{ name: 'default', files: [path.join(dir, 'compose.yaml')] }] };
    const r = await fixProject(target, [rule], {});
    await writeChanges(r.changes);
    expect(r.changes.length).toBe(1);

    expect(await dockerEnv(dir), 'Docker Compose passes what it passed before').toEqual(dockerBefore);
    expect(await podmanEnv(dir), 'podman-compose now passes what Docker Compose passes').toEqual(dockerBefore);
  });
});
