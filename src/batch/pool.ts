/**
 * The worker pool: N child processes (`child_process.fork` of worker.js), one repository at a
 * time each. Child processes rather than worker_threads, because a repository must not be able
 * to take the batch down with it:
 *  - a native crash, an `abort()`, a `process.exit()` in some dependency or a V8 out-of-memory
 *    kills only that child (a thread shares the process: any of these ends the whole batch);
 *  - an endless loop is ended by SIGKILL after the per-repository timeout, always;
 *  - each child has its own heap limit, and is replaced once its RSS grows past a threshold,
 *    so memory stays flat over 10,000 repositories whatever one of them did;
 *  - cwd, environment and module state never leak from one worker to another.
 * The cost, one Node start per worker (not per repository) and a few tens of MB each, is
 * small at `--jobs` = CPUs. Messages are small: a record per repository (files, counts, the
 * first findings), plus the masked diff with --dry-run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BatchSettings, RepoJob, RepoOutcome, RepoRecord } from './types.js';

export type ToWorker = { type: 'init'; settings: BatchSettings } | { type: 'job'; id: number; job: RepoJob };
export type ToParent = { type: 'ready' } | { type: 'result'; id: number; outcome: RepoOutcome; rss: number };

export interface PoolOptions {
  size: number;
  /** Per repository; the worker is killed and the repository recorded as an error. */
  timeoutMs: number;
  /** Heap limit of each worker (MB): a repository that needs more is an error, not a crash of the batch. */
  heapMb?: number;
  /** A worker whose RSS passes this after a repository is replaced (bytes). */
  recycleRss?: number;
  /** The worker script (default: worker.js beside this module). */
  script?: string;
}

interface Task {
  id: number;
  job: RepoJob;
  resolve: (o: RepoOutcome) => void;
  started: number;
}

interface Slot {
  child: ChildProcess;
  task?: Task;
  timer?: NodeJS.Timeout;
  /** Last bytes the worker wrote to stderr (a crash's own message). */
  stderr: string;
  /** Loaded and warmed up: repositories are timed from here on. */
  ready: boolean;
  retiring: boolean;
}

/**
 * Young-generation size of a worker (MB). Node's default (16) lets each worker's RSS float some
 * 30 MB higher for no measurable speed-up on compose files (see scripts/bench-batch.mjs).
 */
const SEMI_SPACE_MB = 2;

/** Workers that die before they are ready, in a row, before the pool gives up. */
const START_ATTEMPTS = 3;

export function defaultWorkerScript(): string {
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

export class Pool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private failedStarts = 0;
  private readonly script: string;

  constructor(
    private readonly settings: BatchSettings,
    private readonly opts: PoolOptions,
  ) {
    this.script = opts.script ?? defaultWorkerScript();
    if (!existsSync(this.script))
      throw new Error(`batch worker ${this.script} not found: batch runs from the built package (npm run build)`);
  }

  /** Runs one repository; always resolves (a crash or a timeout is the repository's error record). */
  run(job: RepoJob): Promise<RepoOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, job, resolve, started: 0 });
      this.dispatch();
    });
  }

  /** Ends every worker (after the in-flight repositories when `wait`). */
  async close(): Promise<void> {
    this.closed = true;
    const exits = [...this.slots].map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
          s.child.once('exit', () => resolve());
          if (!s.task) this.retire(s);
        }),
    );
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = [...this.slots].find((s) => s.ready && !s.task && !s.retiring);
      if (!slot) {
        // start workers up to the pool size; they take work once ready
        const starting = [...this.slots].filter((s) => !s.ready && !s.retiring).length;
        if (this.slots.size < this.opts.size && starting < this.queue.length) {
          this.spawn();
          continue;
        }
        return;
      }
      const task = this.queue.shift()!;
      slot.task = task;
      task.started = performance.now();
      slot.timer = setTimeout(() => this.timeout(slot), this.opts.timeoutMs);
      slot.child.send({ type: 'job', id: task.id, job: task.job } satisfies ToWorker);
    }
  }

  private spawn(): Slot {
    const child = fork(this.script, [], {
      execArgv: [`--max-old-space-size=${this.opts.heapMb ?? 1024}`, `--max-semi-space-size=${SEMI_SPACE_MB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // a process group of its own: Ctrl-C reaches the batch, which lets running repositories
      // finish; a worker still exits when the batch goes away (its channel closes)
      detached: true,
      serialization: 'json',
    });
    const slot: Slot = { child, stderr: '', ready: false, retiring: false };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      slot.stderr = (slot.stderr + d).slice(-4096);
    });
    child.on('message', (m: ToParent) => this.onResult(slot, m));
    child.on('exit', (code, signal) => this.onExit(slot, code, signal));
    child.on('error', () => undefined); // 'exit' follows and reports it
    child.send({ type: 'init', settings: this.settings } satisfies ToWorker);
    this.slots.add(slot);
    return slot;
  }

  private onResult(slot: Slot, m: ToParent): void {
    if (m.type === 'ready') {
      slot.ready = true;
      this.failedStarts = 0;
      this.dispatch();
      return;
    }
    const task = slot.task;
    if (!task || task.id !== m.id) return;
    clearTimeout(slot.timer);
    slot.task = undefined;
    if (this.opts.recycleRss && m.rss > this.opts.recycleRss) this.retire(slot);
    task.resolve(m.outcome);
    if (this.closed && !slot.retiring) this.retire(slot);
    this.dispatch();
  }

  private timeout(slot: Slot): void {
    const task = slot.task;
    if (!task) return;
    slot.task = undefined;
    slot.retiring = true;
    // the worker's process group: a git it started goes too
    try {
      process.kill(-slot.child.pid!, 'SIGKILL');
    } catch {
      slot.child.kill('SIGKILL');
    }
    task.resolve(failure(task, `timed out after ${Math.round(this.opts.timeoutMs / 1000)} s (the worker was stopped; see --timeout)`));
  }

  private onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    const task = slot.task;
    slot.task = undefined;
    if (task) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const said = lastMessage(slot.stderr);
      task.resolve(failure(task, `the worker running this repository ${how}${said ? `: ${said}` : ''}`));
    } else if (!slot.ready && !slot.retiring && ++this.failedStarts >= START_ATTEMPTS) {
      // workers cannot even start: every waiting repository is an error, with the reason
      const why = `batch workers fail to start (${signal ?? `exit code ${code}`}): ${lastMessage(slot.stderr) || 'no message'}`;
      for (const t of this.queue.splice(0)) t.resolve(failure(t, why));
    }
    if (!this.closed) this.dispatch();
  }

  /** Lets a worker finish and exit (it exits when the channel closes). */
  private retire(slot: Slot): void {
    slot.retiring = true;
    if (slot.child.connected) slot.child.disconnect();
  }
}

function failure(task: Task, message: string): RepoOutcome {
  const record: RepoRecord = {
    repo: task.job.key,
    status: 'error',
    projects: [],
    files: [],
    rules: {},
    findings: [],
    error: { message },
    ms: task.started ? Math.round(performance.now() - task.started) : 0,
  };
  return { record };
}

/** The most telling line of a dead worker's stderr (V8's fatal error, an uncaught exception). */
function lastMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return (
    lines.find((l) => /FATAL ERROR|out of memory|Error:/i.test(l))?.slice(0, 300) ??
    lines[lines.length - 1]?.slice(0, 300) ??
    ''
  );
}
