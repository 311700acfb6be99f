import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  const fixture = (name: string): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-extract-cli-'));
    cpSync(path.resolve(input, `../../${name}/input`), dir, { recursive: true });
    return dir;
  };

  it('warns when a file it would write is ignored by git (a real repository)', async () => {
    const { dir } = copy();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    writeFileSync(path.join(dir, '.gitignore'), 'docker-compose.override.yml\n');
    const r = await run({ dryRun: true }, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('warning: docker-compose.override.yml is ignored by git: the new file would not be committed');
    const j = JSON.parse((await run({ json: true, dryRun: true }, dir)).stdout);
    expect(j.warnings).toContainEqual(expect.stringContaining('docker-compose.override.yml is ignored by git'));
    // a name that git does not ignore: no warning
    const named = await run({ dryRun: true, name: ['dev=docker-compose.dev.yml'] }, dir);
    expect(named.stdout).not.toContain('ignored by git');
    expect(named.stdout).toContain('layout per-env');
  });

  it('outside a git repository there is nothing to warn about', async () => {
    const { dir } = copy();
    writeFileSync(path.join(dir, '.gitignore'), 'docker-compose.override.yml\n');
    const r = await run({ dryRun: true }, dir);
    expect(r.stdout).not.toContain('ignored by git');
  });

  it('--json reports the base choice, layers, profiles and warnings', async () => {
    const layered = JSON.parse((await run({ json: true, dryRun: true }, fixture('shared-layer'))).stdout);
    expect(layered.baseFrom).toBe('prod');
    expect(layered.baseOptions[0]).toEqual({ env: 'prod', lines: layered.lines.after });
    expect(layered.layers).toEqual([{ name: 'deploy', file: 'docker-compose.deploy.yml', envs: ['prod', 'staging'], from: 'prod' }]);
    const staging = layered.environments.find((e: { name: string }) => e.name === 'staging');
    expect(staging.after).toEqual(['docker-compose.yml', 'docker-compose.deploy.yml', 'docker-compose.staging.yml']);
    const disabled = JSON.parse((await run({ json: true, dryRun: true }, fixture('profiles-lacking-service'))).stdout);
    expect(disabled.profile).toBe('disabled');
    expect(disabled.environments.find((e: { name: string }) => e.name === 'aws').disabled).toEqual(['postgres', 'redis']);
    const safety = JSON.parse((await run({ json: true, dryRun: true }, fixture('layout-safety'))).stdout);
    expect(safety.layout).toBe('per-env');
    expect(safety.warnings).toContainEqual(expect.stringContaining('plain `docker compose` ran default'));
  });

  it('--no-profiles, --no-layers and --layer change the plan', async () => {
    const dir = fixture('profiles-lacking-service');
    const j = JSON.parse((await run({ json: true, dryRun: true, profiles: false }, dir)).stdout);
    expect(j.profile).toBeNull();
    for (const e of j.environments) expect(e.disabled).toEqual([]);
    const layers = fixture('shared-layer');
    expect(JSON.parse((await run({ json: true, dryRun: true, layers: false }, layers)).stdout).layers).toEqual([]);
    const named = JSON.parse((await run({ json: true, dryRun: true, layer: ['release=staging,prod'] }, layers)).stdout);
    expect(named.layers.map((l: { file: string }) => l.file)).toEqual(['docker-compose.release.yml']);
  });

  it('--min-saving: below it there is nothing to do', async () => {
    const { dir } = copy();
    const r = await run({ minSaving: '90', dryRun: true }, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nothing to do: a shared base would remove only \d+ of 65 lines .* less than the 90% worth changing the layout/);
    expect((await run({ minSaving: 'lots' }, dir)).code).toBe(2);
  });

  it('bad --name and --layer are errors with exit 2, nothing written', async () => {
    const { dir, snapshot } = copy();
    const before = snapshot();
    for (const opts of [{ name: ['prod'] }, { name: ['prod=x.txt'] }, { layer: ['deploy=prod'] }, { name: ['nope=docker-compose.nope.yml'] }] as ExtractOptions[]) {
      const r = await run(opts, dir);
      expect(r.code, JSON.stringify(opts)).toBe(2);
    }
    expect(snapshot()).toEqual(before);
  });

  it('refuses environments whose files are in another directory than the base (relative paths)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-extract-cli-'));
    cpSync(input, dir, { recursive: true });
    execFileSync('mkdir', [path.join(dir, 'prod')]);
    execFileSync('mv', [path.join(dir, 'docker-compose.prod.yml'), path.join(dir, 'prod', 'docker-compose.yml')]);
    const r = await run({ env: ['dev=docker-compose.yml', 'prod=prod/docker-compose.yml'] }, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('prod/docker-compose.yml is not in the directory of the base');
  });
});
