import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSource } from '../core/source.js';
import { Editor } from '../core/edit.js';
import { mergeFiles, normalize } from '../core/merge/index.js';
import type { FileChange } from '../core/save.js';
import { loadText, toComposeModel } from '../core/project.js';
import { ComposemodError } from '../core/errors.js';
import type {
  ChangeNote,
  ComposeProject,
  Environment,
  ProjectFile,
  Transform,
  TransformContext,
  Warning,
} from './types.js';
import { DEFAULT_SETTINGS, capabilities, type FixSettings } from './settings.js';
import type { Intent } from './intent/deltas.js';
import { evaluateEnvironment, type EnvironmentView, type ReadFile } from './intent/view.js';
import { checkIntent, type Violation } from './intent/check.js';
import { mountedFileReader } from './lib/references.js';

/** What to fix: environments as ordered `-f` lists (a file may be in several). */
export interface FixTarget {
  dir: string;
  environments: { name: string; files: string[]; envFiles?: string[]; discovered?: boolean }[];
}

/**
 * The fixes changed what a container gets beyond what they declared, or a declared change did
 * not hold: nothing may be written (exit 2).
 */
export class IntentRefusal extends ComposemodError {
  constructor(readonly violations: readonly Violation[]) {
    const shown = violations.slice(0, 8).map((v) => `  ${v.fix ? `${v.fix}: ` : ''}environment ${v.env}${v.service ? `, service ${v.service}` : ''}, ${v.key}: ${v.message}`);
    super(
      `refused: the fixes would change what containers get beyond what they declare; nothing was written\n${shown.join('\n')}` +
        (violations.length > shown.length ? `\n  ... and ${violations.length - shown.length} more` : ''),
      { exitCode: 2 },
    );
  }
}

export interface FixResult {
  changes: FileChange[];
  notes: ChangeNote[];
  warnings: Warning[];
  /** Decisions that need no action (why a fix skipped a project or a service). */
  infos: Warning[];
  /** Secret values registered by fixes; the CLI masks them in everything it prints. */
  masks: string[];
  /** Per fix: number of changes it made. */
  counts: Record<string, number>;
  /** Every declared intended effect (all held: otherwise runFixes throws IntentRefusal). */
  intents: Intent[];
  /** Environments evaluated before and after every fix. */
  environmentsChecked: number;
}

interface FileState {
  path: string;
  /** Content on disk when the run started (BOM included). */
  original: string;
  /** Current content (BOM included), as the fixes so far left it. */
  content: string;
}

/**
 * Runs fixes one after the other. Each fix sees the project as the previous fixes left it
 * (texts re-parsed, environments re-merged), edits through Editors (range edits, verified on
 * apply) and may create or rewrite non-compose files. Nothing touches the disk here: the
 * result is a list of FileChanges for the caller to diff or write.
 */
export async function runFixes(
  target: FixTarget,
  transforms: readonly Transform[],
  options: Record<string, unknown>,
  settings: FixSettings = DEFAULT_SETTINGS,
): Promise<FixResult> {
  const composeFiles = new Map<string, FileState>();
  for (const env of target.environments) {
    for (const f of env.files) {
      if (composeFiles.has(f)) continue;
      const raw = await loadText(f);
      composeFiles.set(f, { path: f, original: raw, content: raw });
    }
  }
  const otherFiles = new Map<string, { original: string | null; text: string; mode?: number; changedBy?: string }>();
  const notes: ChangeNote[] = [];
  const warnings: Warning[] = [];
  const infos: Warning[] = [];
  const masks = new Set<string>();
  const counts: Record<string, number> = {};
  const intents: Intent[] = [];
  const readCurrent: ReadFile = (abs) => {
    const o = otherFiles.get(abs);
    if (o) return o.text;
    const c = composeFiles.get(abs);
    return c ? c.content : readIfExists(abs);
  };
  const mounted = mountedFileReader(target.dir, readCurrent);

  // the inputs are schema-checked once; later states come from verified range edits
  let project = buildProject(target, composeFiles, true);
  let views = evaluateProject(project, readCurrent);
  for (const transform of transforms) {
    const fix = transform.meta.name;
    counts[fix] = 0;
    const editors = new Map<string, Editor>();
    const declared: Intent[] = [];
    const ctx: TransformContext = {
      project,
      options,
      runtime: settings.runtime,
      capabilities: capabilities(settings.runtime),
      editor(file: ProjectFile) {
        let ed = editors.get(file.path);
        if (!ed) {
          ed = new Editor(file.source);
          editors.set(file.path, ed);
        }
        return ed;
      },
      writeFile(p, content, opts) {
        const abs = path.resolve(target.dir, p);
        const prev = otherFiles.get(abs);
        otherFiles.set(abs, { original: prev ? prev.original : readIfExists(abs), text: content, mode: opts?.mode ?? prev?.mode, changedBy: fix });
      },
      readFile(p) {
        const abs = path.resolve(target.dir, p);
        return otherFiles.get(abs)?.text ?? readIfExists(abs);
      },
      note(n) {
        counts[fix]++;
        notes.push({ fix, ...n });
      },
      warn(w) {
        warnings.push({ fix, ...w, id: `${fix}/${w.id}`, severity: w.severity ?? 'warning' });
      },
      info(i) {
        infos.push({ fix, ...i, id: `${fix}/${i.id}`, severity: i.severity ?? 'note' });
      },
      intend(delta) {
        declared.push({ ...delta, fix });
      },
      mask(secret) {
        if (secret) masks.add(secret);
      },
    };
    await transform.run(ctx);
    let edited = false;
    for (const [file, ed] of editors) {
      const state = composeFiles.get(file);
      if (!state) continue;
      const next = ed.apply();
      if (next !== state.content) edited = true;
      state.content = next;
    }
    if (!edited && !declared.length && ![...otherFiles.values()].some((o) => o.changedBy === fix)) continue;
    // what every container of every environment gets now, against what it got before this fix
    project = buildProject(target, composeFiles, false);
    const next = evaluateProject(project, readCurrent);
    const violations = checkIntent(views, next, declared, (v) => (v.dir === path.resolve(target.dir) ? mounted : mountedFileReader(v.dir, readCurrent)));
    if (violations.length) throw new IntentRefusal(violations.map((v) => ({ ...v, fix: v.fix ?? fix })));
    intents.push(...declared);
    views = next;
  }

  const changes: FileChange[] = [];
  for (const s of composeFiles.values()) {
    if (s.content !== s.original) changes.push({ path: s.path, before: s.original, after: s.content });
  }
  for (const [p, o] of otherFiles) {
    if (o.text !== o.original) changes.push({ path: p, before: o.original, after: o.text, mode: o.mode });
  }
  return { changes, notes, warnings, infos, masks: [...masks], counts, intents, environmentsChecked: target.environments.length };
}

/** What every container of every environment gets (intent/view.ts). */
function evaluateProject(project: ComposeProject, read: ReadFile): EnvironmentView[] {
  return project.environments.map((env) =>
    evaluateEnvironment({ name: env.name, files: env.files.map((f) => ({ path: f.path, model: f.model })), envFiles: env.envFiles }, read),
  );
}

function readIfExists(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

function buildProject(target: FixTarget, files: Map<string, FileState>, schema: boolean): ComposeProject {
  const parsed = new Map<string, ProjectFile>();
  for (const s of files.values()) {
    const source = parseSource(s.content, s.path);
    parsed.set(s.path, { path: s.path, source, model: toComposeModel(source, { schema }) });
  }
  const environments: Environment[] = target.environments.map((env) => {
    const envFiles = env.files.map((f) => parsed.get(f)!);
    const merged = normalize(mergeFiles(envFiles.map((f) => ({ path: f.path, model: f.model }))));
    return { name: env.name, files: envFiles, merged, envFiles: env.envFiles, discovered: env.discovered };
  });
  return { dir: target.dir, files: [...parsed.values()], environments };
}

/**
 * Replace every registered secret value by `********` (longest first). Diffs mask every
 * value; prose (summaries, reports), which fixes write without values by construction, masks
 * only values of `minLength` or more, so a weak value such as `secret` does not garble words.
 */
export function maskSecrets(text: string, masks: readonly string[], minLength = 1): string {
  let out = text;
  for (const m of [...masks].sort((a, b) => b.length - a.length)) {
    if (m.length >= minLength) out = out.split(m).join('********');
  }
  return out;
}
