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
    io.stderr.write(`composemod: ${e.format()}\n`);
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
