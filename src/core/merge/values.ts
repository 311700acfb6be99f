/** Small helpers over plain model values, shared by the merge modules. */
import { ComposemodError } from '../errors.js';
import { isOverride } from './sentinels.js';

export type Path = (string | number)[];
export type Obj = Record<string, unknown>;

/**
 * `obj[key] = value`, also for a key named `__proto__` (which plain assignment would turn
 * into a prototype change). Keys come from user data, so the few places that derive keys
 * from strings use this.
 */
export function put(obj: Obj, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** A mapping of the model (a plain object; not an array, null or an Override marker). */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isOverride(value);
}

export function hasOwn(obj: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** A rewrite of one attribute's value, given its model path. */
export type AttrRewrite = (value: unknown, path: Path) => unknown;

/**
 * A copy of `value` with every non-null attribute that `table` names rewritten by its entry
 * (table-driven canonical and normal forms). Only own keys of the table count, so attributes
 * named like `valueOf` are plain data.
 */
export function rewriteAttrs(value: Obj, table: Readonly<Record<string, AttrRewrite>>, path: Path): Obj {
  const out: Obj = { ...value };
  for (const key of Object.keys(out)) {
    const f = hasOwn(table, key) ? table[key] : undefined;
    if (f && out[key] !== null && out[key] !== undefined) out[key] = f(out[key], [...path, key]);
  }
  return out;
}

/** Dotted form of a model path, as compose prints it (`services.web.ports`). */
export function dotted(path: Path): string {
  return path.join('.');
}

/** A ComposemodError (exit code 2) at a model path; the pipeline adds the file. */
export function modelError(message: string, path: Path): ComposemodError {
  return new ComposemodError(message, { modelPath: [...path] });
}

/** Does `path` match `pattern`, where `*` matches any one element? */
export function matches(path: Path, pattern: readonly string[]): boolean {
  if (path.length !== pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '*' && pattern[i] !== String(path[i])) return false;
  }
  return true;
}

/** Go's `%v` for the scalars a model holds (bool, number, string, null). */
export function goString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goString).join(' ')}]`;
  if (isObj(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goString(value[k])}`).join(' ')}]`;
  }
  return String(value);
}

/** A string, a list, or nothing, as a list (compose's string-or-list attributes). */
export function toList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/** Structural equality of model values (mapping key order ignored, sequence order kept). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  if (isOverride(a) && isOverride(b)) return deepEqual(a.value, b.value);
  return false;
}

/**
 * De-duplicates a keyed sequence the compose way: a later entry with the same key replaces
 * the earlier one in the earlier one's position; new keys keep their order.
 * `key` returning undefined leaves the entry alone.
 */
export function uniqueBy(list: readonly unknown[], key: (item: unknown) => string | undefined): unknown[] {
  const out: unknown[] = [];
  const seen = new Map<string, number>();
  for (const item of list) {
    const k = key(item);
    if (k === undefined) {
      out.push(item);
      continue;
    }
    const at = seen.get(k);
    if (at === undefined) {
      seen.set(k, out.length);
      out.push(item);
    } else {
      out[at] = item;
    }
  }
  return out;
}

/** Recursively sorted copy (mapping keys in code-unit order), for canonical comparisons. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObj(value)) {
    const out: Obj = {};
    for (const k of Object.keys(value).sort()) put(out, k, sortKeys(value[k]));
    return out;
  }
  return value;
}
