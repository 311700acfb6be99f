/**
 * The intent check itself: real Transform objects that misbehave the way the trial's fixes
 * did (or in new ways) go through the real runner, which must refuse them (IntentRefusal,
 * exit 2, nothing returned to write) naming environment, service and key; a fix that declares
 * what it does passes. The checker is not mocked: views come from the files on disk.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IntentRefusal } from '../../src/rules/engine.js';
import { runFixes, type FixTarget } from '../helpers/run-fixes.js';
import type { Fixer, Rule as Transform, RuleContext } from '../../src/rules/types.js';
import type { Delta } from '../../src/rules/intent/deltas.js';
import { containerNameRemoved, imageChanged, networksChanged, secretDelivers, volumeMounted } from '../../src/rules/intent/deltas.js';
import type { Violation } from '../../src/rules/intent/check.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-intent-'));
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), t);
  }
  return dir;
}

function target(dir: string, envs: Record<string, string[]>): FixTarget {
  return { dir, environments: Object.entries(envs).map(([name, files]) => ({ name, files: files.map((f) => path.join(dir, f)) })) };
}

/** What a test fix uses: the project, and the Fixer of the one finding it reports. */
interface TransformContext {
  project: RuleContext['project'];
  editor: Fixer['editor'];
  writeFile: Fixer['writeFile'];
  intend: Fixer['intend'];
}

/** A rule that reports one finding and records a fix made of a function over the real context. */
function fix(name: string, run: (ctx: TransformContext) => void): Transform {
  return {
    meta: { id: name, description: name, rationale: name, severity: 'warning', fixable: 'safe', options: [], docs: '' },
    check(ctx) {
      const f = ctx.report({ message: name })!;
      run({ project: ctx.project, editor: (x) => f.editor(x), writeFile: (p, c, o) => f.writeFile(p, c, o), intend: (d) => f.intend(d) });
    },
  };
}

const file = (ctx: TransformContext, name: string) => ctx.project.files.find((f) => path.basename(f.path) === name)!;

async function refusal(t: FixTarget, transform: Transform): Promise<Violation[]> {
  const before = Object.fromEntries(t.environments.flatMap((e) => e.files).map((f) => [f, readFileSync(f, 'utf8')]));
  let err: unknown;
  try {
    await runFixes(t, [transform], {});
  } catch (e) {
    err = e;
  }
  expect(err, 'the run is refused').toBeInstanceOf(IntentRefusal);
  const r = err as IntentRefusal;
  expect(r.exitCode).toBe(2);
  expect(r.message).toMatch(/^refused: .*nothing was written/);
  for (const [f, t0] of Object.entries(before)) expect(readFileSync(f, 'utf8'), 'nothing written').toBe(t0);
  for (const v of r.violations) expect(v.rule).toBe(transform.meta.id);
  return [...r.violations];
}

const minio = {
  'docker-compose.yml': 'services:\n  minio:\n    image: minio/minio\n    environment:\n      MINIO_ROOT_PASSWORD: minioadmin\n',
  'docker-compose.prod.yml': 'services:\n  minio:\n    image: minio/minio\n    environment:\n      MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD}\n',
};

describe('the intent check refuses a fix that changes more than it declares', () => {
  it('a dev literal moved to .env under the name prod reads (defect 2): prod, minio, environment.MINIO_ROOT_PASSWORD', async () => {
    const dir = project(minio);
    const leaky = fix('leaky-dotenv', (ctx) => {
      ctx.editor(file(ctx, 'docker-compose.yml')).replaceScalar(['services', 'minio', 'environment', 'MINIO_ROOT_PASSWORD'], '${MINIO_ROOT_PASSWORD}');
      ctx.writeFile('.env', "MINIO_ROOT_PASSWORD='minioadmin'\n");
    });
    const v = await refusal(target(dir, { dev: ['docker-compose.yml'], prod: ['docker-compose.prod.yml'] }), leaky);
    // dev still gets the same bytes (now from .env); prod silently gets dev's password
    expect(v).toEqual([expect.objectContaining({ env: 'prod', service: 'minio', key: 'environment.MINIO_ROOT_PASSWORD' })]);
    expect(JSON.stringify(v)).not.toContain('minioadmin');
  });

  it('a secret that does not hold the bytes the container got (YAML 1.1 0123 is 83)', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  api:\n    image: acme/api:1\n    environment:\n      API_KEY: 0123\n' });
    const wrong = fix('wrong-bytes', (ctx) => {
      const f = file(ctx, 'compose.yaml');
      const ed = ctx.editor(f);
      ed.replaceScalar(['services', 'api', 'environment', 'API_KEY'], '/run/secrets/api_key');
      ed.renameKey(['services', 'api', 'environment', 'API_KEY'], 'API_KEY_FILE');
      ed.insertPair(['services', 'api'], 'secrets', ['api_key']);
      ed.setIn(['secrets', 'api_key'], { file: './api_key.txt' });
      ctx.writeFile('api_key.txt', '0123');
      ctx.intend(secretDelivers({ env: 'prod', service: 'api' }, 'API_KEY', 'api_key', 'file-var'));
    });
    const v = await refusal(target(dir, { prod: ['compose.yaml'] }), wrong);
    expect(v).toEqual([expect.objectContaining({ env: 'prod', service: 'api', key: 'secrets.api_key', message: 'secret api_key does not deliver the bytes API_KEY had' })]);
  });

  it('*_FILE while the healthcheck still reads the variable (defect 4)', async () => {
    const dir = project({
      'compose.yaml':
        'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n    healthcheck:\n      test: ["CMD-SHELL", "PGPASSWORD=$$POSTGRES_PASSWORD psql -c \'select 1\'"]\nsecrets:\n  db_password:\n    environment: DB_PASSWORD\n',
    });
    const careless = fix('careless-file-var', (ctx) => {
      const ed = ctx.editor(file(ctx, 'compose.yaml'));
      ed.replaceScalar(['services', 'db', 'environment', 'POSTGRES_PASSWORD'], '/run/secrets/db_password');
      ed.renameKey(['services', 'db', 'environment', 'POSTGRES_PASSWORD'], 'POSTGRES_PASSWORD_FILE');
      ed.insertPair(['services', 'db'], 'secrets', ['db_password']);
      ctx.intend(secretDelivers({ env: 'prod', service: 'db' }, 'POSTGRES_PASSWORD', 'db_password', 'file-var'));
    });
    const v = await refusal(target(dir, { prod: ['compose.yaml'] }), careless);
    expect(v).toEqual([expect.objectContaining({ env: 'prod', service: 'db', key: 'healthcheck.test', message: 'healthcheck.test still reads $POSTGRES_PASSWORD, which the container no longer has' })]);
  });

  it('a split that cuts the proxy off from the app its nginx.conf names (defect 5)', async () => {
    const dir = project({
      'compose.yaml':
        'services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n  app:\n    image: acme/app:1\n',
      'nginx.conf': 'http { server { location / { proxy_pass http://app:8000; } } }\n',
    });
    const cut = fix('cut-proxy', (ctx) => {
      const ed = ctx.editor(file(ctx, 'compose.yaml'));
      ed.insertPair(['services', 'nginx'], 'networks', ['frontend']);
      ed.insertPair(['services', 'app'], 'networks', ['backend']);
      ed.setIn(['networks'], { frontend: null, backend: null });
      ctx.intend(networksChanged({ env: 'prod', service: 'nginx' }, ['frontend']));
      ctx.intend(networksChanged({ env: 'prod', service: 'app' }, ['backend']));
    });
    const v = await refusal(target(dir, { prod: ['compose.yaml'] }), cut);
    expect(v).toEqual([
      expect.objectContaining({ env: 'prod', service: 'nginx', key: 'networks', message: 'nginx reaches app by name (nginx.conf) but no longer shares a network with it' }),
    ]);
  });

  it('an edit to a shared base that leaves another environment invalid (defect 6)', async () => {
    const dir = project({
      'compose.yml': 'services:\n  web:\n    image: acme/web:1\n    networks:\n      - app\n',
      'compose.production.yml': 'networks:\n  app:\n',
      'compose.dev.yml': 'networks:\n  app:\n',
    });
    const onlyProd = fix('only-production', (ctx) => {
      ctx.editor(file(ctx, 'compose.yml')).replaceScalar(['services', 'web', 'networks', 0], 'frontend');
      ctx.editor(file(ctx, 'compose.production.yml')).setIn(['networks'], { frontend: null });
      ctx.intend(networksChanged({ env: 'production', service: 'web' }, ['frontend']));
    });
    const v = await refusal(target(dir, { production: ['compose.yml', 'compose.production.yml'], dev: ['compose.yml', 'compose.dev.yml'] }), onlyProd);
    expect(v).toContainEqual(expect.objectContaining({ env: 'dev', service: 'web', key: 'model', message: 'Compose would refuse it: refers to undefined network frontend' }));
    expect(v).toContainEqual(expect.objectContaining({ env: 'dev', service: 'web', key: 'networks', message: 'the attached networks changed' }));
  });

  it('an undeclared change anywhere (an image, a port) and a declared change that did not happen', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: nginx:latest\n    ports:\n      - "80:80"\n' });
    const sloppy = fix('sloppy', (ctx) => {
      const ed = ctx.editor(file(ctx, 'compose.yaml'));
      ed.replaceScalar(['services', 'web', 'image'], 'nginx:1.27.3');
      ed.replaceScalar(['services', 'web', 'ports', 0], '8080:80');
      ctx.intend(containerNameRemoved({ env: 'prod', service: 'web' }));
      ctx.intend(volumeMounted({ env: 'prod', service: 'web' }, '/data', 'web_data'));
    });
    const v = await refusal(target(dir, { prod: ['compose.yaml'] }), sloppy);
    expect(v.map((x) => `${x.env}/${x.service}/${x.key}`).sort()).toEqual(['prod/web/image', 'prod/web/ports', 'prod/web/volumes[/data]']);
  });

  it('declared for an environment the project does not have', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: nginx:latest\n' });
    const lost = fix('lost', (ctx) => {
      ctx.editor(file(ctx, 'compose.yaml')).replaceScalar(['services', 'web', 'image'], 'nginx:1.27.3');
      const d: Delta = imageChanged({ env: 'staging', service: 'web' }, 'nginx:1.27.3');
      ctx.intend(d);
    });
    const v = await refusal(target(dir, { prod: ['compose.yaml'] }), lost);
    expect(v).toContainEqual(expect.objectContaining({ env: 'staging', key: 'image-changed' }));
    expect(v).toContainEqual(expect.objectContaining({ env: 'prod', service: 'web', key: 'image' }));
  });
});

describe('the intent check passes a fix that declares what it does', () => {
  it('a declared pin and volume in every environment they reach', async () => {
    const dir = project({
      'compose.yaml': 'services:\n  cache:\n    image: redis:alpine\n',
      'compose.prod.yaml': 'services:\n  cache:\n    restart: always\n',
    });
    const honest = fix('honest', (ctx) => {
      const ed = ctx.editor(file(ctx, 'compose.yaml'));
      ed.replaceScalar(['services', 'cache', 'image'], 'redis:7.4.1-alpine');
      ed.insertPair(['services', 'cache'], 'volumes', ['cache_data:/data']);
      ed.setIn(['volumes', 'cache_data'], null);
      for (const env of ['dev', 'prod']) {
        ctx.intend(imageChanged({ env, service: 'cache' }, 'redis:7.4.1-alpine'));
        ctx.intend(volumeMounted({ env, service: 'cache' }, '/data', 'cache_data'));
      }
    });
    const r = await runFixes(target(dir, { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] }), [honest], {});
    expect(r.changes).toHaveLength(1);
    expect(r.intents).toHaveLength(4);
    expect(r.environmentsChecked).toBe(2);
  });
});
