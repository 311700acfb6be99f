/**
 * Merging one (raw, marker-free) file model onto the accumulated one: the generic rule plus
 * compose's path-specific mergers (rules doc §1 mechanisms (a) and (b)). De-duplication of
 * keyed sequences (mechanism (c)) happens afterwards, in canonical.ts.
 */
import { goString, hasOwn, isObj, matches, modelError, put, toList, type Obj, type Path } from './values.js';

type Merger = (base: unknown, over: unknown, path: Path) => unknown;

/** Generic rule: mapping -> deep, sequence -> append, scalar -> override, null -> base. */
export function mergeValues(base: unknown, over: unknown, path: Path): unknown {
  const special = findMerger(path);
  if (special) return special(base, over, path);
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

/** Deep merge: a key new in `over` is inserted verbatim (no special merger runs on it). */
export function mergeMappings(base: Obj, over: Obj, path: Path): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    put(out, k, hasOwn(base, k) ? mergeValues(base[k], v, [...path, k]) : v);
  }
  return out;
}

function mismatch(path: Path) {
  return modelError(`cannot override ${path.join('.')}`, path);
}

/** Replace wholesale, `null` included (command, entrypoint, healthcheck.test, ulimits.X). */
const replace: Merger = (_base, over) => over;

/** A mapping or list in `K=V` list form: a map is sorted, a null value gives a bare `K`. */
export function toKeyValueList(value: unknown): unknown[] {
  if (isObj(value)) {
    return Object.keys(value)
      .sort()
      .flatMap((k) => (value[k] === null || value[k] === undefined ? [k] : [`${k}=${goString(value[k])}`]));
  }
  return toList(value);
}

/** environment, labels, ...: both sides to `K=V` lists, appended (unicity dedupes by key). */
const keyValue: Merger = (base, over) => [...toKeyValueList(base), ...toKeyValueList(over)];

/** dns, tmpfs, env_file, ...: a string is a one-item list; append. */
const stringOrList: Merger = (base, over) => [...toList(base), ...toList(over)];

/** extra_hosts as compose's HostsList: a map becomes sorted `host=ip` entries. */
export function toHostsList(value: unknown): unknown[] {
  if (isObj(value)) {
    return Object.keys(value)
      .sort()
      .flatMap((host) => toList(value[host]).map((ip) => `${host}=${goString(ip)}`));
  }
  return toList(value);
}

/** extra_hosts: append, dropping override entries byte-identical to a base entry. */
const extraHosts: Merger = (base, over) => {
  const b = toHostsList(base);
  const seen = new Set(b.map(goString));
  return [...b, ...toHostsList(over).filter((h) => !seen.has(goString(h)))];
};

function mapOrNull(value: unknown, path: Path): Obj {
  if (value === null || value === undefined) return {};
  if (isObj(value)) return value;
  throw mismatch(path);
}

/** build: a string is `{context: s}`, then deep. */
const build: Merger = (base, over, path) => {
  if (over === null || over === undefined) return base;
  const asMap = (v: unknown) => (typeof v === 'string' ? { context: v } : mapOrNull(v, path));
  return mergeMappings(asMap(base), asMap(over), path);
};

/** depends_on: the short form is `{condition: service_started, required: true}` on both sides. */
export function toDependsOn(value: unknown, path: Path): Obj {
  if (Array.isArray(value)) {
    const out: Obj = {};
    for (const name of value) put(out, goString(name), { condition: 'service_started', required: true });
    return out;
  }
  return mapOrNull(value, path);
}

const dependsOn: Merger = (base, over, path) => {
  if (over === null || over === undefined) return base;
  return mergeMappings(toDependsOn(base, path), toDependsOn(over, path), path);
};

/** networks / models of a service: a list is a map with null values, then deep. */
export function toNameMap(value: unknown, path: Path): Obj {
  if (Array.isArray(value)) {
    const out: Obj = {};
    for (const name of value) put(out, goString(name), null);
    return out;
  }
  return mapOrNull(value, path);
}

const networks: Merger = (base, over, path) => {
  if (over === null || over === undefined) return base;
  return mergeMappings(toNameMap(base, path), toNameMap(over, path), path);
};

/** logging: same driver (or a side without one) -> deep; different drivers -> override wins. */
const logging: Merger = (base, over, path) => {
  if (over === null || over === undefined) {
    throw modelError('logging: null is not supported (docker compose crashes on it); use !reset', path);
  }
  if (!isObj(over)) throw mismatch(path);
  if (!isObj(base)) return over;
  if (!hasOwn(base, 'driver') || !hasOwn(over, 'driver') || base.driver === over.driver) {
    return mergeMappings(base, over, path);
  }
  return over;
};

/**
 * networks.X.ipam.config, keyed by subnet, with compose's quirks: for each base entry, an
 * override entry with another subnet is added as-is the first time it is seen (so a base
 * subnet the override does not restate is dropped), otherwise merged with the base entry
 * into the slot of the merged subnet (so with several base subnets, unmatched base entries
 * are merged into an override entry).
 */
const ipamConfig: Merger = (base, over, path) => {
  if (over === null || over === undefined) return base;
  if (!Array.isArray(over)) throw mismatch(path);
  if (!Array.isArray(base)) return over;
  const result: Obj[] = [];
  const indexOf = (subnet: unknown) => result.findIndex((e) => e.subnet === subnet);
  for (const b of base) {
    const baseEntry = isObj(b) ? b : {};
    for (const o of over) {
      const overEntry = isObj(o) ? o : {};
      if (overEntry.subnet !== baseEntry.subnet && indexOf(overEntry.subnet) < 0) {
        result.push(overEntry);
        continue;
      }
      const merged = mergeMappings(baseEntry, overEntry, path);
      const at = indexOf(merged.subnet);
      if (at >= 0) result[at] = merged;
      else result.push(merged);
    }
  }
  return result;
};

const MERGERS: [readonly string[], Merger][] = [
  ...['command', 'entrypoint'].map((k): [string[], Merger] => [['services', '*', k], replace]),
  [['services', '*', 'healthcheck', 'test'], replace],
  [['services', '*', 'ulimits', '*'], replace],
  ...['environment', 'labels', 'annotations', 'sysctls'].map((k): [string[], Merger] => [['services', '*', k], keyValue]),
  ...['args', 'labels', 'additional_contexts'].map((k): [string[], Merger] => [['services', '*', 'build', k], keyValue]),
  [['services', '*', 'deploy', 'labels'], keyValue],
  [['networks', '*', 'labels'], keyValue],
  [['volumes', '*', 'labels'], keyValue],
  ...['dns', 'dns_opt', 'dns_search', 'env_file', 'label_file', 'tmpfs'].map((k): [string[], Merger] => [
    ['services', '*', k],
    stringOrList,
  ]),
  [['services', '*', 'extra_hosts'], extraHosts],
  [['services', '*', 'build', 'extra_hosts'], extraHosts],
  [['services', '*', 'build'], build],
  [['services', '*', 'depends_on'], dependsOn],
  [['services', '*', 'networks'], networks],
  [['services', '*', 'models'], networks],
  [['services', '*', 'logging'], logging],
  [['networks', '*', 'ipam', 'config'], ipamConfig],
];

function findMerger(path: Path): Merger | undefined {
  if (path.length < 3) return undefined;
  for (const [pattern, merger] of MERGERS) if (matches(path, pattern)) return merger;
  return undefined;
}
