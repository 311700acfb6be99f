import type { ComposeSource } from '../core/source.js';
import type { Editor } from '../core/edit.js';
import type { ComposeModel } from '../core/merge/index.js';
import type { Delta } from './intent/deltas.js';
import type { Capabilities, Runtime } from './settings.js';

/** One option a fix accepts; the CLI turns it into a flag. */
export interface TransformOption {
  /** camelCase name in `options`; the flag is its kebab-case form (`internalBackend` -> `--internal-backend`). */
  name: string;
  description: string;
  type: 'boolean' | 'string' | 'list';
  /** For `string`/`list`, the value placeholder in --help, e.g. `IMAGE=TAG`. */
  placeholder?: string;
  default?: boolean | string | string[];
}

/** What `composemod list` prints and what the runner needs to know about a fix. */
export interface TransformMeta {
  name: string;
  /** One line, imperative, shown by `composemod list`. */
  description: string;
  /** Why the fix exists (README, summary). */
  rationale: string;
  /** Needs the network (never run unless selected explicitly). */
  network: boolean;
  options: TransformOption[];
}

/** A compose file of the project as the transform sees it. */
export interface ProjectFile {
  /** Path as given or discovered (used in messages and diffs). */
  path: string;
  source: ComposeSource;
  /** `toModel` of the file: raw, before merging (may hold RESET / Override sentinels). */
  model: Record<string, unknown>;
}

/** One environment: the ordered list of files Compose gets with `-f`. */
export interface Environment {
  name: string;
  files: ProjectFile[];
  /** `--env-file`s for interpolation (absolute); none: the project's `.env`. */
  envFiles?: string[];
  /** Found in the project directory rather than named with --env (fixed and checked all the same). */
  discovered?: boolean;
  /** The merged model in the normal form (our merge engine). */
  merged: ComposeModel;
}

export interface ComposeProject {
  /** Directory new files (secrets/, .gitignore) are created relative to. */
  dir: string;
  /** Every distinct file, in discovery order. */
  files: ProjectFile[];
  environments: Environment[];
}

export interface ChangeNote {
  fix: string;
  file: string;
  service?: string;
  /** What changed, e.g. `added volume redis_data:/data`. Never contains a secret value. */
  message: string;
  /** Why, e.g. `redis keeps its data in /data; without a volume it is lost on recreate`. */
  reason: string;
}

export type Severity = 'error' | 'warning' | 'note';

export interface Warning {
  fix: string;
  /**
   * Stable name of the kind of finding, `<fix>/<kind>` (e.g. `add-volumes/postgres18-layout`):
   * what `--fail-on`, suppressions and the rule contract will key on.
   */
  id: string;
  /** error: the stack does not work as written; warning: it works but is risky; note: information. */
  severity: Severity;
  file?: string;
  /** 1-based line in `file`, when the finding is about one place. */
  line?: number;
  service?: string;
  /** Something a human must do or check, e.g. `backend must read /run/secrets/db_password`. */
  message: string;
}

/** What a fix passes to `warn` / `info`: the id without the fix prefix; severity defaults to warning (info: note). */
export type Finding = Omit<Warning, 'fix' | 'severity' | 'id'> & { id: string; severity?: Severity };

export interface TransformContext {
  project: ComposeProject;
  options: Readonly<Record<string, unknown>>;
  /** The editor of a project file: edits are collected, applied after the fix returns. */
  editor(file: ProjectFile): Editor;
  /** Create a new file (or replace the whole content of a non-compose file, e.g. .gitignore). */
  writeFile(path: string, content: string, opts?: { mode?: number }): void;
  /** Current content of a non-compose file (created by an earlier fix or on disk), or null. */
  readFile(path: string): string | null;
  /** Record a change and its reason for the summary. */
  note(note: Omit<ChangeNote, 'fix'>): void;
  /** Something a human must do or check ("needs a human"). */
  warn(warning: Finding): void;
  /** Explain a decision that needs no action, e.g. why the fix did nothing here. */
  info(info: Finding): void;
  /**
   * Declare an intended effect on what a container gets. Every change a fix makes to any
   * environment must be declared; the runner refuses the run otherwise (intent/check.ts).
   */
  intend(delta: Delta): void;
  /** Which tool runs the project and what its version supports. */
  runtime: Runtime;
  capabilities: Capabilities;
  /** Register a secret value: it is masked in every diff, summary and report. */
  mask(secret: string): void;
}

export interface Transform {
  meta: TransformMeta;
  run(ctx: TransformContext): void | Promise<void>;
}
