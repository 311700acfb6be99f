import path from 'node:path';
import { ComposemodError } from './errors.js';
import { loadSource, parseSource, readTextSync, type ComposeSource } from './source.js';
export { readText as loadText } from './source.js';
import { toModel, assertComposeFile, isReset, isOverride } from './model.js';
import { nodeAt } from './query.js';
import { assertSchema, schemaIssues } from './schema.js';
import { enforceUnicity } from './merge/unique.js';
import { deepClone } from './merge/values.js';
import { configModel, type ComposeModel } from './merge/index.js';

/** A compose file loaded for a command: its source (text, format, AST) and raw model. */
export interface LoadedFile {
  path: string;
  source: ComposeSource;
  /** `toModel` of the file, checked to be a compose file (may hold RESET / Override). */
  model: Record<string, unknown>;
}

/** 1-based line/col of the node at a model path, or of its deepest existing ancestor. */
export function locate(source: ComposeSource, modelPath: readonly (string | number)[]): { line: number; col: number } | undefined {
  for (let n = modelPath.length; n >= 0; n--) {
    const hit = nodeAt(source, modelPath.slice(0, n));
    // a mapping entry is located at its key, where a reader looks for it
    const start = (hit?.pair?.key as { range?: [number, number] } | null | undefined)?.range?.[0] ?? hit?.range?.[0];
    if (start !== undefined) return source.position(start);
  }
  return undefined;
}

/**
 * The raw model of a parsed source, checked: a compose file (not a list, not some other YAML),
 * and valid against the compose-spec schema (unknown keys, wrong types), with errors located
 * at the offending line.
 */
export function toComposeModel(source: ComposeSource, opts: { schema?: boolean } = {}): Record<string, unknown> {
  const where = (p: (string | number)[]) => locate(source, p);
  const model = toModel(source);
  assertComposeFile(model, source, where);
  if (opts.schema !== false) {
    const plain = forSchema(model);
    // compose-go validates a file merged onto what came before, with repeated list entries
    // removed: `- TZ=UTC` twice in labels/environment/dns is accepted, as Compose accepts it
    if (schemaIssues(plain).length && schemaIssues(enforceUnicity(deepClone(plain as Record<string, unknown>))).length) assertSchema(plain, source.path, where);
  }
  return model;
}

/** Loads, parses and checks one compose file. */
export async function loadComposeFile(file: string): Promise<LoadedFile> {
  const source = await loadSource(file);
  return { path: file, source, model: toComposeModel(source) };
}

/** The model as the schema sees one file: `!reset` keys dropped, `!override` values unwrapped. */
export function forSchema(value: unknown): unknown {
  if (isOverride(value)) return forSchema(value.value);
  if (Array.isArray(value)) return value.filter((v) => !isReset(v)).map(forSchema);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!isReset(v)) out[k] = forSchema(v);
    return out;
  }
  return value;
}

/**
 * The `resolveExtendsFile` callback of the merge engine: loads the file named by
 * `extends: { file: ... }`, relative to the file that extends; `texts` (absolute path -> text)
 * replaces what is on disk.
 */
export function resolveExtendsFile(file: string, fromFile: string, texts?: ReadonlyMap<string, string>): Record<string, unknown> {
  const target = path.resolve(path.dirname(fromFile), file);
  let text: string;
  try {
    text = texts?.get(target) ?? readTextSync(target);
  } catch (e) {
    if (!(e instanceof ComposemodError)) throw e;
    throw new ComposemodError(`extends: cannot load "${file}": ${e.message}`, { file: fromFile });
  }
  return toComposeModel(parseSource(text, target), { schema: false });
}

/**
 * The merged model of one environment in the normal form (`config --no-interpolate` merged,
 * for comparisons), `extends.file` included, read from `texts` where given (a run's current
 * texts, by absolute path) else from disk.
 */
export function environmentModel(files: readonly { path: string; model: unknown }[], texts?: ReadonlyMap<string, string>): ComposeModel {
  return configModel(
    files.map((f) => ({ path: f.path, model: f.model })),
    { resolveExtendsFile: (file, from) => resolveExtendsFile(file, path.resolve(from), texts) },
  );
}
