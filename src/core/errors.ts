/**
 * Errors that reach the user. Every error composemod reports on bad input is a
 * ComposemodError: it names the file, and where known the line and column (1-based),
 * and carries the process exit code. The CLI prints `file:line:col: message` and never
 * a stack trace for these.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  col?: number;
}

export class ComposemodError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly exitCode: number;
  /** Path inside the compose model (e.g. ['services', 'web', 'security_opt']), when known. */
  readonly modelPath?: readonly (string | number)[];

  constructor(
    message: string,
    loc: ErrorLocation & { exitCode?: number; modelPath?: readonly (string | number)[] } = {},
  ) {
    super(message);
    this.name = 'ComposemodError';
    this.file = loc.file;
    this.line = loc.line;
    this.col = loc.col;
    this.exitCode = loc.exitCode ?? 2;
    this.modelPath = loc.modelPath;
  }

  /** Same error, with a location filled in where this one had none. */
  withLocation(loc: ErrorLocation): ComposemodError {
    return new ComposemodError(this.message, {
      file: this.file ?? loc.file,
      line: this.line ?? loc.line,
      col: this.col ?? loc.col,
      exitCode: this.exitCode,
      modelPath: this.modelPath,
    });
  }

  /** `file:line:col: message` (parts that are unknown are left out). */
  format(): string {
    const where = [this.file, this.line, this.line !== undefined ? this.col : undefined]
      .filter((p) => p !== undefined && p !== '')
      .join(':');
    const path = this.modelPath && this.modelPath.length ? ` (at ${formatModelPath(this.modelPath)})` : '';
    return where ? `${where}: ${this.message}${path}` : `${this.message}${path}`;
  }
}

export function formatModelPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function isComposemodError(e: unknown): e is ComposemodError {
  return e instanceof ComposemodError;
}
