/**
 * The git a batch needs, through the real `git` binary: list a repository's files (ignored
 * ones left out), tell whether its work tree is clean, and commit composemod's changes on a new
 * branch. Repository hooks never run (`core.hooksPath=/dev/null`, `--no-verify`): a batch over
 * other people's repositories must not execute code they contain.
 */
import { execFile } from 'node:child_process';
import { ComposemodError } from '../core/errors.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs git in `cwd`; never throws for a non-zero exit (the caller reads `code`). */
export function git(cwd: string, args: string[], input?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-c', 'core.hooksPath=/dev/null', '-c', 'core.quotePath=false', ...args],
      { cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
          reject(new ComposemodError(`cannot run git (${(err as NodeJS.ErrnoException).code})`, { file: cwd }));
          return;
        }
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs git and throws a ComposemodError with git's own message when it fails. */
export async function gitOk(cwd: string, args: string[], input?: string): Promise<string> {
  const r = await git(cwd, args, input);
  if (r.code !== 0) {
    const why = (r.stderr || r.stdout).trim().split('\n').filter(Boolean).slice(-2).join('; ');
    throw new ComposemodError(`git ${args[0]} failed: ${why || `exit code ${r.code}`}`, { file: cwd });
  }
  return r.stdout;
}

/**
 * Tracked files plus untracked ones git does not ignore, relative to `dir`; undefined outside a
 * work tree, or where git cannot run (not installed, a repository it refuses to read).
 */
export async function listFiles(dir: string): Promise<string[] | undefined> {
  const r = await git(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).catch(() => undefined);
  if (!r || r.code !== 0) return undefined;
  return r.stdout.split('\0').filter(Boolean);
}

/** `git status --porcelain` entries (path relative to the repository root -> two-letter state). */
export async function dirtyPaths(dir: string): Promise<Map<string, string>> {
  const out = await gitOk(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const map = new Map<string, string>();
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const e = parts[i];
    if (!e) continue;
    const state = e.slice(0, 2);
    map.set(e.slice(3), state);
    if (state[0] === 'R' || state[0] === 'C') i++; // the next entry is the rename's source
  }
  return map;
}

/** Which of `paths` (relative to the repository root) git ignores. Tracked files never are. */
export async function ignoredPaths(dir: string, paths: readonly string[]): Promise<Set<string>> {
  if (!paths.length) return new Set();
  const r = await git(dir, ['check-ignore', '-z', '--stdin'], paths.join('\0') + '\0');
  // exit 1: none ignored
  if (r.code !== 0 && r.code !== 1) throw new ComposemodError(`git check-ignore failed: ${r.stderr.trim()}`, { file: dir });
  return new Set(r.stdout.split('\0').filter(Boolean));
}

export async function headCommit(dir: string): Promise<string | undefined> {
  const r = await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export async function branchExists(dir: string, branch: string): Promise<boolean> {
  return (await git(dir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
}

export async function validBranchName(dir: string, branch: string): Promise<boolean> {
  return (await git(dir, ['check-ref-format', '--branch', branch])).code === 0;
}

/** The repository's top-level directory (the work tree root), or undefined outside git. */
export async function topLevel(dir: string): Promise<string | undefined> {
  const r = await git(dir, ['rev-parse', '--show-toplevel']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}
