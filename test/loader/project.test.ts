/**
 * The loader's inputs and outputs that do not need the real tool: the overlay, profiles, what
 * each container gets, env files, errors located at file:line:col, and `fix` on a project
 * that uses `extends.file` (it used to exit 2).
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configText, loadProject, loadWithTexts } from '../../src/core/loader/index.js';
import { ComposemodError } from '../../src/core/errors.js';
import { parseDotenv } from '../../src/core/loader/dotenv.js';
import { cli } from '../helpers/cli.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cm-loader-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('overlay: the config of an environment given file texts', () => {
  it('replaces files on disk, also those reached through extends.file, include and env files', () => {
    const dir = project({
      'compose.yaml': 'include: [inc.yaml]\nservices:\n  web:\n    extends: {file: base.yaml, service: app}\n    env_file: web.env\n',
      'base.yaml': 'services:\n  app:\n    image: old\n',
      'inc.yaml': 'services:\n  db:\n    image: old-db\n',
      'web.env': 'A=old\n',
    });
    const disk = loadProject({ workingDir: dir, files: ['compose.yaml'], projectName: 'p', environment: {} });
    expect(disk.containers.web).toMatchObject({ image: 'old', environment: { A: 'old' } });
    const texts = new Map([
      [path.join(dir, 'base.yaml'), 'services:\n  app:\n    image: new\n'],
      [path.join(dir, 'inc.yaml'), 'services:\n  db:\n    image: new-db\n'],
      [path.join(dir, 'web.env'), 'A=new\n'],
    ]);
    const over = loadWithTexts({ workingDir: dir, files: ['compose.yaml'], projectName: 'p', environment: {} }, texts);
    expect(over.containers.web).toMatchObject({ image: 'new', environment: { A: 'new' } });
    expect(over.containers.db.image).toBe('new-db');
  });

  it('adds files that do not exist on disk', () => {
    const dir = project({});
    const p = loadWithTexts({ workingDir: dir, files: ['compose.yaml'], environment: {} }, new Map([[path.join(dir, 'compose.yaml'), 'services:\n  a:\n    image: x\n']]));
    expect(p.name).toBe(path.basename(dir).toLowerCase().replace(/[^a-z0-9_-]/g, ''));
    expect(Object.keys(p.containers)).toEqual(['a']);
  });
});

describe('what each container gets', () => {
  it('environment (env_file then environment), secrets and configs with their source, networks, mounts, ports', () => {
    const dir = project({
      'compose.yaml': `services:
  web:
    image: app:\${TAG:-1}
    env_file: [common.env]
    environment:
      B: from-compose
      C:
    secrets: [db_password, {source: token, target: /etc/token, mode: 0400}]
    configs: [nginx]
    networks:
      front: {aliases: [www]}
    volumes: ["data:/data:ro", "./site:/site:z"]
    ports: ["127.0.0.1:8080:80"]
    profiles: [web]
  worker:
    image: worker
    profiles: [jobs]
secrets:
  db_password: {file: ./db.txt}
  token: {environment: TOKEN}
configs:
  nginx: {content: "server {}"}
networks:
  front: {}
volumes:
  data: {}
`,
      'common.env': 'A=from-env-file\nB=overridden\n',
    });
    const p = loadProject({ workingDir: dir, files: ['compose.yaml'], projectName: 'p', profiles: ['web'], environment: { TOKEN: 't0k3n', C: 'from-process' } });
    expect(Object.keys(p.containers)).toEqual(['web']);
    const web = p.containers.web;
    expect(web.image).toBe('app:1');
    expect(web.environment).toEqual({ A: 'from-env-file', B: 'from-compose', C: 'from-process' });
    expect(web.secrets).toEqual([
      { source: 'db_password', target: '/run/secrets/db_password', from: { kind: 'file', path: path.join(dir, 'db.txt') } },
      { source: 'token', target: '/etc/token', mode: 0o400, from: { kind: 'environment', variable: 'TOKEN', value: 't0k3n' } },
    ]);
    expect(web.configs).toEqual([{ source: 'nginx', target: '/nginx', from: { kind: 'content', content: 'server {}' } }]);
    expect(web.networks).toEqual([{ key: 'front', name: 'p_front', external: false, aliases: ['www'] }]);
    expect(web.mounts).toEqual([
      { type: 'volume', source: 'data', volumeName: 'p_data', target: '/data', readOnly: true },
      { type: 'bind', source: path.join(dir, 'site'), target: '/site', readOnly: false, selinux: 'z', createHostPath: true },
    ]);
    expect(web.ports).toEqual([{ target: 80, published: '8080', hostIp: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }]);
    expect(web.replicas).toBe(1);
  });
});

describe('errors and warnings', () => {
  it('a missing env_file is reported at the compose file that names it', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: a\n    env_file: nope.env\n' });
    try {
      loadProject({ workingDir: dir, files: ['compose.yaml'], environment: {} });
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(ComposemodError);
      const err = e as ComposemodError;
      expect(err.message).toMatch(/env file .*nope\.env not found/);
      expect([path.basename(err.file ?? ''), err.line, err.col]).toEqual(['compose.yaml', 4, 5]);
    }
  });
  it('unset variables and an obsolete version are warnings', () => {
    const dir = project({ 'compose.yaml': 'version: "3"\nservices:\n  web:\n    image: a:${TAG}\n' });
    const warnings: string[] = [];
    const p = loadProject({ workingDir: dir, files: ['compose.yaml'], environment: {}, warn: (w) => warnings.push(w) });
    expect(configText(p)).toContain("image: 'a:'");
    expect(warnings).toEqual([
      'The "TAG" variable is not set. Defaulting to a blank string.',
      `${path.join(dir, 'compose.yaml')}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`,
    ]);
  });
  it('the CLI prints warnings on stderr and the config on stdout', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: a:${TAG}\n' });
    const r = await cli(['config'], { cwd: dir, env: {} });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: The "TAG" variable is not set. Defaulting to a blank string.\n');
    expect(r.stdout).toMatch(/^name: cm-loader-/);
  });
});

describe('fix over a project that uses extends.file (issue 7: it exited 2)', () => {
  it('loads the extended file and runs', async () => {
    const dir = project({
      'common.yml': 'services:\n  base:\n    image: nginx:1.27\n',
      'compose.yaml': 'services:\n  web:\n    extends:\n      file: common.yml\n      service: base\n    ports: ["80:80"]\n',
    });
    const r = await cli(['fix', dir, '--dry-run'], { cwd: dir, env: {} });
    expect(r.stderr).not.toMatch(/extends/);
    expect(r.code).toBe(0);
  });
});

describe('dotenv', () => {
  const read = (text: string, env: Record<string, string> = {}) => {
    const out = new Map<string, string>();
    parseDotenv(text, out, (k) => env[k]);
    return Object.fromEntries(out);
  };
  it('reads the forms compose-go reads', () => {
    expect(
      read('# c\nA=1\nexport B = two # comment\nC: three\nD="x\\ny $A"\nE=\'lit $A\'\nF=${A}-${G:-g}\nINHERIT\n', { INHERIT: 'i' }),
    ).toEqual({ A: '1', B: 'two', C: 'three', D: 'x\ny 1', E: 'lit $A', F: '1-g', INHERIT: 'i' });
  });
  it('the lookup wins over earlier keys of the file', () => {
    expect(read('A=1\nB=$A\n', { A: 'env' })).toEqual({ A: '1', B: 'env' });
  });
  it('bad lines are errors with the line number', () => {
    expect(() => read('A=1\nB C=2\n')).toThrow(/line 2: key cannot contain a space|unexpected character/);
    expect(() => read('A="open\n')).toThrow(/unterminated quoted value/);
  });
});
