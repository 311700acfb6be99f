/**
 * `composemod batch` end to end: the built CLI, spawned, over folders of real git repositories
 * (inline compose files and corpus-built ones). Every mode: --run fix|extract|check,
 * --dry-run, --patches (checked with `git apply`), --commit, --shard, --resume, and the
 * repositories that must be reported without stopping the others.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync, readdirSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { sharedPresent, sharedSkipMessage } from '../helpers/shared.js';
import { GIT_ENV, buildCli, builtCli, byRepo, composemod, gitIn, makeRepo, readReport, runProcess, snapshot, removeTempRoots, tempRoot, withoutNewerRules, type ReportLine } from './helpers.js';
import { SECRET, copyFleet, corpusFleet, inlineFleet } from './fleet.js';


afterAll(() => removeTempRoots());
beforeAll(async () => {
  await buildCli();
}, 600_000);

const allSnapshots = (root: string, names: string[]) => Object.fromEntries(names.map((n) => [n, snapshot(path.join(root, n))]));
const status = (root: string, name: string) => gitIn(path.join(root, name), ['status', '--porcelain', '--untracked-files=all']);

describe('batch over inline repositories', () => {
  let root: string;
  let names: string[];
  beforeAll(() => {
    root = tempRoot('inline');
    names = inlineFleet(root);
  });

  it('--run fix --dry-run: reports every repository, prints masked diffs, writes nothing, exit 2 for the invalid one', async () => {
    const before = allSnapshots(root, names);
    const r = await composemod(['batch', '.', '--run', 'fix', '--dry-run', '--report', 'out/fix.jsonl', '--jobs', '2'], { cwd: root });
    expect(r.code).toBe(2);
    const rep = byRepo(readReport(path.join(root, 'out/fix.jsonl')));
    expect(Object.keys(rep).sort()).toEqual([...names].sort());
    expect(rep['app-secrets'].status).toBe('changed');
    // .env.example documents the variable a fresh clone must set
    expect(rep['app-secrets'].files.map((f) => f.path).sort()).toEqual(['.env.example', '.gitignore', 'compose.yaml', 'secrets/db_postgres_password.txt']);
    expect(rep['nested-deploy'].status).toBe('changed');
    // only the project in deploy/: node_modules, vendor and the gitignored local/ were never opened
    expect(rep['nested-deploy'].projects.map((p) => p.dir)).toEqual(['deploy']);
    expect(rep['clean-app'].status).toBe('unchanged');
    expect(rep['no-compose']).toMatchObject({ status: 'unchanged', reason: 'no compose files', projects: [] });
    expect(rep['invalid-yaml'].status).toBe('error');
    expect(rep['invalid-yaml'].error).toMatchObject({ file: 'compose.yaml', line: 4 });
    expect(rep['invalid-yaml'].error!.message).toMatch(/invalid YAML/);
    expect(rep['ambiguous-layout'].status).toBe('refused');
    expect(rep['ambiguous-layout'].reason).toMatch(/--env/);
    // diffs on stdout, paths relative to the batch root, the secret masked
    expect(r.stdout).toContain('diff --git a/app-secrets/compose.yaml b/app-secrets/compose.yaml');
    expect(r.stdout).toContain('diff --git a/nested-deploy/deploy/compose.prod.yaml');
    expect(r.stdout).toContain('********');
    for (const text of [r.stdout, r.stderr, readFileSync(path.join(root, 'out/fix.jsonl'), 'utf8')]) expect(text).not.toContain(SECRET);
    // plain progress lines (stderr is not a TTY) and the summary
    expect(r.stderr).toMatch(/^\[\s*\d+\/6\] invalid-yaml: error: compose\.yaml:4: invalid YAML/m);
    expect(r.stderr).toContain('repositories: 2 changed, 2 unchanged, 1 refused, 1 error');
    expect(r.stderr).toMatch(/errors:\n\s+1 x invalid YAML.*\(invalid-yaml\)/);
    expect(allSnapshots(root, names)).toEqual(before);
    for (const n of names) expect(status(root, n)).toBe('');
  });

  it('--run check: findings per rule id, nothing written, exit 2 (an error) or 1 (findings)', async () => {
    const before = allSnapshots(root, names);
    const r = await composemod(['batch', '.', '--run', 'check', '--only', 'add-volumes,secrets', '--json', '--report', 'out/check.jsonl'], { cwd: root });
    expect(r.code).toBe(2);
    const summary = JSON.parse(r.stdout);
    expect(summary.statuses).toMatchObject({ findings: 2, unchanged: 2, refused: 1, error: 1, changed: 0 });
    // app-secrets: db; nested-deploy: db and cache, in each of its two files
    expect(summary.rules).toEqual({ 'add-volumes': 5, secrets: 1 });
    const rep = byRepo(readReport(path.join(root, 'out/check.jsonl')));
    expect(rep['app-secrets'].findings.map((f) => f.rule).sort()).toEqual(['add-volumes', 'secrets']);
    expect(rep['app-secrets'].findings.every((f) => f.file === 'compose.yaml')).toBe(true);
    // check's locations: the line of the node that owns each finding
    expect(rep['app-secrets'].findings.map((f) => [f.rule, f.line]).sort()).toEqual([['add-volumes', 2], ['secrets', 6]]);
    expect(allSnapshots(root, names)).toEqual(before);
    // without the broken repository: findings -> 1
    const list = path.join(root, 'out', 'good.txt');
    writeFileSync(list, ['app-secrets', 'clean-app', '# a comment', ''].join('\n'));
    expect((await composemod(['batch', '.', '--run', 'check', '--only', 'add-volumes,secrets', '--repos', list], { cwd: root })).code).toBe(1);
    writeFileSync(list, 'clean-app\n');
    expect((await composemod(['batch', '.', '--run', 'check', '--only', 'add-volumes,secrets', '--repos', list], { cwd: root })).code).toBe(0);
  });

  it('--check exits 1 when a repository would change and writes nothing', async () => {
    const list = path.join(root, 'out', 'two.txt');
    writeFileSync(list, 'nested-deploy\nclean-app\n');
    const before = allSnapshots(root, names);
    const r = await composemod(['batch', '.', '--run', 'extract', '--check', '--repos', list], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('repositories: 1 changed, 1 unchanged');
    expect(allSnapshots(root, names)).toEqual(before);
  });

  it('usage errors exit 2 before anything runs', async () => {
    const bad = [
      ['batch', '.', '--run', 'lint'],
      ['batch', '.'],
      ['batch', '.', '--run', 'fix', '--commit'],
      ['batch', '.', '--run', 'fix', '--branch', 'x'],
      ['batch', '.', '--run', 'check', '--commit', '--branch', 'x'],
      ['batch', '.', '--run', 'fix', '--commit', '--branch', 'a..b'],
      ['batch', '.', '--run', 'fix', '--layout', 'per-env'],
      ['batch', '.', '--run', 'extract', '--only', 'secrets'],
      ['batch', '.', '--run', 'fix', '--only', 'no-such-fix'],
      ['batch', '.', '--run', 'fix', '--shard', '2/2'],
      ['batch', '.', '--run', 'fix', '--jobs', '0'],
      ['batch', '.', '--run', 'check', '--patches', 'p'],
    ];
    for (const args of bad) {
      const r = await composemod(args, { cwd: root });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/composemod: |error: /);
      expect(existsSync(path.join(root, 'p'))).toBe(false);
    }
  });
});

describe('batch --run fix writes, --commit commits', () => {
  it('writes each changed repository atomically; a second run changes nothing', async () => {
    const root = tempRoot('write');
    const names = inlineFleet(root, ['app-secrets', 'nested-deploy', 'clean-app']);
    // a memory limit for prod's services, so that nothing is left to fix
    const r = await composemod(['batch', '.', '--run', 'fix', '--memory-limit', '*=256m'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('files changed: 6');
    const secretFile = path.join(root, 'app-secrets/secrets/db_postgres_password.txt');
    expect(readFileSync(secretFile, 'utf8')).toBe(SECRET);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(root, 'app-secrets/compose.yaml'), 'utf8')).not.toContain(SECRET);
    const after = allSnapshots(root, names);
    const again = await composemod(['batch', '.', '--run', 'fix', '--check', '--memory-limit', '*=256m'], { cwd: root });
    expect(again.code).toBe(0);
    expect(allSnapshots(root, names)).toEqual(after);
  });

  it('--commit: a branch from HEAD with only composemod\'s files, secrets kept out, the message says what and why', async () => {
    const root = tempRoot('commit');
    const names = inlineFleet(root, ['app-secrets', 'nested-deploy', 'clean-app']);
    // a dirty repository is refused and left alone
    makeDirty(root);
    const r = await composemod(['batch', '.', '--run', 'fix', '--commit', '--branch', 'composemod/fix', '--report', 'r.jsonl'], { cwd: root });
    expect(r.code).toBe(0);
    const rep = byRepo(readReport(path.join(root, 'r.jsonl')));
    expect(rep['dirty-app'].status).toBe('refused');
    expect(rep['dirty-app'].reason).toMatch(/uncommitted changes.*--allow-dirty/);
    expect(gitIn(path.join(root, 'dirty-app'), ['branch', '--list']).trim()).toBe('* main');

    const sec = path.join(root, 'app-secrets');
    expect(gitIn(sec, ['rev-parse', '--abbrev-ref', 'HEAD']).trim()).toBe('composemod/fix');
    expect(gitIn(sec, ['rev-parse', 'HEAD~1']).trim()).toBe(gitIn(sec, ['rev-parse', 'main']).trim());
    expect(gitIn(sec, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n').sort()).toEqual(['.env.example', '.gitignore', 'compose.yaml']);
    expect(rep['app-secrets'].commit).toMatchObject({
      branch: 'composemod/fix',
      files: ['compose.yaml', '.env.example', '.gitignore'],
      leftOut: [{ path: 'secrets/db_postgres_password.txt', why: 'ignored by git' }],
    });
    expect(rep['app-secrets'].commit!.sha).toBe(gitIn(sec, ['rev-parse', 'HEAD']).trim());
    const message = gitIn(sec, ['log', '-1', '--format=%B']);
    expect(message).toMatch(/^composemod fix: compose fixes\n\n- add-volumes: compose\.yaml \[db\]: .+\(why: .+\)\n- secrets: compose\.yaml \[db\]: /);
    expect(message).toContain('secrets/db_postgres_password.txt (ignored by git)');
    expect(message).not.toContain(SECRET);
    // the committed tree holds the value nowhere (the repository's first commit had it in compose.yaml)
    expect(gitIn(sec, ['ls-tree', '-r', '--name-only', 'HEAD']).trim().split('\n').sort()).toEqual(['.env.example', '.gitignore', 'compose.yaml', 'composemod.config.json']);
    expect(gitIn(sec, ['show', 'HEAD:compose.yaml'])).not.toContain(SECRET);
    // the secret file is written (compose needs it) and stays untracked, ignored
    expect(readFileSync(path.join(sec, 'secrets/db_postgres_password.txt'), 'utf8')).toBe(SECRET);
    expect(status(root, 'app-secrets')).toBe('');

    const nested = path.join(root, 'nested-deploy');
    expect(gitIn(nested, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n').sort()).toEqual([
      'deploy/compose.prod.yaml',
      'deploy/compose.yaml',
    ]);
    expect(status(root, 'nested-deploy')).toBe(''); // local/ is ignored
    expect(gitIn(nested, ['log', '-1', '--format=%B'])).toMatch(/\n\ndeploy\/:\n- add-volumes: compose\.yaml \[db\]: /);
    // unchanged repository: no branch
    expect(gitIn(path.join(root, 'clean-app'), ['branch', '--list']).trim()).toBe('* main');
    expect(names).toContain('clean-app');

    // a second run: nothing to change, no new commit
    const again = await composemod(['batch', '.', '--run', 'fix', '--commit', '--branch', 'composemod/fix', '--allow-dirty'], { cwd: root });
    expect(again.code).toBe(0);
    expect(gitIn(sec, ['rev-list', '--count', 'HEAD']).trim()).toBe('2');
  });

  it('`batch .` in one repository with --commit: the report written inside it is not dirt', async () => {
    const root = tempRoot('self');
    const repo = makeRepo(path.join(root, 'one'), { 'compose.yaml': 'services:\n  cache:\n    image: redis:7.2.4\n' });
    const r = await composemod(['batch', '.', '--run', 'fix', '--commit', '--branch', 'volumes', '--report', 'out/r.jsonl', '--patches', 'out/patches'], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    const [line] = readReport(path.join(repo, 'out/r.jsonl'));
    expect(line).toMatchObject({ repo: '.', status: 'changed', patch: 'one.patch', commit: { branch: 'volumes', files: ['compose.yaml'] } });
    expect(gitIn(repo, ['status', '--porcelain', '--untracked-files=all']).split('\n').filter(Boolean).sort()).toEqual([
      '?? out/patches/one.patch',
      '?? out/r.jsonl',
    ]);
  });

  it('--commit --allow-dirty commits only composemod\'s files, refuses a file that is itself dirty, and an existing branch', async () => {
    const root = tempRoot('dirty');
    inlineFleet(root, ['nested-deploy']);
    makeDirty(root);
    // a staged, unrelated change stays staged and out of the commit
    const d = path.join(root, 'dirty-app');
    writeFileSync(path.join(d, 'notes.txt'), 'mine\n');
    gitIn(d, ['add', 'notes.txt']);
    // nested-deploy: composemod's own target file is dirty -> error, nothing written
    const nested = path.join(root, 'nested-deploy');
    appendFileSync(path.join(nested, 'deploy/compose.prod.yaml'), '# local edit\n');
    const before = snapshot(nested);
    const r = await composemod(['batch', '.', '--run', 'fix', '--commit', '--branch', 'fix-1', '--allow-dirty', '--report', 'r.jsonl'], { cwd: root });
    expect(r.code).toBe(2);
    const rep = byRepo(readReport(path.join(root, 'r.jsonl')));
    expect(rep['nested-deploy'].status).toBe('error');
    expect(rep['nested-deploy'].error).toMatchObject({ file: 'deploy/compose.prod.yaml' });
    expect(rep['nested-deploy'].error!.message).toMatch(/uncommitted changes/);
    expect(snapshot(nested)).toEqual(before);
    expect(gitIn(nested, ['branch', '--list']).trim()).toBe('* main');

    expect(rep['dirty-app'].status).toBe('changed');
    expect(gitIn(d, ['show', '--name-only', '--format=', 'HEAD']).trim()).toBe('compose.yaml');
    const st = gitIn(d, ['status', '--porcelain']);
    expect(st).toContain('A  notes.txt');
    expect(st).toContain(' M README.md');

    // the branch now exists: a repository with changes reports it instead of overwriting
    gitIn(d, ['checkout', '-q', 'main']);
    const again = await composemod(['batch', '.', '--run', 'fix', '--commit', '--branch', 'fix-1', '--allow-dirty', '--report', 'r2.jsonl'], { cwd: root });
    expect(again.code).toBe(2);
    expect(byRepo(readReport(path.join(root, 'r2.jsonl')))['dirty-app'].error!.message).toMatch(/branch "fix-1" already exists/);
    expect(readFileSync(path.join(d, 'compose.yaml'), 'utf8')).not.toContain('redis_data');
  });
});

/** A repository with an uncommitted change (a modified README) and a redis to fix. */
function makeDirty(root: string): void {
  const d = makeRepo(path.join(root, 'dirty-app'), { 'compose.yaml': 'services:\n  cache:\n    image: redis:7.2.4\n', 'README.md': '# dirty\n' });
  appendFileSync(path.join(d, 'README.md'), 'uncommitted\n');
}

describe.skipIf(!sharedPresent)('batch over corpus-built repositories', () => {
  if (!sharedPresent) console.log(sharedSkipMessage);
  let root: string;
  let names: string[];
  /** An untouched copy: the patches test applies its patches to `root`. */
  let pristine: string;
  beforeAll(() => {
    root = tempRoot('corpus');
    names = [...corpusFleet(root), ...inlineFleet(root, ['invalid-yaml', 'clean-app'])];
    pristine = copyFleet(root, `${root}-pristine`);
  }, 120_000);

  it('--run extract --patches: one 0600 patch per changed repository, repositories untouched; each patch applies with git apply to exactly what a write run produces', async () => {
    const before = allSnapshots(root, names);
    const patches = path.join(root, '..', `${path.basename(root)}-patches`);
    const r = await composemod(['batch', root, '--run', 'extract', '--patches', patches, '--report', `${patches}.jsonl`], { cwd: root });
    expect(r.code).toBe(2); // invalid-yaml
    expect(allSnapshots(root, names)).toEqual(before);
    const rep = readReport(`${patches}.jsonl`);
    expect(rep.map((l) => l.repo).sort()).toEqual([...names].sort());
    const changed = rep.filter((l) => l.status === 'changed');
    // 002 and 018 are left alone (extract's --min-saving; a base would make 018 longer)
    expect(changed.map((l) => l.repo)).toEqual(expect.arrayContaining(['pair-001-testdrivenio-django-on-docker', 'pair-007-NodeBB-NodeBB', 'pair-014-testdrivenio-fastapi-docker-traefik', 'pair-024-123456wda-feed_system_Golang']));
    expect(rep.find((l) => l.repo === 'pair-002-testdrivenio-flask-on-docker')!.status).toBe('unchanged');
    expect(readdirSync(patches).sort()).toEqual(changed.map((l) => `${l.repo}.patch`).sort());
    expect(statSync(patches).mode & 0o777).toBe(0o700);

    // the same batch writing, on a copy of the fleet
    const written = copyFleet(root, `${root}-written`);
    const w = await composemod(['batch', written, '--run', 'extract', '--jobs', '1'], { cwd: written });
    expect(w.code).toBe(2);
    for (const l of changed) {
      const file = path.join(patches, l.patch!);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const repo = path.join(root, l.repo);
      gitIn(repo, ['apply', '--whitespace=nowarn', file]);
      expect(snapshot(repo), l.repo).toEqual(snapshot(path.join(written, l.repo)));
    }
    for (const l of rep.filter((x) => x.status !== 'changed')) expect(l.patch).toBeUndefined();
  });

  it('--run fix --dry-run then --commit on a copy: one commit per changed repository holding exactly the files the dry run listed', async () => {
    const fleet = copyFleet(pristine, `${root}-fix`);
    const before = allSnapshots(fleet, names);
    const dry = await composemod(['batch', fleet, '--run', 'fix', '--dry-run', '--report', `${fleet}-dry.jsonl`], { cwd: fleet });
    expect(dry.code).toBe(2); // invalid-yaml
    expect(allSnapshots(fleet, names)).toEqual(before);
    const planned = byRepo(readReport(`${fleet}-dry.jsonl`));
    const changed = Object.values(planned).filter((l) => l.status === 'changed');
    expect(changed.length).toBeGreaterThanOrEqual(5);
    for (const l of changed) for (const f of l.files) expect(dry.stdout).toContain(`diff --git a/${l.repo}/${f.path} b/${l.repo}/${f.path}`);

    const copy = copyFleet(pristine, `${root}-commit`);
    const r = await composemod(['batch', copy, '--run', 'fix', '--commit', '--branch', 'composemod/fix', '--report', `${copy}.jsonl`], { cwd: copy });
    expect(r.code).toBe(2);
    const done = byRepo(readReport(`${copy}.jsonl`));
    for (const name of names) {
      const repo = path.join(copy, name);
      const l = done[name];
      expect(l.status, name).toBe(planned[name].status);
      if (l.status !== 'changed') {
        expect(gitIn(repo, ['branch', '--list']).trim(), name).toBe('* main');
        continue;
      }
      expect(gitIn(repo, ['rev-parse', '--abbrev-ref', 'HEAD']).trim()).toBe('composemod/fix');
      const committed = gitIn(repo, ['diff', '--name-only', 'main', 'HEAD']).trim().split('\n').sort();
      expect(committed, name).toEqual([...l.commit!.files].sort());
      expect([...l.commit!.files, ...l.commit!.leftOut.map((x) => x.path)].sort(), name).toEqual(planned[name].files.map((f) => f.path).sort());
      // the work tree differs from the commit only by what was kept out of it (ignored files git does not even list)
      const kept = l.commit!.leftOut.filter((x) => x.why !== 'ignored by git').map((x) => x.path);
      expect(gitIn(repo, ['status', '--porcelain']).split('\n').filter(Boolean).map((x) => x.slice(3)).sort(), name).toEqual(kept.sort());
    }
  });

  it('--shard 0/2 + 1/2 cover the whole run exactly once, with the same results', async () => {
    const whole = await composemod(['batch', root, '--run', 'check', '--report', 'whole.jsonl', '--jobs', '2'], { cwd: root });
    const s0 = await composemod(['batch', root, '--run', 'check', '--shard', '0/2', '--report', 's0.jsonl'], { cwd: root });
    const s1 = await composemod(['batch', root, '--run', 'check', '--shard', '1/2', '--report', 's1.jsonl'], { cwd: root });
    for (const r of [whole, s0, s1]) expect([1, 2]).toContain(r.code);
    const w = readReport(path.join(root, 'whole.jsonl'));
    const a = readReport(path.join(root, 's0.jsonl'));
    const b = readReport(path.join(root, 's1.jsonl'));
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    const keys = (ls: ReportLine[]) => ls.map((l) => l.repo).sort();
    expect(keys(a).filter((k) => keys(b).includes(k))).toEqual([]);
    expect([...keys(a), ...keys(b)].sort()).toEqual(keys(w));
    const strip = (l: ReportLine) => ({ ...l, ms: 0 });
    const wb = byRepo(w);
    for (const l of [...a, ...b]) expect(strip(l)).toEqual(strip(wb[l.repo]));
    expect(s0.stderr).toContain('(shard 0/2)');
  });

  it('--resume skips the repositories a report holds (a cut last line runs again) and appends the rest', async () => {
    const full = readReport(path.join(root, 'whole.jsonl'));
    expect(full.length).toBe(names.length);
    const lines = readFileSync(path.join(root, 'whole.jsonl'), 'utf8').split('\n').filter(Boolean);
    const partial = path.join(root, 'partial.jsonl');
    // three finished repositories, then a line cut short by a kill
    writeFileSync(partial, lines.slice(0, 3).join('\n') + '\n' + lines[3].slice(0, 25));
    const r = await composemod(['batch', root, '--run', 'check', '--resume', partial], { cwd: root });
    expect([1, 2]).toContain(r.code);
    expect(r.stderr).toContain('(3 from the earlier report)');
    expect(r.stderr).toMatch(new RegExp(`^\\[\\s*\\d+/${names.length - 3}\\]`, 'm'));
    const records = readFileSync(partial, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as ReportLine];
        } catch {
          return [];
        }
      });
    expect(records.map((l) => l.repo).sort()).toEqual(names.sort());
    // a second resume has nothing left to run
    const again = await composemod(['batch', root, '--run', 'check', '--resume', partial, '--json'], { cwd: root });
    const summary = JSON.parse(again.stdout);
    expect(summary.resumed).toBe(names.length);
    expect(summary.repositories).toBe(names.length);
    expect(again.code).toBe(r.code);
  });

  it('--fail-fast stops starting repositories after the first error; --resume finishes the run', async () => {
    const list = path.join(root, 'ff.txt');
    writeFileSync(list, ['invalid-yaml', ...names.filter((n) => n !== 'invalid-yaml')].join('\n'));
    const r = await composemod(['batch', root, '--repos', list, '--run', 'check', '--jobs', '1', '--fail-fast', '--report', 'ff.jsonl', '--json'], { cwd: root });
    expect(r.code).toBe(2);
    const summary = JSON.parse(r.stdout);
    expect(summary.notRun).toBeGreaterThan(0);
    const done = readReport(path.join(root, 'ff.jsonl')).length;
    expect(done + summary.notRun).toBe(names.length);
    const rest = await composemod(['batch', root, '--repos', list, '--run', 'check', '--resume', 'ff.jsonl'], { cwd: root });
    expect(rest.code).toBe(2);
    expect(readReport(path.join(root, 'ff.jsonl')).map((l) => l.repo).sort()).toEqual(names.sort());
  });
});

describe('repositories that fail do not stop the batch', () => {
  it('a transform that throws, a worker that aborts, one that exits and one that hangs are each that repository\'s error', async () => {
    const root = tempRoot('crash');
    const repo = { 'compose.yaml': 'services:\n  cache:\n    image: redis:7.2.4\n' };
    for (const n of ['crash-throw', 'crash-abort', 'crash-exit', 'crash-hang', 'ok-1', 'ok-2', 'ok-3']) makeRepo(path.join(root, n), repo);
    const r = await composemod(['batch', '.', '--run', 'fix', '--dry-run', '--timeout', '5', '--jobs', '2', '--report', 'r.jsonl'], {
      cwd: root,
      env: { COMPOSEMOD_BATCH_TEST_CRASH: 'throw:crash-throw,abort:crash-abort,exit:crash-exit,hang:crash-hang' },
    });
    expect(r.code).toBe(2);
    const rep = byRepo(readReport(path.join(root, 'r.jsonl')));
    expect(Object.keys(rep).sort()).toEqual(['crash-abort', 'crash-exit', 'crash-hang', 'crash-throw', 'ok-1', 'ok-2', 'ok-3']);
    expect(rep['crash-throw'].error!.message).toMatch(/^internal error: TypeError: Cannot read properties of undefined/);
    expect(rep['crash-abort'].error!.message).toMatch(/worker running this repository was killed by SIGABRT/);
    expect(rep['crash-exit'].error!.message).toMatch(/worker running this repository exited with code 7/);
    expect(rep['crash-hang'].error!.message).toMatch(/timed out after 5 s/);
    for (const n of ['ok-1', 'ok-2', 'ok-3']) expect(rep[n].status).toBe('changed');
    expect(r.stderr).toMatch(/repositories: 3 changed, 4 error/);
  }, 60_000);

  it('a permission error (a compose file the user cannot read) is reported with its file', async () => {
    const root = tempRoot('perm');
    const repo = { 'compose.yaml': 'services:\n  cache:\n    image: redis:7.2.4\n' };
    for (const n of ['readable', 'unreadable']) makeRepo(path.join(root, n), repo);
    makeRepo(path.join(root, 'unreadable-dir'), { 'svc/compose.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n' });
    execFileSync('chmod', ['000', path.join(root, 'unreadable', 'compose.yaml')]);
    execFileSync('chmod', ['000', path.join(root, 'unreadable-dir', 'svc')]);
    // root reads anything: run the batch as an unprivileged user who owns the fleet (a real EACCES)
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      execFileSync('chown', ['-R', '65534:65534', root]);
    }
    const r = await composemod(['batch', '.', '--run', 'fix', '--dry-run', '--report', 'r.jsonl'], {
      cwd: root,
      env: { HOME: root },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(r.code).toBe(2);
    const rep = byRepo(readReport(path.join(root, 'r.jsonl')));
    expect(rep.readable.status).toBe('changed');
    expect(rep.unreadable).toMatchObject({ status: 'error', error: { message: 'permission denied', file: 'compose.yaml' } });
    expect(rep['unreadable-dir']).toMatchObject({ status: 'error', error: { message: 'cannot read directory (EACCES)', file: 'svc' } });
  });
});


describe('Ctrl-C', () => {
  it('stops starting repositories, lets the running ones finish, exits 130; --resume runs the rest exactly once', async () => {
    const root = tempRoot('sigint');
    const names = Array.from({ length: 12 }, (_, i) => `repo-${String(i).padStart(2, '0')}`);
    for (const n of names) makeRepo(path.join(root, n), { 'compose.yaml': 'services:\n  cache:\n    image: redis:7.2.4\n' });
    // the batch in a process group of its own, as a shell runs a foreground job; Ctrl-C = SIGINT to the group
    const child = spawn(process.execPath, [builtCli(), 'batch', '.', '--run', 'fix', '--jobs', '1', '--report', 'r.jsonl'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...GIT_ENV },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (/^\[\s*2\/12\]/m.test(stderr)) resolve();
      }),
    );
    process.kill(-child.pid!, 'SIGINT');
    expect(await exit).toBe(130);
    expect(stderr).toContain('interrupted: finishing the running repositories');
    expect(stderr).toMatch(/not run: \d+ \(interrupted; --resume r\.jsonl continues\)/);
    const done = readReport(path.join(root, 'r.jsonl'));
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(done.length).toBeLessThan(names.length);
    // finished means finished: every record is a real result, and its files are written
    for (const l of done) expect(l.status, l.repo).toBe('changed');
    for (const l of done) expect(readFileSync(path.join(root, l.repo, 'compose.yaml'), 'utf8')).toContain('cache_data:/data');
    const rest = await composemod(['batch', '.', '--run', 'fix', '--resume', 'r.jsonl'], { cwd: root });
    expect(rest.code).toBe(0);
    expect(readReport(path.join(root, 'r.jsonl')).map((l) => l.repo)).toEqual(expect.arrayContaining(names));
    expect(readReport(path.join(root, 'r.jsonl'))).toHaveLength(names.length);
  }, 120_000);
});

describe('progress', () => {
  it('on a TTY: one line redrawn in place with a bar, the rate and an ETA', async () => {
    const root = tempRoot('tty');
    inlineFleet(root, ['clean-app', 'nested-deploy', 'no-compose']);
    // `script` gives the command a pseudo-terminal, as an interactive shell would
    const r = await runProcess('script', ['-qec', `${process.execPath} ${builtCli()} ${withoutNewerRules(['batch', '.', '--run', 'check']).join(' ')}`, '/dev/null'], {
      cwd: root,
      env: { ...process.env, TERM: 'xterm' },
    });
    expect(r.code).toBe(1); // findings
    const out = r.stdout;
    expect(out).toMatch(new RegExp(String.raw`\r\u001b\[K\[=+\s*\] 3/3 [\d.]+/s ETA`));
    expect(out).not.toMatch(/^\[\s*\d+\/3\] /m);
    expect(out).toContain('repositories: 2 unchanged, 1 findings');
  });
});
