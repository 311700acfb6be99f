/**
 * The one place that knows each command's API: "run <command> on one project directory" ->
 * `{ status, changes, findings, notes, error }`. Everything else in batch (discovery, workers,
 * reports, patches, commits) works on that shape, so a command can change its internals, or a
 * new command can plug in, by editing this module alone.
 *
 * `check` is a STAND-IN until `composemod check` exists (issue 9): it reports what the fixes
 * would change and what they say needs a human, one finding per change or warning, with the
 * fix's name as the rule id and no line numbers. The check command swaps `runCheck` for a call
 * to its own engine (rule ids, severities, file:line:col) without touching the rest of batch.
 */
import path from 'node:path';
import { ComposemodError } from '../core/errors.js';
import type { FileChange } from '../core/save.js';
import type { Io } from '../cli/output.js';
import type { Transform } from '../transforms/types.js';
import type { Finding, RecordError, RunCommand, Status } from './types.js';

export interface ProjectRun {
  status: Status;
  /** What the command would write (absolute paths); empty unless `changed`. */
  changes: FileChange[];
  /** Findings (absolute file paths). */
  findings: Finding[];
  /** What changed and why, one line each (commit messages); never holds a secret value. */
  notes: string[];
  /** Why nothing was done (unchanged / refused). */
  reason?: string;
  /** Secret values the command registered: masked in everything batch prints. */
  masks: string[];
  /** `error`: the command's message, located where it knows where. */
  error?: RecordError;
}

export interface RunnerHooks {
  /** Test-only: a transform run after the selected ones (see repository.ts's crash hook). */
  extraTransform?: Transform;
}

export type CommandRunner = (dir: string, options: Record<string, unknown>, hooks?: RunnerHooks) => Promise<ProjectRun>;

/** Commands read `cwd`; they print nothing here (batch reports). */
function quietIo(cwd: string): Io {
  const sink = { write: () => true };
  return { stdout: sink, stderr: sink, env: process.env, cwd };
}

const empty = (status: Status, reason?: string): ProjectRun => ({ status, reason, changes: [], findings: [], notes: [], masks: [] });

/** A project outcome that is an error. */
export const errorRun = (error: RecordError): ProjectRun => ({ ...empty('error'), error });

/**
 * An error from a command, as a project outcome. Bad input always names its file (and line):
 * that is an `error`. A ComposemodError about the directory itself (detection cannot tell the
 * layout: name the environments with --env) or about no file at all (a command declining as a
 * whole, such as the fixes' intent check) is `refused`: a decision for a human. An error that
 * is not a ComposemodError is a crash of the command (an internal error).
 */
export function outcomeOfError(e: unknown, dir: string): ProjectRun {
  if (e instanceof ComposemodError && (e.file === undefined || e.file === dir) && e.line === undefined) return empty('refused', e.message);
  return errorRun(recordError(e));
}

/** An error as a report shows it: a ComposemodError's message and location; anything else is internal. */
export function recordError(e: unknown): RecordError {
  if (e instanceof ComposemodError) return { message: e.message, file: e.file, line: e.line, col: e.col };
  return { message: e instanceof Error ? `internal error: ${e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}` : `internal error: ${String(e)}` };
}

const runExtract: CommandRunner = async (dir, options) => {
  const { extractProject } = await import('../cli/commands/extract.js');
  const { result } = await extractProject(quietIo(dir), { ...options, dir });
  if (result.status === 'nothing-to-do') return empty('unchanged', result.reason);
  if (result.status === 'refused') return empty('refused', result.reason);
  const rel = (f: string) => path.relative(dir, f).split(path.sep).join('/');
  const notes = [
    `${rel(result.base!)}: one shared base for ${result.environments.map((e) => e.name).join(', ')} (layout ${result.layout}), ` +
      `${result.linesBefore} -> ${result.linesAfter} lines; every environment's merged config verified unchanged`,
    ...result.environments.map((e) => `${e.name}: ${e.commandBefore} -> ${e.commandAfter}`),
    ...(result.usesReset ? ['uses !reset / !override: needs Docker Compose >= 2.24.4'] : []),
  ];
  return { status: 'changed', changes: result.changes, findings: [], notes, masks: [] };
};

/** Runs the selected fixes (plus a test hook's) over the project in `dir`, writing nothing. */
async function fixProject(dir: string, options: Record<string, unknown>, hooks?: RunnerHooks) {
  const { selectTransforms, resolveTargets } = await import('../cli/commands/fix.js');
  const { runFixes } = await import('../transforms/runner.js');
  const selected = selectTransforms(options.only as string | undefined, options.skip as string | undefined);
  if (hooks?.extraTransform) selected.push(hooks.extraTransform);
  const [target] = await resolveTargets(quietIo(dir), [dir], undefined);
  return runFixes(target, selected, options);
}

const runFix: CommandRunner = async (dir, options, hooks) => {
  const r = await fixProject(dir, options, hooks);
  const findings: Finding[] = r.warnings.map((w) => ({ rule: w.fix, severity: 'warning', message: w.message, file: w.file, service: w.service }));
  const notes = r.notes.map((n) => `${n.fix}: ${path.relative(dir, n.file) || n.file}${n.service ? ` [${n.service}]` : ''}: ${n.message} (why: ${n.reason})`);
  const status: Status = r.changes.length ? 'changed' : findings.length ? 'findings' : 'unchanged';
  return { status, changes: r.changes, findings, notes, masks: r.masks };
};

/** STAND-IN for `composemod check` (see the module comment). */
const runCheck: CommandRunner = async (dir, options, hooks) => {
  const r = await fixProject(dir, options, hooks);
  const findings: Finding[] = [
    ...r.notes.map((n): Finding => ({
      rule: n.fix,
      severity: 'warning',
      message: `${n.message} (why: ${n.reason}; \`composemod fix --only ${n.fix}\` does it)`,
      file: n.file,
      service: n.service,
    })),
    ...r.warnings.map((w): Finding => ({ rule: w.fix, severity: 'warning', message: w.message, file: w.file, service: w.service })),
  ];
  return { status: findings.length ? 'findings' : 'unchanged', changes: [], findings, notes: [], masks: r.masks };
};

export const runners: Record<RunCommand, CommandRunner> = { extract: runExtract, fix: runFix, check: runCheck };

/** Runs `command` in one project directory; never throws (an error is the project's outcome). */
export async function runProject(command: RunCommand, dir: string, options: Record<string, unknown>, hooks?: RunnerHooks): Promise<ProjectRun> {
  try {
    return await runners[command](dir, options, hooks);
  } catch (e) {
    return outcomeOfError(e, dir);
  }
}

/** Checks the command's options once, before any repository runs (an unknown fix name...). */
export async function validateOptions(command: RunCommand, options: Record<string, unknown>): Promise<void> {
  if (command === 'extract') {
    const layout = options.layout;
    if (layout !== undefined && layout !== 'override' && layout !== 'per-env')
      throw new ComposemodError(`invalid --layout "${String(layout)}": use override or per-env`);
    return;
  }
  const { selectTransforms } = await import('../cli/commands/fix.js');
  selectTransforms(options.only as string | undefined, options.skip as string | undefined);
}

/**
 * Loads what `command` needs (its modules, the compiled compose schema), so that a worker does
 * it once when it starts, not inside its first repository's time (and timeout).
 */
export async function warmUp(command: RunCommand): Promise<void> {
  if (command === 'extract') await import('../cli/commands/extract.js');
  else await Promise.all([import('../cli/commands/fix.js'), import('../transforms/runner.js')]);
  const { schemaIssues } = await import('../core/schema.js');
  schemaIssues({ services: {} });
}
