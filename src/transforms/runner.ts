import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSource } from '../core/source.js';
import { Editor } from '../core/edit.js';
import type { FileChange } from '../core/save.js';
import { environmentModel, loadText, toComposeModel } from '../core/project.js';
import type {
  ChangeNote,
  ComposeProject,
  Environment,
  ProjectFile,
  Transform,
  TransformContext,
  Warning,
} from './types.js';

/** What to fix: environments as ordered `-f` lists (a file may be in several). */
export interface FixTarget {
  dir: string;
  environments: { name: string; files: string[] }[];
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
): Promise<FixResult> {
  const composeFiles = new Map<string, FileState>();
  for (const env of target.environments) {
    for (const f of env.files) {
      if (composeFiles.has(f)) continue;
      const raw = await loadText(f);
      composeFiles.set(f, { path: f, original: raw, content: raw });
    }
  }
  const otherFiles = new Map<string, { original: string | null; text: string; mode?: number }>();
  const notes: ChangeNote[] = [];
  const warnings: Warning[] = [];
  const infos: Warning[] = [];
  const masks = new Set<string>();
  const counts: Record<string, number> = {};

  for (const [i, transform] of transforms.entries()) {
    const fix = transform.meta.name;
    counts[fix] = 0;
    // the inputs are schema-checked once; later states come from verified range edits
    const project = buildProject(target, composeFiles, i === 0);
    const editors = new Map<string, Editor>();
    const ctx: TransformContext = {
      project,
      options,
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
        otherFiles.set(abs, { original: prev ? prev.original : readIfExists(abs), text: content, mode: opts?.mode ?? prev?.mode });
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
        warnings.push({ fix, ...w });
      },
      info(i) {
        infos.push({ fix, ...i });
      },
      mask(secret) {
        if (secret) masks.add(secret);
      },
    };
    await transform.run(ctx);
    for (const [file, ed] of editors) {
      const state = composeFiles.get(file);
      if (!state) continue;
      state.content = ed.apply();
    }
  }

  const changes: FileChange[] = [];
  for (const s of composeFiles.values()) {
    if (s.content !== s.original) changes.push({ path: s.path, before: s.original, after: s.content });
  }
  for (const [p, o] of otherFiles) {
    if (o.text !== o.original) changes.push({ path: p, before: o.original, after: o.text, mode: o.mode });
  }
  return { changes, notes, warnings, infos, masks: [...masks], counts };
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
    const merged = environmentModel(envFiles, new Map([...files.values()].map((f) => [path.resolve(f.path), f.content])));
    return { name: env.name, files: envFiles, merged };
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
