/**
 * The JSONL report: one line per repository, written as each one finishes (synchronously, so a
 * batch that is killed keeps every line it finished), and read back line by line by --resume.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync, fstatSync, writeSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ComposemodError } from '../core/errors.js';
import { STATUSES, type RepoRecord } from './types.js';

export class ReportWriter {
  private readonly fd: number;

  /** `append`: keep the lines already there (resuming into the same file). */
  constructor(
    readonly file: string,
    append: boolean,
  ) {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      this.fd = openSync(file, append ? 'a+' : 'w');
    } catch (e) {
      throw new ComposemodError(`cannot write the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file });
    }
    // a run killed mid-line left a partial last line: start on a fresh one
    if (append && !endsWithNewline(this.fd)) writeSync(this.fd, '\n');
  }

  write(record: RepoRecord): void {
    writeSync(this.fd, JSON.stringify(record) + '\n');
  }

  close(): void {
    closeSync(this.fd);
  }
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, size - 1);
  return b[0] === 0x0a;
}

/** Is this parsed line a repository record (and not some other JSON)? */
function isRecord(v: unknown): v is RepoRecord {
  const r = v as RepoRecord;
  return !!r && typeof r === 'object' && typeof r.repo === 'string' && STATUSES.includes(r.status);
}

/**
 * Streams the records of an earlier report. Lines that are not records (a line cut short when
 * a run was killed) are skipped: that repository runs again.
 */
export async function readReport(file: string, onRecord: (r: RepoRecord) => void): Promise<void> {
  if (!existsSync(file)) return;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue;
    }
    if (isRecord(v)) onRecord(v);
  }
}
