/**
 * The multi-file pipeline of compose-go's loader (`loadYamlFile`), per file in order: resolve
 * `extends` inside the file, delete the file's `!reset`/`!override` paths from the accumulated
 * model, merge, de-duplicate keyed sequences, validate, drop `version`, canonical form, omit
 * empty, de-duplicate again. After the last file: the consistency checks.
 *
 * `mergeStep` is the shared step: core/loader runs it with interpolation, `include` and the
 * real schema; `mergeFiles` (below) runs it on raw models, as `config --no-interpolate` does,
 * for callers that have file models but no project (extract's verification, the fixes).
 */
import { posix } from 'node:path';
import { ComposemodError } from '../errors.js';
import { canonicalForm, omitEmpty } from './canonical.js';
import { applyExtends, type LoadExtendsFile, type ResolveExtendsFile } from './extends.js';
import { mergeModel } from './merge.js';
import { applyResetPaths, extractMarkers } from './reset.js';
import { enforceUnicity } from './unique.js';
import { checkSchema, consistencyIssues } from './validate.js';
import { deepClone, isObj, modelError, type Obj, type Path } from './values.js';

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

export interface StepOptions {
  /** compose-go's ignoreParseError: keep short syntaxes that do not parse (no interpolation). */
  ignoreParseError: boolean;
  /** Validates the merged model (compose-go: the JSON schema); throws a ComposemodError. */
  validate?: (model: Obj) => void;
  warn?: (message: string) => void;
}

/**
 * One file (or one document of a file) merged onto the accumulated model: `acc` is changed in
 * place where compose-go changes it, and the result returned. `model` is the file's model
 * without markers, its `extends` and `include` already resolved.
 */
export function mergeStep(acc: Obj, model: Obj, resetPaths: readonly Path[], opts: StepOptions): Obj {
  let dict = resetPaths.length ? applyResetPaths(acc, resetPaths) : acc;
  dict = mergeModel(dict, model);
  dict = enforceUnicity(dict);
  opts.validate?.(dict);
  delete dict.version;
  dict = canonicalForm(dict, opts.ignoreParseError, opts.warn);
  dict = omitEmpty(dict);
  return enforceUnicity(dict);
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
    const out = canonicalForm(deepClone(fileModel(extractMarkers(model).value)), true);
    delete out.version;
    return enforceUnicity(omitEmpty(out));
  });
}

/** The legacy raw-model loader for `extends.file` as a LoadExtendsFile. */
function extendsLoader(resolve: ResolveExtendsFile | undefined): LoadExtendsFile | undefined {
  if (!resolve) return undefined;
  return (file, fromFile) => {
    const { value, paths } = extractMarkers(resolve(file, fromFile));
    const model = deepClone(fileModel(value));
    const services = isObj(model.services) ? model.services : {};
    // later lookups (nested extends, cycles) name the file relative to the first one
    const named = posix.isAbsolute(file) || !fromFile ? file : posix.join(posix.dirname(fromFile), file);
    return { file: named, services: canonicalForm({ services }, true).services as Obj, resetPaths: paths };
  };
}

/**
 * The merged model of raw file models (no interpolation, no path resolution, no project
 * normalisation): what `docker compose config --no-interpolate` merges, before its
 * project-level steps. Errors name the file whose merge raised them.
 */
export function mergeFiles(files: readonly InputFile[], opts: MergeOptions = {}): ComposeModel {
  let acc: Obj = {};
  const loadFile = extendsLoader(opts.resolveExtendsFile);
  for (const { path, model } of files) {
    acc = inFile(path, () => {
      const { value, paths } = extractMarkers(model);
      const own = applyExtends(deepClone(fileModel(value)), path, paths, loadFile);
      return mergeStep(acc, own, paths, { ignoreParseError: true, validate: checkSchema });
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
