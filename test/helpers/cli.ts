import { run } from '../../src/cli/program.js';
import type { Io } from '../../src/cli/output.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function cli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}
