/** Small helpers over plain model values, shared by the merge modules. */
import { ComposemodError } from '../errors.js';
import { isMap, sprint } from '../go.js';
import { isGoTime, isOverride } from './sentinels.js';
import { attribute, type AttributeRule } from '../attributes.js';

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

/** A mapping of the model (a plain object; not an array, null, a marker or a GoTime). */
export function isObj(value: unknown): value is Obj {
  return isMap(value);
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

/** Go's `%v` of a model value (`fmt.Sprint`). */
export function goString(value: unknown): string {
  return sprint(value);
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
  if (isGoTime(a) && isGoTime(b)) return a.rfc3339 === b.rfc3339;
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

/**
 * A deep copy of a model that keeps shared references shared (compose-go merges mutate maps in
 * place, and one merge can put the same map twice into a list; the copy keeps that aliasing).
 */
export function deepClone<T>(value: T, seen = new Map<unknown, unknown>()): T {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(deepClone(item, seen));
    if (isNilList(value)) markNil(out);
    return out as T;
  }
  if (isObj(value)) {
    const out: Obj = {};
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) put(out, k, deepClone(v, seen));
    return out as T;
  }
  return value;
}

const NIL = Symbol('composemod.nil-list');

/**
 * An empty list that stands for a Go nil slice: compose-go rebuilds every list of the model
 * after each file (`OmitEmpty`), which turns `[]` into a nil slice where no unicity rule makes
 * it again; YAML prints it as `[]`, JSON as `null`.
 */
export function nilList(): unknown[] {
  return markNil([]);
}

function markNil(list: unknown[]): unknown[] {
  Object.defineProperty(list, NIL, { value: true, enumerable: false });
  return list;
}

export function isNilList(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0 && (value as unknown as Record<symbol, unknown>)[NIL] === true;
}

/** A model path as compose-go's tree path: sequence indexes are `[]`. */
export function treePath(path: Path): string[] {
  return path.map((p) => (typeof p === 'number' ? '[]' : p));
}

/** The attribute table's `role` for a model path. */
export function rule<K extends keyof AttributeRule>(path: Path, role: K): AttributeRule[K] | undefined {
  return attribute(treePath(path), role);
}
