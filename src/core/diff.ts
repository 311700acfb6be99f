import path from 'node:path';
import { structuredPatch } from 'diff';
import { changeKind, type FileChange } from './save.js';

export interface DiffOptions {
  /** Paths in headers are relative to this directory (default: process.cwd()). */
  cwd?: string;
  /** ANSI colours (the CLI enables them only on a TTY without NO_COLOR). */
  color?: boolean;
  /** Lines of context (default 3, as git). */
  context?: number;
}

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const CYAN = '\u001b[36m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

/**
 * A git-style unified diff of a set of file changes (modified, created and deleted files),
 * in the format `git apply` accepts. Files that do not change are left out.
 */
export function formatDiff(changes: readonly FileChange[], opts: DiffOptions = {}): string {
  return changes.map((c) => formatFileDiff(c, opts)).join('');
}

export function formatFileDiff(change: FileChange, opts: DiffOptions = {}): string {
  const kind = changeKind(change);
  if (kind === 'none') return '';
  const rel = toPosix(path.relative(opts.cwd ?? process.cwd(), path.resolve(change.path)) || change.path);
  const before = change.before ?? '';
  const after = change.after ?? '';
  const patch = structuredPatch(`a/${rel}`, `b/${rel}`, before, after, undefined, undefined, {
    context: opts.context ?? 3,
  });
  const out: string[] = [];
  const header: string[] = [`diff --git a/${rel} b/${rel}`];
  if (kind === 'create') header.push(`new file mode 100${(change.mode ?? 0o644).toString(8).padStart(3, '0')}`);
  if (kind === 'delete') header.push('deleted file mode 100644');
  header.push(kind === 'create' ? '--- /dev/null' : `--- a/${rel}`);
  header.push(kind === 'delete' ? '+++ /dev/null' : `+++ b/${rel}`);
  out.push(...header.map((h) => paint(h, BOLD, opts.color)));
  for (const hunk of patch.hunks) {
    const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 + (kind === 'create' ? 0 : 1) : hunk.oldStart;
    const newStart = hunk.newLines === 0 ? hunk.newStart - 1 + (kind === 'delete' ? 0 : 1) : hunk.newStart;
    out.push(
      paint(`@@ -${range(oldStart, hunk.oldLines)} +${range(newStart, hunk.newLines)} @@`, CYAN, opts.color),
    );
    for (const line of hunk.lines) {
      if (line.startsWith('\\')) out.push(line);
      else if (line.startsWith('+')) out.push(paint(line, GREEN, opts.color));
      else if (line.startsWith('-')) out.push(paint(line, RED, opts.color));
      else out.push(line);
    }
  }
  return out.join('\n') + '\n';
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

function paint(s: string, code: string, on: boolean | undefined): string {
  return on ? `${code}${s}${RESET}` : s;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
