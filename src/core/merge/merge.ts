/**
 * Merging one file's model onto the accumulated one, as compose-go's `override.Merge`: the
 * generic rule (mapping -> deep, sequence -> append, scalar -> replace, null -> keep the base)
 * plus the path-specific mergers named by the attribute table (core/attributes.ts, `merge`).
 *
 * Like compose-go, the merge works in place on the accumulated model (callers own it) and
 * keeps compose-go's aliasing: `networks.*.ipam.config` can hold the same mapping twice.
 * De-duplication of keyed sequences happens afterwards (unique.ts).
 */
import type { MergeRule } from '../attributes.js';
import { goString, hasOwn, isObj, modelError, put, rule, type Obj, type Path } from './values.js';

type Merger = (base: unknown, over: unknown, path: Path) => unknown;

/** `override.Merge(base, over)`: `base` is changed in place and returned. */
export function mergeModel(base: Obj, over: Obj): Obj {
  return mergeMappings(base, over, []);
}

/** `mergeYaml`: one value onto another at a model path. */
export function mergeValues(base: unknown, over: unknown, path: Path): unknown {
  const special = rule(path, 'merge');
  if (special) return MERGERS[special](base, over, path);
  if (over === null || over === undefined) return base;
  if (isObj(base)) {
    if (!isObj(over)) throw mismatch(path);
    return mergeMappings(base, over, path);
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over)) throw mismatch(path);
    return [...base, ...over];
  }
  return over;
}

/** Deep merge in place: a key new in `over` is inserted as is (no special merger runs on it). */
export function mergeMappings(base: Obj, over: Obj | null | undefined, path: Path): Obj {
  if (!over) return base;
  for (const [k, v] of Object.entries(over)) {
    if (!hasOwn(base, k)) put(base, k, v);
    else put(base, k, mergeValues(base[k], v, [...path, k]));
  }
  return base;
}

function mismatch(path: Path) {
  return modelError(`cannot override ${path.join('.')}`, path);
}

/**
 * compose-go's `convertIntoSequence`: a mapping becomes sorted `K=V` entries (a null value
 * gives `K`, a list value one entry per item), a string a one-item list; anything else none.
 */
export function toSequence(value: unknown): unknown[] {
  if (isObj(value)) {
    const seq: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) seq.push(k);
      else if (Array.isArray(v)) for (const item of v) seq.push(`${k}=${goString(item)}`);
      else seq.push(`${k}=${goString(v)}`);
    }
    return seq.sort(compareStrings);
  }
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  return [];
}

/** Go's byte-wise string order (UTF-8), which differs from UTF-16 order above U+FFFF only. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** compose-go's `convertIntoMapping`: a list is a mapping of copies of `defaults` (or nulls). */
function toMapping(value: unknown, defaults: Obj | null): Obj | null {
  if (isObj(value)) return value;
  if (Array.isArray(value)) {
    const out: Obj = {};
    for (const name of value) put(out, goString(name), defaults ? { ...defaults } : null);
    return out;
  }
  return null;
}

const SERVICE_STARTED = { condition: 'service_started', required: true };

const MERGERS: Record<MergeRule, Merger> = {
  override: (_base, over) => over,
  sequence: (base, over) => [...toSequence(base), ...toSequence(over)],
  extraHosts: (base, over) => {
    const right = toSequence(base);
    const left = toSequence(over).filter((v) => !right.some((r) => r === v));
    return [...right, ...left];
  },
  build: (base, over, path) => {
    const asMap = (v: unknown): Obj | null => (typeof v === 'string' ? { context: v } : isObj(v) ? v : null);
    return mergeMappings(asMap(base) ?? {}, asMap(over), path);
  },
  dependsOn: (base, over, path) => mergeMappings(toMapping(base, SERVICE_STARTED) ?? {}, toMapping(over, SERVICE_STARTED), path),
  nameMap: (base, over, path) => mergeMappings(toMapping(base, null) ?? {}, toMapping(over, null), path),
  logging: (base, over, path) => {
    if (!isObj(over)) throw modelError('logging: null is not supported (docker compose crashes on it); use !reset', path);
    const config = isObj(base) ? base : {};
    if (!hasOwn(over, 'driver') || !hasOwn(config, 'driver') || over.driver === config.driver) return mergeMappings(config, over, path);
    return over;
  },
  // compose-go merges the override with itself: the override wins, null included
  ulimit: (_base, over) => over,
  ipamConfig: (base, over, path) => {
    if (!Array.isArray(base) || !Array.isArray(over)) throw modelError(`${path.join('.')}: unexpected type`, path);
    const result: Obj[] = [];
    const subnet = (o: Obj | null) => (o ? o.subnet : undefined);
    for (const original of base) {
      const right = toMapping(original, null);
      for (const override of over) {
        const left = toMapping(override, null);
        if (subnet(left) !== subnet(right) && !result.some((a) => a.subnet === subnet(left))) {
          result.push(left ?? {});
          continue;
        }
        // in place, as compose-go: `right` is the base entry itself, so it can land twice
        const merged = mergeMappings(right ?? {}, left, path);
        const at = result.findIndex((a) => a.subnet === merged.subnet);
        if (at >= 0) result[at] = merged;
        else result.push(merged);
      }
    }
    return result;
  },
};

/** extra_hosts in compose's HostsList form: a map becomes sorted `host=ip` entries. */
export function toHostsList(value: unknown): unknown[] {
  if (isObj(value)) {
    return Object.keys(value)
      .sort()
      .flatMap((host) => {
        const v = value[host];
        return (Array.isArray(v) ? v : [v]).map((ip) => `${host}=${ip === null || ip === undefined ? '' : goString(ip)}`);
      });
  }
  return Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
}
