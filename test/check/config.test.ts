/**
 * The config file: found from the project directory up (every supported name, the
 * package.json key), named with --config, validated (schema + rule ids, kinds and options)
 * with file:line:col and exit 2, and applied: levels, rule options, top-level conveniences
 * (pins, networks, secrets policy), environments, exclude globs, runtime.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/cli.js';
import { loadConfigFile } from '../../src/core/config-file.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-config-'));
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), t);
  }
  return dir;
}

const floating = 'services:\n  web:\n    image: nginx:alpine\n';
const ids = async (dir: string, args: string[] = []) =>
  (JSON.parse((await cli(['check', '--format', 'json', ...args], { cwd: dir })).stdout) as { findings: { id: string; severity: string }[] }).findings.map(
    (f) => `${f.id}:${f.severity}`,
  );

describe('config file: where it is found', () => {
  const forms: [string, string][] = [
    ['composemod.config.yaml', 'rules:\n  pin-images: error\n'],
    ['composemod.config.yml', 'rules:\n  pin-images: error\n'],
    ['composemod.config.json', '{"rules": {"pin-images": "error"}}'],
    ['composemod.config.mjs', 'export default { rules: { "pin-images": "error" } };\n'],
    ['.composemodrc', 'rules:\n  pin-images: error\n'],
    ['.composemodrc.json', '{"rules": {"pin-images": ["error"]}}'],
    ['.composemodrc.yaml', 'rules: {pin-images: error}\n'],
    ['package.json', '{"name": "x", "composemod": {"rules": {"pin-images": "error"}}}'],
  ];
  for (const [name, text] of forms)
    it(name, async () => {
      const dir = project({ 'compose.yaml': floating, [name]: text });
      expect(await ids(dir, ['--only', 'pin-images'])).toEqual(['pin-images/no-pin-source:warning']);
      expect((await loadConfigFile(dir))?.file).toBe(path.join(dir, name));
    });

  it('from a parent directory; --config names another one', async () => {
    const dir = project({ 'deploy/compose.yaml': floating, 'composemod.config.yaml': 'rules:\n  pin-images/no-pin-source: error\n', 'other.yaml': 'rules:\n  pin-images: off\n' });
    expect(await ids(path.join(dir, 'deploy'), ['--only', 'pin-images'])).toEqual(['pin-images/no-pin-source:error']);
    expect(await ids(path.join(dir, 'deploy'), ['--config', '../other.yaml'])).not.toContain('pin-images/no-pin-source:warning');
  });
});

describe('config file: what it sets', () => {
  it('levels: off turns a rule off in check and fix; a kind gets its own level', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  cache:\n    image: redis:latest\n', 'composemod.config.yaml': 'rules:\n  add-volumes: off\n  healthcheck: off\n  read-only: off\n  cap-drop: off\n  no-new-privileges: off\n  pin-images/no-pin-source: note\n' });
    expect(await ids(dir)).toEqual(['pin-images/no-pin-source:note']);
    const r = await cli(['fix'], { cwd: dir });
    expect(r.stderr).toContain('nothing to change');
    expect(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).not.toContain('volumes');
  });

  it('options: rules[id][1], and the top-level pins, networks and secrets; the command line wins', async () => {
    const dir = project({
      'compose.yaml': 'services:\n  web:\n    image: nginx:alpine\n    ports: ["80:80"]\n  db:\n    image: postgres:16\n    volumes: [pg:/var/lib/postgresql/data]\nvolumes:\n  pg:\n',
      'composemod.config.yaml': 'pins:\n  nginx: 1.27.3-alpine\nnetworks:\n  frontend: edge\n  backend: data\n',
    });
    const r = await cli(['fix', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+    image: nginx:1.27.3-alpine');
    expect(r.stdout).toContain('+  edge:');
    expect(r.stdout).toContain('+  data:');
    const cliWins = await cli(['fix', '--dry-run', '--pin', 'nginx=1.27.4-alpine', '--frontend-network', 'public'], { cwd: dir });
    expect(cliWins.stdout).toContain('+    image: nginx:1.27.4-alpine');
    expect(cliWins.stdout).toContain('+  public:');
    const viaRules = project({ 'compose.yaml': floating, 'composemod.config.yaml': 'rules:\n  pin-images: [warning, {pin: ["nginx=1.26.2-alpine"]}]\n' });
    expect((await cli(['fix', '--dry-run'], { cwd: viaRules })).stdout).toContain('+    image: nginx:1.26.2-alpine');
  });

  it('environments and exclude', async () => {
    const dir = project({
      'compose.yaml': 'services:\n  cache:\n    image: redis:7.4.1\n',
      'compose.prod.yaml': 'services:\n  cache:\n    restart: always\n',
      'testdata/compose.yaml': 'services:\n  x:\n    image: [broken\n',
      'composemod.config.yaml': 'environments:\n  dev: [compose.yaml]\n  prod: [compose.yaml, compose.prod.yaml]\nexclude: ["testdata/**"]\n',
    });
    const j = JSON.parse((await cli(['check', '--format', 'json', '--only', 'add-volumes'], { cwd: dir })).stdout) as { findings: { environments: string[] }[] };
    expect(j.findings.map((f) => f.environments)).toEqual([['dev', 'prod']]);
    // an excluded file named on the command line is skipped
    const r = await cli(['check', 'testdata/compose.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('no findings in 0 files\n');
  });

  it('runtime: podman-compose from the config', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  cache:\n    image: redis:7.4.1\n', 'composemod.config.json': '{"runtime": "podman-compose", "composeVersion": "2.22.0"}' });
    const r = await cli(['fix', '--dry-run'], { cwd: dir });
    expect(r.stderr).toContain('runtime: podman-compose');
  });
});

describe('config file: invalid ones are errors with file:line:col, exit 2', () => {
  const cases: [string, string, RegExp][] = [
    ['composemod.config.yaml', 'rules:\n  pin-images: loud\n', /composemod\.config\.yaml:2:3: invalid config: rules\.pin-images: must be one of "off", "note", "warning", "error"/],
    ['composemod.config.yaml', 'rules:\n  no-such-rule: error\n', /composemod\.config\.yaml:2:3: invalid config: rules\.no-such-rule: unknown rule/],
    ['composemod.config.yaml', 'rules:\n  add-volumes/nope: off\n', /:2:3: invalid config: rules\.add-volumes\/nope: add-volumes has no finding of kind nope/],
    ['composemod.config.yaml', 'rules:\n  pin-images: [error, {digets: true}]\n', /:2:24: invalid config: rules\.pin-images: unknown option digets/],
    ['composemod.config.yaml', 'rules:\n  secrets:\n    - warning\n    - devSecrets: later\n', /:4:7: invalid config: rules\.secrets: option devSecrets must be one of keep, move/],
    ['composemod.config.yaml', 'runtime: podman\n', /composemod\.config\.yaml:1:1: invalid config: runtime: must be one of "docker", "podman-compose"/],
    ['composemod.config.yaml', 'services: {}\n', /composemod\.config\.yaml:1:1: invalid config: services: unknown key/],
    ['composemod.config.yaml', 'rules: [\n', /composemod\.config\.yaml:\d+:\d+: invalid config: /],
    ['composemod.config.json', '{\n  "exclude": "testdata"\n}\n', /composemod\.config\.json:2:3: invalid config: exclude: must be array/],
    ['package.json', '{\n  "composemod": {\n    "runtime": "lxc"\n  }\n}\n', /package\.json:3:5: invalid config: runtime: must be one of/],
  ];
  for (const [name, text, want] of cases)
    it(`${name}: ${text.split('\n')[0]}${text.split('\n')[1] ?? ''}`, async () => {
      const dir = project({ 'compose.yaml': floating, [name]: text });
      for (const cmd of [['check'], ['fix', '--dry-run']]) {
        const r = await cli(cmd, { cwd: dir });
        expect(r.code, cmd[0]).toBe(2);
        expect(r.stdout, cmd[0]).toBe('');
        expect(r.stderr, cmd[0]).toMatch(want);
      }
    });

  it('--config naming a missing file', async () => {
    const dir = project({ 'compose.yaml': floating });
    const r = await cli(['check', '--config', 'nope.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml: config file not found/);
  });
});
