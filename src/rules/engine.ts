/**
 * The engine: runs rules over a project and either reports (`checkProject`) or applies the
 * fixes of what they report (`fixProject`). Nothing here touches the disk: fixing returns
 * FileChanges for the caller to diff or write.
 *
 * For each rule: build the project for the current texts (project.ts: parsed once per text),
 * call `rule.check(ctx)`; `ctx.report` locates the finding (place.ts), gives it its severity
 * (the rule's, or the config's `rules:` level), its environments, and checks the suppression
 * comments; it hands out a Fixer only for a finding that may be fixed. Fixing then applies the
 * recorded Editor operations of the rule's findings in the order they were recorded (one
 * Editor per file), writes its other files, and runs the intent check: every environment is
 * evaluated before and after, and anything that changed beyond the declared deltas refuses
 * the run (IntentRefusal, exit 2). The next rule sees the texts the previous one left.
 */
import path from 'node:path';
import { Editor } from '../core/edit.js';
import { ComposemodError } from '../core/errors.js';
import type { FileChange } from '../core/save.js';
import type { Path } from '../core/query.js';
import { DEFAULT_SETTINGS, capabilities, type FixSettings } from './settings.js';
import type { Intent, Delta } from './intent/deltas.js';
import { checkIntent, type Violation } from './intent/check.js';
import { mountedFileReader } from './lib/references.js';
import { ProjectState, type ComposeFile, type Environment, type Project, type ProjectTarget } from './project.js';
import { definitionOf, envsUsing, lineLocation, locate, type Location } from './place.js';
import { serviceOf } from './lib/services.js';
import { directivesOf, suppressing, type Directive } from './suppressions.js';
import { unusedSuppressionRule, unusedSuppressions } from './unused-suppression.js';
import type { ChangeNote, Finding, FindingInput, FixEditor, Fixer, Level, Rule, RuleContext, RuleMeta, Severity } from './types.js';

/**
 * The fixes would change what a container gets beyond what they declared, or a declared
 * change did not hold: nothing may be written (exit 2).
 */
export class IntentRefusal extends ComposemodError {
  constructor(readonly violations: readonly Violation[]) {
    const shown = violations.slice(0, 8).map((v) => `  ${v.rule ? `${v.rule}: ` : ''}environment ${v.env}${v.service ? `, service ${v.service}` : ''}, ${v.key}: ${v.message}`);
    super(
      `refused: the fixes would change what containers get beyond what they declare; nothing was written\n${shown.join('\n')}` +
        (violations.length > shown.length ? `\n  ... and ${violations.length - shown.length} more` : ''),
      { exitCode: 2 },
    );
  }
}

export interface RunOptions {
  /** Options of every rule by their camelCase names (CLI flags); a rule reads its own. */
  options?: Readonly<Record<string, unknown>>;
  /** Per-rule options (the config file's `[level, options]`), over `options`. */
  ruleOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Levels by rule id or `<rule>/<kind>` (the config file's `rules:`). */
  levels?: Readonly<Record<string, Level>>;
  settings?: FixSettings;
}

export interface CheckOptions extends RunOptions {
  /**
   * Every rule id composemod knows: a suppression naming another id is reported, one naming a
   * rule that did not run is not judged. Default: the ids of the rules run.
   */
  knownRules?: readonly string[];
  /** Compute each fixable finding's change on its own (`CheckFinding.proposed`, SARIF `fixes`): costs an Editor run per finding. */
  proposeFixes?: boolean;
}

/** A change a fixable finding proposes, as replacements in files (SARIF `fixes`). */
export interface ProposedFix {
  description: string;
  changes: {
    /** Absolute path. */
    file: string;
    /** The file does not exist yet. */
    created: boolean;
    /** Positions in the file as it is (1-based, end exclusive) and the text that replaces the range. */
    replacements: { line: number; column: number; endLine: number; endColumn: number; text: string }[];
  }[];
}

/** A finding of `check`, with the change its fix would make when that can be shown alone. */
export interface CheckFinding extends Finding {
  proposed?: ProposedFix;
}

export interface CheckResult {
  dir: string;
  /** Sorted by file, line, column; project-level findings (no file) first. */
  findings: CheckFinding[];
  /** The rules that ran. */
  rules: RuleMeta[];
  /** Secret values registered by rules: masked in everything printed. */
  masks: string[];
  /** Decisions rules explained (why they did nothing somewhere). */
  decisions: Decision[];
}

export interface Decision {
  rule: string;
  message: string;
  file?: string;
  service?: string;
}

export interface FixResult {
  changes: FileChange[];
  /** What changed and why, per applied fix. */
  notes: ChangeNote[];
  /** Every finding, in report order: the fixed ones (`fixed`), the rest (needs a human), and those a fix leaves behind (`afterFix`). */
  findings: (Finding & { fixed: boolean })[];
  decisions: Decision[];
  masks: string[];
  /** Per rule: number of changes it made. */
  counts: Record<string, number>;
  /** Every declared intended effect (all held: otherwise fixProject throws IntentRefusal). */
  intents: Intent[];
  /** Environments evaluated before and after every rule that changed something. */
  environmentsChecked: number;
}

/** Reports what every rule finds. Writes nothing and applies nothing. */
export async function checkProject(target: ProjectTarget, rules: readonly Rule[], opts: CheckOptions = {}): Promise<CheckResult> {
  const state = await ProjectState.load(target);
  const project = state.project();
  const masks = new Set<string>();
  const findings: CheckFinding[] = [];
  const decisions: Decision[] = [];
  for (const rule of rules) {
    if (levelOf(opts.levels, rule.meta.id) === 'off' || rule.meta.id === unusedSuppressionRule.meta.id) continue;
    const run = new RuleRun(rule, state, project, 'check', opts, masks);
    await rule.check(run.context());
    findings.push(...run.checkFindings(!!opts.proposeFixes));
    decisions.push(...run.decisions);
  }
  const ran = new Set(rules.filter((r) => levelOf(opts.levels, r.meta.id) !== 'off').map((r) => r.meta.id));
  if (ran.has(unusedSuppressionRule.meta.id)) {
    const known = new Set(opts.knownRules ?? rules.map((r) => r.meta.id));
    for (const file of project.files)
      for (const f of unusedSuppressions(file, directivesOf(file.source), ran, known)) {
        const severity = levelOf(opts.levels, f.id) ?? unusedSuppressionRule.meta.severity;
        if (severity !== 'off') findings.push({ ...f, severity, environments: envsUsing(project, file).map((e) => e.name) });
      }
  }
  findings.sort(byPlace);
  return { dir: target.dir, findings, rules: rules.filter((r) => ran.has(r.meta.id)).map((r) => r.meta), masks: [...masks], decisions };
}

/**
 * Runs the rules one after the other and applies the fixes of their findings (not the
 * suppressed ones). Each rule sees the project as the previous ones left it. Throws
 * IntentRefusal when a fix changes what a container gets beyond what it declares.
 */
export async function fixProject(target: ProjectTarget, rules: readonly Rule[], opts: RunOptions = {}): Promise<FixResult> {
  const state = await ProjectState.load(target);
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const masks = new Set<string>();
  const notes: ChangeNote[] = [];
  const findings: (Finding & { fixed: boolean })[] = [];
  const decisions: Decision[] = [];
  const counts: Record<string, number> = {};
  const intents: Intent[] = [];
  const mounted = mountedFileReader(target.dir, state.read);
  // inputs are read (and schema-checked) before any rule runs
  state.project();
  for (const rule of rules) {
    const id = rule.meta.id;
    counts[id] = 0;
    if (levelOf(opts.levels, id) === 'off' || id === unusedSuppressionRule.meta.id) continue;
    const run = new RuleRun(rule, state, state.project(), 'fix', { ...opts, settings }, masks);
    await rule.check(run.context());
    findings.push(...run.fixFindings());
    decisions.push(...run.decisions);
    if (!run.records.some((r) => !r.empty || r.intents.length)) continue;
    const before = state.containerViews();
    const { edited, declared, ruleNotes } = run.apply();
    notes.push(...ruleNotes);
    counts[id] = ruleNotes.length;
    if (!edited && !declared.length) continue;
    // what every container of every environment gets now, against what it got before this rule's fixes
    const after = state.containerViews();
    const violations = checkIntent(before, after, declared, (v) => (v.dir === path.resolve(target.dir) ? mounted : mountedFileReader(v.dir, state.read)));
    if (violations.length) throw new IntentRefusal(violations.map((v) => ({ ...v, rule: v.rule ?? id })));
    intents.push(...declared);
  }

  const changes: FileChange[] = [];
  for (const s of state.composeFiles.values()) if (s.content !== s.original) changes.push({ path: s.path, before: s.original, after: s.content });
  for (const [p, o] of state.otherFiles) if (o.text !== o.original) changes.push({ path: p, before: o.original, after: o.text, mode: o.mode });
  return { changes, notes, findings, decisions, masks: [...masks], counts, intents, environmentsChecked: target.environments.length };
}

function levelOf(levels: RunOptions['levels'], id: string): Level | undefined {
  return levels?.[id];
}

const byPlace = (a: Finding, b: Finding): number =>
  (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.id.localeCompare(b.id);

// ----- one rule's run ---------------------------------------------------------------------

type Op = { [M in keyof FixEditor]: { seq: number; file: ComposeFile; method: M; args: Parameters<FixEditor[M]> } }[keyof FixEditor];

interface Write {
  seq: number;
  path: string;
  content: string;
  mode?: number;
}

/** What one finding's fix recorded. */
class FixRecord implements Fixer {
  readonly ops: Op[] = [];
  readonly writes: Write[] = [];
  readonly intents: Delta[] = [];
  readonly notes: { seq: number; note: ChangeNote }[] = [];

  constructor(
    private readonly run: RuleRun,
    readonly finding: Finding,
  ) {}

  editor(file: ComposeFile): FixEditor {
    const record = (method: keyof FixEditor) =>
      (...args: unknown[]): void => {
        this.ops.push({ seq: this.run.seq++, file, method, args } as Op);
      };
    return {
      replaceScalar: record('replaceScalar'),
      deletePair: record('deletePair'),
      deleteItem: record('deleteItem'),
      insertPair: record('insertPair'),
      setTag: record('setTag'),
      appendItem: record('appendItem'),
      setIn: record('setIn'),
      renameKey: record('renameKey'),
    };
  }

  writeFile(p: string, content: string, opts?: { mode?: number }): void {
    const abs = path.resolve(this.run.project.dir, p);
    this.writes.push({ seq: this.run.seq++, path: abs, content, mode: opts?.mode });
    this.run.written.set(abs, content);
  }

  intend(delta: Delta): void {
    this.intents.push(delta);
  }

  note(note: Omit<ChangeNote, 'rule'>): void {
    this.notes.push({ seq: this.run.seq++, note: { rule: this.run.rule.meta.id, ...note } });
  }

  after(finding: FindingInput): void {
    // a consequence of the fix: only fixing applies it
    if (this.run.mode === 'fix') this.run.add(finding, true);
  }

  get empty(): boolean {
    return !this.ops.length && !this.writes.length;
  }
}

class RuleRun {
  seq = 0;
  readonly records: FixRecord[] = [];
  readonly decisions: Decision[] = [];
  /** Files this rule's fixes wrote so far (its own reads see them). */
  readonly written = new Map<string, string>();
  private readonly found: { finding: Finding; record?: FixRecord; after: boolean }[] = [];
  private readonly options: Record<string, unknown>;

  constructor(
    readonly rule: Rule,
    readonly state: ProjectState,
    readonly project: Project,
    readonly mode: 'check' | 'fix',
    private readonly opts: RunOptions,
    private readonly masks: Set<string>,
  ) {
    const defaults: Record<string, unknown> = {};
    for (const o of rule.meta.options) if (o.default !== undefined) defaults[o.name] = o.default;
    const own = opts.ruleOptions?.[rule.meta.id] ?? {};
    const given = Object.fromEntries(Object.entries(opts.options ?? {}).filter(([, v]) => v !== undefined));
    this.options = { ...defaults, ...own, ...given };
  }

  context(): RuleContext {
    const settings = this.opts.settings ?? DEFAULT_SETTINGS;
    return {
      project: this.project,
      options: this.options,
      runtime: settings.runtime,
      capabilities: capabilities(settings.runtime),
      report: (f) => this.add(f, false),
      explain: (message, at) => {
        this.decisions.push({ rule: this.rule.meta.id, message, ...at });
      },
      readFile: (p) => {
        const abs = path.resolve(this.project.dir, p);
        return this.written.get(abs) ?? this.state.read(abs);
      },
      mask: (secret) => {
        if (secret) this.masks.add(secret);
      },
    };
  }

  /** Locates and records a finding; returns its Fixer when it may be fixed. */
  add(input: FindingInput, after: boolean): Fixer | null {
    const meta = this.rule.meta;
    const id = input.kind ? `${meta.id}/${input.kind}` : meta.id;
    const configured = this.opts.levels?.[id];
    if (configured === 'off') return null;
    const severity: Severity = configured ?? input.severity ?? (input.kind ? (meta.kinds?.[input.kind]?.severity ?? 'warning') : meta.severity);
    let file = typeof input.file === 'string' ? this.project.files.find((f) => f.path === input.file) : input.file;
    let at = input.path as Path | undefined;
    if (input.file === undefined && input.service !== undefined) {
      // a finding about a service: at the service's image (else its entry) where its environments take it from
      const service = input.service;
      const env = this.project.environments.find((e) => serviceOf(e.merged, service) !== undefined);
      const def = env && (definitionOf(env, service, 'image') ?? ownerEntry(env, service));
      if (def) [file, at] = [def.file, input.path ?? def.path];
    }
    const filePath = file?.path ?? (typeof input.file === 'string' ? path.resolve(this.project.dir, input.file) : undefined);
    const where: Location | undefined = file ? (at ? locate(file, at) : input.line ? lineLocation(file, input.line) : undefined) : undefined;
    const environments = input.environments
      ? [...input.environments]
      : file
        ? envsUsing(this.project, file, input.service).map((e) => e.name)
        : input.service !== undefined
          ? this.project.environments.filter((e) => serviceOf(e.merged, input.service!) !== undefined).map((e) => e.name)
          : this.project.environments.map((e) => e.name);
    const finding: Finding = {
      rule: meta.id,
      id,
      severity,
      message: input.message,
      ...(filePath ? { file: filePath } : {}),
      ...(where ?? (input.line ? { line: input.line } : {})),
      ...(input.service ? { service: input.service } : {}),
      environments,
      fixable: false,
      ...(after ? { afterFix: true } : {}),
    };
    if (file && !after) {
      const d: Directive | undefined = suppressing(directivesOf(file.source), finding, finding.line);
      if (d) finding.suppressed = { kind: 'inSource', file: file.path, line: d.line, ...(d.reason ? { justification: d.reason } : {}) };
    }
    const entry: { finding: Finding; record?: FixRecord; after: boolean } = { finding, after };
    this.found.push(entry);
    if (after || finding.suppressed || !meta.fixable) return null;
    const record = new FixRecord(this, finding);
    this.records.push(record);
    entry.record = record;
    return record;
  }

  /** Findings as `check` reports them, with their proposed changes. */
  checkFindings(propose: boolean): CheckFinding[] {
    return this.found.map(({ finding, record }) => {
      if (!record || record.empty) return finding;
      const proposed = propose ? this.propose(record) : undefined;
      return { ...finding, fixable: true, ...(proposed ? { proposed } : {}) };
    });
  }

  /** Findings as `fix` reports them (after `apply`, every record was applied). */
  fixFindings(): (Finding & { fixed: boolean })[] {
    return this.found.map(({ finding, record }) => {
      const fixed = !!record && !record.empty;
      return { ...finding, fixable: fixed || finding.fixable, fixed };
    });
  }

  /** Applies every record, in recording order: one Editor per file, then the other files. */
  apply(): { edited: boolean; declared: Intent[]; ruleNotes: ChangeNote[] } {
    const id = this.rule.meta.id;
    const ops = this.records.flatMap((r) => r.ops).sort((a, b) => a.seq - b.seq);
    const editors = new Map<ComposeFile, Editor>();
    for (const op of ops) {
      let ed = editors.get(op.file);
      if (!ed) editors.set(op.file, (ed = new Editor(op.file.source)));
      (ed[op.method] as (...a: unknown[]) => unknown)(...op.args);
    }
    let edited = false;
    for (const [file, ed] of editors) if (this.state.setContent(file.path, ed.apply(), ed.result)) edited = true;
    for (const w of this.records.flatMap((r) => r.writes).sort((a, b) => a.seq - b.seq)) this.state.writeFile(w.path, w.content, { mode: w.mode }, id);
    const declared = this.records.flatMap((r) => r.intents.map((d) => ({ ...d, rule: id })));
    const ruleNotes = this.records
      .flatMap((r) => r.notes)
      .sort((a, b) => a.seq - b.seq)
      .map((n) => n.note);
    return { edited: edited || this.records.some((r) => r.writes.length > 0), declared, ruleNotes };
  }

  /**
   * The change one finding's fix makes on its own, as replacements, or undefined when it
   * cannot be shown alone (it builds on another finding's change) or would show a secret.
   */
  private propose(record: FixRecord): ProposedFix | undefined {
    const changes: ProposedFix['changes'] = [];
    try {
      const byFile = new Map<ComposeFile, Op[]>();
      for (const op of record.ops) byFile.set(op.file, [...(byFile.get(op.file) ?? []), op]);
      for (const [file, ops] of byFile) {
        const ed = new Editor(file.source);
        for (const op of ops) (ed[op.method] as (...a: unknown[]) => unknown)(...op.args);
        ed.apply();
        const src = file.source;
        changes.push({
          file: file.path,
          created: false,
          replacements: ed.edits().map((e) => {
            const s = src.position(e.start);
            const end = src.position(e.end);
            return { line: s.line, column: s.col, endLine: end.line, endColumn: end.col, text: e.text };
          }),
        });
      }
    } catch {
      return undefined;
    }
    const lastWrite = new Map<string, Write>();
    for (const w of record.writes) lastWrite.set(w.path, w);
    for (const w of lastWrite.values()) {
      const before = this.state.read(w.path);
      changes.push({ file: w.path, created: before === null, replacements: [textReplacement(before ?? '', w.content)] });
    }
    const masks = [...this.masks];
    if (changes.some((c) => c.replacements.some((r) => masks.some((m) => r.text.includes(m))))) return undefined;
    const description = record.notes.map((n) => n.note.message).join('; ') || 'apply the fix';
    return { description, changes };
  }
}

/** The first file of `env` that has an entry for the service. */
function ownerEntry(env: Environment, service: string): { file: ComposeFile; path: Path } | undefined {
  const file = env.files.find((f) => serviceOf(f.model, service) !== undefined);
  return file ? { file, path: ['services', service] } : undefined;
}

/** The one replacement that turns `before` into `after` (common prefix and suffix kept). */
function textReplacement(before: string, after: string): ProposedFix['changes'][number]['replacements'][number] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const pos = (offset: number) => {
    const lines = before.slice(0, offset).split('\n');
    return { line: lines.length, column: lines[lines.length - 1].length + 1 };
  };
  const s = pos(start);
  const e = pos(before.length - end);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column, text: after.slice(start, after.length - end) };
}

/**
 * Replace every registered secret value by `********` (longest first). Diffs mask every
 * value; prose (summaries, reports), which rules write without values by construction, masks
 * only values of `minLength` or more, so a weak value such as `secret` does not garble words.
 */
export function maskSecrets(text: string, masks: readonly string[], minLength = 1): string {
  let out = text;
  for (const m of [...masks].sort((a, b) => b.length - a.length)) {
    if (m.length >= minLength) out = out.split(m).join('********');
  }
  return out;
}
