import path from 'node:path';
import { ComposemodError } from '../core/errors.js';

/** Where a command writes; injectable so tests run the CLI in-process. */
export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Colour only on a TTY, never with NO_COLOR set or `--no-color`. */
export function useColor(io: Io, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stdout.isTTY);
}

/** Prints an error the user can act on; returns the exit code. Unknown errors are internal (70). */
export function reportError(io: Io, e: unknown): number {
  if (e instanceof ComposemodError) {
    io.stderr.write(`composemod: ${displayPath(io, e).format()}\n`);
    return e.exitCode;
  }
  const debug = io.env.COMPOSEMOD_DEBUG;
  const msg = e instanceof Error ? (debug ? (e.stack ?? e.message) : e.message) : String(e);
  io.stderr.write(
    `composemod: internal error: ${msg}\n` +
      (debug ? '' : 'Nothing was written. Set COMPOSEMOD_DEBUG=1 for a stack trace and please report it.\n'),
  );
  return 70;
}

/** Absolute paths under the working directory are shown relative to it, as the user typed them. */
function displayPath(io: Io, e: ComposemodError): ComposemodError {
  if (!e.file || !path.isAbsolute(e.file)) return e;
  const rel = path.relative(io.cwd, e.file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return e;
  return new ComposemodError(e.message, {
    file: rel,
    line: e.line,
    col: e.col,
    exitCode: e.exitCode,
    modelPath: e.modelPath,
  });
}
