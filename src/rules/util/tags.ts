/**
 * Floating and concrete image tags.
 *
 * A tag is floating when it is absent (`latest`), or has no digit at all (`latest`, `stable`,
 * `lts`, `alpine`, `mainline`, `edge`, `slim`, `bookworm`, `stable-alpine`, `main`, ...), or,
 * with `pinMajor`, names only a major version (`16`, `16-alpine`, `v2`).
 *
 * A floating tag's *variant* is what must stay the same in its concrete replacement: its
 * `-`-separated words minus the channel words (latest, stable, lts, mainline, current):
 * `alpine` -> `alpine`, `stable-alpine` -> `alpine`, `latest` -> ``, `16-alpine` -> `alpine`
 * (with version prefix 16). A concrete tag is `[v]N(.N)*[-variant]`; it replaces a floating
 * one when its variant is identical and its version starts with the floating major (if any).
 */
const CHANNEL_WORDS = new Set(['latest', 'stable', 'lts', 'mainline', 'current']);

export interface FloatingTag {
  /** The tag as written (`latest` when none was written). */
  tag: string;
  variant: string;
  /** Required version prefix (`[16]` for `16-alpine` with pinMajor), else []. */
  prefix: number[];
  /** The channel word (`stable`, `mainline`, `lts`, ...) other than `latest`, if any. */
  channel: string | null;
}

export interface ConcreteTag {
  tag: string;
  version: number[];
  variant: string;
}

export function parseConcrete(tag: string): ConcreteTag | null {
  const m = /^v?(\d+(?:\.\d+)*)(?:-([A-Za-z0-9][\w.-]*))?$/.exec(tag);
  if (!m) return null;
  return { tag, version: m[1].split('.').map(Number), variant: m[2] ?? '' };
}

export function floatingTag(tag: string | null, pinMajor: boolean): FloatingTag | null {
  const t = tag ?? 'latest';
  if (!/\d/.test(t)) {
    const words = t.split('-');
    const variant = words.filter((w) => !CHANNEL_WORDS.has(w.toLowerCase())).join('-');
    const channel = words.map((w) => w.toLowerCase()).find((w) => CHANNEL_WORDS.has(w) && w !== 'latest') ?? null;
    return { tag: t, variant, prefix: [], channel };
  }
  if (pinMajor) {
    const c = parseConcrete(t);
    if (c && c.version.length === 1) return { tag: t, variant: c.variant, prefix: c.version, channel: null };
  }
  return null;
}

export function matches(f: FloatingTag, c: ConcreteTag): boolean {
  if (c.variant !== f.variant) return false;
  if (c.version.length <= f.prefix.length) return false;
  return f.prefix.every((n, i) => c.version[i] === n);
}

/** Newest first; for equal leading numbers the more specific tag first (1.27.3 before 1.27). */
export function compareDesc(a: ConcreteTag, b: ConcreteTag): number {
  const n = Math.max(a.version.length, b.version.length);
  for (let i = 0; i < n; i++) {
    const x = a.version[i];
    const y = b.version[i];
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    if (x !== y) return y - x;
  }
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/** Concrete tags matching `f`, newest first. */
export function candidates(f: FloatingTag, tags: readonly string[]): ConcreteTag[] {
  return tags
    .map(parseConcrete)
    .filter((c): c is ConcreteTag => !!c && matches(f, c))
    .sort(compareDesc);
}
