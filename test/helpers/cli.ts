import { run } from '../../src/cli/program.js';
import { reportError, type Io } from '../../src/cli/output.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CaptureOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  tty?: boolean;
}

/** An Io that records what a command prints. */
export function captureIo(opts: CaptureOptions = {}): { io: Io; output: () => { stdout: string; stderr: string } } {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
  };
  return { io, output: () => ({ stdout, stderr }) };
}

/** Runs the CLI in-process with captured output. */
export async function cli(args: string[], opts: CaptureOptions = {}): Promise<CliResult> {
  const { io, output } = captureIo(opts);
  const code = await run(args, io);
  return { code, ...output() };
}

/** Runs one command function in-process the way the CLI does: errors become exit codes. */
export async function runCommand(cwd: string, command: (io: Io) => Promise<number>): Promise<CliResult> {
  const { io, output } = captureIo({ cwd });
  let code: number;
  try {
    code = await command(io);
  } catch (e) {
    code = reportError(io, e);
  }
  return { code, ...output() };
}
