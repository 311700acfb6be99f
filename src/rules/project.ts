/**
 * The project as rules see it, and the ONE place that builds it: which files, which
 * environments, each file's source (text + YAML AST) and raw model, each environment's merged
 * model, and what each container of each environment gets (the intent views). Rules read
 * `Project` only; the project loader can replace `mergedModel` and `containerViews` here
 * without touching any rule, the engine or the intent check.
 *
 * Cheap by construction: a `ProjectState` holds the current text of every file of a run;
 * each distinct text is parsed once (and schema-checked once, when it is an input), each
 * environment merged once per distinct set of texts, and the views evaluated once per state.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSource, type ComposeSource } from '../core/source.js';
import type { ComposeModel } from '../core/merge/index.js';
import { environmentModel, loadText, toComposeModel } from '../core/project.js';
import { evaluateEnvironment, type EnvironmentView } from './intent/view.js';
import type { EnvironmentSpec, ProjectTarget } from '../core/targets.js';

export type { EnvironmentSpec, ProjectTarget } from '../core/targets.js';

/** A compose file of the project. */
export interface ComposeFile {
  /** Path as given or discovered (used in messages and diffs). */
  path: string;
  source: ComposeSource;
  /** `toModel` of the file: raw, before merging (may hold RESET / Override sentinels). */
  model: Record<string, unknown>;
}

/** An environment, loaded. */
export interface Environment {
  name: string;
  files: ComposeFile[];
  envFiles?: string[];
  discovered?: boolean;
  /** The merged model in the normal form. */
  merged: ComposeModel;
}

export interface Project {
  /** Directory new files (secrets/, .gitignore) are created relative to. */
  dir: string;
  /** Every distinct file, in the order the environments name them. */
  files: ComposeFile[];
  environments: Environment[];
}

/** Reads a project file as the run currently sees it; null if absent. */
export type ReadFile = (absPath: string) => string | null;

interface FileState {
  path: string;
  /** Content on disk when the run started (BOM included). */
  original: string;
  /** Current content (BOM included). */
  content: string;
}

interface OtherFile {
  original: string | null;
  text: string;
  mode?: number;
  /** The rule whose fix wrote it last. */
  changedBy?: string;
}

/** A run's files (compose and other), their current texts, and the project built from them. */
export class ProjectState {
  readonly composeFiles = new Map<string, FileState>();
  readonly otherFiles = new Map<string, OtherFile>();
  private readonly parsed = new Map<string, { content: string; file: ComposeFile }>();
  private readonly merged = new Map<string, { key: string; model: ComposeModel }>();
  private built: { key: string; project: Project } | undefined;
  private views: { key: string; views: EnvironmentView[] } | undefined;
  private readonly inputs = new Set<string>();

  private constructor(readonly target: ProjectTarget) {}

  /** Reads every compose file of the target (bad input: ComposemodError, exit 2). */
  static async load(target: ProjectTarget): Promise<ProjectState> {
    const state = new ProjectState(target);
    for (const env of target.environments)
      for (const f of env.files) {
        if (state.composeFiles.has(f)) continue;
        const raw = await loadText(f);
        state.composeFiles.set(f, { path: f, original: raw, content: raw });
        state.inputs.add(f);
      }
    return state;
  }

  /** Files read from disk in this run (they do not change under it; fixes write through otherFiles). */
  private readonly disk = new Map<string, string | null>();

  /** The current text of a file: written by a fix, a compose file of the run, else on disk. */
  readonly read: ReadFile = (abs) => {
    const o = this.otherFiles.get(abs);
    if (o) return o.text;
    const c = this.composeFiles.get(abs);
    if (c) return c.content;
    let text = this.disk.get(abs);
    if (text === undefined) this.disk.set(abs, (text = readIfExists(abs)));
    return text;
  };

  /** A project-relative (or absolute) path, read as `read` does. */
  readFile(p: string): string | null {
    return this.read(path.resolve(this.target.dir, p));
  }

  writeFile(p: string, content: string, opts: { mode?: number } | undefined, rule: string): void {
    const abs = path.resolve(this.target.dir, p);
    const prev = this.otherFiles.get(abs);
    this.otherFiles.set(abs, { original: prev ? prev.original : readIfExists(abs), text: content, mode: opts?.mode ?? prev?.mode, changedBy: rule });
  }

  /** `source`: the text already parsed (the Editor's verification parse), so it is not parsed again. */
  setContent(file: string, content: string, source?: ComposeSource): boolean {
    const s = this.composeFiles.get(file);
    if (!s || s.content === content) return false;
    s.content = content;
    if (source) this.parsed.set(file, { content, file: { path: file, source, model: toComposeModel(source, { schema: false }) } });
    return true;
  }

  /** The project for the current texts (built once per distinct set of texts). */
  project(): Project {
    const key = [...this.composeFiles.values()].map((s) => s.content).join('\0');
    if (this.built?.key === key) return this.built.project;
    const files = new Map<string, ComposeFile>();
    for (const s of this.composeFiles.values()) files.set(s.path, this.parse(s));
    const environments: Environment[] = this.target.environments.map((env) => {
      const envFiles = env.files.map((f) => files.get(f)!);
      return { name: env.name, files: envFiles, merged: this.mergedOf(env, envFiles), envFiles: env.envFiles, discovered: env.discovered };
    });
    const project: Project = { dir: this.target.dir, files: [...files.values()], environments };
    this.built = { key, project };
    return project;
  }

  /** What every container of every environment gets, for the current texts (intent/view.ts). */
  containerViews(): EnvironmentView[] {
    const project = this.project();
    const key = `${this.built!.key}\0${[...this.otherFiles.values()].map((o) => o.text).join('\0')}`;
    if (this.views?.key === key) return this.views.views;
    const views = project.environments.map((env) =>
      evaluateEnvironment({ name: env.name, files: env.files.map((f) => ({ path: f.path, model: f.model })), envFiles: env.envFiles }, this.read),
    );
    this.views = { key, views };
    return views;
  }

  private parse(s: FileState): ComposeFile {
    const hit = this.parsed.get(s.path);
    if (hit && hit.content === s.content) return hit.file;
    const source = parseSource(s.content, s.path);
    // inputs are schema-checked once; later texts come from verified range edits
    const input = this.inputs.has(s.path) && s.content === s.original;
    const file: ComposeFile = { path: s.path, source, model: toComposeModel(source, { schema: input }) };
    this.parsed.set(s.path, { content: s.content, file });
    return file;
  }

  private mergedOf(env: EnvironmentSpec, files: ComposeFile[]): ComposeModel {
    const key = env.files.map((f) => this.composeFiles.get(f)!.content).join('\0');
    const hit = this.merged.get(env.name);
    if (hit?.key === key) return hit.model;
    const texts = new Map([...this.composeFiles.values()].map((f) => [path.resolve(f.path), f.content] as const));
    const model = environmentModel(files, texts);
    this.merged.set(env.name, { key, model });
    return model;
  }
}

function readIfExists(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}
