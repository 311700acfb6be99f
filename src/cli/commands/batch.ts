import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ComposemodError } from '../../core/errors.js';
import { runBatch } from '../../batch/batch.js';
import { parseShard } from '../../batch/repos.js';
import { validateOptions } from '../../batch/runners.js';
import { validBranchName } from '../../batch/git.js';
import { summaryText } from '../../batch/summary.js';
import type { RunCommand } from '../../batch/types.js';
import { useColor, type Io } from '../output.js';

export interface BatchCliOptions {
  root?: string;
  repos?: string;
  run?: string;
  jobs?: string;
  shard?: string;
  report?: string;
  resume?: string;
  patches?: string;
  commit?: boolean;
  branch?: string;
  message?: string;
  allowDirty?: boolean;
  dryRun?: boolean;
  check?: boolean;
  failFast?: boolean;
  json?: boolean;
  timeout?: string;
  color?: boolean;
  /** The options of the command run (`--only`, `--layout`, fix options...), by camelCase name. */
  [commandOption: string]: unknown;
}

/** Batch's own options; everything else belongs to the command run. */
const OWN = new Set([
  'root', 'repos', 'run', 'jobs', 'shard', 'report', 'resume', 'patches', 'commit', 'branch', 'message',
  'allowDirty', 'dryRun', 'check', 'failFast', 'json', 'timeout', 'color',
]);
const EXTRACT_ONLY = new Set(['layout', 'base']);
/** Options both extract and a fix have. */
const SHARED = new Set(['allowReset']);

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ComposemodError(`invalid ${flag} "${value}": expected a whole number >= 1`);
  return n;
}

const kebab = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * `composemod batch <root> --run extract|fix|check`. Exit codes: 0 nothing to change,
 * 1 something to change or findings (with --check or --run check), 2 if any repository
 * errored (after running the others) or the command line is invalid.
 */
export async function batchCommand(io: Io, opts: BatchCliOptions): Promise<number> {
  const run = opts.run as RunCommand;
  if (!['extract', 'fix', 'check'].includes(run)) throw new ComposemodError(`invalid --run "${String(opts.run)}": use extract, fix or check`);
  const commandOptions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (OWN.has(k) || v === undefined) continue;
    if (!SHARED.has(k) && (run === 'extract') !== EXTRACT_ONLY.has(k)) throw new ComposemodError(`${kebab(k)} is not an option of ${run}`);
    commandOptions[k] = v;
  }
  await validateOptions(run, commandOptions);
  if (opts.branch !== undefined && !opts.commit) throw new ComposemodError('--branch is only used with --commit');
  if (opts.message !== undefined && !opts.commit) throw new ComposemodError('--message is only used with --commit');
  if (opts.allowDirty && !opts.commit) throw new ComposemodError('--allow-dirty is only used with --commit');
  if (opts.commit) {
    if (!opts.branch) throw new ComposemodError('--commit needs --branch NAME (the branch created in each changed repository)');
    if (run === 'check' || opts.dryRun || opts.check) throw new ComposemodError('--commit writes: it cannot be combined with --run check, --dry-run or --check');
    if (!(await validBranchName(io.cwd, opts.branch)))
      throw new ComposemodError(`invalid --branch "${opts.branch}": not a valid git branch name`);
  }
  if (opts.patches && run === 'check') throw new ComposemodError('--patches needs --run fix or --run extract (check changes nothing)');

  const root = path.resolve(io.cwd, opts.root ?? '.');
  const reportFile = opts.report ? path.resolve(io.cwd, opts.report) : undefined;
  const resumeFile = opts.resume ? path.resolve(io.cwd, opts.resume) : undefined;
  const patchesDir = opts.patches ? path.resolve(io.cwd, opts.patches) : undefined;
  const timeout = positiveInt(opts.timeout, '--timeout', 300);
  const summary = await runBatch(io, {
    run,
    commandOptions,
    root,
    dryRun: !!opts.dryRun,
    check: !!opts.check,
    patchesDir,
    ownPaths: [reportFile ?? resumeFile, patchesDir].filter((p): p is string => !!p),
    commit: opts.commit ? { branch: opts.branch!, message: opts.message, allowDirty: !!opts.allowDirty } : undefined,
    color: useColor(io, opts.color),
    reposFile: opts.repos ? path.resolve(io.cwd, opts.repos) : undefined,
    jobs: positiveInt(opts.jobs, '--jobs', availableParallelism()),
    shard: opts.shard !== undefined ? parseShard(opts.shard) : undefined,
    reportFile,
    resumeFile,
    failFast: !!opts.failFast,
    timeoutMs: timeout * 1000,
    json: !!opts.json,
    handleInterrupt: true,
  });
  const wrote = run !== 'check' && !opts.dryRun && !opts.check && (!opts.patches || !!opts.commit);
  if (opts.json) io.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else io.stderr.write(summaryText(summary, wrote));
  return summary.exitCode;
}
