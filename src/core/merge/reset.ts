/**
 * `!reset` / `!override` (rules doc §3). A file's model carries them as RESET / Override
 * markers; `extractMarkers` removes them, giving the file's plain model plus the recorded
 * paths, and `applyResetPaths` deletes those paths from the accumulated model before the
 * file is merged onto it.
 */
import { isOverride, isReset } from './sentinels.js';
import { hasOwn, isObj, put, type Obj, type Path } from './values.js';

export interface Extracted {
  /** The file's model without markers: RESET keys and items dropped, Override unwrapped. */
  value: unknown;
  /** Paths of every `!reset` and `!override` node (indices for sequence items). */
  paths: Path[];
}

export function extractMarkers(model: unknown): Extracted {
  const paths: Path[] = [];
  const walk = (value: unknown, path: Path): unknown => {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((item, i) => {
        if (isReset(item)) paths.push([...path, i]);
        else if (isOverride(item)) {
          paths.push([...path, i]);
          out.push(item.value);
        } else out.push(walk(item, [...path, i]));
      });
      return out;
    }
    if (isObj(value)) {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) {
        if (isReset(v)) paths.push([...path, k]);
        else if (isOverride(v)) {
          // An !override value is taken verbatim: its children are not scanned.
          paths.push([...path, k]);
          put(out, k, v.value);
        } else put(out, k, walk(v, [...path, k]));
      }
      return out;
    }
    return value;
  };
  const top = isOverride(model) ? model.value : isReset(model) ? {} : model;
  return { value: walk(top, []), paths };
}

/**
 * Deletes every mapping key whose path was recorded. The walk never enters a sequence
 * (compose cannot remove sequence items), so a path through a list-form parent is a silent
 * no-op, as is a path the model does not have. Returns a new model; the input is untouched.
 */
export function applyResetPaths(model: Obj, paths: readonly Path[]): Obj {
  let out = model;
  for (const path of paths) out = deleteIn(out, path) as Obj;
  return out;
}

function deleteIn(value: unknown, path: Path): unknown {
  if (!path.length || !isObj(value)) return value;
  const [head, ...rest] = path;
  const key = String(head);
  if (typeof head === 'number' || !hasOwn(value, key)) return value;
  if (!rest.length) {
    const copy = { ...value };
    delete copy[key];
    return copy;
  }
  const child = deleteIn(value[key], rest);
  return child === value[key] ? value : { ...value, [key]: child };
}
