/**
 * The intended model: plain JS values (what `toJS()` gives) that an Editor keeps up to date
 * with its operations and checks the edited text against.
 */
import { ComposemodError } from '../errors.js';
import type { ComposeSource } from '../source.js';
import type { Path } from '../query.js';
import { isPlainMapping } from '../plain.js';

/** Marks a deleted sequence item, so that later items keep their original indexes. */
export const DELETED: unique symbol = Symbol('deleted');
export type Model = unknown;

export const isNonEmptyCollection = (v: unknown): boolean =>
  (Array.isArray(v) && v.length > 0) || (isPlainMapping(v) && Object.keys(v).length > 0);

export function clone(v: Model): Model {
  if (Array.isArray(v)) return v.map(clone);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, Model> = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x);
    return out;
  }
  return v;
}

/** A copy without the `DELETED` items. */
export function purge(v: Model): Model {
  if (Array.isArray(v)) return v.filter((x) => x !== DELETED).map(purge);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, Model> = {};
    for (const [k, x] of Object.entries(v)) out[k] = purge(x);
    return out;
  }
  return v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

export function docModel(doc: ComposeSource['doc']): Model {
  try {
    return doc.toJS({ maxAliasCount: 100_000 });
  } catch (e) {
    throw new ComposemodError(`cannot resolve the document: ${(e as Error).message}`);
  }
}

export function getIn(v: unknown, path: Path): unknown {
  let cur = v;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isPlainMapping(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

/** Set the value at `path`, in place where the containers exist (missing ones become mappings). */
export function setIn(root: unknown, path: Path, value: unknown): unknown {
  if (!path.length) return value;
  const [seg, ...rest] = path;
  if (Array.isArray(root) && typeof seg === 'number') {
    const copy = root;
    copy[seg] = setIn(root[seg], rest, value);
    return copy;
  }
  const obj = isPlainMapping(root) ? root : {};
  obj[String(seg)] = setIn(obj[String(seg)], rest, value);
  return obj;
}
