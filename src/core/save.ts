import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ComposemodError } from './errors.js';

/**
 * One file a command wants to change. `before` and `after` are whole file contents as they
 * are (or will be) on disk, BOM included. `before: null` creates the file, `after: null`
 * deletes it. `mode` is used for created files (default 0o644); modified files keep theirs.
 * Directories created for a file whose mode has no group/other bits are created 0700.
 */
export interface FileChange {
  path: string;
  before: string | null;
  after: string | null;
  mode?: number;
}

export function isNoop(change: FileChange): boolean {
  return change.before === change.after;
}

export function changeKind(change: FileChange): 'create' | 'delete' | 'modify' | 'none' {
  if (change.before === change.after) return 'none';
  if (change.before === null) return 'create';
  if (change.after === null) return 'delete';
  return 'modify';
}

interface Staged {
  change: FileChange;
  temp?: string;
}

/**
 * Writes a set of changes as close to all-or-nothing as a filesystem allows:
 * 1. checks every precondition (modified/deleted files still hold `before`, created files
 *    do not exist yet) before touching anything;
 * 2. writes every new content to a temp file beside its target (same directory, so the
 *    rename is atomic), with the target's mode;
 * 3. renames temps over targets, then deletes what is to be deleted.
 * A failure in 1 or 2 leaves every target untouched and removes the temps.
 * Unchanged files are never rewritten. A modified path that is a symlink is written through: the new
 * content replaces the file the link points to, and the link stays a link.
 */
export async function writeChanges(changes: readonly FileChange[]): Promise<void> {
  // a symlink is written through: the change goes to the file it points to, the link stays
  const todo = await Promise.all(changes.filter((c) => !isNoop(c)).map(async (c) => (c.before === null || c.after === null ? c : { ...c, path: await linkTarget(c.path) })));
  for (const c of todo) await checkPrecondition(c);
  const staged: Staged[] = [];
  try {
    for (const change of todo) {
      if (change.after === null) {
        staged.push({ change });
        continue;
      }
      const dir = path.dirname(change.path);
      const mode = change.before === null ? (change.mode ?? 0o644) : await currentMode(change.path);
      // directories created for a private file (no group/other bits) are private too
      await fs.mkdir(dir, { recursive: true, mode: (mode & 0o077) === 0 ? 0o700 : 0o777 });
      const temp = path.join(dir, `.${path.basename(change.path)}.composemod-${randomBytes(6).toString('hex')}.tmp`);
      const handle = await fs.open(temp, 'wx', mode);
      try {
        await handle.writeFile(change.after, 'utf8');
        await handle.chmod(mode);
        await handle.sync();
      } finally {
        await handle.close();
      }
      staged.push({ change, temp });
    }
  } catch (e) {
    await Promise.all(staged.map((s) => (s.temp ? fs.rm(s.temp, { force: true }) : undefined)));
    throw asWriteError(e, todo[staged.length]?.path);
  }
  for (const s of staged) {
    try {
      if (s.temp) await fs.rename(s.temp, s.change.path);
      else await fs.rm(s.change.path);
    } catch (e) {
      throw asWriteError(e, s.change.path);
    }
  }
}

/** The file a path names after following symlinks (the path itself when it is none or is missing). */
export async function linkTarget(file: string): Promise<string> {
  try {
    return (await fs.lstat(file)).isSymbolicLink() ? await fs.realpath(file) : file;
  } catch {
    return file;
  }
}

async function checkPrecondition(change: FileChange): Promise<void> {
  let current: string | null;
  try {
    current = await fs.readFile(change.path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') current = null;
    else throw asWriteError(e, change.path);
  }
  if (current !== change.before) {
    const what =
      change.before === null
        ? 'already exists'
        : current === null
          ? 'no longer exists'
          : 'changed on disk since it was read';
    throw new ComposemodError(`refusing to write: the file ${what}`, { file: change.path });
  }
  if (change.before !== null) {
    try {
      await fs.access(change.path, fsConstants.W_OK);
    } catch (e) {
      throw asWriteError(e, change.path);
    }
  }
}

async function currentMode(file: string): Promise<number> {
  return (await fs.stat(file)).mode & 0o7777;
}

function asWriteError(e: unknown, file: string | undefined): ComposemodError {
  if (e instanceof ComposemodError) return e;
  const err = e as NodeJS.ErrnoException;
  return new ComposemodError(`cannot write: ${err.code ?? ''} ${err.message ?? String(e)}`.trim(), { file });
}
