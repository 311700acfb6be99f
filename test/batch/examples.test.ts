/**
 * The fleet examples under examples/, run the way their engines run them:
 *  - multi-gitter: the script, executed in a git clone on the feature branch, with REPOSITORY set;
 *  - GitHub Actions: the workflow's composemod step, once per matrix entry, with the matrix and
 *    strategy expressions substituted, under the shell Actions uses for `run:`;
 *  - Kubernetes: the Indexed Job's container command, once per completion index, with
 *    JOB_COMPLETION_INDEX set and the volume mounts mapped to directories;
 *  - Sourcegraph: the batch spec's step in a workspace prepared as src-cli prepares one
 *    (the files, `git init`, `git add --force --all`, a commit), the changeset being the diff.
 * composemod is the built CLI, on PATH as `composemod`.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmodSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../helpers/shared.js';
import { shardOf } from '../../src/batch/repos.js';
import { GIT_ENV, buildCli, builtCli, byRepo, gitIn, readReport, runProcess, removeTempRoots, tempRoot } from './helpers.js';
import { SECRET, inlineFleet } from './fleet.js';


afterAll(() => removeTempRoots());
const examples = path.join(projectRoot, 'examples');
const FLEET = ['app-secrets', 'nested-deploy', 'clean-app', 'invalid-yaml'];

let shim: string;
beforeAll(async () => {
  await buildCli();
  shim = tempRoot('bin');
  writeFileSync(path.join(shim, 'composemod'), `#!/bin/sh\nexec "${process.execPath}" "${builtCli()}" "$@"\n`);
  chmodSync(path.join(shim, 'composemod'), 0o755);
}, 600_000);

const env = (extra: Record<string, string> = {}) => ({
  PATH: `${shim}:${process.env.PATH}`,
  HOME: process.env.HOME ?? '/root',
  TMPDIR: process.env.TMPDIR ?? '/tmp',
  ...GIT_ENV,
  ...extra,
});

describe('multi-gitter: examples/multi-gitter/run.sh', () => {
  const script = path.join(examples, 'multi-gitter', 'run.sh');

  /** What multi-gitter does before running the script: clone, then switch to the feature branch. */
  function cloneOnBranch(fleet: string, name: string): string {
    const clone = path.join(tempRoot('mg-clone'), name);
    gitIn(path.dirname(clone), ['clone', '-q', path.join(fleet, name), clone]);
    gitIn(clone, ['checkout', '-q', '-b', 'composemod/fix']);
    return clone;
  }

  it('is executable, changes the clone for multi-gitter to commit (secrets stay out), and fails only a broken repository', async () => {
    expect(statSync(script).mode & 0o111).not.toBe(0);
    const fleet = tempRoot('mg-fleet');
    inlineFleet(fleet, FLEET);
    const reports = tempRoot('mg-reports');

    const sec = cloneOnBranch(fleet, 'app-secrets');
    const r = await runProcess(script, [], { cwd: sec, env: env({ REPOSITORY: 'acme/app-secrets', COMPOSEMOD_REPORTS: reports }) });
    expect(r.code, r.stderr).toBe(0);
    // multi-gitter's next steps: any change? then `git add .` and commit
    expect(gitIn(sec, ['status', '--porcelain']).split('\n').filter(Boolean).sort()).toEqual([' M compose.yaml', '?? .env.example', '?? .gitignore']);
    gitIn(sec, ['add', '.']);
    gitIn(sec, ['commit', '-q', '-m', 'composemod fix: compose fixes']);
    expect(gitIn(sec, ['show', 'HEAD:compose.yaml'])).not.toContain(SECRET);
    expect(gitIn(sec, ['ls-tree', '-r', '--name-only', 'HEAD'])).not.toContain('secrets/');
    expect(byRepo(readReport(path.join(reports, 'acme__app-secrets.jsonl')))['.'].status).toBe('changed');

    const clean = cloneOnBranch(fleet, 'clean-app');
    const c = await runProcess(script, [], { cwd: clean, env: env({ REPOSITORY: 'acme/clean-app', COMPOSEMOD_REPORTS: reports }) });
    expect(c.code).toBe(0);
    expect(gitIn(clean, ['status', '--porcelain'])).toBe(''); // no change: multi-gitter opens no PR

    const bad = cloneOnBranch(fleet, 'invalid-yaml');
    const b = await runProcess(script, [], { cwd: bad, env: env({ REPOSITORY: 'acme/invalid-yaml', COMPOSEMOD_REPORTS: reports }) });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/compose\.yaml:4: invalid YAML/);
    expect(gitIn(bad, ['status', '--porcelain'])).toBe('');

    // arguments are passed on to composemod
    const nested = cloneOnBranch(fleet, 'nested-deploy');
    const n = await runProcess(script, ['--only', 'secrets'], { cwd: nested, env: env({ REPOSITORY: 'acme/nested-deploy', COMPOSEMOD_REPORTS: reports }) });
    expect(n.code).toBe(0);
    expect(gitIn(nested, ['status', '--porcelain'])).toBe(''); // no secrets there; add-volumes not run
  });
});

/** Runs `cmd` the way GitHub Actions runs a `run:` step on Linux: bash, from a script file. */
async function actionsStep(script: string, cwd: string, extra: Record<string, string>) {
  const file = path.join(tempRoot('gha-step'), 'step.sh');
  writeFileSync(file, script);
  return runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env: env(extra) });
}

describe('GitHub Actions: examples/github-actions/batch.yml', () => {
  it('each matrix job runs its shard; together the reports cover every repository once and the patches every changed one', async () => {
    const wf = parse(readFileSync(path.join(examples, 'github-actions', 'batch.yml'), 'utf8'));
    const job = wf.jobs.batch;
    const shards: number[] = job.strategy.matrix.shard;
    expect(shards).toEqual(shards.map((_, i) => i));
    const step = job.steps.find((s: { run?: string }) => s.run?.includes('composemod batch'));
    const upload = job.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload.if).toBe('always()');
    const uploaded: string[] = upload.with.path.split('\n').filter(Boolean);

    const workspace = tempRoot('gha');
    inlineFleet(path.join(workspace, 'fleet'), FLEET);
    const badShard = shardOf('invalid-yaml', shards.length);
    for (const shard of shards) {
      const script = (step.run as string)
        .replaceAll('${{ matrix.shard }}', String(shard))
        .replaceAll('${{ strategy.job-total }}', String(shards.length));
      expect(script).not.toContain('${{');
      const r = await actionsStep(script, workspace, { GITHUB_WORKSPACE: workspace, CI: 'true' });
      expect(r.code, r.stderr).toBe(shard === badShard ? 2 : 0);
    }
    // what the upload step collects
    for (const p of uploaded) expect(existsSync(path.join(workspace, p)), p).toBe(true);
    const reports = readdirSync(path.join(workspace, 'reports'));
    expect(reports.sort()).toEqual(shards.map((s) => `report-${s}.jsonl`));
    const lines = reports.flatMap((f) => readReport(path.join(workspace, 'reports', f)));
    expect(lines.map((l) => l.repo).sort()).toEqual([...FLEET].sort());
    const changed = lines.filter((l) => l.status === 'changed').map((l) => `${l.repo}.patch`);
    expect(readdirSync(path.join(workspace, 'patches')).sort()).toEqual(changed.sort());
    // --patches leaves the checkouts as they were
    for (const repo of FLEET) expect(gitIn(path.join(workspace, 'fleet', repo), ['status', '--porcelain'])).toBe('');
  });
});

describe('Kubernetes: examples/kubernetes/indexed-job.yaml', () => {
  it('every completion index runs its shard (exit 1 counts as success, 2 fails the pod); the retry resumes', async () => {
    const job = parse(readFileSync(path.join(examples, 'kubernetes', 'indexed-job.yaml'), 'utf8'));
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const n: number = job.spec.completions;
    const container = job.spec.template.spec.containers[0];
    const containerEnv: Record<string, string> = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(Number(containerEnv.SHARDS)).toBe(n);

    // each volume mount becomes a directory; env values naming a mount path point there
    const fleetDir = tempRoot('k8s-fleet');
    inlineFleet(fleetDir, FLEET);
    const results = tempRoot('k8s-results');
    const mounts: Record<string, string> = { fleet: fleetDir, results };
    const podEnv: Record<string, string> = { ...containerEnv };
    for (const m of container.volumeMounts as { name: string; mountPath: string }[])
      for (const [k, v] of Object.entries(podEnv)) if (v === m.mountPath) podEnv[k] = mounts[m.name];
    expect(podEnv.FLEET).toBe(fleetDir);
    expect(podEnv.RESULTS).toBe(results);

    const [cmd, ...cmdArgs] = [...container.command, ...container.args] as string[];
    const badShard = shardOf('invalid-yaml', n);
    const run = (index: number) =>
      runProcess(cmd, cmdArgs, { cwd: results, env: env({ ...podEnv, JOB_COMPLETION_INDEX: String(index) }) });
    for (let i = 0; i < n; i++) {
      const r = await run(i);
      expect(r.code, r.stderr).toBe(i === badShard ? 2 : 0);
    }
    const lines = readdirSync(results).flatMap((f) => readReport(path.join(results, f)));
    expect(lines.map((l) => l.repo).sort()).toEqual([...FLEET].sort());
    // the failed index is retried: --resume skips what its report holds, nothing runs twice
    const retry = await run(badShard);
    expect(retry.code).toBe(2);
    expect(retry.stderr).toMatch(/\(\d+ from the earlier report\)/);
    expect(readReport(path.join(results, `report-${badShard}.jsonl`)).length).toBe(lines.filter((l) => shardOf(l.repo, n) === badShard).length);
    // the fleet volume is mounted read-only: check wrote nothing there
    for (const repo of FLEET) expect(gitIn(path.join(fleetDir, repo), ['status', '--porcelain'])).toBe('');
  });
});

describe('Sourcegraph: examples/sourcegraph/batch-spec.yaml', () => {
  /** A workspace as src-cli prepares one: the repository's files, then git init, add --force --all, commit. */
  function workspace(fleet: string, name: string): string {
    const dir = path.join(tempRoot('sg-ws'), 'work');
    cpSync(path.join(fleet, name), dir, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
    rmSync(path.join(dir, '.git'), { recursive: true, force: true });
    gitIn(dir, ['init', '-q']);
    gitIn(dir, ['add', '--force', '--all']);
    gitIn(dir, ['commit', '-q', '--all', '--allow-empty', '-m', 'src-action-exec']);
    return dir;
  }

  it('the step changes the workspace; the changeset diff holds the compose changes and no secret', async () => {
    const spec = parse(readFileSync(path.join(examples, 'sourcegraph', 'batch-spec.yaml'), 'utf8'));
    expect(spec.version).toBe(2);
    expect(spec.on[0].repositoriesMatchingQuery).toMatch(/compose/);
    expect(spec.changesetTemplate).toMatchObject({ branch: 'composemod/fix', commit: { message: expect.any(String) } });
    const steps: { run: string; container: string }[] = spec.steps;
    const fleet = tempRoot('sg-fleet');
    inlineFleet(fleet, FLEET);

    const ws = workspace(fleet, 'app-secrets');
    for (const step of steps) {
      expect(step.run).not.toContain('${{');
      const r = await runProcess('/bin/sh', ['-c', step.run], { cwd: ws, env: env() });
      expect(r.code, r.stderr).toBe(0);
    }
    // src-cli: git add --all, git diff --cached --no-prefix
    gitIn(ws, ['add', '--all']);
    const diff = gitIn(ws, ['diff', '--cached', '--no-ext-diff', '--no-prefix', '--binary']);
    expect(diff).toContain('+      POSTGRES_PASSWORD_FILE: /run/secrets/db_postgres_password');
    expect(diff).toContain('diff --git .gitignore .gitignore');
    expect(diff).not.toMatch(/^diff --git secrets\//m); // the secret file is gitignored: not in the changeset
    expect(diff.split('\n').filter((l) => l.startsWith('+')).join('\n')).not.toContain(SECRET);

    // a repository the step cannot handle fails its workspace (no changeset)
    const bad = workspace(fleet, 'invalid-yaml');
    const r = await runProcess('/bin/sh', ['-c', steps[0].run], { cwd: bad, env: env() });
    expect(r.code).toBe(2);
  });
});
