/**
 * The compose projects of one repository: every directory, at any depth, that holds a file
 * named like a compose file (`parseComposeName`), skipping `.git`, `node_modules`, vendored
 * directories and whatever git ignores. Which files make up which environments in each
 * directory is the commands' own detection (`detectProject`), not decided here.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseComposeName } from '../core/discover.js';
import { listFiles } from './git.js';

/** Directory names never searched: git's own, dependencies and vendored code. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  'node_modules',
  'bower_components',
  'vendor',
  'vendors',
  'third_party',
  'third-party',
  '.venv',
  'venv',
]);

/** Depth limit of the file-system walk used outside git. */
const MAX_DEPTH = 12;

/**
 * Project directories of the repository at `repoDir`, relative to it (POSIX, `.` for its
 * root), sorted. Inside a git work tree the candidates are `git ls-files` (tracked files and
 * untracked ones not ignored); elsewhere a file-system walk.
 */
export async function findProjectDirs(repoDir: string): Promise<string[]> {
  const files = (await listFiles(repoDir)) ?? (await walk(repoDir));
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    const name = parts.pop()!;
    if (parts.some((p) => SKIPPED_DIRS.has(p))) continue;
    if (!parseComposeName(name)) continue;
    dirs.add(parts.join('/') || '.');
  }
  // a file listed by git may be gone from the work tree (deleted, not committed)
  const present: string[] = [];
  for (const d of [...dirs].sort()) {
    const stat = await fs.stat(path.join(repoDir, d)).catch(() => undefined);
    if (stat?.isDirectory()) present.push(d);
  }
  return present;
}

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return; // an unreadable directory holds no project we can run; detection reports unreadable files
    }
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && depth < MAX_DEPTH) await visit(p, depth + 1);
      } else out.push(p);
    }
  };
  await visit('', 0);
  return out;
}
