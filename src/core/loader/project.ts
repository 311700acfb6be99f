/**
 * From command-line inputs to the merged, normalised model, as Docker Compose does it
 * (compose/cmd/compose/compose.go `toProjectOptions`, compose-go cli/options.go and
 * loader.go `load`): the environment (process environment first, then `.env` / `--env-file`),
 * the file list (`-f`, `COMPOSE_FILE`, the default names with override auto-loading), the
 * project directory, the project name, then the model.
 */
import { ComposemodError } from '../errors.js';
import { basePath, dirPath, isAbsPath, joinPath } from '../go.js';
import type { Obj } from '../merge/values.js';
import { isObj } from '../merge/values.js';
import type { ComposeSource } from '../source.js';
import { loaderFs, type LoaderFs } from './fs.js';
import { interpolateString } from './interpolate.js';
import { loadYamlModel, readEnvFiles, readSource, type LoadContext } from './load.js';
import { normalizeProject } from './resolve.js';
import { isMap as isYamlMap, isScalar, isSeq } from 'yaml';

/** Which Docker Compose to behave like where versions differ (docs/compose-versions.md). */
export type ComposeVersion = '2.40' | '2.26';

export interface ProjectOptions {
  /** The directory relative `-f`, `--env-file` and `--project-directory` paths are relative to (the shell's cwd). */
  workingDir: string;
  /** `-f` files, in order; none: `COMPOSE_FILE`, else the default names. */
  files?: readonly string[];
  /** `--project-directory` (default: the directory of the first file). */
  projectDirectory?: string;
  /** `-p` (default: `COMPOSE_PROJECT_NAME`, `name:`, the project directory's name). */
  projectName?: string;
  /** `--env-file`, repeatable (default: `.env` of the project directory). */
  envFiles?: readonly string[];
  /** The process environment; it wins over `.env` files. Never read implicitly. */
  environment?: Readonly<Record<string, string | undefined>>;
  /** `--profile` (default: `COMPOSE_PROFILES`). */
  profiles?: readonly string[];
  /** Interpolate `${VAR}` (default true; `--no-interpolate` is false). */
  interpolate?: boolean;
  /** Resolve relative paths against the project directory (default true; `--no-path-resolution`). */
  resolvePaths?: boolean;
  /** Compose's project normalisation: default network, resource names... (default true; `--no-normalize`). */
  normalize?: boolean;
  /** Absolute path -> text: files that replace (or add to) what is on disk. */
  overlay?: ReadonlyMap<string, string>;
  composeVersion?: ComposeVersion;
  /** Where Compose's warnings go (unset variables, obsolete `version`...). */
  warn?: (message: string) => void;
}

/** The merged model of a project, before binding to Compose's types. */
export interface ProjectModel {
  name: string;
  /** Absolute project directory (relative paths of the model are resolved against it). */
  projectDir: string;
  /** Absolute paths of the compose files, in order. */
  files: string[];
  /** The interpolation environment (process environment, then env files; COMPOSE_PROJECT_NAME set). */
  environment: Map<string, string>;
  /** Active profiles (`--profile` or COMPOSE_PROFILES; `[""]` when none). */
  profiles: string[];
  interpolated: boolean;
  composeVersion: ComposeVersion;
  /** What `docker compose config --no-interpolate` prints (after interpolation when on). */
  model: Obj;
  /** The parsed compose files (for locating nodes and errors). */
  sources: Map<string, ComposeSource>;
}

const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const DEFAULT_OVERRIDES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** compose-go's `NormalizeProjectName`. */
export function normalizeProjectName(s: string): string {
  return [...s.toLowerCase()].filter((c) => /[a-z0-9_-]/.test(c)).join('').replace(/^[_-]+/, '');
}

function invalidName(name: string): ComposemodError {
  return new ComposemodError(
    `invalid project name ${JSON.stringify(name)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
  );
}

interface Resolved {
  fs: LoaderFs;
  env: Map<string, string>;
  files: string[];
  projectDir: string;
  profiles: string[];
  name?: string;
}

/** `toProjectOptions` + `prepare`: environment, files, project directory. */
function resolveInputs(opts: ProjectOptions, warn: (m: string) => void): Resolved {
  const cwd = opts.workingDir;
  const abs = (p: string) => (isAbsPath(p) ? joinPath(p) : joinPath(cwd, p));
  const fs = loaderFs(cwd, opts.overlay);
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(opts.environment ?? {})) if (v !== undefined) env.set(k, v);
  if (!env.has('PWD')) env.set('PWD', cwd);
  const projectDirectory = opts.projectDirectory ? abs(opts.projectDirectory) : undefined;
  let files = (opts.files ?? []).map((f) => (f === '-' ? f : abs(f)));
  const envFiles = (opts.envFiles?.length ? opts.envFiles : (env.get('COMPOSE_ENV_FILES') ?? '').split(',').filter(Boolean)).map(abs);
  const workingDirOf = () => projectDirectory ?? (files.find((f) => f !== '-') ? dirPath(files.find((f) => f !== '-')!) : cwd);
  const ctx: LoadContext = { fs, warn, sources: new Map(), versionWarned: new Set() };
  const dotEnv = () => {
    let list = envFiles;
    if (!list.length) {
      const disabled = opts.environment?.COMPOSE_DISABLE_ENV_FILE;
      if (disabled !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(disabled)) return;
      const f = joinPath(workingDirOf(), '.env');
      if (!fs.isFile(f)) return;
      list = [f];
    }
    for (const [k, v] of readEnvFiles(ctx, env, list)) if (!env.has(k)) env.set(k, v);
  };
  dotEnv();
  if (!files.length && env.has('COMPOSE_FILE')) {
    const sep = env.get('COMPOSE_PATH_SEPARATOR') || ':';
    files = env.get('COMPOSE_FILE')!.split(sep).map((f) => {
      if (f === '-') return f;
      const p = abs(f);
      if (!fs.exists(p)) throw new ComposemodError(`stat ${p}: no such file or directory`, { file: p });
      return p;
    });
  }
  if (!files.length) {
    for (let dir = workingDirOf(); ; ) {
      const first = (names: string[], what: string) => {
        const found = names.map((n) => joinPath(dir, n)).filter((f) => fs.exists(f));
        if (found.length > 1) {
          warn(`Found multiple ${what} files with supported names: ${found.join(', ')}`);
          warn(`Using ${found[0]}`);
        }
        return found[0];
      };
      const main = first(DEFAULT_FILES, 'config');
      if (main) {
        files.push(main);
        const override = first(DEFAULT_OVERRIDES, 'override');
        if (override) files.push(override);
        break;
      }
      const parent = dirPath(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  dotEnv();
  const profiles = opts.profiles?.length ? [...opts.profiles] : (env.get('COMPOSE_PROFILES') ?? '').split(',').map((s) => s.trim());
  if (opts.projectName !== undefined && opts.projectName !== normalizeProjectName(opts.projectName)) throw invalidName(opts.projectName);
  if (!files.length) throw new ComposemodError(`no configuration file provided: not found (looked for ${DEFAULT_FILES.join(', ')} from ${workingDirOf()} up)`);
  return { fs, env, files, projectDir: workingDirOf(), profiles, name: opts.projectName || undefined };
}

/** The `name:` a file declares, read as compose-go reads it (any scalar's text; a tag does not matter). */
function declaredName(source: ComposeSource): string | undefined {
  let name: string | undefined;
  for (const doc of source.docs) {
    const top = doc.contents;
    if (!isYamlMap(top)) continue;
    const pair = top.items.filter((p) => isScalar(p.key) && String(p.key.value) === 'name').pop();
    if (!pair) continue;
    const v = pair.value;
    if (v === null || v === undefined) continue;
    if (isSeq(v) || isYamlMap(v)) break; // a decoding error: compose-go stops reading this file
    if (!isScalar(v)) continue;
    const text = v.type === 'PLAIN' && !v.tag ? (['', '~', 'null', 'Null', 'NULL'].includes(String(v.source ?? '')) ? '' : String(v.source ?? v.value)) : v.tag && v.type === 'PLAIN' ? String(v.source ?? '') : String(v.value ?? '');
    if (text !== '') name = text;
  }
  return name;
}

/** Loads the merged model of a project (what `config --no-interpolate` prints; interpolated by default). */
export function loadProjectModel(opts: ProjectOptions): ProjectModel {
  const warn = opts.warn ?? (() => {});
  const interpolate = opts.interpolate !== false;
  const version = opts.composeVersion ?? '2.40';
  const inputs = resolveInputs(opts, warn);
  const { fs, env, files, projectDir } = inputs;
  const ctx: LoadContext = { fs, warn, home: opts.environment?.HOME, sources: new Map(), versionWarned: new Set(), timestampsAsText: version === '2.26' };
  for (const f of files) if (f === '-') throw new ComposemodError('reading compose files from stdin (-f -) is not supported');
  // withNamePrecedenceLoad + projectName
  let name = inputs.name ?? '';
  let imperative = name !== '';
  if (!imperative && env.get('COMPOSE_PROJECT_NAME')) {
    name = env.get('COMPOSE_PROJECT_NAME')!;
    imperative = true;
  }
  if (imperative) {
    if (normalizeProjectName(name) !== name) throw invalidName(name);
  } else {
    let fromFiles = '';
    let named = false;
    for (const f of files) {
      const source = readSource(ctx, f);
      const declared = declaredName(source);
      fromFiles = declared ?? fromFiles;
      if (declared !== undefined && source.docs[0] && declaredName({ ...source, docs: [source.docs[0]] } as ComposeSource)) named = true;
    }
    if (interpolate) fromFiles = interpolateString(fromFiles, ['name'], { lookup: (k) => env.get(k), warn });
    fromFiles = normalizeProjectName(fromFiles);
    name = fromFiles || (named ? '' : normalizeProjectName(basePath(projectDir)));
  }
  env.set('COMPOSE_PROJECT_NAME', name);
  const lookup = (k: string) => env.get(k);
  const model = loadYamlModel(
    ctx,
    { workingDir: projectDir, files, environment: env },
    { interpolate, validate: true, extends: true, include: true, defaults: true, resolvePaths: opts.resolvePaths !== false, resourceDir: projectDir, lookup },
    [],
  );
  if (!Object.keys(model).length) throw new ComposemodError('empty compose file', { file: files[files.length - 1] });
  if (!name) throw new ComposemodError('project name must not be empty');
  if (opts.normalize !== false) {
    model.name = name;
    // without interpolation Compose resolves no environment value or build arg from the variables either
    normalizeProject(model, interpolate ? env : new Map());
  }
  void isObj;
  return { name, projectDir, files, environment: env, profiles: inputs.profiles, interpolated: interpolate, composeVersion: version, model, sources: ctx.sources };
}
