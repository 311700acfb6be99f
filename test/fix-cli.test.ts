import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = path.join(root, 'fixtures', 'demo');

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    try {
      out[f] = readFileSync(p, 'utf8');
    } catch {
      /* directory */
    }
  }
  return out;
}

function demoCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-cli-'));
  cpSync(demo, dir, { recursive: true });
  return dir;
}

describe('composemod fix', () => {
  it('--dry-run prints a masked diff and the summary, and writes nothing', async () => {
    const dir = demoCopy();
    const before = snapshot(dir);
    const r = await cli(['fix', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('diff --git a/docker-compose.yml b/docker-compose.yml');
    expect(r.stdout).toContain('+      - cache_data:/data');
    expect(r.stdout).toContain('POSTGRES_PASSWORD_FILE: /run/secrets/');
    expect(r.stdout).not.toContain('devsecret');
    expect(r.stdout).toContain('********');
    expect(r.stdout).toMatch(/add-volumes: \d+ change/);
    expect(r.stdout).toMatch(/why: /);
    expect(snapshot(dir)).toEqual(before);
  });

  it('--check exits 1 while there is something to fix, writes nothing; after fixing it exits 0', async () => {
    const dir = demoCopy();
    const before = snapshot(dir);
    expect((await cli(['fix', '--check'], { cwd: dir })).code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
    const w = await cli(['fix'], { cwd: dir });
    expect(w.code).toBe(0);
    expect(w.stdout).not.toContain('devsecret');
    expect(readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).not.toContain('POSTGRES_PASSWORD: devsecret');
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toContain('secrets/');
    const again = await cli(['fix', '--check'], { cwd: dir });
    expect(again.stdout).toContain('nothing to change');
    expect(again.code).toBe(0);
  });

  it('--json reports per-fix changes and files, with secret values masked', async () => {
    const dir = demoCopy();
    const r = await cli(['fix', '--json', '--dry-run', '--only', 'secrets,add-volumes'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('devsecret');
    const report = JSON.parse(r.stdout) as {
      fixes: string[];
      written: boolean;
      projects: { counts: Record<string, number>; files: { path: string; kind: string }[] }[];
    };
    expect(report.fixes).toEqual(['add-volumes', 'secrets']);
    expect(report.written).toBe(false);
    expect(report.projects[0].counts['add-volumes']).toBeGreaterThan(0);
    expect(report.projects[0].files.map((f) => f.path)).toContain('docker-compose.yml');
  });

  it('--only selects, --skip removes, unknown fix names are errors', async () => {
    const dir = demoCopy();
    const only = await cli(['fix', '--dry-run', '--only', 'add-volumes'], { cwd: dir });
    expect(only.stdout).not.toContain('secrets:');
    expect(only.stdout).toContain('cache_data');
    const skip = await cli(['fix', '--dry-run', '--skip', 'add-volumes,secrets,network-split'], { cwd: dir });
    expect(skip.stdout).not.toContain('cache_data');
    const bad = await cli(['fix', '--only', 'add-volume'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown fix "add-volume"/);
  });

  it('bad input: exit 2 with file:line:col and nothing written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-bad-'));
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  db:\n    image: redis\n  web:\n    image: [nginx\n');
    const r = await cli(['fix'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/compose\.yaml:\d+:\d+: invalid YAML/);
    expect(readdirSync(dir)).toEqual(['compose.yaml']);
    const missing = await cli(['fix', 'nope.yml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yml: no such file/);
  });

  it('--env names an environment as an ordered list of files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-env-'));
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  cache:\n    image: redis:7\n');
    writeFileSync(path.join(dir, 'compose.prod.yaml'), 'services:\n  cache:\n    restart: always\n');
    const r = await cli(['fix', '--only', 'add-volumes', '--env', 'prod=compose.yaml,compose.prod.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toBe(
      'services:\n  cache:\n    image: redis:7\n    volumes:\n      - cache_data:/data\nvolumes:\n  cache_data:\n',
    );
    expect(readFileSync(path.join(dir, 'compose.prod.yaml'), 'utf8')).toBe('services:\n  cache:\n    restart: always\n');
  });
});

describe('composemod list', () => {
  it('lists every fix with its options and network needs', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    for (const name of ['add-volumes', 'secrets', 'network-split', 'container-name-replicas', 'pin-images'])
      expect(r.stdout).toContain(name);
    expect(r.stdout).toContain('--registry-lookup');
    const j = JSON.parse((await cli(['list', '--json'])).stdout) as { name: string; network: boolean }[];
    expect(j.map((t) => t.name)).toContain('pin-images');
  });

  it('fix --help shows every fix option', async () => {
    const r = await cli(['fix', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--internal-backend', '--assume-file-support', '--pin <IMAGE=TAG>', '--digest', '--allow-reset'])
      expect(r.stdout).toContain(flag);
  });

  it('the demo directory is untouched by these tests', () => {
    expect(existsSync(path.join(demo, '.gitignore'))).toBe(false);
  });
});
