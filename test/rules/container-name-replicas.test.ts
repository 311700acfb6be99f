/** Multi-file situations of container-name-replicas not worth a fixture each. */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFixes } from '../helpers/run-fixes.js';
import containerNameReplicas from '../../src/rules/container-name-replicas.js';

async function run(files: Record<string, string>, envs: Record<string, string[]>, options: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-cnr-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const result = await runFixes(
    { dir, environments: Object.entries(envs).map(([name, list]) => ({ name, files: list.map((f) => path.join(dir, f)) })) },
    [containerNameReplicas],
    options,
  );
  const after: Record<string, string> = {};
  for (const c of result.changes) after[path.basename(c.path)] = c.after ?? '';
  return { after, warnings: result.warnings.map((w) => w.message), notes: result.notes };
}

const base = 'services:\n  web:\n    image: acme/web\n    container_name: acme-web\n';
const prod = 'services:\n  web:\n    deploy:\n      replicas: 3\n';

describe('container-name-replicas across files', () => {
  it('a name in the base shared with a base-only environment cannot be moved: warns, changes nothing', async () => {
    const r = await run({ 'compose.yaml': base, 'compose.prod.yaml': prod }, { single: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] });
    expect(r.after).toEqual({});
    expect(r.warnings.join('\n')).toContain('rerun with --allow-reset');
  });
  it('every environment scales: the name goes from the base', async () => {
    const r = await run({ 'compose.yaml': base, 'compose.prod.yaml': prod, 'compose.staging.yaml': prod }, {
      prod: ['compose.yaml', 'compose.prod.yaml'],
      staging: ['compose.yaml', 'compose.staging.yaml'],
    });
    expect(r.after).toEqual({ 'compose.yaml': 'services:\n  web:\n    image: acme/web\n' });
    expect(r.notes[0].reason).toContain('prod runs 3 replicas (deploy.replicas), staging runs 3 replicas');
  });
  it('the dev override creates the service entry it moves the name into', async () => {
    const r = await run(
      { 'compose.yaml': base + '  db:\n    image: postgres\n', 'compose.override.yaml': 'services:\n  db:\n    ports:\n      - 5432:5432\n', 'compose.prod.yaml': prod },
      { dev: ['compose.yaml', 'compose.override.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
    );
    expect(r.after['compose.override.yaml']).toBe('services:\n  db:\n    ports:\n      - 5432:5432\n  web:\n    container_name: acme-web\n');
    expect(r.after['compose.yaml']).toBe('services:\n  web:\n    image: acme/web\n  db:\n    image: postgres\n');
  });
  it('scale given as a string number counts', async () => {
    const r = await run({ 'compose.yaml': 'services:\n  w:\n    image: x\n    container_name: w1\n    scale: "2"\n' }, { one: ['compose.yaml'] });
    expect(r.after['compose.yaml']).toBe('services:\n  w:\n    image: x\n    scale: "2"\n');
  });
});
