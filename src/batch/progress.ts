/**
 * Progress on stderr. On a TTY: one line redrawn in place (bar, count, rate, ETA, statuses so
 * far), at most every 100 ms. Elsewhere (CI logs, files): one plain line per repository as it
 * finishes. A few lines of our own; a progress-bar dependency would do the same with more.
 */
import type { RepoRecord, Status } from './types.js';

export interface Progress {
  /** Text printed while the bar is shown (a diff) must not interleave with it. */
  interrupt(write: () => void): void;
  tick(record: RepoRecord): void;
  done(): void;
}

interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function createProgress(stream: Stream, total: number, now: () => number = () => performance.now()): Progress {
  return stream.isTTY ? new Bar(stream, total, now) : new Lines(stream, total);
}

class Lines implements Progress {
  private n = 0;
  constructor(
    private readonly stream: Stream,
    private readonly total: number,
  ) {}
  interrupt(write: () => void): void {
    write();
  }
  tick(r: RepoRecord): void {
    this.n++;
    const width = String(this.total).length;
    const detail =
      r.status === 'error'
        ? `: ${r.error?.file ? `${r.error.file}${r.error.line ? `:${r.error.line}` : ''}: ` : ''}${r.error?.message ?? ''}`
        : r.status === 'refused' && r.reason
          ? `: ${r.reason}`
          : r.files.length
            ? ` (${r.files.length} file${r.files.length > 1 ? 's' : ''})`
            : '';
    this.stream.write(`[${String(this.n).padStart(width)}/${this.total}] ${r.repo}: ${r.status}${detail} ${fmtMs(r.ms)}\n`);
  }
  done(): void {}
}

class Bar implements Progress {
  private n = 0;
  private readonly counts = new Map<Status, number>();
  private readonly start: number;
  private last = -Infinity;
  private shown = false;
  constructor(
    private readonly stream: Stream,
    private readonly total: number,
    private readonly now: () => number,
  ) {
    this.start = now();
  }
  interrupt(write: () => void): void {
    this.clear();
    write();
    this.draw(true);
  }
  tick(r: RepoRecord): void {
    this.n++;
    this.counts.set(r.status, (this.counts.get(r.status) ?? 0) + 1);
    this.draw(this.n === this.total);
  }
  done(): void {
    this.clear();
  }
  private clear(): void {
    if (this.shown) this.stream.write('\r\u001b[K');
    this.shown = false;
  }
  private draw(force: boolean): void {
    const t = this.now();
    if (!force && t - this.last < 100) return;
    this.last = t;
    const elapsed = (t - this.start) / 1000;
    const rate = elapsed > 0 ? this.n / elapsed : 0;
    const eta = rate > 0 ? (this.total - this.n) / rate : NaN;
    const cols = this.stream.columns ?? 80;
    const width = Math.max(10, Math.min(30, cols - 70));
    const filled = this.total ? Math.round((this.n / this.total) * width) : width;
    const statuses = [...this.counts].map(([s, c]) => `${c} ${s}`).join(' · ');
    const line =
      `[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${this.n}/${this.total} ` +
      `${rate.toFixed(1)}/s ETA ${Number.isFinite(eta) ? fmtSeconds(eta) : '--'}  ${statuses}`;
    this.stream.write(`\r\u001b[K${line.slice(0, cols - 1)}`);
    this.shown = true;
  }
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

export function fmtSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
