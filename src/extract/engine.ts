/**
 * Questions extract asks of the merge engine about one path: the canonical form of a value
 * (for equality) and whether a plain merge onto a value gives another unchanged.
 */
import { mergeFiles, normalize } from '../core/merge/index.js';
import { deepEqual } from '../core/merge/values.js';
import { canonicalJson } from './plan.js';

/** Canonical form of a value at a model path, through the engine's normal form. */
export function canonAt(p: (string | number)[], value: unknown): string {
  try {
    if (p[0] === 'services' && p.length >= 2 && p.length <= 4) {
      const [, , attr, index] = p;
      let svc: unknown = value;
      if (p.length >= 3) svc = { [String(attr)]: p.length === 4 ? [value] : value };
      if (p.length === 4 && typeof index !== 'number') return canonicalJson(value);
      const out = normalize({ services: { s: svc } }) as { services: Record<string, Record<string, unknown>> };
      const s = out.services.s;
      return canonicalJson(p.length === 2 ? s : s[String(attr)]);
    }
    if (p.length === 2 && ['volumes', 'networks', 'secrets', 'configs'].includes(String(p[0]))) {
      const out = normalize({ [String(p[0])]: { r: value } }) as Record<string, Record<string, unknown>>;
      return canonicalJson(out[String(p[0])].r);
    }
  } catch {
    // not normalizable on its own: compare as written
  }
  return canonicalJson(value);
}

const nest = (p: readonly (string | number)[], v: unknown): unknown => p.reduceRight<unknown>((acc, seg) => ({ [String(seg)]: acc }), v);

/**
 * Does the plain merge of `value` onto `base` at `p` give what `value` gives alone? Asked of
 * the merge engine on a model holding only that path; any error counts as "no".
 */
export function replacesAt(p: (string | number)[], base: unknown, value: unknown): boolean {
  try {
    const merged = normalize(mergeFiles([{ path: 'base', model: nest(p, base) }, { path: 'env', model: nest(p, value) }]));
    const alone = normalize(mergeFiles([{ path: 'env', model: nest(p, value) }]));
    return deepEqual(merged, alone);
  } catch {
    return false;
  }
}
