/**
 * The rule contract. Every check composemod makes, and every fix it applies, is a RULE: one
 * module with `meta` (what `composemod list`, `--help`, the config file and SARIF know about
 * it) and `check(ctx)`, which reads the project (every environment, merged) and REPORTS
 * FINDINGS. A finding may carry a FIX: range edits through the Editor, new or rewritten
 * non-compose files, and the declared intended effect on what containers get. `check` prints
 * findings; `fix` applies the fixes of the findings that are not suppressed.
 *
 * A rule does three things, in this order (docs/RULES.md):
 *  1. analyse: pure reasoning over `ctx.project` (the merged model of every environment, the
 *     raw model and source of every file);
 *  2. place: which file and node own the change (`place.ts`: owners through base/overrides,
 *     `extends`, anchors; what can be edited in place);
 *  3. report: `ctx.report(finding)`; when it returns a Fixer, record the fix on it (the Editor's
 *     operations, file writes, intents, the summary note).
 */
import type { Path } from '../core/query.js';
import type { Delta } from './intent/deltas.js';
import type { Capabilities, Runtime } from './settings.js';
import type { ComposeFile, Project } from './project.js';

/** error: the stack does not work as written; warning: it works but is risky; note: information. */
export type Severity = 'error' | 'warning' | 'note';

/** A severity, or `off` (the config file's `rules:` values). */
export type Level = Severity | 'off';

/**
 * What applying a rule's fix means:
 * - `safe`: what each container gets changes only as the fix declares (intent deltas), and a
 *   stack that worked keeps working; `fix` applies it by default;
 * - `behaviour-changing`: the declared change alters how the stack behaves (a port no longer
 *   published, a capability dropped); `fix` applies it only when the rule is named (`--only`)
 *   or enabled for fixing in the config file;
 * - `false`: findings only.
 */
export type Fixability = 'safe' | 'behaviour-changing' | false;

/** One option of a rule: a CLI flag of `fix`/`check`, a key of the rule's config options. */
export interface RuleOption {
  /** camelCase name in `options`; the flag is its kebab-case form (`internalBackend` -> `--internal-backend`). */
  name: string;
  description: string;
  type: 'boolean' | 'string' | 'list';
  /** For `string`/`list`, the value placeholder in --help, e.g. `IMAGE=TAG`. */
  placeholder?: string;
  /** For `string`: the values allowed. */
  values?: readonly string[];
  default?: boolean | string | readonly string[];
}

/** A kind of finding a rule reports besides its main one (`<rule>/<kind>`): listed for docs, SARIF and config. */
export interface FindingKind {
  severity: Severity;
  /** One line: when it is reported. */
  description: string;
}

export interface RuleMeta {
  /** Stable id, kebab-case: the module name, the docs page name, the config key, the SARIF rule id. */
  id: string;
  /** One line, what the rule finds (imperative for fixes is fine: `composemod list` shows it). */
  description: string;
  /** Why it matters (README, SARIF help, docs page). */
  rationale: string;
  /** Default severity of the rule's main finding (the one reported without a kind). */
  severity: Severity;
  fixable: Fixability;
  /** Needs the network (never run unless selected explicitly). */
  network?: boolean;
  options: readonly RuleOption[];
  /** The other findings, by kind (`not-editable`, `postgres18-layout`...). */
  kinds?: Readonly<Record<string, FindingKind>>;
  /** Docs page, relative to the repository: `docs/rules/<id>.md`. */
  docs: string;
}

/** What a rule passes to `ctx.report`. */
export interface FindingInput {
  /** The kind, without the rule prefix (`not-editable`); omitted: the rule's main finding. */
  kind?: string;
  /** Default: the kind's severity from `meta.kinds`, else the rule's for its main finding, else warning. */
  severity?: Severity;
  /** What is wrong and, when nothing fixes it, what a human should do. Never a secret value. */
  message: string;
  /** The file that owns the node (the place to change); omitted: a project-level finding. */
  file?: ComposeFile | string;
  /** The node in `file`; the finding is located at it (a mapping entry: its key). */
  path?: Path;
  /** 1-based line in `file`, when there is no `path`. */
  line?: number;
  service?: string;
  /** Environments the finding affects; default: every environment that loads `file` (and has `service`). */
  environments?: readonly string[];
}

/** A change a fix made, for the fix summary: what and why. Never contains a secret value. */
export interface ChangeNote {
  rule: string;
  file: string;
  service?: string;
  /** What changed, e.g. `added volume redis_data:/data`. */
  message: string;
  /** Why, e.g. `redis keeps its data in /data; without a volume it is lost on recreate`. */
  reason: string;
}

/** The Editor operations a fix may record (core/edit/editor.ts), with the same arguments. */
export interface FixEditor {
  replaceScalar(path: Path, value: unknown): void;
  deletePair(path: Path): void;
  deleteItem(path: Path): void;
  insertPair(mapPath: Path, key: string, value: unknown, opts?: { before?: string; after?: string; tag?: string }): void;
  setTag(path: Path, tag: string): void;
  appendItem(seqPath: Path, value: unknown): void;
  setIn(path: Path, value: unknown): void;
  renameKey(path: Path, newKey: string): void;
}

/**
 * What `ctx.report` returns for a finding that may be fixed (not suppressed, not off, the rule
 * fixable): the fix is recorded here. Nothing is applied while the rule runs: `fix` applies
 * the recorded operations of every such finding, in the order they were recorded, after the
 * rule returns; `check` renders them (SARIF `fixes`).
 */
export interface Fixer {
  /** The Editor operations for a compose file of the project. */
  editor(file: ComposeFile): FixEditor;
  /** Create a file, or replace the whole content of a non-compose file (e.g. .gitignore). */
  writeFile(path: string, content: string, opts?: { mode?: number }): void;
  /** Declare an intended effect on what a container gets (checked before anything is written). */
  intend(delta: Delta): void;
  /** The change, for the summary. */
  note(note: Omit<ChangeNote, 'rule'>): void;
  /** A finding that holds only once the fix is applied (e.g. "the app must now read /run/secrets/x"). */
  after(finding: FindingInput): void;
}

export interface RuleContext {
  /** Every environment of the project, merged, and every file: see project.ts. */
  project: Project;
  /** The rule's options: defaults, then the config file, then the command line. */
  options: Readonly<Record<string, unknown>>;
  /** Which tool runs the project and what its version supports. */
  runtime: Runtime;
  capabilities: Capabilities;
  /**
   * Report a finding. Returns a Fixer when the finding may be fixed (see Fixer), else null
   * (suppressed, turned off, or the rule runs without fixes): record the fix only then, so a
   * suppressed finding is never fixed and shared parts of a fix (a top-level declaration) go
   * with the findings that are.
   */
  report(finding: FindingInput): Fixer | null;
  /** A decision that needs no action (why the rule did nothing here): the fix summary only, never a finding. */
  explain(message: string, at?: { file?: string; service?: string }): void;
  /** Current content of a project file (as earlier fixes of this run left it, else on disk), or null. */
  readFile(path: string): string | null;
  /** Register a secret value: it is masked in every diff, summary and report. */
  mask(secret: string): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void | Promise<void>;
}

/** A finding as the engine reports it: located, with its effective severity and environments. */
export interface Finding {
  /** The rule id (`add-volumes`). */
  rule: string;
  /** `<rule>` for the main finding, `<rule>/<kind>` for the others: what suppressions and `rules:` key on. */
  id: string;
  severity: Severity;
  message: string;
  /** Absolute path of the file that owns the node (absent: a project-level finding). */
  file?: string;
  /** 1-based; `endColumn` is exclusive (SARIF's convention). */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  service?: string;
  environments: string[];
  /** The finding comes with a fix. */
  fixable: boolean;
  /** A suppression comment (or the config) silenced it: never fixed, never fails a run. */
  suppressed?: Suppression;
  /** Reported by a fix that was applied (Fixer.after): holds for the fixed files. */
  afterFix?: boolean;
}

/** Why a finding is suppressed. */
export interface Suppression {
  kind: 'inSource';
  /** The comment's reason (`-- reason`), if any. */
  justification?: string;
  file: string;
  line: number;
}
