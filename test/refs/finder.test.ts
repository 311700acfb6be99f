/**
 * The reference finder and updater on real git repositories (and a plain directory): which
 * files are searched, what is reported instead of edited, and the extract command's
 * integration (`--no-update-refs`, `--json`, prettier).
 */
import { describe, it, expect } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { updateReferences, type EnvFiles } from '../../src/refs/index.js';
import { extractCommand } from '../../src/cli/commands/extract.js';
import type { FileChange } from '../../src/core/save.js';
import { runCommand } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';

const DEV = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n    environment:\n      DEBUG: "1"\n';
const PROD = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80:80"\n    restart: always\n';

function repo(files: Record<string, string>, git = true): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-refs-unit-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  if (git) {
    const g = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    g('init', '-q');
    g('add', '-A');
    g('commit', '-qm', 'init');
  }
  return dir;
}

/** dev and prod as after an override-layout extract (the override file created). */
function setup(dir: string): { envs: EnvFiles[]; changes: FileChange[] } {
  const p = (f: string) => path.join(dir, f);
  return {
    envs: [
      { name: 'dev', before: [p('docker-compose.yml')], after: [p('docker-compose.yml'), p('docker-compose.override.yml')] },
      { name: 'prod', before: [p('docker-compose.prod.yml')], after: [p('docker-compose.yml'), p('docker-compose.prod.yml')] },
    ],
    changes: [{ path: p('docker-compose.override.yml'), before: null, after: 'services: {}\n' }],
  };
}

const edited = (changes: FileChange[], dir: string) =>
  changes.filter((c) => c.before !== null && c.before !== c.after).map((c) => path.relative(dir, c.path)).sort();

describe('which files are searched', () => {
  it('git: tracked and untracked files, not ignored or vendored ones; the project .env even when ignored', async () => {
    const cmd = 'docker compose -f docker-compose.prod.yml up -d\n';
    const dir = repo({
      'docker-compose.yml': DEV,
      'docker-compose.prod.yml': PROD,
      '.gitignore': 'ignored/\n.env\n',
      'tracked.sh': cmd,
      'ignored/run.sh': cmd,
      'vendor/lib/run.sh': cmd,
      'node_modules/x/run.sh': cmd,
      '.env': 'COMPOSE_FILE=docker-compose.prod.yml\n',
    });
    writeFileSync(path.join(dir, 'untracked.sh'), cmd);
    const r = await updateReferences({ projectDir: dir, ...setup(dir) });
    expect(r.git).toBe(true);
    expect(edited(r.changes, dir)).toEqual(['.env', 'tracked.sh', 'untracked.sh']);
    expect(r.references.map((x) => path.relative(dir, x.file))).toEqual(['.env', 'tracked.sh', 'untracked.sh']);
  });

  it('a symlinked file is not edited through its link', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-refs-unit-'));
    writeFileSync(path.join(dir, 'docker-compose.yml'), DEV);
    writeFileSync(path.join(dir, 'docker-compose.prod.yml'), PROD);
    writeFileSync(path.join(dir, 'deploy.sh'), 'docker compose -f docker-compose.prod.yml up -d\n');
    symlinkSync('deploy.sh', path.join(dir, 'deploy-link.sh'));
    const r = await updateReferences({ projectDir: dir, ...setup(dir) });
    expect(edited(r.changes, dir)).toEqual(['deploy.sh']);
  });

  it('a plain directory is walked, skipping vendored directories', async () => {
    const dir = repo({ 'docker-compose.yml': DEV, 'docker-compose.prod.yml': PROD, 'Makefile': 'p:\n\tdocker compose -f docker-compose.prod.yml up\n', 'node_modules/a/b.sh': 'docker compose -f docker-compose.prod.yml up\n' }, false);
    const r = await updateReferences({ projectDir: dir, ...setup(dir) });
    expect(r.git).toBe(false);
    expect(edited(r.changes, dir)).toEqual(['Makefile']);
    expect(r.changes.find((c) => c.path.endsWith('Makefile'))!.after).toBe('p:\n\tdocker compose -f docker-compose.yml -f docker-compose.prod.yml up\n');
  });
});

describe('findings are reported, never edited', () => {
  it('computed names, lists matching no environment, unknown directories', async () => {
    const dir = repo({
      'docker-compose.yml': DEV,
      'docker-compose.prod.yml': PROD,
      'extra.yml': 'services: {}\n',
      'run.sh': 'docker compose -f docker-compose.prod.yml -f extra.yml up\ndocker compose -f "docker-compose.$ENV.yml" up\ncd "$HOME/app" && docker compose -f docker-compose.prod.yml up\n',
      'other/compose.yaml': 'services: {}\n',
      'other/run.sh': 'docker compose -f compose.yaml up\n',
    });
    const r = await updateReferences({ projectDir: dir, ...setup(dir) });
    expect(edited(r.changes, dir)).toEqual([]);
    expect(r.references.map((x) => [path.relative(dir, x.file), x.line, x.status])).toEqual([
      ['other/run.sh', 1, 'unrelated'],
      ['run.sh', 1, 'unmatched'],
      ['run.sh', 2, 'computed'],
      ['run.sh', 3, 'computed'],
    ]);
    expect(r.references[1].reason).toMatch(/no environment's file list/);
    expect(r.references[3].reason).toMatch(/working directory is unknown/);
  });

  it('an edit that cannot be written in the host (a .env value needing quotes) is left and said', async () => {
    const dir = repo({ 'a.yml': DEV, 'b.yml': PROD, '.env': 'COMPOSE_FILE=a.yml\n' });
    const envs = [{ name: 'dev', before: [path.join(dir, 'a.yml')], after: [path.join(dir, 'a.yml'), path.join(dir, 'my dev.yml')] }];
    const r = await updateReferences({ projectDir: dir, envs, changes: [{ path: path.join(dir, 'my dev.yml'), before: null, after: 'services: {}\n' }] });
    expect(edited(r.changes, dir)).toEqual([]);
    expect(r.references.map((x) => [x.status, x.reason])).toEqual([['unverified', 'the new list needs quotes in .env']]);
  });

  it('a JS/TS file that does not parse, and a package.json that is not JSON, are findings', async () => {
    const dir = repo({ 'docker-compose.yml': DEV, 'docker-compose.prod.yml': PROD, 'broken.ts': 'const x = ( docker compose;\n', 'package.json': '{ "scripts": { "up": "docker compose up" ' });
    const r = await updateReferences({ projectDir: dir, ...setup(dir) });
    expect(r.references.map((x) => [path.relative(dir, x.file), x.status])).toEqual([
      ['broken.ts', 'computed'],
      ['package.json', 'unverified'],
    ]);
  });
});

describe('extract integration', () => {
  const input = path.join(projectRoot, 'fixtures', 'refs', 'realistic-repo', 'input');
  const read = (f: string) => readFileSync(path.join(input, f), 'utf8');
  const files = { 'docker-compose.yml': read('docker-compose.yml'), 'docker-compose.prod.yml': read('docker-compose.prod.yml'), 'deploy.sh': 'docker compose -f docker-compose.prod.yml up -d\n' };

  it('updates by default, lists references in --json, leaves them with --no-update-refs', async () => {
    const dir = repo(files);
    const json = await runCommand(dir, (io) => extractCommand(io, { dryRun: true, json: true }));
    const report = JSON.parse(json.stdout) as { references: { file: string; status: string; before: string[]; after: string[] }[] };
    const prod = { status: 'updated', before: ['docker-compose.prod.yml'], after: ['docker-compose.yml', 'docker-compose.prod.yml'] };
    // the script, and the header comment of the production file
    expect(report.references).toMatchObject([
      { file: 'deploy.sh', line: 1, where: 'shell script', ...prod },
      { file: 'docker-compose.prod.yml', line: 2, where: 'compose file (comment)', ...prod },
    ]);

    const skipped = await runCommand(dir, (io) => extractCommand(io, { updateRefs: false }));
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('references: not updated (--no-update-refs)');
    expect(readFileSync(path.join(dir, 'deploy.sh'), 'utf8')).toBe(files['deploy.sh']);
  });

  it('prettier: created files take the repository settings; edited files stay prettier --check clean', async () => {
    const dir = repo({
      ...files,
      '.prettierrc.json': '{ "singleQuote": true }\n',
      '.github/workflows/ci.yml': "on: push\njobs:\n  up:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'docker compose -f docker-compose.prod.yml config'\n",
    });
    const r = await runCommand(dir, (io) => extractCommand(io, {}));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/prettier: formatted the new docker-compose.override.yml with the repository's settings \(\.prettierrc\.json\)/);
    // prettier with singleQuote rewrites the created file's "3000:3000"
    expect(readFileSync(path.join(dir, 'docker-compose.override.yml'), 'utf8')).toContain("- '3000:3000'");
    const prettier = await import('prettier');
    const ci = readFileSync(path.join(dir, '.github/workflows/ci.yml'), 'utf8');
    expect(ci).toContain("run: 'docker compose -f docker-compose.yml -f docker-compose.prod.yml config'");
    expect(await prettier.check(ci, { parser: 'yaml', singleQuote: true })).toBe(true);
  });
});

describe('composemod refs', () => {
  it('lists each reference with the environment it selects', async () => {
    const input = path.join(projectRoot, 'fixtures', 'refs', 'realistic-repo', 'input');
    const dir = repo({
      'docker-compose.yml': readFileSync(path.join(input, 'docker-compose.yml'), 'utf8'),
      'docker-compose.prod.yml': readFileSync(path.join(input, 'docker-compose.prod.yml'), 'utf8'),
      'Makefile': 'prod:\n\tdocker compose -f docker-compose.prod.yml up -d\nany:\n\tdocker compose -f "$(F)" up\n',
    });
    const { refsCommand } = await import('../../src/refs/command.js');
    const r = await runCommand(dir, (io) => refsCommand(io, {}));
    expect(r.stdout).toBe(
      [
        'Makefile:2  Makefile recipe: prod (docker-compose.prod.yml)',
        'Makefile:4  Makefile recipe: computed: the file name is computed ("$(F)")',
        'docker-compose.prod.yml:2  compose file (comment): prod (docker-compose.prod.yml)',
        '3 references to the compose files of . (2 selecting an environment, 1 computed)',
        '',
      ].join('\n'),
    );
  });
});
