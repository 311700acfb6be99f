import { describe, it, expect } from 'vitest';
import { mkdtempSync, cpSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractCommand, type ExtractOptions } from '../src/cli/commands/extract.js';
import { runCommand } from './helpers/cli.js';

const input = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/extract/two-envs-comments/input');

const run = (opts: ExtractOptions, cwd: string) => runCommand(cwd, (io) => extractCommand(io, opts));

function copy(): { dir: string; snapshot: () => Record<string, string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-extract-cli-'));
  cpSync(input, dir, { recursive: true });
  return { dir, snapshot: () => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')])) };
}

describe('extract command', () => {
  it('--dry-run prints a git-style diff and writes nothing', async () => {
    const { dir, snapshot } = copy();
    const before = snapshot();
    const r = await run({ dryRun: true }, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('diff --git a/docker-compose.override.yml b/docker-compose.override.yml');
    expect(r.stdout).toContain('new file mode 100644');
    expect(r.stdout).toContain('--- a/docker-compose.prod.yml');
    expect(r.stdout).toContain('would extract');
    expect(snapshot()).toEqual(before);
  });

  it('--check exits 1 when a migration is possible, 0 after it', async () => {
    const { dir, snapshot } = copy();
    const before = snapshot();
    expect((await run({ check: true }, dir)).code).toBe(1);
    expect(snapshot()).toEqual(before);
    expect((await run({}, dir)).code).toBe(0);
    const again = await run({ check: true }, dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to do');
  });

  it('--json reports environments, file lists, files and verification', async () => {
    const { dir } = copy();
    const r = await run({ json: true, dryRun: true }, dir);
    const j = JSON.parse(r.stdout);
    expect(j.status).toBe('extracted');
    expect(j.written).toBe(false);
    expect(j.environments.map((e: { name: string }) => e.name)).toEqual(['dev', 'prod']);
    expect(j.environments[1].before).toEqual(['docker-compose.prod.yml']);
    expect(j.environments[1].after).toEqual(['docker-compose.yml', 'docker-compose.prod.yml']);
    expect(j.environments[0].after).toEqual(['docker-compose.yml', 'docker-compose.override.yml']);
    expect(j.files).toEqual({ modified: ['docker-compose.yml', 'docker-compose.prod.yml'], created: ['docker-compose.override.yml'], deleted: [] });
    expect(j.verification.ok).toBe(true);
    expect(j.lines.removed).toBeGreaterThan(0);
  });

  it('--layout per-env puts every environment in an explicit file', async () => {
    const { dir, snapshot } = copy();
    const r = await run({ layout: 'per-env' }, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(snapshot())).toEqual(['docker-compose.dev.yml', 'docker-compose.prod.yml', 'docker-compose.yml']);
    expect(r.stdout).toContain('docker compose -f docker-compose.yml -f docker-compose.dev.yml');
  });

  it('--env names the environments explicitly', async () => {
    const { dir } = copy();
    const r = await run({ env: ['local=docker-compose.yml', 'live=docker-compose.prod.yml'], dryRun: true, json: true }, dir);
    const j = JSON.parse(r.stdout);
    expect(j.environments.map((e: { name: string }) => e.name)).toEqual(['local', 'live']);
    expect(j.status).toBe('extracted');
  });

  it('a bad --layout or --env is an error with exit 2', async () => {
    const { dir } = copy();
    expect((await run({ layout: 'flat' as never }, dir)).code).toBe(2);
    const r = await run({ env: ['prod'] }, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('NAME=FILE');
  });

  it('--allow-reset --json lists the !reset/!override markers and the Compose version they need', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-extract-cli-'));
    cpSync(path.resolve(input, '../../allow-reset-three-envs/input'), dir, { recursive: true });
    const plain = JSON.parse((await run({ json: true, dryRun: true }, dir)).stdout);
    expect(plain.requires).toBeNull();
    const r = await run({ json: true, dryRun: true, allowReset: true }, dir);
    const j = JSON.parse(r.stdout);
    expect(j.status).toBe('extracted');
    expect(j.requires).toBe('Docker Compose >= 2.24.4');
    const prod = j.environments.find((e: { name: string }) => e.name === 'prod');
    expect(prod.markers).toContainEqual({ tag: '!reset', path: 'services.mailhog' });
    expect(prod.markers).toContainEqual({ tag: '!override', path: 'services.api.ports' });
    expect(j.lines.after).toBeLessThan(plain.lines.after);
  });
});
