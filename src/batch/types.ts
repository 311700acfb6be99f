/**
 * The vocabulary of `composemod batch`: what the command hands to each worker (`BatchSettings`,
 * plain data: it crosses a process boundary), and what comes back per repository (`RepoRecord`,
 * one line of the JSONL report).
 */

/** The command run in every project of every repository. */
export type RunCommand = 'extract' | 'fix' | 'check';

/** A repository's (or a project's) outcome. */
export type Status = 'changed' | 'unchanged' | 'findings' | 'refused' | 'error';

export const STATUSES: readonly Status[] = ['changed', 'unchanged', 'findings', 'refused', 'error'];

export type Severity = 'error' | 'warning' | 'note';

/** Something a rule reports. Paths are relative to the repository (POSIX separators). */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  col?: number;
  service?: string;
}

/** An error located in a file where known (`file:line:col: message`). */
export interface RecordError {
  message: string;
  file?: string;
  line?: number;
  col?: number;
}

export interface ProjectRecord {
  /** Project directory relative to the repository (`.` for its root). */
  dir: string;
  status: Status;
  /** Why nothing was done (unchanged/refused), in words. */
  reason?: string;
  files: { path: string; kind: 'create' | 'delete' | 'modify' }[];
  error?: RecordError;
}

/** One line of the `--report` JSONL file. */
export interface RepoRecord {
  /** The repository's key: its path relative to the batch root (POSIX), or absolute when outside. */
  repo: string;
  status: Status;
  projects: ProjectRecord[];
  /** Every file changed (or that would change), relative to the repository. */
  files: { path: string; kind: 'create' | 'delete' | 'modify' }[];
  /** Findings per finding id (`<rule>` or `<rule>/<kind>`). */
  rules: Record<string, number>;
  /** The first findings in detail (see `findingsLeftOut` for the rest). */
  findings: Finding[];
  findingsLeftOut?: number;
  reason?: string;
  error?: RecordError;
  /** Wall time for this repository, milliseconds. */
  ms: number;
  /** `--patches`: the patch file, relative to the patches directory. */
  patch?: string;
  /** `--commit`: the branch and commit made, and changed files kept out of it (with why). */
  commit?: { branch: string; sha: string; files: string[]; leftOut: { path: string; why: string }[] };
}

/** Everything a worker needs to run one repository; plain data. */
export interface BatchSettings {
  run: RunCommand;
  /** Options of the command (`--only`, `--layout`, a fix's own options...), by camelCase name. */
  commandOptions: Record<string, unknown>;
  /** Absolute batch root (repository keys and `--dry-run` diff paths are relative to it). */
  root: string;
  /** Write nothing; the worker returns the (masked) diff for stdout. */
  dryRun: boolean;
  /** Write nothing (exit 1 when something would change). */
  check: boolean;
  /** Absolute directory for one patch per changed repository. */
  patchesDir?: string;
  commit?: { branch: string; message?: string; allowDirty: boolean };
  /** Colour in dry-run diffs. */
  color: boolean;
  /** Files batch itself writes (the report, the patches directory): never a repository's dirt. */
  ownPaths?: string[];
}

/** One repository to run. */
export interface RepoJob {
  /** Absolute path of the work tree. */
  dir: string;
  /** See RepoRecord.repo. */
  key: string;
}

/** What a worker sends back: the record, and with --dry-run the masked diff. */
export interface RepoOutcome {
  record: RepoRecord;
  diff?: string;
}
