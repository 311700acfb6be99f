/**
 * `composemod batch`: the orchestration. Lists the repositories (and this machine's shard),
 * skips those an earlier report already holds, hands the rest to the worker pool at most
 * `jobs` at a time, and streams every result out as it arrives: a report line, a progress tick,
 * a diff on stdout (--dry-run), a summary entry. Nothing per repository is kept beyond that.
 */
import path from 'node:path';
import type { Io } from '../cli/output.js';
import { listRepositories, shardOf, type Shard } from './repos.js';
import { Pool } from './pool.js';
import { createProgress } from './progress.js';
import { ReportWriter, readReport } from './report.js';
import { Summary, type SummaryJson } from './summary.js';
import type { BatchSettings } from './types.js';

export interface BatchOptions extends BatchSettings {
  reposFile?: string;
  jobs: number;
  shard?: Shard;
  reportFile?: string;
  resumeFile?: string;
  failFast: boolean;
  timeoutMs: number;
  /** With --json the only thing on stdout is the summary (diffs are left out). */
  json: boolean;
  /** Tests and the bench: another worker script. */
  workerScript?: string;
  /**
   * The CLI: a first Ctrl-C stops starting repositories and lets the running ones finish (their
   * files are never left half-written), then the summary; a second one exits at once.
   */
  handleInterrupt?: boolean;
}


/** 0 nothing to change, 1 something to change or findings (with --check / --run check), 2 an error. */
export function exitCode(summary: Summary, opts: Pick<BatchSettings, 'run' | 'check'>): number {
  if (summary.errorCount) return 2;
  if ((opts.check || opts.run === 'check') && summary.actionable) return 1;
  return 0;
}

export async function runBatch(io: Io, opts: BatchOptions): Promise<SummaryJson> {
  const t0 = performance.now();
  let repos = await listRepositories(opts.root, opts.reposFile);
  if (opts.shard) repos = repos.filter((r) => shardOf(r.key, opts.shard!.count) === opts.shard!.index);

  const summary = new Summary();
  const done = new Set<string>();
  if (opts.resumeFile) {
    const keys = new Set(repos.map((r) => r.key));
    await readReport(opts.resumeFile, (r) => {
      // the report may hold other shards' or removed repositories: count only this run's
      if (!keys.has(r.repo) || done.has(r.repo)) return;
      done.add(r.repo);
      summary.add(r, true);
    });
    repos = repos.filter((r) => !done.has(r.key));
  }
  const reportFile = opts.reportFile ?? opts.resumeFile;
  const append = !!reportFile && !!opts.resumeFile && path.resolve(reportFile) === path.resolve(opts.resumeFile);
  const report = reportFile ? new ReportWriter(reportFile, append) : undefined;
  const progress = createProgress(io.stderr, repos.length);
  const pool = repos.length ? new Pool(opts, { size: Math.max(1, opts.jobs), timeoutMs: opts.timeoutMs, recycleRss: 160 * 2 ** 20, script: opts.workerScript }) : undefined;

  let stop: 'fail-fast' | 'interrupted' | undefined;
  let notRun = 0;
  const inFlight = new Set<Promise<void>>();
  const onInterrupt = () => {
    if (stop === 'interrupted') process.exit(130);
    stop = 'interrupted';
    progress.interrupt(() => io.stderr.write('composemod: interrupted: finishing the running repositories (Ctrl-C again to quit now)\n'));
  };
  if (opts.handleInterrupt) process.on('SIGINT', onInterrupt);
  try {
    for (const job of repos) {
      if (stop) {
        notRun++;
        continue;
      }
      while (inFlight.size >= Math.max(1, opts.jobs)) await Promise.race(inFlight);
      if (stop) {
        notRun++;
        continue;
      }
      const p: Promise<void> = pool!.run(job).then(({ record, diff }) => {
        report?.write(record);
        summary.add(record);
        if (diff && !opts.json) progress.interrupt(() => io.stdout.write(diff));
        progress.tick(record);
        if (record.status === 'error' && opts.failFast) stop ??= 'fail-fast';
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  } finally {
    if (opts.handleInterrupt) process.off('SIGINT', onInterrupt);
    progress.done();
    report?.close();
    await pool?.close();
  }
  const rel = (p: string | undefined) => (p ? path.relative(io.cwd, p) || p : undefined);
  return summary.toJSON({
    run: opts.run,
    notRun,
    stopped: stop,
    seconds: (performance.now() - t0) / 1000,
    exitCode: stop === 'interrupted' ? 130 : exitCode(summary, opts),
    shard: opts.shard ? `${opts.shard.index}/${opts.shard.count}` : undefined,
    report: rel(reportFile),
    patches: rel(opts.patchesDir),
  });
}
