/**
 * Which repositories a batch runs: the git work trees directly under the root (or the root
 * itself when it is one), or the paths listed in `--repos`; then this machine's shard.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ComposemodError } from '../core/errors.js';
import type { RepoJob } from './types.js';

/** A git work tree: a directory holding `.git` (a directory, or a file for worktrees/submodules). */
export function isWorkTree(dir: string): boolean {
  return existsSync(path.join(dir, '.git'));
}

/** The stable key of a repository: its path relative to the root, POSIX, or absolute when outside. */
export function repoKey(root: string, dir: string): string {
  const rel = path.relative(root, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return dir.split(path.sep).join('/');
  return rel.split(path.sep).join('/') || '.';
}

/**
 * The repositories under `root`, sorted by key. With `reposFile`, its lines (one path a line,
 * relative to the root; blank lines and `#` comments skipped); otherwise every git work tree
 * directly under the root, or the root alone when it is a work tree itself.
 */
export async function listRepositories(root: string, reposFile?: string): Promise<RepoJob[]> {
  let dirs: string[];
  if (reposFile) {
    let text: string;
    try {
      text = await fs.readFile(reposFile, 'utf8');
    } catch (e) {
      throw new ComposemodError(`cannot read the repository list (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file: reposFile });
    }
    dirs = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => path.resolve(root, l));
  } else if (isWorkTree(root)) {
    dirs = [root];
  } else {
    let entries;
    try {
      entries = await fs.readdir(root, { withFileTypes: true });
    } catch (e) {
      throw new ComposemodError(`cannot read the batch root (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file: root });
    }
    dirs = entries.filter((d) => d.isDirectory() && isWorkTree(path.join(root, d.name))).map((d) => path.join(root, d.name));
  }
  const seen = new Set<string>();
  const jobs: RepoJob[] = [];
  for (const dir of dirs) {
    const key = repoKey(root, dir);
    if (seen.has(key)) continue;
    seen.add(key);
    jobs.push({ dir, key });
  }
  return jobs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface Shard {
  index: number;
  count: number;
}

/** `I/N` with 0 <= I < N. */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count))
    throw new ComposemodError(`invalid --shard "${spec}": expected I/N with 0 <= I < N (e.g. --shard 0/4)`);
  return { index, count };
}

/**
 * The shard a repository belongs to: a hash of its key, so every machine computes the same
 * partition whatever else it lists and wherever its checkouts live (keys are relative to the root).
 */
export function shardOf(key: string, count: number): number {
  const h = createHash('sha256').update(key).digest();
  return h.readUInt32BE(0) % count;
}
