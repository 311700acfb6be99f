/**
 * Shared reasoning of the security rules (privileged, docker-socket, host-namespaces...): each
 * rule judges every service of every environment on its merged model and returns HITS (what
 * is wrong, and which attribute or list item holds it); this module places each hit in the
 * file that owns it (the file whose value or list item the merged model keeps, following
 * base/override order and `extends`), groups hits that are the same problem at the same node
 * across environments, and reports each once, at that node, with every environment it affects.
 *
 * It also resolves values the way one environment sees them: interpolation with the
 * environment's `.env` / `--env-file`s (a variable none of them sets is judged by its default,
 * `${X:-/var/run}`, and said so), and host paths relative to the project directory.
 */
import path from 'node:path';
import type { Path } from '../../core/query.js';
import { normalize, isOverride } from '../../core/merge/index.js';
import { deepEqual } from '../../core/merge/values.js';
import { isObj, type Obj } from '../../core/plain.js';
import type { ComposeFile, Environment } from '../project.js';
import type { RuleContext, Severity } from '../types.js';
import { definitionOf } from '../place.js';
import { serviceOf, serviceOrder, servicesOf } from './services.js';
import { variableLookup } from '../intent/view.js';
import { applyDefaults, interpolate, UNKNOWN } from '../util/interpolation.js';

/** One problem a rule sees in one service of one environment. */
export interface Hit {
  /** The service attribute that holds it (`privileged`, `volumes`, `cap_add`...). */
  attr: string;
  /** For list attributes: the item of the merged (normal-form) list that holds it. */
  item?: unknown;
  /** For mapping attributes (`environment`): the key under `attr`. */
  key?: string;
  /** Below the attribute or key, for the location only (`healthcheck` -> `test`). */
  sub?: Path;
  /** Identity of the problem for grouping across environments (default: kind + message). */
  id?: string;
  kind?: string;
  severity?: Severity;
  message: string;
}

/** Judges one service of one environment. */
export type Judge = (svc: Obj, service: string, env: Environment) => Hit[];

/** A value as one environment sees it after interpolation. */
export interface Resolved {
  value: string;
  /** A variable no env file sets was replaced by its default (the shell may set it otherwise). */
  byDefault: boolean;
  /** A variable without default that no env file sets: `value` is the text as written. */
  unknown: boolean;
}

/** Interpolation as `env` sees it: its env files, else defaults. */
export function resolver(ctx: RuleContext, env: Environment): (s: string) => Resolved {
  const dir = path.dirname(path.resolve(env.files[0]?.path ?? ctx.project.dir));
  const lookup = variableLookup(dir, env.envFiles, (p) => ctx.readFile(p));
  return (s) => {
    if (!s.includes('$')) return { value: s, byDefault: false, unknown: false };
    const v = interpolate(s, lookup);
    if (!v.includes(UNKNOWN)) return { value: v, byDefault: false, unknown: false };
    const d = applyDefaults(s);
    return d.unresolved ? { value: s, byDefault: false, unknown: true } : { value: d.text, byDefault: true, unknown: false };
  };
}

/** The project directory of an environment: where relative host paths resolve. */
export function projectDir(env: Environment): string {
  return path.dirname(path.resolve(env.files[0]?.path ?? '.'));
}

/** A raw list item of one file in the normal form, to match it with a merged item. */
function normalItem(attr: string, raw: unknown): unknown {
  try {
    const m = normalize({ services: { x: { [attr]: [raw] } } }) as Obj;
    const list = ((m.services as Obj).x as Obj)[attr];
    return Array.isArray(list) ? list[0] : raw;
  } catch {
    return raw;
  }
}

const unwrap = (v: unknown): unknown => (isOverride(v) ? v.value : v);

/** Where a hit is written in `env`: the owning file and the path of its node. */
export function placeHit(env: Environment, service: string, hit: Hit): { file: ComposeFile; path: Path } | undefined {
  const base = ['services', service, hit.attr];
  if (hit.item !== undefined || hit.key !== undefined) {
    for (let i = env.files.length - 1; i >= 0; i--) {
      const raw = unwrap(serviceOf(env.files[i].model, service)?.[hit.attr]);
      if (hit.key !== undefined) {
        if (isObj(raw) && hit.key in raw) return { file: env.files[i], path: [...base, hit.key, ...(hit.sub ?? [])] };
        if (Array.isArray(raw)) {
          const idx = raw.findIndex((x) => typeof x === 'string' && (x === hit.key || x.startsWith(`${hit.key}=`)));
          if (idx >= 0) return { file: env.files[i], path: [...base, idx] };
        }
        continue;
      }
      if (!Array.isArray(raw)) continue;
      const idx = raw.findIndex((x) => deepEqual(normalItem(hit.attr, x), hit.item));
      if (idx >= 0) return { file: env.files[i], path: [...base, idx, ...(hit.sub ?? [])] };
    }
  }
  const def = definitionOf(env, service, hit.attr);
  return def ? { file: def.file, path: [...def.path, ...(hit.sub ?? [])] } : undefined;
}

/**
 * Runs `judge` over every service of every environment and reports each distinct hit once,
 * at the node that owns it, with every environment it affects.
 */
export function reportHits(ctx: RuleContext, judge: Judge): void {
  interface Group {
    hit: Hit;
    service: string;
    file?: ComposeFile;
    path?: Path;
    envs: string[];
  }
  const groups = new Map<string, Group>();
  for (const env of ctx.project.environments) {
    const services = servicesOf(env.merged);
    for (const service of serviceOrder(env)) {
      for (const hit of judge(services[service], service, env)) {
        const at = placeHit(env, service, hit);
        const key = [at?.file.path ?? '', JSON.stringify(at?.path ?? []), service, hit.kind ?? '', hit.id ?? hit.message].join('\0');
        const g = groups.get(key);
        if (g) {
          if (!g.envs.includes(env.name)) g.envs.push(env.name);
        } else groups.set(key, { hit, service, file: at?.file, path: at?.path, envs: [env.name] });
      }
    }
  }
  for (const g of groups.values())
    ctx.report({
      ...(g.hit.kind ? { kind: g.hit.kind } : {}),
      ...(g.hit.severity ? { severity: g.hit.severity } : {}),
      message: g.hit.message,
      service: g.service,
      ...(g.file ? { file: g.file, path: g.path } : {}),
      environments: g.envs,
    });
}

/** `(by default)` / `` for a resolved value, in messages. */
export const defaultNote = (r: Resolved): string => (r.byDefault ? ' (the default of its variable, which no env file sets)' : '');

/** Is `value` a boolean true as Compose reads it (a YAML boolean, or a string "true" after interpolation)? */
export function isTrue(value: unknown, resolve: (s: string) => Resolved): Resolved | undefined {
  if (value === true) return { value: 'true', byDefault: false, unknown: false };
  if (typeof value !== 'string') return undefined;
  const r = resolve(value);
  return /^(true|1|t|TRUE|True)$/.test(r.value) ? r : undefined;
}

/** Bind mounts of a merged service: the resolved absolute host path, the item and whether it is read-only. */
export function bindMounts(svc: Obj, env: Environment, resolve: (s: string) => Resolved): { host: string; target: string; item: Obj; readOnly: boolean; r: Resolved }[] {
  const out: { host: string; target: string; item: Obj; readOnly: boolean; r: Resolved }[] = [];
  for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
    if (!isObj(v) || typeof v.source !== 'string') continue;
    // the normal form parses the short syntax before interpolation: `${SOCK}:/x` reads as a
    // named volume there, but Compose interpolates first and makes it a bind of the value
    if (v.type !== 'bind' && !(v.type === 'volume' && v.source.includes('$'))) continue;
    const r = resolve(v.source);
    if (r.unknown) continue;
    let host = r.value;
    if (v.type === 'volume' && !/^[/.~]/.test(host)) continue;
    if (host.startsWith('~')) host = `~${path.posix.normalize(host.slice(1) || '/')}`;
    else host = path.posix.resolve(projectDir(env).split(path.sep).join('/'), host);
    if (host.length > 1) host = host.replace(/\/+$/, '');
    out.push({ host, target: String(v.target ?? ''), item: v, readOnly: v.read_only === true, r });
  }
  return out;
}
