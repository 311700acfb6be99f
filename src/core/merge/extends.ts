/**
 * `extends`, resolved inside one file before that file is merged (rules doc: extends row).
 * The parent service is looked up in the same file, or in `extends.file` through the
 * caller's `resolveExtendsFile`; the child's `!reset`/`!override` paths apply to the inherited
 * attributes, then the child merges onto the parent with the usual rules. Relative paths of
 * a parent from another file are kept verbatim (not rebased).
 */
import { posix } from 'node:path';
import { ComposemodError } from '../errors.js';
import { mergeValues } from './merge.js';
import { applyResetPaths, extractMarkers } from './reset.js';
import { goString, hasOwn, isObj, modelError, type Obj, type Path } from './values.js';

export type ResolveExtendsFile = (file: string, fromFile: string) => unknown;

interface Context {
  resolveFile?: ResolveExtendsFile;
  /** `file#service` keys being resolved, for cycle detection across files. */
  stack: string[];
}

/** The model with every service's `extends` resolved. `paths` are the file's reset paths. */
export function resolveExtends(model: Obj, paths: readonly Path[], file: string, resolveFile?: ResolveExtendsFile): Obj {
  const services = model.services;
  if (!isObj(services) || !Object.values(services).some((s) => isObj(s) && hasOwn(s, 'extends'))) return model;
  const resolve = resolver(services, paths, file, { resolveFile, stack: [] });
  const out: Obj = {};
  for (const name of Object.keys(services)) out[name] = resolve(name);
  return { ...model, services: out };
}

/** A function giving a service of `services` with its extends chain resolved (memoized). */
function resolver(services: Obj, paths: readonly Path[], file: string, ctx: Context): (name: string) => unknown {
  const done = new Map<string, unknown>();
  const resolve = (name: string): unknown => {
    if (done.has(name)) return done.get(name);
    const svc = services[name];
    const result = isObj(svc) && hasOwn(svc, 'extends') ? extend(name, svc) : svc;
    done.set(name, result);
    return result;
  };
  const extend = (name: string, svc: Obj): unknown => {
    const at: Path = ['services', name, 'extends'];
    const ext = svc.extends;
    const target = typeof ext === 'string' ? { service: ext } : isObj(ext) ? ext : undefined;
    if (!target || typeof target.service !== 'string') throw modelError(`${at.join('.')}: extends needs a service name`, at);
    const key = `${file}#${name}`;
    if (ctx.stack.includes(key)) {
      const cycle = [...ctx.stack.slice(ctx.stack.indexOf(key)), key].map((k) => k.split('#').pop()).join(' -> ');
      throw modelError(`extends cycle: ${cycle}`, at);
    }
    ctx.stack.push(key);
    try {
      let parent: unknown;
      if (target.file !== undefined && target.file !== null) {
        parent = fromOtherFile(goString(target.file), target.service, file, ctx, at);
      } else {
        if (!hasOwn(services, target.service)) {
          throw modelError(`service "${name}" extends unknown service "${target.service}"`, at);
        }
        parent = resolve(target.service);
      }
      // The child's !reset / !override paths apply to what it inherits.
      const own = paths.filter((p) => p[0] === 'services' && p[1] === name);
      const base = applyResetPaths({ services: { [name]: isObj(parent) ? parent : {} } }, own).services as Obj;
      const child: Obj = { ...svc };
      delete child.extends;
      return mergeValues(base[name], child, ['services', name]);
    } finally {
      ctx.stack.pop();
    }
  };
  return resolve;
}

function fromOtherFile(target: string, service: string, fromFile: string, ctx: Context, at: Path): unknown {
  if (!ctx.resolveFile) throw modelError(`extends.file "${target}" cannot be resolved here (no file resolver given)`, at);
  const file = posix.isAbsolute(target) || !fromFile ? target : posix.join(posix.dirname(fromFile), target);
  let raw: unknown;
  try {
    raw = ctx.resolveFile(target, fromFile);
  } catch (e) {
    if (e instanceof ComposemodError) throw e;
    throw modelError(`extends.file "${target}": ${e instanceof Error ? e.message : String(e)}`, at);
  }
  const model = extractMarkers(raw).value;
  const services = isObj(model) ? model.services : undefined;
  if (!isObj(model) || !isObj(services) || !hasOwn(services, service)) {
    throw modelError(`extends: service "${service}" not found in ${target}`, at);
  }
  return resolver(services, [], file, ctx)(service);
}
