/**
 * The parts of batch, in-process: repository listing and shards, project discovery, the
 * per-repository pipeline (runRepository), the report file, the summary and the progress.
 */
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ComposemodError } from '../../src/core/errors.js';
import { listRepositories, parseShard, repoKey, shardOf } from '../../src/batch/repos.js';
import { findProjectDirs } from '../../src/batch/projects.js';
import { MAX_FINDINGS, commitMessage, maskDiff, patchName, repoStatus, runRepository } from '../../src/batch/repository.js';
import { outcomeOfError } from '../../src/batch/runners.js';
import { ReportWriter, readReport } from '../../src/batch/report.js';
import { Summary, summaryText } from '../../src/batch/summary.js';
import { exitCode } from '../../src/batch/batch.js';
import { createProgress, fmtSeconds } from '../../src/batch/progress.js';
import type { BatchSettings, RepoRecord, Status } from '../../src/batch/types.js';
import { corpusPairs, sharedPresent } from '../helpers/shared.js';
import { GIT_ENV, corpusFiles, gitIn, makeRepo, snapshot, removeTempRoots, tempRoot } from './helpers.js';


afterAll(() => removeTempRoots());
const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  run: 'fix',
  commandOptions: {},
  root: '/',
  dryRun: false,
  check: false,
  color: false,
  ...over,
});

const record = (repo: string, status: Status, over: Partial<RepoRecord> = {}): RepoRecord => ({
  repo,
  status,
  projects: [],
  files: [],
  rules: {},
  findings: [],
  ms: 10,
  ...over,
});

/** Runs `fn` with the test git identity in process.env (runRepository's git reads it). */
async function withGitIdentity<T>(fn: () => Promise<T>): Promise<T> {
  const prev = { ...process.env };
  Object.assign(process.env, GIT_ENV);
  try {
    return await fn();
  } finally {
    process.env = prev;
  }
}

describe('repositories and shards', () => {
  it('lists the git work trees directly under the root, sorted; the root alone when it is one', async () => {
    const root = tempRoot('list');
    makeRepo(path.join(root, 'b-repo'), { 'x.txt': 'x' });
    makeRepo(path.join(root, 'a-repo'), { 'x.txt': 'x' });
    mkdirSync(path.join(root, 'plain-dir'));
    makeRepo(path.join(root, 'plain-dir', 'deeper-repo'), { 'x.txt': 'x' }); // not directly under the root
    writeFileSync(path.join(root, 'file.txt'), '');
    expect((await listRepositories(root)).map((r) => r.key)).toEqual(['a-repo', 'b-repo']);
    expect(await listRepositories(path.join(root, 'a-repo'))).toEqual([{ dir: path.join(root, 'a-repo'), key: '.' }]);
  });

  it('--repos: one path a line relative to the root, comments and blank lines skipped, duplicates once', async () => {
    const root = tempRoot('repos');
    const outside = tempRoot('outside');
    const list = path.join(root, 'list.txt');
    writeFileSync(list, `# fleet\n\nteam/a\n  team/b  \nteam/a\n${outside}\n`);
    const jobs = await listRepositories(root, list);
    expect(jobs.map((j) => j.key)).toEqual([outside, 'team/a', 'team/b'].sort());
    expect(jobs.find((j) => j.key === 'team/b')!.dir).toBe(path.join(root, 'team', 'b'));
    await expect(listRepositories(root, path.join(root, 'missing.txt'))).rejects.toThrow(/cannot read the repository list/);
  });

  it('keys are relative to the root, so machines with other checkout paths agree', () => {
    expect(repoKey('/srv/fleet', '/srv/fleet/org/app')).toBe('org/app');
    expect(repoKey('/home/ci/work', '/home/ci/work/org/app')).toBe('org/app');
    expect(repoKey('/srv/fleet', '/elsewhere/app')).toBe('/elsewhere/app');
  });

  it('parses I/N and refuses anything else', () => {
    expect(parseShard('0/2')).toEqual({ index: 0, count: 2 });
    expect(parseShard(' 7/8 ')).toEqual({ index: 7, count: 8 });
    for (const bad of ['2/2', '1/0', '-1/2', 'a/b', '1', '1/2/3', ''])
      expect(() => parseShard(bad), bad).toThrow(ComposemodError);
  });

  it('the shard of a key is fixed (the same in every version and on every machine)', () => {
    // pinned (first 4 bytes of sha256(key), big-endian, mod N): changing the hash would make
    // machines running two versions skip or repeat repositories
    expect(shardOf('org/app', 2)).toBe(0);
    expect(shardOf('team/payments-api', 8)).toBe(4);
  });

  it('every key is in exactly one of N shards, and shards are about even', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 64 }), (key, n) => {
        const s = shardOf(key, n);
        return Number.isInteger(s) && s >= 0 && s < n;
      }),
    );
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`org/repo-${i}`, 4)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });
});

describe('projects in a repository', () => {
  it('directories with compose files at any depth; node_modules, vendored and gitignored paths skipped', async () => {
    const root = tempRoot('projects');
    const repo = makeRepo(path.join(root, 'r'), {
      'compose.yaml': 'services: {}\n',
      'deploy/prod/docker-compose.prod.yml': 'services: {}\n',
      'tools/compose-dev.yml': 'services: {}\n',
      'node_modules/x/compose.yaml': 'services: {}\n',
      'web/node_modules/y/docker-compose.yml': 'services: {}\n',
      'vendor/z/compose.yaml': 'services: {}\n',
      'third_party/q/compose.yml': 'services: {}\n',
      'ignored/compose.yaml': 'services: {}\n',
      'docs/not-compose.yaml': 'a: 1\n',
      'gone/compose.yaml': 'services: {}\n',
      '.gitignore': 'ignored/\n',
    });
    mkdirSync(path.join(repo, 'new'));
    writeFileSync(path.join(repo, 'new', 'compose.yaml'), 'services: {}\n'); // untracked, not ignored: a project
    rmSync(path.join(repo, 'gone'), { recursive: true }); // tracked but deleted: not a project
    expect(await findProjectDirs(repo)).toEqual(['.', 'deploy/prod', 'new', 'tools']);
  });

  it('outside git, a file-system walk with the same skips', async () => {
    const root = tempRoot('walk');
    for (const f of ['a/compose.yaml', 'a/b/c/compose.prod.yaml', 'node_modules/p/compose.yaml', 'vendor/compose.yaml', 'x.yaml']) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), 'services: {}\n');
    }
    expect(await findProjectDirs(root)).toEqual(['a', 'a/b/c']);
  });
});

describe('one repository (runRepository)', () => {
  it('the repository is one unit: a project that errors means nothing of it is written', async () => {
    const root = tempRoot('unit');
    const repo = makeRepo(path.join(root, 'two'), {
      'good/compose.yaml': 'services:\n  cache:\n    image: redis:7.2.4\n',
      'bad/compose.yaml': 'services:\n  web:\n    image: nginx\n    bogus_key: 1\n',
    });
    const before = snapshot(repo);
    const { record: r } = await runRepository({ dir: repo, key: 'two' }, settings({ root }));
    expect(r.status).toBe('error');
    expect(r.projects.map((p) => [p.dir, p.status])).toEqual([
      ['bad', 'error'],
      ['good', 'changed'],
    ]);
    expect(r.error).toMatchObject({ file: 'bad/compose.yaml', line: 4 });
    expect(snapshot(repo)).toEqual(before);
  });

  it('an ambiguous layout is refused with the reason; a repository without compose files is unchanged', async () => {
    const root = tempRoot('unit');
    const repo = makeRepo(path.join(root, 'amb'), {
      'compose.yaml': 'services:\n  web:\n    image: app:1\n    ports: ["80:80"]\n    environment: {A: "1", B: "2", C: "3", D: "4"}\n    restart: always\n',
      'compose.prod.yaml': 'services:\n  web:\n    image: app:2\n    restart: always\n    ports: ["8080:80"]\n',
    });
    const { record: r } = await runRepository({ dir: repo, key: 'amb' }, settings({ root, run: 'extract' }));
    expect(r.status).toBe('refused');
    expect(r.reason).toMatch(/^\.: cannot tell which files .* --env/);
    const none = makeRepo(path.join(root, 'none'), { 'README.md': 'x' });
    expect((await runRepository({ dir: none, key: 'none' }, settings({ root }))).record).toMatchObject({ status: 'unchanged', reason: 'no compose files' });
  });

  it('a listed repository that is missing, or a file, is an error; a --commit outside git too', async () => {
    const root = tempRoot('unit');
    writeFileSync(path.join(root, 'a-file'), '');
    mkdirSync(path.join(root, 'not-git'));
    writeFileSync(path.join(root, 'not-git', 'compose.yaml'), 'services:\n  cache:\n    image: redis:7.2.4\n');
    const run = (name: string, over: Partial<BatchSettings> = {}) => runRepository({ dir: path.join(root, name), key: name }, settings({ root, ...over }));
    expect((await run('missing')).record).toMatchObject({ status: 'error', error: { message: 'no such directory' } });
    expect((await run('a-file')).record).toMatchObject({ status: 'error', error: { message: 'not a directory' } });
    expect((await run('not-git', { commit: { branch: 'b', allowDirty: false } })).record).toMatchObject({
      status: 'error',
      error: { message: '--commit: not a git work tree' },
    });
    // outside git the projects are still found (a walk), and --check works
    expect((await run('not-git', { check: true })).record.status).toBe('changed');
  });

  it(`keeps the first ${MAX_FINDINGS} findings in detail and counts them all`, async () => {
    const root = tempRoot('unit');
    const services = Array.from({ length: MAX_FINDINGS + 5 }, (_, i) => `  cache${i}:\n    image: redis:7.2.4\n`).join('');
    const repo = makeRepo(path.join(root, 'many'), { 'compose.yaml': `services:\n${services}` });
    const { record: r } = await runRepository({ dir: repo, key: 'many' }, settings({ root, run: 'check', commandOptions: { only: 'add-volumes' } }));
    expect(r.status).toBe('findings');
    expect(r.rules).toEqual({ 'add-volumes': MAX_FINDINGS + 5 });
    expect(r.findings).toHaveLength(MAX_FINDINGS);
    expect(r.findingsLeftOut).toBe(5);
  });

  it('--commit --message: the subject is the message; the body lists each change and why', async () => {
    const root = tempRoot('unit');
    const repo = makeRepo(path.join(root, 'msg'), { 'compose.yaml': 'services:\n  cache:\n    image: redis:7.2.4\n' });
    const { record: r } = await withGitIdentity(() =>
      runRepository(
        { dir: repo, key: 'msg' },
        settings({ root, commandOptions: { only: 'add-volumes' }, commit: { branch: 'chore/volumes', message: 'chore: keep redis data', allowDirty: false } }),
      ),
    );
    expect(r.status).toBe('changed');
    expect(r.commit!.branch).toBe('chore/volumes');
    const body = gitIn(repo, ['log', '-1', '--format=%B']);
    expect(body).toMatch(/^chore: keep redis data\n\n- add-volumes: compose\.yaml \[cache\]: .*\(why: .*\)\n\nMade by composemod batch --run fix\.\n/);
  });

  it('--commit keeps a tracked .env that gains a secret value out of the commit (and never prints the value)', async () => {
    const root = tempRoot('unit');
    const token = 'tok-abcdef-123456';
    const repo = makeRepo(path.join(root, 'env'), {
      'compose.yaml': `services:\n  api:\n    image: example/api:1.2.3\n    environment:\n      API_TOKEN: ${token}\n`,
      '.env': 'LOG_LEVEL=info\n',
    });
    const { record: r } = await withGitIdentity(() =>
      runRepository({ dir: repo, key: 'env' }, settings({ root, run: 'fix', commandOptions: { only: 'secrets', devSecrets: 'move' }, commit: { branch: 'secrets', allowDirty: false } })),
    );
    expect(r.status).toBe('changed');
    expect(r.commit!.leftOut).toContainEqual({ path: '.env', why: 'holds a secret value' });
    expect(r.commit!.files).toContain('compose.yaml');
    expect(readFileSync(path.join(repo, '.env'), 'utf8')).toContain(token); // written: compose reads it
    expect(gitIn(repo, ['show', 'HEAD:.env'])).toBe('LOG_LEVEL=info\n');
    expect(gitIn(repo, ['show', 'HEAD:compose.yaml'])).not.toContain(token);
    expect(gitIn(repo, ['log', '-1', '--format=%B'])).not.toContain(token);
    expect(JSON.stringify(r)).not.toContain(token);
  });

  it.skipIf(!sharedPresent)('extract --commit on a corpus pair: modified, created and deleted files in one commit', async () => {
    const root = tempRoot('unit');
    const repo = makeRepo(path.join(root, 'nodebb'), corpusFiles(path.join(corpusPairs, '007-NodeBB-NodeBB')));
    const { record: r } = await withGitIdentity(() =>
      runRepository({ dir: repo, key: 'nodebb' }, settings({ root, run: 'extract', commit: { branch: 'extract', allowDirty: false } })),
    );
    expect(r.status).toBe('changed');
    const kinds = Object.fromEntries(r.files.map((f) => [f.path, f.kind]));
    expect(Object.values(kinds).sort()).toEqual(['create', 'delete', 'modify', 'modify']);
    const stat = gitIn(repo, ['show', '--name-status', '--format=', 'HEAD']).trim().split('\n').map((l) => l.split('\t'));
    expect(Object.fromEntries(stat.map(([st, f]) => [f, st]))).toEqual(
      Object.fromEntries(Object.entries(kinds).map(([f, k]) => [f, k === 'create' ? 'A' : k === 'delete' ? 'D' : 'M'])),
    );
    expect(gitIn(repo, ['status', '--porcelain'])).toBe('');
    expect(gitIn(repo, ['log', '-1', '--format=%B'])).toMatch(/^composemod extract: one shared base per compose project\n\n- docker-compose\.yml: one shared base for dev, pgsql, redis /);
  });

  it('dry-run diffs mask secret values in contents, never in the file names of headers', () => {
    const diff = [
      'diff --git a/laravel-app/compose.yaml b/laravel-app/compose.yaml',
      '--- a/laravel-app/compose.yaml',
      '+++ b/laravel-app/compose.yaml',
      '@@ -1,2 +1,2 @@',
      ' services:',
      '-      DB_PASSWORD: laravel',
      '+      DB_PASSWORD_FILE: /run/secrets/laravel_db',
      'diff --git a/laravel-app/secrets/db.txt b/laravel-app/secrets/db.txt',
      'new file mode 100600',
      '--- /dev/null',
      '+++ b/laravel-app/secrets/db.txt',
      '@@ -0,0 +1 @@',
      '+laravel',
      '',
    ].join('\n');
    const masked = maskDiff(diff, ['laravel']);
    const headers = masked.split('\n').filter((l) => /^(diff|---|\+\+\+) /.test(l) && !l.endsWith('/dev/null'));
    expect(headers).toHaveLength(5);
    for (const h of headers) expect(h).toContain('laravel-app/');
    expect(masked).toContain('-      DB_PASSWORD: ********\n');
    expect(masked).toContain('\n+********\n');
    expect(masked.replace(/(diff --git|---|\+\+\+) .*\n/g, '')).not.toContain('laravel');
  });

  it('status precedence, patch names, commit message without --message', () => {
    expect(repoStatus(['unchanged', 'findings'])).toBe('findings');
    expect(repoStatus(['refused', 'changed'])).toBe('changed');
    expect(repoStatus(['changed', 'error'])).toBe('error');
    expect(repoStatus([])).toBe('unchanged');
    expect(patchName('/srv/fleet', 'org/app')).toBe('org__app.patch');
    expect(patchName('/srv/fleet/app', '.')).toBe('app.patch');
    expect(patchName('/srv', '/elsewhere/app')).toBe('elsewhere__app.patch');
    const projects = [
      { dir: '.', notes: ['x'] },
      { dir: 'deploy/prod', notes: ['y', 'z'] },
    ];
    expect(commitMessage(settings({ run: 'extract', commit: { branch: 'b', allowDirty: false } }), projects, [{ path: '.env', why: 'holds a secret value' }])).toBe(
      'composemod extract: one shared base per compose project\n\n- x\n\ndeploy/prod/:\n- y\n- z\n\nWritten but not committed:\n- .env (holds a secret value)\n\nMade by composemod batch --run extract.\n',
    );
  });

  it('errors: about the directory or no file is `refused`, a file\'s is `error`, anything else an internal error', () => {
    expect(outcomeOfError(new ComposemodError('cannot tell ...', { file: '/r/p' }), '/r/p')).toMatchObject({ status: 'refused', reason: 'cannot tell ...' });
    expect(outcomeOfError(new ComposemodError('refused: the fixes would change ...'), '/r/p')).toMatchObject({ status: 'refused' });
    expect(outcomeOfError(new ComposemodError('permission denied', { file: '/r/p/compose.yaml' }), '/r/p')).toMatchObject({ status: 'error' });
    expect(outcomeOfError(new ComposemodError('bad', { file: '/r/p/compose.yaml', line: 3, col: 2 }), '/r/p')).toMatchObject({
      status: 'error',
      error: { message: 'bad', file: '/r/p/compose.yaml', line: 3, col: 2 },
    });
    expect(outcomeOfError(new TypeError('x is undefined'), '/r/p').error!.message).toBe('internal error: TypeError: x is undefined');
  });
});

describe('report file', () => {
  it('appends after a cut last line on a fresh line; reading skips what is not a record', async () => {
    const dir = tempRoot('report');
    const file = path.join(dir, 'r.jsonl');
    writeFileSync(file, JSON.stringify(record('a', 'changed')) + '\n{"repo":"b","sta');
    const w = new ReportWriter(file, true);
    w.write(record('c', 'error'));
    w.close();
    appendFileSync(file, '{"not":"a record"}\n[1,2]\n');
    const seen: string[] = [];
    await readReport(file, (r) => seen.push(r.repo));
    expect(seen).toEqual(['a', 'c']);
    expect(readFileSync(file, 'utf8').split('\n')[2]).toBe(JSON.stringify(record('c', 'error')));
    const fresh = new ReportWriter(file, false);
    fresh.close();
    expect(readFileSync(file, 'utf8')).toBe('');
    await readReport(path.join(dir, 'missing.jsonl'), () => {
      throw new Error('no records expected');
    });
  });
});

describe('summary', () => {
  it('counts statuses, projects and rules; keeps the 10 slowest; groups errors by message with a few examples', () => {
    const s = new Summary();
    for (let i = 0; i < 30; i++)
      s.add(
        record(`r${i}`, i % 3 === 0 ? 'error' : i % 3 === 1 ? 'findings' : 'changed', {
          ms: i * 10,
          rules: i % 3 === 1 ? { secrets: 2 } : {},
          files: i % 3 === 2 ? [{ path: 'compose.yaml', kind: 'modify' }] : [],
          projects: [{ dir: '.', status: 'unchanged', files: [] }],
          error: i % 3 === 0 ? { message: i < 15 ? 'invalid YAML: x' : 'permission denied' } : undefined,
        }),
        i < 2,
      );
    const j = s.toJSON({ run: 'check', notRun: 0, seconds: 1.25, exitCode: 2 });
    expect(j.statuses).toEqual({ changed: 10, unchanged: 0, findings: 10, refused: 0, error: 10 });
    expect(j.projects.unchanged).toBe(30);
    expect(j.resumed).toBe(2);
    expect(j.filesChanged).toBe(10);
    expect(j.rules).toEqual({ secrets: 20 });
    expect(j.slowest.map((x) => x.ms)).toEqual([290, 280, 270, 260, 250, 240, 230, 220, 210, 200]);
    expect(j.errors).toEqual([
      { message: 'invalid YAML: x', count: 5, repos: ['r0', 'r3', 'r6'] },
      { message: 'permission denied', count: 5, repos: ['r15', 'r18', 'r21'] },
    ]);
    const text = summaryText(j, false);
    expect(text).toContain('composemod batch --run check: 30 repositories in 1.3 s (2 from the earlier report)');
    expect(text).toContain('repositories: 10 changed, 10 findings, 10 error');
    expect(text).toContain('files to change: 10');
    expect(text).toContain('5 x invalid YAML: x  (r0, r3, r6, ...)');
  });

  it('exit codes: 2 on any error; 1 with --check or --run check when something would change; else 0', () => {
    const s = (...st: Status[]) => {
      const x = new Summary();
      st.forEach((t, i) => x.add(record(`r${i}`, t)));
      return x;
    };
    expect(exitCode(s('changed', 'error'), { run: 'fix', check: false })).toBe(2);
    expect(exitCode(s('changed'), { run: 'fix', check: false })).toBe(0);
    expect(exitCode(s('changed'), { run: 'fix', check: true })).toBe(1);
    expect(exitCode(s('findings'), { run: 'check', check: false })).toBe(1);
    expect(exitCode(s('refused', 'unchanged'), { run: 'check', check: false })).toBe(0);
  });
});

describe('progress', () => {
  it('a TTY gets one redrawn line, at most every 100 ms, with rate and ETA; the last tick always shows', () => {
    let out = '';
    let now = 0;
    const p = createProgress({ isTTY: true, columns: 100, write: (s: string) => (out += s) }, 4, () => now);
    now = 1000;
    p.tick(record('a', 'changed'));
    now = 1050;
    p.tick(record('b', 'changed')); // within 100 ms: not drawn
    now = 2000;
    p.interrupt(() => (out += 'DIFF\n'));
    now = 4000;
    p.tick(record('c', 'error'));
    p.tick(record('d', 'unchanged'));
    p.done();
    const frames = out.split('\r\u001b[K').filter(Boolean);
    expect(frames[0]).toMatch(/^\[=+\s+\] 1\/4 1\.0\/s ETA 3s {2}1 changed$/);
    expect(out).toContain('DIFF\n');
    expect(frames.some((f) => /^\[={30}\] 4\/4 /.test(f))).toBe(true); // a full 30-column bar
    expect(frames.some((f) => f.includes(' 2/4 '))).toBe(true); // redrawn after the diff
    expect(out.endsWith('\r\u001b[K')).toBe(true); // cleared for the summary
  });

  it('elsewhere one plain line per repository', () => {
    let out = '';
    const p = createProgress({ write: (s: string) => (out += s) }, 12);
    p.tick(record('org/a', 'changed', { files: [{ path: 'x', kind: 'modify' }], ms: 1500 }));
    p.tick(record('org/b', 'error', { error: { message: 'invalid YAML', file: 'compose.yaml', line: 3 }, ms: 20 }));
    p.tick(record('org/c', 'refused', { reason: 'ambiguous' }));
    expect(out).toBe('[ 1/12] org/a: changed (1 file) 1.5 s\n[ 2/12] org/b: error: compose.yaml:3: invalid YAML 20 ms\n[ 3/12] org/c: refused: ambiguous 10 ms\n');
    expect(fmtSeconds(42.1)).toBe('43s');
    expect(fmtSeconds(125)).toBe('2m05s');
    expect(fmtSeconds(7300)).toBe('2h01m');
  });
});
