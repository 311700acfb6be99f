/**
 * compose-go's `paths.ResolveRelativePaths`: the path-typed attributes (the attribute table's
 * `path` column) become absolute against the project directory (or, for an included or
 * extended file, relative to the directory of that file as seen from the project).
 */
import type { PathRule } from '../attributes.js';
import { isAbsPath, joinPath } from '../go.js';
import { modelError, put, rule, isObj, type Obj, type Path } from '../merge/values.js';

export interface PathContext {
  /** Directory relative paths are joined to (absolute, or relative for nested includes). */
  workingDir: string;
  /** $HOME for `~` (the loader's environment). */
  home?: string;
}

/** `paths.ExpandUser`. */
export function expandUser(p: string, home: string | undefined): string {
  if (p.startsWith('~') && home !== undefined) return joinPath(home, p.slice(1));
  return p;
}

function isSeparator(c: string | undefined): boolean {
  return c === '/' || c === '\\';
}

/** compose-go's `IsWindowsAbs` (a drive letter with a separator, or a UNC path). */
export function isWindowsAbs(p: string): boolean {
  if (p.length >= 2 && p[1] === ':') return isSeparator(p[2]);
  return isSeparator(p[0]) && isSeparator(p[1]);
}

const REMOTE_CONTEXT = ['https://', 'http://', 'git://', 'ssh://', 'github.com/', 'git@'];

type Resolver = (value: unknown, path: Path, ctx: PathContext) => unknown;

const absPath: Resolver = (value, path, ctx) => {
  if (Array.isArray(value)) return value.map((v, i) => absPath(v, [...path, i], ctx));
  if (typeof value === 'string') {
    const v = expandUser(value, ctx.home);
    if (isAbsPath(v)) return v;
    return v === '' ? v : joinPath(ctx.workingDir, v);
  }
  throw modelError(`${path.join('.')}: unexpected type`, path);
};

const maybeUnixPath: Resolver = (value, _path, ctx) => {
  if (typeof value !== 'string') return value;
  const p = expandUser(value, ctx.home);
  if (!p.startsWith('/') && !isWindowsAbs(p)) return joinPath(ctx.workingDir, p);
  return p;
};

const RESOLVERS: Record<PathRule, Resolver> = {
  absPath,
  unixPath: maybeUnixPath,
  context: (value, path, ctx) => {
    const v = String(value);
    if (v.includes('://') || v.startsWith('service:') || REMOTE_CONTEXT.some((p) => v.startsWith(p))) return v;
    return absPath(v, path, ctx);
  },
  extendsFile: absPath,
  // compose-go also resolves symbolic links here; the loader does not follow links
  symlink: absPath,
  volumeMount: (value, path, ctx) => {
    if (!isObj(value) || value.type !== 'bind') return value;
    if (!('source' in value)) throw modelError('invalid mount config for type "bind": field Source must not be empty', path);
    value.source = maybeUnixPath(value.source, path, ctx);
    return value;
  },
  volumeDriverOpts: (value, path, ctx) => {
    if (!isObj(value) || value.driver !== 'local' || !isObj(value.driver_opts)) return value;
    const opts = value.driver_opts;
    if (opts.o === 'bind' && 'device' in opts) opts.device = maybeUnixPath(opts.device, path, ctx);
    return value;
  },
};

/** Resolves the relative paths of a merged model in place; returns it. */
export function resolveRelativePaths(model: Obj, ctx: PathContext): Obj {
  return walk(model, [], ctx) as Obj;
}

function walk(value: unknown, path: Path, ctx: PathContext): unknown {
  const r = path.length ? rule(path, 'path') : undefined;
  if (r) return RESOLVERS[r](value, path, ctx);
  if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) put(value, k, walk(v, [...path, k], ctx));
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = walk(value[i], [...path, i], ctx);
  }
  return value;
}
