/**
 * One repository of a batch, start to end: find its projects, run the command in each
 * (runners.ts), then either print a diff (--dry-run), write a patch (--patches), commit on a new
 * branch (--commit), write the files (the default for fix/extract), or nothing (--check, check).
 * The repository is one unit: if any project errors, nothing of it is written.
 *
 * Runs inside a worker process (worker.ts); also callable in-process (tests, the bench's
 * in-process baseline). Never throws: every failure is the repository's record.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatDiff } from '../core/diff.js';
import { ComposemodError } from '../core/errors.js';
import { writeChanges, changeKind, type FileChange } from '../core/save.js';
import { maskSecrets } from '../rules/engine.js';
import type { RunnerHooks } from './runners.js';
import { branchExists, dirtyPaths, gitOk, headCommit, ignoredPaths, topLevel } from './git.js';
import { findProjectDirs } from './projects.js';
import { errorRun, recordError, runProject, type ProjectRun } from './runners.js';
import type { BatchSettings, Finding, ProjectRecord, RecordError, RepoJob, RepoOutcome, RepoRecord, Status } from './types.js';

/** Findings kept in detail per repository (all are counted in `rules`). */
export const MAX_FINDINGS = 100;

const posix = (p: string) => p.split(path.sep).join('/');

export async function runRepository(job: RepoJob, s: BatchSettings): Promise<RepoOutcome> {
  const t0 = performance.now();
  const record: RepoRecord = { repo: job.key, status: 'unchanged', projects: [], files: [], rules: {}, findings: [], ms: 0 };
  let diff: string | undefined;
  let masks: string[] = [];
  try {
    diff = await runSteps(job, s, record, (m) => (masks = m));
  } catch (e) {
    // the repository's own steps (git, writing, committing): always an error
    record.status = 'error';
    record.error = relError(job.dir, recordError(e));
  }
  record.ms = Math.round(performance.now() - t0);
  return { record: maskRecord(record, masks), diff };
}

async function runSteps(job: RepoJob, s: BatchSettings, record: RepoRecord, setMasks: (m: string[]) => void): Promise<string | undefined> {
  const writes = s.run !== 'check' && !s.dryRun && !s.check && (!s.patchesDir || !!s.commit);
  const stat = await fs.stat(job.dir).catch((e: NodeJS.ErrnoException) => e);
  if (!('isDirectory' in stat) || !stat.isDirectory())
    throw new ComposemodError('code' in stat && stat.code === 'ENOENT' ? 'no such directory' : 'not a directory', { file: job.dir });
  let dirty: Map<string, string> | undefined;
  if (s.commit && writes) {
    const refusal = await commitPreconditions(job.dir, s.commit.allowDirty, s.ownPaths ?? []);
    if (typeof refusal === 'string') {
      record.status = 'refused';
      record.reason = refusal;
      return undefined;
    }
    dirty = refusal;
  }

  const dirs = await findProjectDirs(job.dir);
  if (!dirs.length) {
    record.reason = 'no compose files';
    return undefined;
  }
  const hooks = crashHook(job.key);
  const runs: { dir: string; run: ProjectRun }[] = [];
  for (const d of dirs) runs.push({ dir: d, run: await runInDir(s, path.join(job.dir, d), hooks) });

  const masks = [...new Set(runs.flatMap((r) => r.run.masks))];
  setMasks(masks);
  const changes = runs.flatMap((r) => r.run.changes).filter((c) => changeKind(c) !== 'none');
  const findings = runs.flatMap((r) => r.run.findings);
  record.projects = runs.map(({ dir, run }): ProjectRecord => ({
    dir,
    status: run.status,
    ...(run.reason ? { reason: run.reason } : {}),
    files: run.changes.filter((c) => changeKind(c) !== 'none').map((c) => fileEntry(job.dir, c)),
    ...(run.error ? { error: relError(job.dir, run.error) } : {}),
  }));
  record.files = changes.map((c) => fileEntry(job.dir, c));
  for (const f of findings) record.rules[f.rule] = (record.rules[f.rule] ?? 0) + 1;
  record.findings = findings.slice(0, MAX_FINDINGS).map((f) => relFinding(job.dir, f));
  if (findings.length > MAX_FINDINGS) record.findingsLeftOut = findings.length - MAX_FINDINGS;
  record.status = repoStatus(runs.map((r) => r.run.status));
  const firstError = runs.find((r) => r.run.error);
  if (firstError) {
    record.error = relError(job.dir, firstError.run.error!);
    return undefined; // the repository is one unit: nothing of it is written
  }
  const reasons = runs.filter((r) => r.run.reason && r.run.status === record.status).map((r) => `${r.dir}: ${r.run.reason}`);
  if (reasons.length && record.status !== 'changed') record.reason = reasons.join('; ');
  if (!changes.length) return undefined;
  const seen = new Set<string>();
  for (const c of changes) {
    if (seen.has(c.path)) throw new ComposemodError('two projects of the repository change this file; run them one by one', { file: c.path });
    seen.add(c.path);
  }

  let diff: string | undefined;
  if (s.dryRun) diff = maskDiff(formatDiff(changes, { cwd: s.root, color: s.color }), masks);
  if (s.patchesDir && s.run !== 'check') record.patch = await writePatch(s.patchesDir, s.root, job, changes);
  if (!writes) return diff;
  if (s.commit) {
    const notes = runs.filter((r) => r.run.notes.length).map((r) => ({ dir: r.dir, notes: r.run.notes }));
    record.commit = await commitChanges(job.dir, changes, masks, dirty!, s, notes);
  } else await writeChanges(changes);
  return diff;
}

/**
 * The command in one project directory. The directory is read first: a directory the command
 * cannot read is an error here, so an error the command raises about the directory itself is
 * one of its refusals (an ambiguous layout), see `outcomeOfError`.
 */
async function runInDir(s: BatchSettings, dir: string, hooks: ReturnType<typeof crashHook>): Promise<ProjectRun> {
  try {
    await fs.readdir(dir);
  } catch (e) {
    return errorRun({ message: `cannot read directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file: dir });
  }
  return runProject(s.run, dir, s.commandOptions, hooks);
}

/**
 * A diff with every secret value masked in the file contents, as fix masks its diffs. Header
 * lines name files, not values: a weak value (`laravel`) must not garble a repository's path.
 */
export function maskDiff(diff: string, masks: readonly string[]): string {
  if (!masks.length) return diff;
  // eslint-disable-next-line no-control-regex
  const header = /^(?:\u001b\[[0-9;]*m)?(?:diff --git |--- |\+\+\+ |new file mode |deleted file mode )/;
  return diff
    .split('\n')
    .map((line) => (header.test(line) ? line : maskSecrets(line, masks)))
    .join('\n');
}

/** error > changed > refused > findings > unchanged. */
export function repoStatus(statuses: readonly Status[]): Status {
  for (const s of ['error', 'changed', 'refused', 'findings'] as const) if (statuses.includes(s)) return s;
  return 'unchanged';
}

function fileEntry(repoDir: string, c: FileChange): RepoRecord['files'][number] {
  return { path: posix(path.relative(repoDir, c.path)), kind: changeKind(c) as 'create' | 'delete' | 'modify' };
}

function relPath(repoDir: string, file: string | undefined): string | undefined {
  if (!file || !path.isAbsolute(file)) return file;
  const rel = path.relative(repoDir, file);
  return rel.startsWith('..') ? file : posix(rel) || '.';
}

function relError(repoDir: string, e: RecordError): RecordError {
  return { ...e, file: relPath(repoDir, e.file) };
}

function relFinding(repoDir: string, f: Finding): Finding {
  return f.file ? { ...f, file: relPath(repoDir, f.file) } : f;
}

/**
 * The record's prose (messages and reasons) with secret values of 6+ characters blanked, as fix
 * masks its summary. Names (the repository key, file paths, rule ids) are identities and stay.
 */
function maskRecord(record: RepoRecord, masks: readonly string[]): RepoRecord {
  if (!masks.length) return record;
  const m = (s: string | undefined) => (s === undefined ? s : maskSecrets(s, masks, 6));
  const error = (e: RecordError | undefined) => (e ? { ...e, message: m(e.message)! } : e);
  return {
    ...record,
    reason: m(record.reason),
    error: error(record.error),
    findings: record.findings.map((f) => ({ ...f, message: m(f.message)! })),
    projects: record.projects.map((p) => ({ ...p, reason: m(p.reason), error: error(p.error) })),
  };
}

/** The patch file of a repository: its key with `/` as `__` (`org/app` -> `org__app.patch`). */
export function patchName(root: string, key: string): string {
  const base = key === '.' ? path.basename(root) : key.replace(/^\/+/, '');
  return `${base.split('/').join('__')}.patch`;
}

/**
 * Writes the exact patch (secret values included, or `git apply` would not reproduce the
 * change): the file is 0600 and a directory created for it 0700.
 */
async function writePatch(dir: string, root: string, job: RepoJob, changes: FileChange[]): Promise<string> {
  const name = patchName(root, job.key);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  const handle = await fs.open(file, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(formatDiff(changes, { cwd: job.dir }), 'utf8');
  } finally {
    await handle.close();
  }
  return name;
}

/**
 * Before anything runs with --commit: the directory is the top of a work tree with a commit to
 * branch from, and its work tree is clean (unless allowDirty). A string is a refusal.
 */
async function commitPreconditions(dir: string, allowDirty: boolean, ownPaths: readonly string[]): Promise<string | Map<string, string>> {
  const top = await topLevel(dir);
  if (!top) throw new ComposemodError('--commit: not a git work tree', { file: dir });
  if ((await fs.realpath(top)) !== (await fs.realpath(dir)))
    throw new ComposemodError(`--commit: not the top of its git work tree (${top})`, { file: dir });
  if (!(await headCommit(dir))) throw new ComposemodError('--commit: the repository has no commit to branch from', { file: dir });
  const dirty = await dirtyPaths(dir);
  // the batch's own report or patches inside the repository (`batch . --report r.jsonl`)
  for (const p of [...dirty.keys()]) {
    const abs = path.join(dir, p.replace(/\/$/, ''));
    if (ownPaths.some((o) => abs === o || abs.startsWith(o + path.sep) || o.startsWith(abs + path.sep))) dirty.delete(p);
  }
  if (dirty.size && !allowDirty)
    return `the work tree has uncommitted changes (${dirty.size} path${dirty.size > 1 ? 's' : ''}, e.g. ${[...dirty.keys()][0]}); commit or stash them, or use --allow-dirty`;
  return dirty;
}

/**
 * Creates the branch from HEAD, writes the changes and commits exactly those files (other
 * staged or modified files stay as they were). Files git ignores and files whose new content
 * holds a secret value (a `.env`, `secrets/*.txt`) are written but kept out of the commit.
 * If writing or committing fails, the files are put back and the branch is removed.
 */
async function commitChanges(
  dir: string,
  changes: FileChange[],
  masks: readonly string[],
  dirty: Map<string, string>,
  s: BatchSettings,
  notes: ProjectNotes[],
): Promise<NonNullable<RepoRecord['commit']>> {
  const { branch } = s.commit!;
  const rel = (c: FileChange) => posix(path.relative(dir, c.path));
  for (const c of changes)
    if (dirty.has(rel(c))) throw new ComposemodError('has uncommitted changes that the commit would include; commit or stash them first', { file: c.path });
  if (await branchExists(dir, branch)) throw new ComposemodError(`--commit: branch "${branch}" already exists`, { file: dir });
  const leftOut: { path: string; why: string }[] = [];
  const files: string[] = [];
  const previous = (await gitOk(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => undefined))?.trim();
  await gitOk(dir, ['checkout', '-q', '-b', branch]);
  let written = false;
  try {
    await writeChanges(changes);
    written = true;
    // asked once the files are written: a fix may have just added the rule (`secrets/` in .gitignore)
    const ignored = await ignoredPaths(dir, changes.map(rel));
    for (const c of changes) {
      const p = rel(c);
      if (ignored.has(p)) leftOut.push({ path: p, why: 'ignored by git' });
      else if (addsSecret(c, masks)) leftOut.push({ path: p, why: 'holds a secret value' });
      else files.push(p);
    }
    if (!files.length) throw new ComposemodError('--commit: every changed file is ignored by git or holds a secret value; nothing to commit', { file: dir });
    await gitOk(dir, ['add', '--', ...files]);
    const message = commitMessage(s, notes, leftOut);
    await gitOk(dir, ['commit', '-q', '--no-verify', '-F', '-', '--', ...files], maskSecrets(message, masks));
  } catch (e) {
    if (written) await writeChanges(changes.map((c) => ({ path: c.path, before: c.after, after: c.before, mode: c.mode }))).catch(() => undefined);
    await gitOk(dir, ['checkout', '-q', previous ?? '-']).catch(() => undefined);
    await gitOk(dir, ['branch', '-q', '-D', branch]).catch(() => undefined);
    throw e;
  }
  const sha = (await gitOk(dir, ['rev-parse', 'HEAD'])).trim();
  return { branch, sha, files, leftOut };
}

/**
 * Does the change put a secret value into the file (a `.env` a fix appends to, a new secret
 * file)? Counted, not just searched: a compose file the secret leaves may still hold the same
 * characters elsewhere (a weak value such as `postgres` is also an image name).
 */
function addsSecret(c: FileChange, masks: readonly string[]): boolean {
  const count = (text: string | null, m: string) => (text ? text.split(m).length - 1 : 0);
  return masks.some((m) => m && count(c.after, m) > count(c.before, m));
}

/** What changed in one project and why (paths in the notes are relative to its directory). */
export interface ProjectNotes {
  dir: string;
  notes: readonly string[];
}

/**
 * Subject (`--message` or a default naming the command), then what changed and why, under a
 * `dir/:` heading per project that is not at the repository's root.
 */
export function commitMessage(s: BatchSettings, projects: readonly ProjectNotes[], leftOut: readonly { path: string; why: string }[]): string {
  const what = s.run === 'extract' ? 'one shared base per compose project' : 'compose fixes';
  const lines = [s.commit?.message?.trim() || `composemod ${s.run}: ${what}`];
  for (const p of projects) {
    lines.push('');
    if (p.dir !== '.') lines.push(`${p.dir}/:`);
    lines.push(...p.notes.map((n) => `- ${n}`));
  }
  if (leftOut.length) {
    lines.push('', 'Written but not committed:');
    lines.push(...leftOut.map((l) => `- ${l.path} (${l.why})`));
  }
  lines.push('', `Made by composemod batch --run ${s.run}.`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Test-only crash hook. COMPOSEMOD_BATCH_TEST_CRASH="MODE:KEY[,MODE:KEY...]" makes the fixes of
// the repository KEY crash for real inside the worker: `throw` (a TypeError in the command's run),
// `abort` (the worker process aborts), `exit` (the worker calls process.exit), `hang` (an
// endless loop: the per-repository timeout ends it). Unset (always, outside the tests), it does
// nothing.

type CrashMode = 'throw' | 'abort' | 'exit' | 'hang';

function crashHook(key: string): RunnerHooks | undefined {
  const spec = process.env.COMPOSEMOD_BATCH_TEST_CRASH;
  if (!spec) return undefined;
  for (const part of spec.split(',')) {
    const i = part.indexOf(':');
    if (part.slice(i + 1) !== key) continue;
    const mode = part.slice(0, i) as CrashMode;
    return {
      crash() {
        if (mode === 'abort') process.abort();
        if (mode === 'exit') process.exit(7);
        if (mode === 'hang') for (;;);
        const nothing = undefined as unknown as { project: { dir: string } };
        void nothing.project.dir; // a real TypeError, thrown inside the command's run
      },
    };
  }
  return undefined;
}
