/**
 * The one place that knows each command's API: "run <command> on one project directory" ->
 * `{ status, changes, findings, notes, error }`. Everything else in batch (discovery, workers,
 * reports, patches, commits) works on that shape, so a command can change its internals, or a
 * new command can plug in, by editing this module alone.
 *
 * `fix` and `check` are the library's `fix()` / `check()` (src/api.ts): findings carry the rule
 * id of the finding (`<rule>` or `<rule>/<kind>`), its severity and file:line:col.
 */
import path from 'node:path';
import { ComposemodError } from '../core/errors.js';
import type { FileChange } from '../core/save.js';
import type { Io } from '../cli/output.js';
import type { RunRequest } from '../api.js';
import type { Finding as RuleFinding } from '../rules/types.js';
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
  /** Test-only: called inside the command's run, before its work (see repository.ts's crash hook). */
  crash?: () => void;
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

/** The command's options as the library's request: the project in `dir`, rule options by name. */
function request(dir: string, options: Record<string, unknown>): RunRequest {
  const list = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? (v as string[]) : [String(v)]);
  return {
    cwd: dir,
    paths: [dir],
    envFile: list(options.envFile),
    config: options.config as string | undefined,
    only: options.only as string | undefined,
    skip: options.skip as string | undefined,
    options,
    runtime: options.runtime as string | undefined,
    composeVersion: options.composeVersion as string | undefined,
  };
}

const rel = (dir: string, f: string) => path.relative(dir, f).split(path.sep).join('/') || f;

const asFinding = (f: RuleFinding): Finding => ({
  rule: f.id,
  severity: f.severity,
  message: f.message,
  file: f.file,
  line: f.line,
  col: f.column,
  service: f.service,
});

const runFix: CommandRunner = async (dir, options, hooks) => {
  const { fix } = await import('../api.js');
  hooks?.crash?.();
  const report = await fix(request(dir, options));
  const results = report.projects.map((p) => p.result);
  // what a human still has to do: findings the fixes did not fix (suppressed ones are silenced)
  const findings = results.flatMap((r) => r.findings.filter((f) => !f.fixed && !f.suppressed).map(asFinding));
  const notes = results.flatMap((r) => r.notes.map((n) => `${n.rule}: ${rel(dir, n.file)}${n.service ? ` [${n.service}]` : ''}: ${n.message} (why: ${n.reason})`));
  const changes = results.flatMap((r) => r.changes);
  const status: Status = changes.length ? 'changed' : findings.length ? 'findings' : 'unchanged';
  return { status, changes, findings, notes, masks: results.flatMap((r) => r.masks) };
};

/** `composemod check` in the project: every rule's findings (suppressed ones left out), nothing written. */
const runCheck: CommandRunner = async (dir, options, hooks) => {
  const { check } = await import('../api.js');
  hooks?.crash?.();
  const report = await check(request(dir, options));
  const results = report.projects.map((p) => p.result);
  const findings = results.flatMap((r) => r.findings.filter((f) => !f.suppressed).map(asFinding));
  return { status: findings.length ? 'findings' : 'unchanged', changes: [], findings, notes: [], masks: results.flatMap((r) => r.masks) };
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

/** Checks the command's options once, before any repository runs (an unknown rule id...). */
export async function validateOptions(command: RunCommand, options: Record<string, unknown>): Promise<void> {
  if (command === 'extract') {
    const layout = options.layout;
    if (layout !== undefined && layout !== 'override' && layout !== 'per-env')
      throw new ComposemodError(`invalid --layout "${String(layout)}": use override or per-env`);
    return;
  }
  const { selectRules } = await import('../rules/select.js');
  await selectRules(command === 'fix' ? 'fix' : 'check', { only: options.only as string | undefined, skip: options.skip as string | undefined });
}

/**
 * Loads what `command` needs (its modules, the compiled compose schema), so that a worker does
 * it once when it starts, not inside its first repository's time (and timeout).
 */
export async function warmUp(command: RunCommand): Promise<void> {
  if (command === 'extract') await import('../cli/commands/extract.js');
  else {
    const { listRules } = await import('../api.js');
    await listRules();
  }
  const { schemaIssues } = await import('../core/schema.js');
  schemaIssues({ services: {} });
}
