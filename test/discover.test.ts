import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { classifyFiles, declaredFiles, detectProject, parseComposeName, parseEnvSpec, parseEnvSpecs } from '../src/core/discover.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-discover-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(path.join(dir, n), t);
  return dir;
}

const full = (img: string, extra = '') => `services:\n  web:\n    image: ${img}\n    restart: always\n${extra}  db:\n    image: postgres:16\n`;

describe('parseComposeName', () => {
  it('recognises the naming patterns', () => {
    expect(parseComposeName('docker-compose.yml')).toMatchObject({ role: 'default', family: 'docker-compose', ext: '.yml' });
    expect(parseComposeName('compose.yaml')).toMatchObject({ role: 'default', family: 'compose' });
    expect(parseComposeName('compose.override.yaml')).toMatchObject({ role: 'override', family: 'compose' });
    expect(parseComposeName('docker-compose.override.yml')).toMatchObject({ role: 'override', family: 'docker-compose' });
    expect(parseComposeName('docker-compose.prod.yml')).toMatchObject({ role: 'env', env: 'prod' });
    expect(parseComposeName('compose.staging.yaml')).toMatchObject({ role: 'env', env: 'staging', family: 'compose' });
    expect(parseComposeName('docker-compose-ci.yml')).toMatchObject({ role: 'env', env: 'ci' });
    expect(parseComposeName('prod.compose.yml')).toMatchObject({ role: 'env', env: 'prod', family: 'compose' });
    expect(parseComposeName('README.md')).toBeUndefined();
    expect(parseComposeName('prometheus.yml')).toBeUndefined();
  });
});

describe('parseEnvSpec', () => {
  it('parses NAME=FILE[,FILE...]', () => {
    expect(parseEnvSpec('prod=a.yml,b.yml')).toEqual({ name: 'prod', files: ['a.yml', 'b.yml'] });
    expect(parseEnvSpec('dev=a.yml', '/p')).toEqual({ name: 'dev', files: ['/p/a.yml'] });
  });
  it('rejects malformed specs with a clear error', () => {
    expect(() => parseEnvSpec('prod')).toThrow(/NAME=FILE/);
    expect(() => parseEnvSpec('=a.yml')).toThrow(/NAME=FILE/);
    expect(() => parseEnvSpec('prod=a.yml,')).toThrow(/NAME=FILE/);
    expect(() => parseEnvSpec('pr od=a.yml')).toThrow(/name/);
    expect(() => parseEnvSpecs(['a=x.yml', 'a=y.yml'])).toThrow(/twice/);
  });
});

describe('detectProject', () => {
  it('finds full per-environment files; the default file is dev', async () => {
    const dir = project({ 'docker-compose.yml': full('web:dev'), 'docker-compose.prod.yml': full('web:prod', '    ports:\n      - "80:80"\n') });
    const d = await detectProject(dir);
    expect(d.kind).toBe('per-env');
    expect(d.family).toBe('docker-compose');
    expect(d.ext).toBe('.yml');
    expect(d.environments.map((e) => [e.name, e.files.map((f) => path.basename(f))])).toEqual([
      ['dev', ['docker-compose.yml']],
      ['prod', ['docker-compose.prod.yml']],
    ]);
    expect(d.notes.join(' ')).toMatch(/2 full environment files/);
  });

  it('names the default file "default" when another file is the dev one', async () => {
    const dir = project({ 'compose.yaml': full('a'), 'compose.dev.yaml': full('b'), 'compose.prod.yaml': full('c') });
    const d = await detectProject(dir);
    expect(d.environments.map((e) => e.name)).toEqual(['default', 'dev', 'prod']);
    expect(d.family).toBe('compose');
    expect(d.ext).toBe('.yaml');
  });

  it('finds environment files without a default file', async () => {
    const d = await detectProject(project({ 'compose.dev.yaml': full('a'), 'compose.prod.yaml': full('b') }));
    expect(d.kind).toBe('per-env');
    expect(d.environments.map((e) => e.name)).toEqual(['dev', 'prod']);
  });

  it('recognises compose.override.yaml as an existing base+override layout', async () => {
    const d = await detectProject(
      project({ 'compose.yaml': full('a'), 'compose.override.yaml': 'services:\n  web:\n    ports:\n      - "3000:3000"\n' }),
    );
    expect(d.kind).toBe('base+override');
    expect(d.environments[0].files.map((f) => path.basename(f))).toEqual(['compose.yaml', 'compose.override.yaml']);
  });

  it('recognises an env file that only states deltas as an override', async () => {
    const d = await detectProject(project({ 'docker-compose.yml': full('a'), 'docker-compose.prod.yml': 'services:\n  web:\n    restart: unless-stopped\n' }));
    expect(d.kind).toBe('base+override');
    expect(d.environments[1]).toMatchObject({ name: 'prod' });
    expect(d.environments[1].files.map((f) => path.basename(f))).toEqual(['docker-compose.yml', 'docker-compose.prod.yml']);
  });

  it('asks for --env when full files and overrides are mixed', async () => {
    const dir = project({
      'docker-compose.yml': full('a'),
      'docker-compose.prod.yml': 'services:\n  web:\n    restart: unless-stopped\n',
      'docker-compose.staging.yml': full('b', '  worker:\n    image: w\n'),
    });
    await expect(detectProject(dir)).rejects.toThrow(/--env/);
  });

  it('asks for --env when an env file is an override but there is no default file', async () => {
    const dir = project({ 'compose.dev.yaml': full('a'), 'compose.prod.yaml': 'services:\n  web:\n    restart: always\n' });
    await expect(detectProject(dir)).rejects.toThrow(/--env/);
  });

  it('reports a single file and an empty directory', async () => {
    expect((await detectProject(project({ 'compose.yaml': full('a') }))).kind).toBe('single');
    expect((await detectProject(project({ 'notes.txt': 'x' }))).kind).toBe('none');
  });

  it('classifyFiles is pure over models', () => {
    const r = classifyFiles([
      { name: 'compose.yaml', role: 'default', family: 'compose', ext: '.yaml', model: { services: { a: { image: 'x' } } } },
      { name: 'compose.ci.yaml', role: 'env', family: 'compose', ext: '.yaml', env: 'ci', model: { services: { a: { image: 'x' } } } },
    ]);
    expect(r.kind).toBe('per-env');
  });
});

describe('base + layers without an auto-loaded override', () => {
  const layer = (extra: string) => `services:\n  web:\n${extra}`;
  it('the base alone is an environment when no layer is the dev one', async () => {
    const dir = project({ 'compose.yaml': full('web:1'), 'compose.prod.yaml': layer('    restart: always\n') });
    const d = await detectProject(dir);
    expect(d.kind).toBe('base+override');
    expect(d.environments.map((e) => [e.name, e.files.map((f) => path.basename(f))])).toEqual([
      ['dev', ['compose.yaml']],
      ['prod', ['compose.yaml', 'compose.prod.yaml']],
    ]);
  });

  it('with a dev layer, dev is base + dev and the base alone is not an environment', async () => {
    const dir = project({
      'docker-compose.yml': full('web:1'),
      'docker-compose.dev.yml': layer('    command: npm run dev\n'),
      'docker-compose.prod.yml': layer('    restart: always\n'),
    });
    const d = await detectProject(dir);
    expect(d.kind).toBe('base+override');
    expect(d.environments.map((e) => [e.name, e.files.map((f) => path.basename(f))])).toEqual([
      ['dev', ['docker-compose.yml', 'docker-compose.dev.yml']],
      ['prod', ['docker-compose.yml', 'docker-compose.prod.yml']],
    ]);
    expect(d.notes.join(' ')).toMatch(/alone is not treated as an environment/);
  });
});

describe('environment names stay distinct', () => {
  it('default + override is not called dev when a dev layer exists too', async () => {
    const layer = (extra: string) => `services:\n  web:\n${extra}`;
    const dir = project({
      'compose.yaml': full('web:1'),
      'compose.override.yaml': layer('    command: serve\n'),
      'compose.dev.yaml': layer('    command: npm run dev\n'),
    });
    const d = await detectProject(dir);
    expect(d.kind).toBe('base+override');
    expect(d.environments.map((e) => e.name)).toEqual(['default', 'dev']);
  });
});

describe('file lists named in a header comment (shared layers)', () => {
  it('declaredFiles reads the first docker compose command with -f flags that ends with the file', () => {
    const text = '# Use with: docker compose -f docker-compose.yml -f docker-compose.deploy.yml -f docker-compose.prod.yml\nservices: {}\n';
    expect(declaredFiles(text, 'docker-compose.prod.yml')).toEqual(['docker-compose.yml', 'docker-compose.deploy.yml', 'docker-compose.prod.yml']);
    expect(declaredFiles(text, 'docker-compose.staging.yml')).toBeUndefined();
    expect(declaredFiles('# run: docker-compose --file=a.yml --file ./b.yml up\nx: 1\n', 'b.yml')).toEqual(['a.yml', 'b.yml']);
    // only the header: a command further down is not a declaration, nor one naming other directories
    expect(declaredFiles('services: {}\n# docker compose -f a.yml -f b.yml\n', 'b.yml')).toBeUndefined();
    expect(declaredFiles('# docker compose -f ../a.yml -f b.yml\n', 'b.yml')).toBeUndefined();
  });

  it('a layer named by the overrides is not an environment; its members load it', async () => {
    const dir = project({
      'docker-compose.yml': 'services:\n  web:\n    image: web:1\n    environment:\n      A: "1"\n',
      'docker-compose.override.yml': 'services:\n  web:\n    ports:\n      - "8080:80"\n',
      'docker-compose.deploy.yml': '# Shared by prod and staging\nservices:\n  web:\n    restart: always\n    image: web:1.4\n',
      'docker-compose.prod.yml':
        '# Use with: docker compose -f docker-compose.yml -f docker-compose.deploy.yml -f docker-compose.prod.yml\nservices:\n  web:\n    environment:\n      A: "3"\n',
      'docker-compose.staging.yml':
        '# Use with: docker compose -f docker-compose.yml -f docker-compose.deploy.yml -f docker-compose.staging.yml\nservices:\n  web:\n    environment:\n      A: "2"\n',
    });
    const d = await detectProject(dir);
    expect(d.kind).toBe('base+override');
    expect(d.environments.map((e) => [e.name, e.files.map((f) => path.basename(f))])).toEqual([
      ['dev', ['docker-compose.yml', 'docker-compose.override.yml']],
      ['prod', ['docker-compose.yml', 'docker-compose.deploy.yml', 'docker-compose.prod.yml']],
      ['staging', ['docker-compose.yml', 'docker-compose.deploy.yml', 'docker-compose.staging.yml']],
    ]);
    expect(d.notes.join('\n')).toContain('docker-compose.deploy.yml is a shared layer');
  });

  it('a declaration naming a file that is not there is ignored', () => {
    const r = classifyFiles([
      { name: 'compose.yaml', role: 'default', family: 'compose', ext: '.yaml', model: { services: { web: { image: 'web:1', environment: { A: '1' } } } } },
      {
        name: 'compose.prod.yaml',
        role: 'env',
        family: 'compose',
        ext: '.yaml',
        env: 'prod',
        model: { services: { web: { environment: { A: '2' } } } },
        declared: ['compose.yaml', 'compose.missing.yaml', 'compose.prod.yaml'],
      },
    ]);
    expect(r.environments.map((e) => e.files)).toContainEqual(['compose.yaml', 'compose.prod.yaml']);
    expect(r.environments.flatMap((e) => e.files)).not.toContain('compose.missing.yaml');
  });
});
