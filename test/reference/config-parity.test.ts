/**
 * The parity gaps of issue 7 §2, each against the real `docker compose config` (2.40.3): the
 * case's files go through both tools (YAML and JSON, interpolated and not) and must print the
 * same bytes or both be rejected; then the fact the gap was about is asserted on composemod's
 * own output, so the test says what Compose does.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configText, loadProject } from '../../src/core/loader/index.js';
import { ComposemodError } from '../../src/core/errors.js';
import { composeConfig, dockerCompose, dockerComposeOld, referenceSkipMessage } from '../helpers/reference.js';
import { check } from '../../src/api.js';
import { MODES, agrees, caseDir, compare, ours, type Mode } from './config-helpers.js';

if (!dockerCompose) console.log(referenceSkipMessage);

type Files = Record<string, string>;

/** Compares every mode with Compose; returns composemod's YAML (interpolated unless `raw`). */
async function agreeing(id: string, files: Files, order = Object.keys(files).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml')), modes: readonly Mode[] = MODES) {
  const dir = caseDir(id, files);
  const c = { id, dir, files: order };
  for (const mode of modes) {
    const r = await compare(c, mode);
    expect(agrees(r), `${mode}: ${r.outcome} ${r.detail}`).toBe(true);
  }
  return { dir, c };
}

function yaml(dir: string, files: string[], interpolate = true): Record<string, unknown> {
  return parse(configText(loadProject({ workingDir: dir, files, projectName: 'cmref', interpolate, environment: {} }))) as Record<string, unknown>;
}

function rejected(dir: string, files: string[]): ComposemodError {
  try {
    loadProject({ workingDir: dir, files, projectName: 'cmref', environment: {} });
  } catch (e) {
    expect(e).toBeInstanceOf(ComposemodError);
    return e as ComposemodError;
  }
  throw new Error('expected composemod to reject the project');
}

const svc = (body: string) => `services:\n  web:\n    image: nginx\n${body}`;

describe.skipIf(!dockerCompose)('issue 7 parity gaps, against docker compose 2.40.3', () => {
  it('ipam.config: two subnets on each side give [fd00:2::/64, fd00:2::/64]', async () => {
    const files = {
      'a.yml': 'networks:\n  n:\n    ipam:\n      config:\n        - subnet: 10.0.1.0/24\n        - subnet: fd00:1::/64\n',
      'b.yml': 'networks:\n  n:\n    ipam:\n      config:\n        - subnet: 10.0.2.0/24\n        - subnet: fd00:2::/64\nservices:\n  a:\n    image: x\n    networks: [n]\n',
    };
    const { dir } = await agreeing('ipam', files);
    const n = (yaml(dir, ['a.yml', 'b.yml']).networks as Record<string, { ipam: { config: unknown[] } }>).n;
    expect(n.ipam.config).toEqual([{ subnet: 'fd00:2::/64' }, { subnet: 'fd00:2::/64' }]);
  });

  it(':z / :Z on a named volume and a bind become bind.selinux; files differing only there differ', async () => {
    const files = {
      'a.yml': svc('    volumes: ["data:/data:z", "./site:/site:Z", "data:/other"]\nvolumes:\n  data: {}\n'),
    };
    const { dir } = await agreeing('selinux', files);
    const volumes = ((yaml(dir, ['a.yml']).services as Record<string, Record<string, unknown>>).web.volumes as Record<string, unknown>[]);
    expect(volumes[0]).toMatchObject({ type: 'volume', source: 'data', bind: { selinux: 'z' } });
    expect(volumes[1]).toMatchObject({ type: 'bind', bind: { selinux: 'Z', create_host_path: true } });
    expect(volumes[2].bind).toBeUndefined();
  });

  it('values that differ only beyond 2^53 stay different', async () => {
    const files = { 'a.yml': svc('    labels:\n      big: 12345678901234567890\n    environment:\n      BIG: 12345678901234567891\n') };
    const { dir } = await agreeing('bigint', files);
    const text = configText(loadProject({ workingDir: dir, files: ['a.yml'], projectName: 'cmref', environment: {} }));
    expect(text).toContain('big: "12345678901234567890"');
    expect(text).toContain('BIG: "12345678901234567891"');
  });

  it('an unquoted date: Compose 2.40 rejects it where a string is expected, keeps it (RFC 3339) in x- extensions', async () => {
    const bad = await agreeing('date-bad', { 'a.yml': svc('    labels:\n      released: 2024-01-15\n') });
    expect(rejected(bad.dir, ['a.yml']).message).toMatch(/services\.web\.labels\.released invalid jsonType time\.Time/);
    const ok = await agreeing('date-ext', { 'a.yml': svc('    x-released: 2024-01-15\nx-top:\n  at: 2001-12-14t21:59:43.10-05:00\n') });
    const m = yaml(ok.dir, ['a.yml']);
    expect(m['x-top']).toEqual({ at: '2001-12-14T21:59:43.1-05:00' });
  });

  it('include: paths relative to the included file, project_directory, env_file, and conflicts', async () => {
    const files = {
      'compose.yaml': 'include:\n  - path: sub/db.yaml\n    env_file: sub/db.env\n  - lib/cache.yaml\nservices:\n  web:\n    image: nginx\n    depends_on: [db]\n',
      'sub/db.yaml': 'services:\n  db:\n    image: postgres:${PG_VERSION}\n    volumes: ["./data:/var/lib/postgresql/data"]\n    env_file: db.env\n',
      'sub/db.env': 'PG_VERSION=16\nPOSTGRES_DB=app\n',
      'lib/cache.yaml': 'services:\n  cache:\n    image: redis\n    build: ./ctx\n',
    };
    const { dir } = await agreeing('include', files, ['compose.yaml']);
    const m = yaml(dir, ['compose.yaml']);
    const services = m.services as Record<string, Record<string, unknown>>;
    expect(services.db.image).toBe('postgres:16');
    expect((services.db.volumes as Record<string, unknown>[])[0].source).toBe(`${dir}/sub/data`);
    expect((services.cache.build as Record<string, unknown>).context).toBe(`${dir}/lib/ctx`);
    expect(m.include).toBeUndefined();
    const conflict = await agreeing('include-conflict', {
      'compose.yaml': 'include: [other.yaml]\nservices:\n  db:\n    image: mysql\n',
      'other.yaml': 'services:\n  db:\n    image: postgres\n',
    }, ['compose.yaml']);
    expect(rejected(conflict.dir, ['compose.yaml']).message).toBe('services.db conflicts with imported resource');
  });

  it('a multi-document file is merged document by document', async () => {
    const { dir } = await agreeing('multidoc', { 'a.yml': 'services:\n  a:\n    image: a\n---\nservices:\n  b:\n    image: b\n  a:\n    environment: [X=1]\n' });
    const services = yaml(dir, ['a.yml']).services as Record<string, Record<string, unknown>>;
    expect(Object.keys(services).sort()).toEqual(['a', 'b']);
    expect(services.a.environment).toEqual({ X: '1' });
  });

  it('a duplicated mapping key is an error at file:line:col', async () => {
    const { dir } = await agreeing('dupkey', { 'a.yml': 'services:\n  web:\n    image: a\n    image: b\n' });
    const e = rejected(dir, ['a.yml']);
    expect(e.message).toBe('mapping key "image" already defined at line 3');
    expect([e.file?.endsWith('a.yml'), e.line, e.col]).toEqual([true, 4, 5]);
  });

  it('override files are validated as Compose does: merged, after each file', async () => {
    const base = svc('    depends_on:\n      db:\n        condition: service_healthy\n    labels: {a: b}\n  db:\n    image: postgres\n  other:\n    image: busybox\n');
    const { dir } = await agreeing('override-partial', {
      'a.yml': base,
      'b.yml': 'services:\n  web:\n    image:\n    labels: null\n    depends_on:\n      db:\n        required: false\n  other:\n',
    });
    const web = (yaml(dir, ['a.yml', 'b.yml']).services as Record<string, Record<string, unknown>>).web;
    expect(web.image).toBe('nginx');
    expect(web.depends_on).toEqual({ db: { condition: 'service_healthy', required: false } });
    // what Compose rejects, composemod rejects
    for (const [id, override, pattern] of [
      ['new-null-service', 'services:\n  fresh:\n', /services\.fresh must be (a )?mapping|services\.fresh must be object/],
      ['pull-policy', 'services:\n  web:\n    pull_policy: sometimes\n', /pull_policy/],
      ['security-opt', 'services:\n  web:\n    security_opt: [a]\n', /security_opt must not contain duplicate items/],
      ['ssh', 'services:\n  web:\n    build: {ssh: [default]}\n', /cannot override services\.web\.build\.ssh/],
    ] as const) {
      const first = id === 'security-opt' ? svc('    security_opt: [a]\n') : id === 'ssh' ? svc('    build: {context: ., ssh: {default: /x}}\n') : base;
      const r = await agreeing(`reject-${id}`, { 'a.yml': first, 'b.yml': override });
      expect(rejected(r.dir, ['a.yml', 'b.yml']).message).toMatch(pattern);
    }
  });

  it('duplicate entries in environment, labels and dns lists are de-duplicated (the later wins)', async () => {
    const { dir } = await agreeing('dups', { 'a.yml': svc('    environment: [TZ=UTC, A=1, TZ=UTC]\n    labels: [x=1, x=2]\n    dns: [1.1.1.1, 1.1.1.1]\n') });
    const web = (yaml(dir, ['a.yml']).services as Record<string, Record<string, unknown>>).web;
    expect(web).toMatchObject({ environment: { TZ: 'UTC', A: '1' }, labels: { x: '2' }, dns: ['1.1.1.1'] });
    // check and fix read the file as Compose does: accepted, and the repeats are findings
    const report = await check({ cwd: dir, paths: ['a.yml'], config: false, only: 'duplicate-entries' });
    expect(report.projects[0].result.findings.map((f) => f.id).sort()).toEqual(['duplicate-entries', 'duplicate-entries/redundant']);
    // a repeat Compose rejects (security_opt) is still invalid input for them
    const bad = caseDir('dups-security-opt', { 'a.yml': svc('    security_opt: [a, a]\n') });
    expect(await composeConfig({ cwd: bad, files: ['a.yml'] }).then((r) => r.code)).not.toBe(0);
    await expect(check({ cwd: bad, paths: ['a.yml'], config: false })).rejects.toThrow(/security_opt must not contain duplicate items/);
  });

  it('a long-form volume target with a trailing slash is trimmed', async () => {
    const { dir } = await agreeing('trailing', { 'a.yml': svc('    volumes:\n      - type: volume\n        source: data\n        target: /data/\nvolumes:\n  data:\n') });
    const v = ((yaml(dir, ['a.yml']).services as Record<string, Record<string, unknown>>).web.volumes as Record<string, unknown>[])[0];
    expect(v.target).toBe('/data');
  });

  it('name: !reset null names the project "null" (a bare !reset keeps the earlier name)', async () => {
    const files = { 'a.yml': `name: myapp\n${svc('')}`, 'b.yml': 'name: !reset null\n' };
    const dir = caseDir('name-reset', files);
    for (const mode of ['yaml', 'yaml --no-interpolate'] as const) {
      const r = await compare({ id: 'name-reset', dir, files: ['a.yml', 'b.yml'], projectName: '' }, mode);
      expect(agrees(r), `${mode}: ${r.detail}`).toBe(true);
    }
    const p = loadProject({ workingDir: dir, files: ['a.yml', 'b.yml'], environment: {} });
    expect(p.name).toBe('null');
    const kept = caseDir('name-reset-bare', { ...files, 'b.yml': 'name: !reset\n' });
    expect(loadProject({ workingDir: kept, files: ['a.yml', 'b.yml'], environment: {} }).name).toBe('myapp');
  });

  it('interpolation: every form of the template table agrees (labels through both tools)', async () => {
    const templates = [
      '$SET and ${SET}',
      '${UNSET:-d} ${EMPTY:-d} ${SET:-d}',
      '${UNSET-d} ${EMPTY-d} ${SET-d}',
      '${UNSET:+r} ${EMPTY:+r} ${SET:+r}',
      '${UNSET+r} ${EMPTY+r} ${SET+r}',
      '${UNSET:-${NESTED:-x}}',
      '${UNSET:-${ALSO_UNSET:-deep}}/x',
      '$$SET $${SET} $$',
      'cost $5 and $',
      '${SET}${SET:-a}${SET}',
      '${SET:-${UNSET}}',
    ];
    const labels = templates.map((t, i) => `      l${i}: '${t.replace(/'/g, "''")}'`).join('\n');
    const dir = caseDir('templates', { 'a.yml': svc(`    labels:\n${labels}\n`) });
    for (const mode of ['yaml', 'json'] as const) {
      const r = await compare({ id: 'templates', dir, files: ['a.yml'], env: { SET: 'v', EMPTY: '', NESTED: 'n' } }, mode);
      expect(agrees(r), `${mode}: ${r.outcome} ${r.detail}`).toBe(true);
      expect(r.outcome).toBe('identical');
    }
  });

  it('file discovery and the project name: compose.yaml + its override, COMPOSE_FILE and the name from .env', async () => {
    const files = {
      'compose.yaml': svc('    environment:\n      - FROM_ENV_FILE=${X:-unset}\n'),
      'compose.override.yaml': 'services:\n  web:\n    labels: [over=1]\n',
      '.env': 'X=from-dotenv\n',
    };
    const dir = caseDir('My Project_Dir', files);
    for (const mode of ['yaml', 'yaml --no-interpolate'] as const) {
      const r = await compare({ id: 'discovery', dir, files: [], projectName: '' }, mode);
      expect(r.outcome, `${mode}: ${r.detail}`).toBe('identical');
    }
    const named = caseDir('compose-file', {
      'base.yml': svc(''),
      'extra.yml': 'services:\n  web:\n    labels: [extra=1]\n',
      '.env': 'COMPOSE_FILE=base.yml;extra.yml\nCOMPOSE_PATH_SEPARATOR=;\nCOMPOSE_PROJECT_NAME=fromenv\n',
    });
    const r = await compare({ id: 'compose-file', dir: named, files: [], projectName: '' }, 'yaml');
    expect(r.outcome, r.detail).toBe('identical');
    expect(r.ours).toMatch(/^name: fromenv\n/);
    expect(r.ours).toContain('extra: "1"');
  });

  it.skipIf(!dockerComposeOld)('--compose-version 2.26 prints what Docker Compose 2.26.1 prints where the versions differ', async () => {
    const dir = caseDir('v226', {
      'a.yml': svc('    command: ["\\nfirst line is empty"]\n    environment:\n      RELEASED: 2024-01-15\n    x-date: 2024-01-15\n'),
    });
    for (const mode of MODES) {
      const r = await compare({ id: 'v226', dir, files: ['a.yml'], composeVersion: '2.26' }, mode);
      expect(r.outcome, `${mode}: ${r.detail}`).toBe('identical');
    }
    const text = configText(loadProject({ workingDir: dir, files: ['a.yml'], projectName: 'cmref', environment: {}, composeVersion: '2.26' }));
    expect(text).toContain('RELEASED: 2024-01-15 00:00:00 +0000 UTC');
    expect(text).toContain('      - |2-\n        first line is empty');
    // 2.40 rejects the date where a string is expected
    expect(rejected(dir, ['a.yml']).message).toMatch(/RELEASED invalid jsonType time\.Time/);
  });

  it('ours() and the CLI agree (same loader)', () => {
    const dir = caseDir('ours', { 'a.yml': svc('') });
    expect(ours({ id: 'ours', dir, files: ['a.yml'] }, 'yaml').code).toBe(0);
  });
});
