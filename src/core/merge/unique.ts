/**
 * compose-go's `override.EnforceUnicity`: in the sequences the attribute table keys
 * (`unique`), a later entry with the same key replaces the earlier one in its position. Runs
 * after each file's merge and again after its canonical form (a port range can reveal
 * duplicates). Sequences it does not key are left as they are (and not walked into).
 */
import type { UniqueKey } from '../attributes.js';
import { parseVolumeSpec } from './syntax.js';
import { goString, isObj, modelError, put, rule, type Obj, type Path } from './values.js';

type Indexer = (entry: unknown, path: Path) => string;

/** Go's `%T` of a model value, for messages. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'bigint') return value < 0n ? 'int64' : 'uint64';
  if (Array.isArray(value)) return '[]interface {}';
  if (isObj(value)) return 'map[string]interface {}';
  return 'time.Time';
}

const unexpected = (entry: unknown, path: Path) => modelError(`${path.join('.')}: unexpected type ${goTypeName(entry)}`, path);

/** Go's `%s` of an interface value. */
function verbS(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  return `%!s(${goTypeName(v)}=${goString(v)})`;
}

/** Go's `%d` of an interface value. */
function verbD(v: unknown): string {
  if ((typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return '%!d(<nil>)';
  return `%!d(${goTypeName(v)}=${goString(v)})`;
}

const keyValue: Indexer = (entry, path) => {
  if (typeof entry !== 'string') throw unexpected(entry, path);
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
};

const mount =
  (defaultPath: string): Indexer =>
  (entry, path) => {
    if (typeof entry === 'string') return `${defaultPath}/${entry}`;
    if (isObj(entry)) return 'target' in entry ? String(entry.target) : `${defaultPath}/${verbS(entry.source)}`;
    throw modelError(`${path.join('.')}: unsupported expose value ${goString(entry)}`, path);
  };

const INDEXERS: Record<UniqueKey, Indexer> = {
  keyValue,
  volume: (entry, path) => {
    if (isObj(entry)) {
      if (typeof entry.target !== 'string') throw modelError(`service volume ${path.join('.')} is missing a mount target`, path);
      return entry.target;
    }
    if (typeof entry === 'string') return goString(parseVolumeSpec(entry, path).target ?? '');
    return '';
  },
  device: (entry, path) => {
    if (isObj(entry)) {
      if (typeof entry.target !== 'string') throw modelError(`service device ${path.join('.')} is missing a mount target`, path);
      return entry.target;
    }
    if (typeof entry === 'string') {
      const parts = entry.split(':');
      return parts.length === 1 ? parts[0] : parts[1];
    }
    return '';
  },
  expose: (entry, path) => {
    if (typeof entry === 'string') return entry;
    if (typeof entry === 'number' && Number.isInteger(entry)) return String(entry);
    throw modelError(`${path.join('.')}: unsupported expose value ${goString(entry)}`, path);
  },
  port: (entry, path) => {
    if (typeof entry === 'number' && Number.isInteger(entry)) return String(entry);
    if (typeof entry === 'string') return entry;
    if (isObj(entry)) {
      if (!('target' in entry)) throw modelError(`service ports ${path.join('.')} is missing a target port`, path);
      const host = 'host_ip' in entry ? entry.host_ip : '0.0.0.0';
      const protocol = 'protocol' in entry ? entry.protocol : 'tcp';
      return `${verbS(host)}:${verbS(entry.published)}:${verbD(entry.target)}/${verbS(protocol)}`;
    }
    return '';
  },
  envFile: (entry, path) => {
    if (typeof entry === 'string') return entry;
    if (isObj(entry)) {
      if ('path' in entry) return goString(entry.path);
      throw modelError(`environment path attribute ${path.join('.')} is missing`, path);
    }
    return '';
  },
  secretMount: mount('/run/secrets'),
  configMount: mount(''),
};

/** De-duplicates the keyed sequences of a model in place; returns it. */
export function enforceUnicity(model: Obj): Obj {
  return walk(model, []) as Obj;
}

function walk(value: unknown, path: Path): unknown {
  if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) put(value, k, walk(v, [...path, k]));
    return value;
  }
  if (Array.isArray(value)) {
    const key = rule(path, 'unique');
    if (!key) return value;
    const indexer = INDEXERS[key];
    const seq: unknown[] = [];
    const seen = new Map<string, number>();
    value.forEach((entry, i) => {
      const k = indexer(entry, [...path, i]);
      const at = seen.get(k);
      if (at !== undefined) seq[at] = entry;
      else {
        seen.set(k, seq.length);
        seq.push(entry);
      }
    });
    return seq;
  }
  return value;
}
