/**
 * Helpers over plain values (what `toModel`, the merge engine and JSON give: objects, arrays,
 * strings, numbers, booleans, null). The one place for "is this a mapping", "the strings of
 * this list" and friends, so every module reads models the same way.
 */

/** A plain mapping (a YAML map after `toModel`, a JSON object). */
export type Obj = Record<string, unknown>;

/** A plain mapping: an object that is not an array (null is not one). */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A mapping that is not a Date (the edit layer's models hold YAML timestamps as Dates). */
export const isPlainMapping = (v: unknown): v is Obj => isObj(v) && !(v instanceof Date);

/** The mapping, or undefined when `v` is not one. */
export const asObj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);

/** The string items of a list (other items and non-lists: none). */
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** An option given as a list, a comma-separated string or nothing: its items. */
export function stringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

/** A whole number written as a number or a string of digits (`3`, `"3"`); undefined otherwise. */
export const asNumber = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : undefined;
