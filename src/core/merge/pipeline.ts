/**
 * The multi-file pipeline (rules doc §1), per file in order: record and strip the
 * `!reset`/`!override` markers, delete their paths from the accumulated model, resolve
 * `extends` inside the file, merge, canonical form + unicity, schema checks, drop `version`.
 * After the last file: the consistency checks. Errors name the file whose merge raised them.
 */
import { ComposemodError } from '../errors.js';
import { canonicalModel } from './canonical.js';
import { resolveExtends, type ResolveExtendsFile } from './extends.js';
import { mergeValues } from './merge.js';
import { applyResetPaths, extractMarkers } from './reset.js';
import { checkSchema, consistencyIssues } from './validate.js';
import { isObj, modelError, type Obj, type Path } from './values.js';

export type ComposeModel = Record<string, unknown>;

export interface InputFile {
  path: string;
  /** As produced by `toModel` (may contain RESET / Override markers). */
  model: unknown;
}

export interface MergeOptions {
  /** Loads the file named by `extends.file` (relative to `fromFile`) as a `toModel` model. */
  resolveExtendsFile?: ResolveExtendsFile;
}

function inFile<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof ComposemodError) throw e.file ? e : e.withLocation({ file });
    throw e;
  }
}

function fileModel(model: unknown): Obj {
  if (model === null || model === undefined) return {};
  if (!isObj(model)) throw modelError('not a compose file: top level is not a mapping', []);
  return model;
}

/** One file's canonical form (markers stripped: `!reset` means absent), `version` dropped. */
export function canonicalize(model: unknown, file: string): ComposeModel {
  return inFile(file, () => {
    const out = canonicalModel(fileModel(extractMarkers(model).value));
    delete out.version;
    return out;
  });
}

export function mergeFiles(files: readonly InputFile[], opts: MergeOptions = {}): ComposeModel {
  let acc: Obj = {};
  for (const { path, model } of files) {
    acc = inFile(path, () => {
      const { value, paths } = extractMarkers(model);
      const own = resolveExtends(fileModel(value), paths, path, opts.resolveExtendsFile);
      const merged = canonicalModel(mergeValues(applyResetPaths(acc, paths), own, []) as Obj);
      delete merged.version;
      checkSchema(merged);
      return merged;
    });
  }
  const issue = consistencyIssues(acc)[0];
  if (issue) {
    throw new ComposemodError(issue.message, { file: blame(files, issue.path), modelPath: issue.path });
  }
  return acc;
}

/** The last file that writes the resource or service an issue is about. */
function blame(files: readonly InputFile[], path: Path): string | undefined {
  for (let i = files.length - 1; i >= 0; i--) {
    let cur: unknown = extractMarkers(files[i].model).value;
    for (const key of path.slice(0, 2)) cur = isObj(cur) ? cur[String(key)] : undefined;
    if (cur !== undefined) return files[i].path;
  }
  return files[files.length - 1]?.path;
}
