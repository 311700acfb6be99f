/**
 * compose-go's model loading (loader/loader.go, include.go, extends.go), step by step:
 * `loadYamlModel` merges the files of a project (or of an `include`), `loadYamlFile` runs one
 * file's documents through interpolation, `extends`, `include`, the merge step, validation
 * and the canonical form (core/merge/pipeline.ts `mergeStep`).
 */
import { ComposemodError } from '../errors.js';
import { basePath, dirPath, isAbsPath, joinPath, sprint } from '../go.js';
import { toModel, isGoTime } from '../model.js';
import { nodeAt } from '../query.js';
import { schemaIssues } from '../schema.js';
import { parseSource, type ComposeSource } from '../source.js';
import { applyExtends, type ExtendsBase } from '../merge/extends.js';
import { mergeStep } from '../merge/pipeline.js';
import { extractMarkers } from '../merge/reset.js';
import { deepClone, deepEqual, isObj, modelError, put, type Obj, type Path } from '../merge/values.js';
import { setDefaults } from '../merge/canonical.js';
import { parseDotenv, DotenvError } from './dotenv.js';
import type { LoaderFs } from './fs.js';
import { interpolateModel } from './interpolate.js';
import { resolveRelativePaths } from './paths.js';
import { checkModel, resolveEnvironment, type Env } from './resolve.js';

/** What the whole load shares. */
export interface LoadContext {
  fs: LoaderFs;
  /** $HOME for `~` in paths. */
  home?: string;
  warn: (message: string) => void;
  /** Every parsed file, for locating errors. */
  sources: Map<string, ComposeSource>;
  /** Files already warned about `version`. */
  versionWarned: Set<string>;
  /** Docker Compose 2.26 accepted timestamps wherever the schema wanted a string. */
  timestampsAsText?: boolean;
}

/** The subset of compose-go's `loader.Options` these steps read. */
export interface StepOptions {
  interpolate: boolean;
  validate: boolean;
  extends: boolean;
  include: boolean;
  defaults: boolean;
  resolvePaths: boolean;
  /** The local resource loader's working directory (relative paths of -f, include, extends.file). */
  resourceDir: string;
  /** Interpolation variables. */
  lookup: (name: string) => string | undefined;
}

export interface ModelConfig {
  /** Directory the model's relative paths are resolved against. */
  workingDir: string;
  files: string[];
  environment: Env;
}

/** `loadYamlModel`. */
export function loadYamlModel(ctx: LoadContext, config: ModelConfig, opts: StepOptions, included: string[]): Obj {
  let dict: Obj = {};
  for (const file of config.files) dict = loadYamlFile(ctx, file, opts, config.workingDir, config.environment, dict, included).dict;
  if (opts.defaults) dict = setDefaults(dict);
  if (opts.validate) inFile(config.files[config.files.length - 1], ctx, () => checkModel(dict));
  if (opts.resolvePaths) resolveRelativePaths(dict, { workingDir: config.workingDir, home: ctx.home });
  // `config --no-interpolate` resolves no variable at all (Compose 2.40.3 prints `- FOO`, `FOO: null`)
  resolveEnvironment(dict, opts.interpolate ? config.environment : new Map());
  return dict;
}

/** Reads and parses a compose file (errors name it, with line and column). */
export function readSource(ctx: LoadContext, file: string): ComposeSource {
  const known = ctx.sources.get(file);
  if (known) return known;
  const source = parseSource(ctx.fs.read(file), file);
  ctx.sources.set(file, source);
  return source;
}

/** `loadYamlFile`: every document of `file` onto `dict`; returns the last document's reset paths too. */
export function loadYamlFile(
  ctx: LoadContext,
  file: string,
  opts: StepOptions,
  workingDir: string,
  environment: Env,
  dict: Obj,
  included: string[] | null,
): { dict: Obj; resetPaths: Path[] } {
  const source = readSource(ctx, file);
  let resetPaths: Path[] = [];
  if (source.emptyStream) return { dict, resetPaths };
  for (const doc of source.docs) {
    const model = toModel(doc, file, { compose: true, position: source.position, text: source.text });
    const { value, paths } = extractMarkers(model);
    if (!isObj(value)) throw new ComposemodError('top-level object must be a mapping', { file, ...locateDoc(source, doc) });
    resetPaths = paths;
    dict = inFile(file, ctx, () => {
      let cfg: Obj = value;
      if (opts.interpolate) cfg = interpolateModel(cfg, { lookup: opts.lookup, warn: ctx.warn });
      if (opts.extends) applyExtends(cfg, file, paths, (ref, from) => extendsBase(ctx, ref, from, opts));
      if (opts.include && included) {
        included.push(file);
        applyInclude(ctx, workingDir, environment, cfg, opts, included);
      }
      return mergeStep(dict, cfg, paths, {
        ignoreParseError: !opts.interpolate,
        validate: opts.validate ? (m) => validateSchema(ctx, file, m) : undefined,
        warn: ctx.warn,
      });
    });
    if (opts.validate && 'version' in value && !ctx.versionWarned.has(file)) {
      ctx.versionWarned.add(file);
      ctx.warn(`${file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
    }
  }
  return { dict, resetPaths };
}

function locateDoc(source: ComposeSource, doc: unknown): { line?: number; col?: number } {
  const range = (doc as { contents?: { range?: [number, number, number] } | null }).contents?.range;
  return range ? source.position(range[0]) : {};
}

/** Runs `work` with errors located in `file` (at the model path, when the file has it). */
export function inFile<T>(file: string, ctx: LoadContext, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (!(e instanceof ComposemodError)) throw e;
    throw locate(e, file, ctx);
  }
}

/** Line and column of a model path (or its deepest existing ancestor, not the root) in a source. */
export function locateIn(source: ComposeSource, path: readonly (string | number)[]): { line: number; col: number } | undefined {
  for (let n = path.length; n > 0; n--) {
    for (const doc of source.docs) {
      const hit = nodeAt({ doc } as unknown as ComposeSource, path.slice(0, n));
      const start = (hit?.pair?.key as { range?: [number, number] } | null | undefined)?.range?.[0] ?? hit?.range?.[0];
      if (start !== undefined) return source.position(start);
    }
  }
  return undefined;
}

/** Adds file, line and column to an error that has a model path. */
export function locate(e: ComposemodError, file: string, ctx: LoadContext): ComposemodError {
  if (e.line !== undefined) return e.file ? e : e.withLocation({ file });
  const target = e.file ?? file;
  const source = ctx.sources.get(target);
  if (!source || !e.modelPath) return e.withLocation({ file: target });
  for (let n = e.modelPath.length; n >= 0; n--) {
    for (const doc of source.docs) {
      const hit = nodeAt({ doc } as unknown as ComposeSource, e.modelPath.slice(0, n));
      const start = (hit?.pair?.key as { range?: [number, number] } | null | undefined)?.range?.[0] ?? hit?.range?.[0];
      if (start !== undefined && (n > 0 || doc.contents)) return e.withLocation({ file: target, ...source.position(start) });
    }
  }
  return e.withLocation({ file: target });
}

/** The JSON schema on the merged model, as compose-go validates it after each file. */
function validateSchema(ctx: LoadContext, file: string, model: Obj): void {
  const time = ctx.timestampsAsText ? undefined : findTimestamp(model, []);
  if (time) throw modelError(`validating ${file}: ${time.join('.')} invalid jsonType time.Time`, time);
  const issues = schemaIssues(forSchema(model, ctx.timestampsAsText === true));
  if (!issues.length) return;
  const first = issues[0];
  // the offending value may come from an earlier file: locate it in the last file that has it
  let where = file;
  for (const [name, source] of [...ctx.sources].reverse()) {
    if (source.docs.some((doc) => nodeAt({ doc } as unknown as ComposeSource, first.path) !== undefined)) {
      where = name;
      break;
    }
  }
  throw new ComposemodError(`validating ${file}: ${first.message}`, { file: where, modelPath: first.path });
}

/** The first timestamp outside `x-` extensions (the schema rejects it there). */
function findTimestamp(value: unknown, path: Path): Path | undefined {
  if (isGoTime(value)) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findTimestamp(value[i], [...path, i]);
      if (hit) return hit;
    }
  } else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('x-')) continue;
      const hit = findTimestamp(v, [...path, k]);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** The model as the JSON schema sees it: big integers as numbers (timestamps as text for 2.26). */
function forSchema(value: unknown, timestampsAsText: boolean): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (timestampsAsText && isGoTime(value)) return value.text;
  if (Array.isArray(value)) return value.map((v) => forSchema(v, timestampsAsText));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) put(out, k, forSchema(v, timestampsAsText));
    return out;
  }
  return value;
}

/** localResourceLoader.Load */
function localPath(dir: string, p: string): string {
  return isAbsPath(p) ? p : joinPath(dir, p);
}

/** localResourceLoader.Dir: the directory of `p` relative to `dir`. */
function localDir(ctx: LoadContext, dir: string, p: string): string {
  let path = localPath(dir, p);
  if (!ctx.fs.isDir(path)) path = localPath(dir, dirPath(p));
  return relativePath(dir, path);
}

/** Go's `filepath.Rel` for clean paths that are both absolute or both relative. */
export function relativePath(base: string, target: string): string {
  const parts = (p: string) => {
    const c = joinPath(p) || '.';
    return c === '.' || c === '/' ? [] : c.replace(/^\//, '').split('/');
  };
  const bp = parts(base);
  const tp = parts(target);
  let i = 0;
  while (i < bp.length && i < tp.length && bp[i] === tp[i]) i++;
  return [...Array<string>(bp.length - i).fill('..'), ...tp.slice(i)].join('/') || '.';
}

/** `getExtendsBaseFromFile`. */
function extendsBase(ctx: LoadContext, ref: string, fromFile: string, opts: StepOptions): ExtendsBase {
  const local = localPath(opts.resourceDir, ref);
  const relworkingdir = localDir(ctx, opts.resourceDir, ref);
  const extendsOpts: StepOptions = {
    ...opts,
    resolvePaths: false,
    include: false,
    extends: false,
    validate: false,
    defaults: false,
    resourceDir: dirPath(local),
  };
  const { dict, resetPaths } = loadYamlFile(ctx, local, extendsOpts, relworkingdir, new Map(), {}, null);
  if (!('services' in dict)) throw modelError(`cannot extend service in ${local}: no services section`, []);
  const services = dict.services;
  if (!isObj(services)) throw modelError(`cannot extend service in ${local}: services must be a mapping`, []);
  resolveRelativePaths(dict, { workingDir: relworkingdir, home: ctx.home });
  void fromFile;
  return { file: ref, services, resetPaths };
}

/** `ApplyInclude`, in place on the including file's model. */
function applyInclude(ctx: LoadContext, workingDir: string, environment: Env, model: Obj, opts: StepOptions, included: string[]): void {
  const source = model.include;
  if (source === null || source === undefined) return;
  if (!Array.isArray(source)) throw modelError(`\`include\` must be a list, got ${sprint(source)}`, ['include']);
  source.forEach((entry, index) => {
    const at: Path = ['include', index];
    const r = includeConfig(entry, at);
    let relworkingdir = '';
    let projectDirectory = r.projectDirectory;
    r.paths.forEach((p0, i) => {
      const p = localPath(opts.resourceDir, p0);
      if (i === 0) {
        if (projectDirectory === '') {
          relworkingdir = localDir(ctx, opts.resourceDir, p);
          projectDirectory = dirPath(p);
        } else if (!isAbsPath(projectDirectory)) {
          relworkingdir = localDir(ctx, opts.resourceDir, projectDirectory);
          projectDirectory = joinPath(workingDir, projectDirectory);
        } else relworkingdir = projectDirectory;
        if (included.includes(p)) {
          const chain = [...included, p];
          throw modelError(`include cycle detected:\n${chain[0]}\n include ${chain.slice(1).join('\n include ')}`, at);
        }
      }
      r.paths[i] = p;
    });
    let envFiles: string[];
    if (!r.envFiles.length) {
      const f = joinPath(projectDirectory, '.env');
      envFiles = ctx.fs.isFile(f) ? [f] : [];
    } else {
      envFiles = r.envFiles.map((f) => {
        if (isAbsPath(f)) return f;
        const abs = joinPath(workingDir, f);
        if (!ctx.fs.exists(abs)) throw modelError(`stat ${abs}: no such file or directory`, [...at, 'env_file']);
        if (ctx.fs.isDir(abs)) throw modelError(`${abs} is not a file`, [...at, 'env_file']);
        return abs;
      });
    }
    const fromFiles = readEnvFiles(ctx, environment, envFiles);
    const env = new Map(environment);
    for (const [k, v] of fromFiles) if (!env.has(k)) env.set(k, v);
    const includeOpts: StepOptions = { ...opts, resolvePaths: true, resourceDir: projectDirectory, lookup: (k) => env.get(k) };
    const imported = loadYamlModel(ctx, { workingDir: relworkingdir, files: r.paths, environment: env }, includeOpts, included);
    importResources(imported, model);
  });
  delete model.include;
}

interface IncludeConfig {
  paths: string[];
  projectDirectory: string;
  envFiles: string[];
}

function includeConfig(entry: unknown, at: Path): IncludeConfig {
  const e = typeof entry === 'string' ? { path: entry } : entry;
  if (!isObj(e)) throw modelError(`include: invalid entry ${sprint(entry)}`, at);
  const list = (v: unknown, key: string): string[] => {
    if (v === null || v === undefined) return [];
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    throw modelError(`include.${key}: invalid type for string list`, [...at, key]);
  };
  return { paths: list(e.path, 'path'), projectDirectory: e.project_directory === undefined || e.project_directory === null ? '' : String(e.project_directory), envFiles: list(e.env_file, 'env_file') };
}

const IMPORTED = ['services', 'volumes', 'networks', 'secrets', 'configs', 'models'];

function importResources(source: Obj, target: Obj): void {
  for (const key of IMPORTED) {
    const from = source[key];
    if (from === null || from === undefined) continue;
    const to: Obj = isObj(target[key]) ? (target[key] as Obj) : {};
    for (const [name, a] of Object.entries(from as Obj)) {
      if (name in to) {
        if (deepEqual(a, to[name])) continue;
        throw modelError(`${key}.${name} conflicts with imported resource`, [key, name]);
      }
      put(to, name, a);
    }
    target[key] = to;
  }
}

/** compose-go's `dotenv.GetEnvFromFile`: the variables of env files, later files win, lookup first. */
export function readEnvFiles(ctx: LoadContext, current: Env, files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) {
    if (!ctx.fs.exists(f)) throw new ComposemodError(`couldn't find env file: ${f}`, { file: f });
    if (ctx.fs.isDir(f)) throw new ComposemodError(`${f} is a directory`, { file: f });
    const text = ctx.fs.read(f);
    try {
      parseDotenv(text, out, (k) => current.get(k) ?? out.get(k), ctx.warn);
    } catch (e) {
      if (e instanceof DotenvError) throw new ComposemodError(`failed to read ${f}: ${e.message}`, { file: f });
      throw e;
    }
  }
  return out;
}

export { basePath, deepClone };
