/**
 * `composemod fix` end to end, in-process: what goes to stdout (the diff only) and stderr (the
 * summary), the masked diff's label, `--patch` (applied with the real git), `--check
 * --fail-on`, the dirty-tree refusal (real git repositories), symlinked compose files,
 * runtime detection, and every environment of the directory fixed and checked.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, cpSync, mkdirSync, symlinkSync, lstatSync, statSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { composeConfig, dockerCompose } from './helpers/reference.js';
import { evaluateEnvironment } from '../src/rules/intent/view.js';
import { toComposeModel } from '../src/core/project.js';
import { parseSource } from '../src/core/source.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = path.join(root, 'fixtures', 'demo');

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (f.startsWith('.git')) continue;
    const p = path.join(dir, f);
    if (lstatSync(p).isFile()) out[f] = readFileSync(p, 'utf8');
  }
  return out;
}

function demoCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-cli-'));
  cpSync(demo, dir, { recursive: true });
  return dir;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
}

function repo(dir: string): void {
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'start');
}

describe('composemod fix: output', () => {
  it('--dry-run: the diff alone on stdout, the summary on stderr, nothing written', async () => {
    const dir = demoCopy();
    const before = snapshot(dir);
    const r = await cli(['fix', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    // the diff, after the note on masked values when a hunk shows one
    expect(r.stdout.replace(/^(# composemod: .*\n|# `composemod fix --patch.*\n)*/, '').startsWith('diff --git a/docker-compose.yml b/docker-compose.yml\n')).toBe(true);
    expect(r.stdout).toContain('+      - cache_data:/data');
    expect(r.stdout).not.toMatch(/why: |add-volumes: \d+ change/);
    expect(r.stderr).toMatch(/add-volumes: \d+ change/);
    expect(r.stderr).toMatch(/why: /);
    expect(r.stderr).toContain('runtime: Docker Compose 2.40.3');
    expect(r.stderr).toMatch(/checked 2 environments: what every container gets changes only as declared/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a masked diff says so; --patch writes the exact patch (0600) that git apply turns into what fix writes', async () => {
    const dir = demoCopy();
    repo(dir);
    const move = ['--dev-secrets', 'move'];
    const dry = await cli(['fix', '--dry-run', ...move], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^# composemod: secret values in this diff are masked as \*{8}/);
    expect(dry.stdout).not.toContain('devsecret');
    const p = await cli(['fix', '--patch', 'fix.patch', ...move], { cwd: dir });
    expect(p.code).toBe(0);
    expect(p.stdout).toBe('');
    expect(p.stderr).toContain('patch written to fix.patch (mode 0600');
    expect(statSync(path.join(dir, 'fix.patch')).mode & 0o777).toBe(0o600);
    const patch = readFileSync(path.join(dir, 'fix.patch'), 'utf8');
    expect(patch).toContain('devsecret'); // exact: the values are there, which is why it is private
    expect(patch).not.toContain('********');
    git(dir, 'apply', '--check', 'fix.patch');
    git(dir, 'apply', 'fix.patch');
    const applied = snapshot(dir);
    delete applied['fix.patch'];

    const direct = demoCopy();
    repo(direct);
    expect((await cli(['fix', ...move], { cwd: direct })).code).toBe(0);
    expect(applied).toEqual(snapshot(direct));
  });

  it('--json reports findings with id, severity and line, secret values masked', async () => {
    const dir = demoCopy();
    const r = await cli(['fix', '--json', '--dry-run', '--only', 'secrets,add-volumes'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('devsecret');
    const report = JSON.parse(r.stdout) as {
      fixes: string[];
      written: boolean;
      projects: {
        counts: Record<string, number>;
        files: { path: string; kind: string }[];
        findings: { id: string; severity: string; file?: string; line?: number; fixed: boolean }[];
        intents: { kind: string; env: string }[];
      }[];
    };
    expect(report.fixes).toEqual(['add-volumes', 'secrets']);
    expect(report.written).toBe(false);
    expect(report.projects[0].counts['add-volumes']).toBeGreaterThan(0);
    expect(report.projects[0].files.map((f) => f.path)).toContain('docker-compose.yml');
    expect(report.projects[0].findings).toContainEqual(
      expect.objectContaining({ id: 'secrets/credential-in-url', severity: 'warning', file: 'docker-compose.yml', line: 19, fixed: false }),
    );
    expect(report.projects[0].intents.map((i) => i.kind)).toContain('volume-mounted');
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
    expect(bad.stderr).toMatch(/unknown rule "add-volume"/);
    const noFix = await cli(['fix', '--only', 'unused-suppression'], { cwd: dir });
    expect(noFix.code).toBe(2);
    expect(noFix.stderr).toMatch(/rule "unused-suppression" has no fix/);
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
});

describe('composemod fix --check', () => {
  it('exits 1 while a fix would change something, writes nothing; after fixing it exits 0', async () => {
    const dir = demoCopy();
    const before = snapshot(dir);
    expect((await cli(['fix', '--check'], { cwd: dir })).code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
    const w = await cli(['fix', '--skip', 'pin-images'], { cwd: dir });
    expect(w.code).toBe(0);
    expect(readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toContain('cache_data:/data');
    const again = await cli(['fix', '--check', '--skip', 'pin-images', '--fail-on', 'error'], { cwd: dir });
    // what is left has no fix (a credential inside a URL, a dev default kept): below --fail-on error
    expect(again.stderr).not.toContain('fixable with');
    expect(again.stderr).toContain('secrets/credential-in-url');
    expect(again.code).toBe(0);
  });

  it('a "needs a human" item fails at its severity: postgres 18 refusing to start is an error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-pg18-'));
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  db:\n    image: postgres:18\n    volumes:\n      - pgdata:/var/lib/postgresql/data\nvolumes:\n  pgdata:\n');
    const r = await cli(['fix', '--check', '--only', 'add-volumes', '--fail-on', 'error'], { cwd: dir });
    expect(r.stderr).toMatch(/^ {2}compose\.yaml:3:5 {2}error {4}db: .*refuses to start .* add-volumes\/postgres18-layout$/m);
    expect(r.code).toBe(1);
    // a warning alone does not fail --fail-on error, and fails the default (warning)
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx:latest\n');
    expect((await cli(['fix', '--check', '--only', 'pin-images', '--fail-on', 'error'], { cwd: dir })).code).toBe(0);
    expect((await cli(['fix', '--check', '--only', 'pin-images'], { cwd: dir })).code).toBe(1);
    const bad = await cli(['fix', '--check', '--fail-on', 'fatal'], { cwd: dir });
    expect(bad.code).toBe(2);
  });
});

describe('composemod fix in a git work tree', () => {
  it('refuses to write over uncommitted changes unless --allow-dirty; a clean tree is fine', async () => {
    const dir = demoCopy();
    repo(dir);
    writeFileSync(path.join(dir, 'docker-compose.yml'), readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8') + '# local edit\n');
    const before = snapshot(dir);
    const r = await cli(['fix', '--only', 'add-volumes'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to write: git has uncommitted changes to docker-compose\.yml.*--allow-dirty/);
    expect(snapshot(dir)).toEqual(before);
    // a dry run writes nothing: it is allowed
    expect((await cli(['fix', '--only', 'add-volumes', '--dry-run'], { cwd: dir })).code).toBe(0);
    const forced = await cli(['fix', '--only', 'add-volumes', '--allow-dirty'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toContain('cache_data:/data');

    const clean = demoCopy();
    repo(clean);
    expect((await cli(['fix', '--only', 'add-volumes'], { cwd: clean })).code).toBe(0);
    expect(git(clean, 'status', '--porcelain')).toContain('docker-compose.yml');
  });

  it('an untracked compose file counts as uncommitted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-untracked-'));
    writeFileSync(path.join(dir, 'README.md'), 'x\n');
    repo(dir);
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  cache:\n    image: redis:7\n');
    const r = await cli(['fix', '--only', 'add-volumes'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('compose.yaml');
  });
});

describe('composemod fix: symlinked compose files', () => {
  it('a symlinked docker-compose.yml is discovered, fixed through the link, and stays a link', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-link-'));
    mkdirSync(path.join(dir, 'deploy'));
    writeFileSync(path.join(dir, 'deploy', 'stack.yml'), 'services:\n  cache:\n    image: redis:7\n');
    symlinkSync('deploy/stack.yml', path.join(dir, 'docker-compose.yml'));
    const dry = await cli(['fix', '--only', 'add-volumes', '--dry-run'], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('diff --git a/deploy/stack.yml b/deploy/stack.yml');
    const r = await cli(['fix', '--only', 'add-volumes'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(lstatSync(path.join(dir, 'docker-compose.yml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(dir, 'docker-compose.yml'))).toBe('deploy/stack.yml');
    expect(readFileSync(path.join(dir, 'deploy', 'stack.yml'), 'utf8')).toContain('cache_data:/data');
    // named explicitly: the same
    writeFileSync(path.join(dir, 'deploy', 'stack.yml'), 'services:\n  db:\n    image: postgres:16\n');
    expect((await cli(['fix', 'docker-compose.yml', '--only', 'add-volumes'], { cwd: dir })).code).toBe(0);
    expect(lstatSync(path.join(dir, 'docker-compose.yml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'deploy', 'stack.yml'), 'utf8')).toContain('/var/lib/postgresql/data');
  });
});

describe('composemod extract: symlinked compose files (the same discovery and writes)', () => {
  it('a symlinked per-environment file is found, rewritten through the link, and stays a link', async () => {
    const dir = demoCopy();
    mkdirSync(path.join(dir, 'deploy'));
    cpSync(path.join(dir, 'docker-compose.prod.yml'), path.join(dir, 'deploy', 'prod.yml'));
    rmSync(path.join(dir, 'docker-compose.prod.yml'));
    symlinkSync('deploy/prod.yml', path.join(dir, 'docker-compose.prod.yml'));
    const r = await cli(['extract'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(lstatSync(path.join(dir, 'docker-compose.prod.yml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'deploy', 'prod.yml'), 'utf8')).not.toBe(readFileSync(path.join(demo, 'docker-compose.prod.yml'), 'utf8'));
  });
});

describe('composemod fix: runtime targets', () => {
  const project = (extra: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-runtime-'));
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  api:\n    image: ghcr.io/acme/api:1.0\n    environment:\n      API_TOKEN: ${API_TOKEN}\n');
    for (const [f, t] of Object.entries(extra)) writeFileSync(path.join(dir, f), t);
    return dir;
  };

  it('detects podman-compose from the Makefile, says so, and uses no environment-sourced secret', async () => {
    const dir = project({ Makefile: 'up:\n\tpodman-compose -f compose.yaml up -d\n' });
    const r = await cli(['fix', '--only', 'secrets', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('runtime: podman-compose (detected: Makefile:2 runs podman-compose)');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/API_TOKEN not moved: podman-compose refuses a secret read from a variable \(API_TOKEN\)/);
    // --runtime docker overrides the detection
    const d = await cli(['fix', '--only', 'secrets', '--dry-run', '--runtime', 'docker'], { cwd: dir });
    expect(d.stdout).toContain('environment: API_TOKEN');
  });

  it('--compose-version below 2.23.1 uses no environment secret; below 2.24.4 no !reset', async () => {
    const dir = project({});
    const old = await cli(['fix', '--only', 'secrets', '--dry-run', '--compose-version', '2.22.0'], { cwd: dir });
    expect(old.stdout).toBe('');
    expect(old.stderr).toContain('runtime: Docker Compose 2.22.0 (--runtime / --compose-version)');
    const bad = await cli(['fix', '--compose-version', 'two'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid --compose-version "two"');
  });
});

describe('composemod fix: every environment of the directory', () => {
  it('--env names one; the others found in the directory are fixed and checked too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-env-'));
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  cache:\n    image: redis:7\n');
    writeFileSync(path.join(dir, 'compose.prod.yaml'), 'services:\n  cache:\n    restart: always\n');
    const r = await cli(['fix', '--only', 'add-volumes', '--env', 'prod=compose.yaml,compose.prod.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('also fixed and checked (found in the directory): dev (compose.yaml)');
    expect(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toBe(
      'services:\n  cache:\n    image: redis:7\n    volumes:\n      - cache_data:/data\nvolumes:\n  cache_data:\n',
    );
    expect(readFileSync(path.join(dir, 'compose.prod.yaml'), 'utf8')).toBe('services:\n  cache:\n    restart: always\n');
  });

  it('defect 6: --env production edits the shared base; dev, staging and digitalocean are fixed with it and stay valid', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-fix-d6-'));
    cpSync(path.join(root, 'fixtures', 'network-split', 'defect-06-shared-base-every-environment', 'input'), dir, { recursive: true });
    const r = await cli(['fix', '--only', 'network-split', '--env', 'production=compose.yml,compose.production.yml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'also fixed and checked (found in the directory): dev (compose.yml + compose.dev.yml), digitalocean (compose.yml + compose.digitalocean.yml), staging (compose.yml + compose.staging.yml)',
    );
    const expected = path.join(root, 'fixtures', 'network-split', 'defect-06-shared-base-every-environment', 'expected');
    for (const f of readdirSync(expected)) expect(readFileSync(path.join(dir, f), 'utf8'), f).toBe(readFileSync(path.join(expected, f), 'utf8'));
    for (const env of ['production', 'dev', 'staging', 'digitalocean']) {
      const files = ['compose.yml', `compose.${env}.yml`];
      const view = evaluateEnvironment(
        { name: env, files: files.map((f) => ({ path: path.join(dir, f), model: toComposeModel(parseSource(readFileSync(path.join(dir, f), 'utf8'), f)) })) },
        () => null,
      );
      expect(view.problems, env).toEqual([]);
      if (dockerCompose) expect((await composeConfig({ cwd: dir, files, projectName: 'd6' })).code, `docker compose config for ${env}`).toBe(0);
    }
  });

  it('the demo directory is untouched by these tests', () => {
    expect(existsSync(path.join(demo, '.gitignore'))).toBe(false);
  });
});

describe('composemod list', () => {
  it('lists every fix with its options and network needs', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    for (const name of ['add-volumes', 'secrets', 'network-split', 'container-name-replicas', 'pin-images'])
      expect(r.stdout).toContain(name);
    expect(r.stdout).toContain('--registry-lookup');
    const j = JSON.parse((await cli(['list', '--json'])).stdout) as { id: string; severity: string; fixable: string | false; options: unknown[]; docs: string }[];
    expect(j.map((t) => t.id)).toContain('pin-images');
    for (const r of j) {
      expect(['error', 'warning', 'note']).toContain(r.severity);
      expect(['safe', 'behaviour-changing', false]).toContain(r.fixable);
      expect(Array.isArray(r.options)).toBe(true);
      expect(existsSync(path.join(root, r.docs)), r.docs).toBe(true);
    }
  });

  it('fix --help shows every fix option and the runtime options', async () => {
    const r = await cli(['fix', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--internal-backend',
      '--assume-file-support',
      '--dev-secrets <keep|move>',
      '--pin <IMAGE=TAG>',
      '--digest',
      '--allow-reset',
      '--runtime <runtime>',
      '--compose-version <version>',
      '--patch <file>',
      '--fail-on <severity>',
      '--allow-dirty',
      '--env-file <[NAME=]FILE>',
    ])
      expect(r.stdout).toContain(flag);
  });
});
