/**
 * `extends`, resolved inside one file before that file is merged, as compose-go's
 * `ApplyExtends`: each service's parent comes from the same file (as written, after
 * interpolation) or from `extends.file` through the caller's `loadFile` (compose-go loads that
 * file through the whole per-file pipeline and rebases its relative paths; core/loader does).
 * The child's `!reset`/`!override` paths apply to what it inherits, then the child merges onto
 * a copy of the parent with the usual merge rules. Works in place on `model.services`.
 */
import { ComposemodError } from '../errors.js';
import { mergeValues } from './merge.js';
import { applyResetPaths } from './reset.js';
import { deepClone, isObj, modelError, type Obj, type Path } from './values.js';

/** The services of the file named by `extends.file`, and that file's own reset paths. */
export interface ExtendsBase {
  /** The file as the caller names it (messages, cycle detection). */
  file: string;
  services: Obj;
  resetPaths: readonly Path[];
}

/** Loads `extends.file` (as written) relative to `fromFile`. */
export type LoadExtendsFile = (file: string, fromFile: string) => ExtendsBase;

/** @deprecated the raw-model callback of the first engine; see LoadExtendsFile. */
export type ResolveExtendsFile = (file: string, fromFile: string) => unknown;

interface Ref {
  file: string;
  service: string;
}

/** Resolves every service's `extends` of a file model in place; returns the model. */
export function applyExtends(model: Obj, file: string, resetPaths: readonly Path[], loadFile?: LoadExtendsFile): Obj {
  if (!('services' in model)) return model;
  const services = model.services;
  if (services === null || services === undefined) return model;
  if (!isObj(services)) throw modelError('services must be a mapping', ['services']);
  for (const name of Object.keys(services)) services[name] = resolveService(name, services, file, resetPaths, [], loadFile);
  return model;
}

function resolveService(
  name: string,
  services: Obj,
  file: string,
  post: readonly Path[] | null,
  tracker: readonly Ref[],
  loadFile?: LoadExtendsFile,
): unknown {
  const s = services[name];
  if (s === null || s === undefined) return null;
  if (!isObj(s)) throw modelError(`services.${name} must be a mapping`, ['services', name]);
  if (!('extends' in s)) return s;
  const at: Path = ['services', name, 'extends'];
  const ext = s.extends;
  let ref: string;
  let other: unknown;
  if (isObj(ext)) {
    if (typeof ext.service !== 'string') throw modelError(`extends.${name}.service is required`, at);
    ref = ext.service;
    other = ext.file;
  } else if (typeof ext === 'string') ref = ext;
  else throw modelError(`extends.${name}.service is required`, at);

  let base: Obj = services;
  let baseFile = file;
  let basePost: readonly Path[] | null = null;
  if (other !== null && other !== undefined) {
    if (!loadFile) throw modelError(`extends.file "${String(other)}" cannot be resolved here (no file loader given)`, at);
    let loaded: ExtendsBase;
    try {
      loaded = loadFile(String(other), file);
    } catch (e) {
      if (!(e instanceof ComposemodError)) throw e;
      // an error inside the other file stays located there; one about the file itself
      // (missing, unreadable) is reported at this file's `extends`
      if (e.line !== undefined || e.modelPath) throw e;
      throw modelError(`extends.file ${JSON.stringify(String(other))}: ${e.file ? `${e.file}: ` : ''}${e.message}`, at);
    }
    if (!(ref in loaded.services)) {
      throw modelError(`cannot extend service ${JSON.stringify(name)} in ${file}: service ${JSON.stringify(ref)} not found in ${String(other)}`, at);
    }
    base = loaded.services;
    baseFile = loaded.file;
    basePost = loaded.resetPaths;
  } else if (!(ref in services)) {
    throw modelError(`cannot extend service ${JSON.stringify(name)} in ${file}: service ${JSON.stringify(ref)} not found`, at);
  }

  const key = { file: baseFile, service: name };
  if (tracker.some((r) => r.file === key.file && r.service === key.service)) {
    const lines = ['Circular reference:', `  ${tracker[0].service} in ${tracker[0].file}`];
    for (const r of [...tracker.slice(1), key]) lines.push(`  extends ${r.service} in ${r.file}`);
    throw modelError(lines.join('\n'), at);
  }
  // compose-go resolves the parent with the parent file's reset paths when it comes from
  // another file, and with none (a no-op processor) within the same file
  const parent = resolveService(ref, base, baseFile, basePost, [...tracker, key], loadFile);
  if (parent === null || parent === undefined) return s;
  let source = deepClone(parent) as Obj;
  // the extending file's own !reset / !override paths apply to what it inherits
  if (post && post.length) source = (applyResetPaths({ services: { [name]: source } }, post).services as Obj)[name] as Obj;
  const merged = mergeValues(source, s, ['services', name]) as Obj;
  delete merged.extends;
  services[name] = merged;
  return merged;
}
