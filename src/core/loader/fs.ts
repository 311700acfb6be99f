/**
 * The files the loader reads: the disk, seen through an overlay (absolute path -> text) that
 * replaces or adds files. extract verifies its outputs this way before writing them: the
 * overlay holds the new texts, and `extends.file` / `include` / `.env` reads see them too.
 */
import { readFileSync, statSync } from 'node:fs';
import { ComposemodError } from '../errors.js';
import { decodeText } from '../source.js';
import { joinPath, isAbsPath } from '../go.js';

export interface LoaderFs {
  /** Text of a file (BOM kept); throws ComposemodError (no such file, directory, binary...). */
  read(path: string): string;
  /** Is there a file (not a directory) at `path`? */
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  exists(path: string): boolean;
}

export function loaderFs(cwd: string, overlay?: ReadonlyMap<string, string>): LoaderFs {
  const abs = (p: string) => (isAbsPath(p) ? joinPath(p) : joinPath(cwd, p));
  const overlaid = (p: string) => overlay?.get(abs(p));
  const stat = (p: string) => {
    try {
      return statSync(abs(p));
    } catch {
      return undefined;
    }
  };
  const dirInOverlay = (p: string) => {
    if (!overlay) return false;
    const prefix = `${abs(p).replace(/\/$/, '')}/`;
    for (const k of overlay.keys()) if (k.startsWith(prefix)) return true;
    return false;
  };
  return {
    read(path) {
      const text = overlaid(path);
      if (text !== undefined) return text;
      let bytes: Buffer;
      try {
        bytes = readFileSync(abs(path));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : `cannot read (${code})`;
        throw new ComposemodError(why, { file: abs(path) });
      }
      return decodeText(bytes, path);
    },
    isFile: (path) => overlaid(path) !== undefined || stat(path)?.isFile() === true,
    isDir: (path) => (overlaid(path) === undefined && stat(path)?.isDirectory() === true) || dirInOverlay(path),
    exists: (path) => overlaid(path) !== undefined || stat(path) !== undefined || dirInOverlay(path),
  };
}
