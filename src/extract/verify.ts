/**
 * Extract's mandatory verification: every environment's merged config is the same before
 * and after, read from the file texts alone (so `extends.file` naming a rewritten file is
 * read as it will be). This is the one place that asks "is environment E unchanged?": the
 * loader behind it can be switched without touching the planner.
 *
 * The comparison is exact, with one allowance for services the environment did not have:
 * the base may hold them when the environment disables them with the profile marker (merged
 * `profiles` exactly `[<marker>]`), as `docker compose config` / `up` without that profile
 * leave them out; and top-level volumes, networks, secrets, configs and models it did not
 * declare may be declared for it when none of its enabled services uses them (Compose drops
 * unused resources).
 */
import path from 'node:path';
import { ComposemodError } from '../core/errors.js';
import { parseSource } from '../core/source.js';
import { toComposeModel } from '../core/project.js';
import { configModel } from '../core/merge/index.js';
import { deepEqual } from '../core/merge/values.js';

export interface EnvFiles {
  name: string;
  /** Files before, in the order Compose gets them (absolute). */
  before: string[];
  /** Files after. */
  after: string[];
}

export interface EnvVerdict {
  name: string;
  ok: boolean;
  problem?: string;
  /** Services the environment did not have, present after and disabled by the marker. */
  disabled: string[];
}

export interface VerifyOptions {
  /** The profile that disables services an environment lacks. */
  marker?: string;
  /** Loads a file named by `extends.file` that is not among the texts (from disk). */
  resolveExtendsFile?: (file: string, fromFile: string) => unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const RESOURCE_SECTIONS = ['volumes', 'networks', 'secrets', 'configs', 'models'];

/** Models of file texts already checked (by path and content): the same files are verified again for every candidate. */
const parsed = new Map<string, Record<string, unknown>>();

/**
 * Verifies every environment. `before` and `after` give the text of every file by absolute
 * path (a file absent from `after` does not exist afterwards).
 */
export function verifyEnvironments(
  envs: readonly EnvFiles[],
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string | null>,
  opts: VerifyOptions = {},
): EnvVerdict[] {
  const modelOf = (texts: ReadonlyMap<string, string | null>, _tag: string, file: string): Record<string, unknown> => {
    const text = texts.get(file);
    if (text === undefined || text === null) throw new ComposemodError('no such file', { file });
    const key = `${file}\0${text}`;
    let m = parsed.get(key);
    if (!m) {
      m = toComposeModel(parseSource(text.replace(/^\uFEFF/, ''), file));
      parsed.set(key, m);
      if (parsed.size > 256) parsed.delete(parsed.keys().next().value!);
    }
    return m;
  };
  const config = (texts: ReadonlyMap<string, string | null>, tag: string, files: string[]) =>
    configModel(
      files.map((f) => ({ path: f, model: modelOf(texts, tag, f) })),
      {
        resolveExtendsFile: (file, from) => {
          const target = path.resolve(path.dirname(from), file);
          if (texts.has(target)) return modelOf(texts, tag, target);
          if (!opts.resolveExtendsFile) throw new ComposemodError(`extends: cannot load "${file}"`, { file: from });
          return opts.resolveExtendsFile(file, from);
        },
      },
    );
  return envs.map((e) => {
    let beforeModel: Record<string, unknown>;
    try {
      beforeModel = config(before, 'before', e.before);
    } catch (err) {
      return { name: e.name, ok: false, problem: `before: ${message(err)}`, disabled: [] };
    }
    try {
      const { model, disabled } = withoutDisabled(config(after, 'after', e.after), beforeModel, opts.marker);
      if (deepEqual(beforeModel, model)) return { name: e.name, ok: true, disabled };
      return { name: e.name, ok: false, problem: `merged config differs at ${firstDifference(beforeModel, model)}`, disabled };
    } catch (err) {
      return { name: e.name, ok: false, problem: message(err), disabled: [] };
    }
  });
}

function message(err: unknown): string {
  return err instanceof ComposemodError ? err.format() : String(err);
}

/**
 * `after` without the services `before` lacks that the marker disables, and without the
 * resources `before` lacks that no remaining service uses.
 */
function withoutDisabled(
  after: Record<string, unknown>,
  before: Record<string, unknown>,
  marker: string | undefined,
): { model: Record<string, unknown>; disabled: string[] } {
  if (!marker) return { model: after, disabled: [] };
  const out: Record<string, unknown> = { ...after };
  const disabled: string[] = [];
  const had = isObj(before.services) ? before.services : {};
  if (isObj(after.services)) {
    const services: Record<string, unknown> = {};
    for (const [name, svc] of Object.entries(after.services)) {
      if (!(name in had) && isObj(svc) && deepEqual(svc.profiles, [marker])) disabled.push(name);
      else services[name] = svc;
    }
    out.services = services;
  }
  const used = usedResources(out.services);
  for (const section of RESOURCE_SECTIONS) {
    const defs = out[section];
    if (!isObj(defs)) continue;
    const kept = isObj(before[section]) ? before[section] : {};
    const next: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(defs)) if (name in kept || used.has(`${section}/${name}`)) next[name] = def;
    if (Object.keys(next).length || section in before) out[section] = next;
    else delete out[section];
  }
  return { model: out, disabled };
}

/**
 * The top-level resources services use, as `section/name` (a service without networks or
 * network_mode uses `networks/default`). Works on the normal form and on raw models.
 */
export function usedResources(services: unknown): Set<string> {
  const used = new Set<string>();
  if (!isObj(services)) return used;
  const add = (section: string, name: unknown) => {
    if (typeof name === 'string' && name) used.add(`${section}/${name}`);
  };
  for (const svc of Object.values(services)) {
    if (!isObj(svc)) continue;
    const nets = svc.networks;
    if (Array.isArray(nets)) nets.forEach((n) => add('networks', n));
    else if (isObj(nets)) Object.keys(nets).forEach((n) => add('networks', n));
    if ((nets === undefined || nets === null) && svc.network_mode === undefined) add('networks', 'default');
    for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
      if (isObj(v)) {
        if ((v.type === undefined || v.type === 'volume') && v.source) add('volumes', v.source);
      } else if (typeof v === 'string') {
        const src = v.split(':')[0];
        if (v.includes(':') && !/^[./~$]/.test(src) && !src.includes('/')) add('volumes', src);
      }
    }
    for (const section of ['secrets', 'configs'] as const) {
      for (const s of Array.isArray(svc[section]) ? (svc[section] as unknown[]) : []) add(section, isObj(s) ? s.source : s);
    }
    const build = svc.build;
    if (isObj(build)) for (const s of Array.isArray(build.secrets) ? build.secrets : []) add('secrets', isObj(s) ? s.source : s);
    const models = svc.models;
    if (Array.isArray(models)) models.forEach((m) => add('models', m));
    else if (isObj(models)) Object.keys(models).forEach((m) => add('models', m));
  }
  return used;
}

export function firstDifference(a: unknown, b: unknown, p = ''): string {
  if (deepEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], p ? `${p}.${k}` : k);
      if (d) return d;
    }
  }
  return p || '(document)';
}
