/**
 * The extract planner, on plain values: given the raw model of every environment (one file
 * each), decide what goes to the shared base and what stays in each environment's override.
 *
 * The result is expressed as *keep trees* over the raw values: the base keeps a subset of
 * the base environment's file, every override keeps a subset of its own environment's file.
 * Both files are then produced by deleting the rest (text.ts), so every kept node keeps its
 * original text. The planner is conservative; the merge engine verifies the result.
 *
 * Invariants (for every environment E, merge(base, override_E) == E):
 * - the base only holds values every environment has, equal in all of them (no `!reset`);
 * - mappings (deep-merged): a key goes to the base when it is equal everywhere, or recursively
 *   when every environment has a mapping there and the path is deep-merged;
 * - ordered lists (ports, volumes, dns, security_opt, ...): the base holds the longest common
 *   prefix; an override holds the rest of its list. The merged list is base order then the
 *   override's new entries, so a prefix keeps the order, and a base entry is never restated
 *   (which would be an error or a duplicate for plain-append lists);
 * - keyed attributes (environment, labels, ..., depends_on, networks): per key, entries equal
 *   everywhere go to the base (in the base file's form, list or map); the other entries stay
 *   in the overrides, in each file's own form. Short-form depends_on compares as
 *   `{condition: service_started, required: true}`, so it never silently downgrades;
 * - atomic values (command, entrypoint, healthcheck.test, extends, x-*, top-level resources,
 *   extra_hosts, anything written in flow style, with an anchor, alias, `<<` or a tag): all
 *   or nothing.
 */
export const ABSENT: unique symbol = Symbol('absent');
export type Val = unknown;

/** What to keep of a raw value: all of it, some keys of a mapping, some items of a list. */
export type Keep = true | { kind: 'map'; keys: Map<string, Keep> } | { kind: 'seq'; items: Set<number> };

export interface PlanInput {
  /** Raw model of each environment (toModel of its single file). */
  models: Record<string, unknown>[];
  /** Index of the environment whose file becomes the base. */
  baseIndex: number;
  /**
   * Paths (JSON of the model path) that must be kept or dropped whole in environment i:
   * flow collections, nodes with anchors, aliases, `<<` or tags (from the YAML source).
   */
  atomic: Set<string>[];
  /** Canonical form of a value for equality (default: key-sorted JSON). */
  canon?: (path: (string | number)[], value: unknown) => string;
}

export interface Plan {
  base: Keep | null;
  overrides: (Keep | null)[];
}

type P = (string | number)[];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObj(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  if (value === undefined) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
  return JSON.stringify(value);
}

type Rule = 'atomic' | 'deep' | 'list' | 'keymerge' | 'namemap' | 'depends_on' | 'default';

const KEYMERGE = new Set(['environment', 'labels', 'annotations', 'sysctls']);
/** Service attributes replaced wholesale, or whose merge has quirks not worth splitting. */
const ATOMIC_SERVICE = new Set(['command', 'entrypoint', 'extends', 'extra_hosts', 'logging', 'develop']);
const BUILD_KEYMERGE = new Set(['args', 'labels', 'additional_contexts']);
const RESOURCES = new Set(['volumes', 'networks', 'secrets', 'configs', 'models']);

/**
 * How the value at `path` merges. 'default': a mapping in every environment is deep-merged,
 * a list in every environment is appended; anything else is atomic.
 */
export function ruleFor(path: P): Rule {
  if (path.length === 0) return 'deep';
  const [top, , attr, ...rest] = path.map(String);
  if (top === 'services') {
    if (path.length <= 2) return 'deep';
    if (attr.startsWith('x-') || ATOMIC_SERVICE.has(attr)) return 'atomic';
    if (path.length === 3) {
      if (KEYMERGE.has(attr)) return 'keymerge';
      if (attr === 'networks') return 'namemap';
      if (attr === 'depends_on') return 'depends_on';
      return 'default';
    }
    const sub = rest.join('.');
    if (attr === 'healthcheck' && sub === 'test') return 'atomic';
    if (attr === 'build' && BUILD_KEYMERGE.has(sub)) return 'keymerge';
    if (attr === 'build' && sub === 'extra_hosts') return 'atomic';
    if (attr === 'deploy' && sub === 'labels') return 'keymerge';
    // entries of networks, depends_on, ulimits (replaced whole): all or nothing
    if (path.length === 4 && (attr === 'networks' || attr === 'depends_on' || attr === 'ulimits')) return 'atomic';
    return 'default';
  }
  if (RESOURCES.has(top)) return path.length === 1 ? 'deep' : 'atomic';
  // version, name, include, x-*: all or nothing
  return 'atomic';
}

/**
 * Plans the split. Pure; the result is checked by verification before anything is written.
 */
export function planExtract(input: PlanInput): Plan {
  const canon = input.canon ?? ((_p: P, v: unknown) => canonicalJson(v));
  const n = input.models.length;
  const b = input.baseIndex;
  const isAtomicAt = (path: P): boolean => {
    const key = JSON.stringify(path);
    return input.atomic.some((s) => s.has(key));
  };
  const whole = (vals: Val[]): (Keep | null)[] => vals.map((v) => (v === ABSENT ? null : true));
  const allEqual = (path: P, vals: Val[]): boolean => {
    const c = canon(path, vals[0]);
    return vals.every((v) => v !== ABSENT && canon(path, v) === c);
  };
  const atomic = (path: P, vals: Val[]): Plan =>
    allEqual(path, vals) ? { base: true, overrides: vals.map(() => null) } : { base: null, overrides: whole(vals) };

  function split(path: P, vals: Val[]): Plan {
    if (vals.some((v) => v === ABSENT)) return { base: null, overrides: whole(vals) };
    if (isAtomicAt(path)) return atomic(path, vals);
    let rule = ruleFor(path);
    if (rule === 'atomic') return atomic(path, vals);
    if (rule === 'default' || rule === 'deep') {
      if (vals.every(isObj)) rule = 'deep';
      else if (vals.every(Array.isArray)) rule = 'list';
      else return atomic(path, vals);
    }
    let plan: Plan;
    switch (rule) {
      case 'deep':
        plan = splitMap(path, vals as Record<string, unknown>[]);
        break;
      case 'list':
        if (!vals.every(Array.isArray)) return atomic(path, vals);
        plan = splitList(path, vals as unknown[][]);
        break;
      default:
        plan = splitKeyed(path, vals, rule);
    }
    if (!plan.base) return { base: null, overrides: whole(vals) };
    return plan;
  }

  function splitMap(path: P, vals: Record<string, unknown>[]): Plan {
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const v of [vals[b], ...vals]) {
      for (const k of Object.keys(v)) {
        if (seen.has(k)) continue;
        seen.add(k);
        keys.push(k);
      }
    }
    const base = new Map<string, Keep>();
    const ovs = vals.map(() => new Map<string, Keep>());
    for (const k of keys) {
      if (path.length === 0 && k === 'version') {
        // obsolete and never in the model: kept in the base as written, dropped from overrides
        if (k in vals[b]) base.set(k, true);
        continue;
      }
      const child = split(
        [...path, k],
        vals.map((v) => (Object.prototype.hasOwnProperty.call(v, k) ? v[k] : ABSENT)),
      );
      if (child.base) base.set(k, child.base);
      child.overrides.forEach((o, i) => o && ovs[i].set(k, o));
    }
    const onlyVersion = base.size === 1 && base.has('version');
    return {
      base: base.size && !onlyVersion ? { kind: 'map', keys: base } : onlyVersion && path.length === 0 ? { kind: 'map', keys: base } : null,
      overrides: ovs.map((m) => (m.size ? { kind: 'map', keys: m } : null)),
    };
  }

  function splitList(path: P, vals: unknown[][]): Plan {
    const keys = vals.map((list) => list.map((item, i) => canon([...path, i], item)));
    let p = 0;
    while (keys.every((k) => p < k.length && k[p] === keys[0][p])) p++;
    // a list item written with an anchor/alias/flow style is only kept whole, which it is
    if (p === 0) return { base: null, overrides: vals.map(() => true) };
    const range = (from: number, to: number) => new Set(Array.from({ length: to - from }, (_, i) => from + i));
    return {
      base: p === vals[b].length ? true : { kind: 'seq', items: range(0, p) },
      overrides: vals.map((l) => (l.length > p ? { kind: 'seq', items: range(p, l.length) } : null)),
    };
  }

  function splitKeyed(path: P, vals: Val[], rule: Rule): Plan {
    const entries = vals.map((v) => keyedEntries(v, rule));
    if (entries.some((e) => e === undefined)) return atomic(path, vals);
    const es = entries as KeyedEntry[][];
    const common = new Set<string>();
    for (const e of es[0]) if (es.every((list) => list.some((x) => x.key === e.key && x.canon === e.canon))) common.add(e.key);
    if (!common.size) return { base: null, overrides: whole(vals) };
    const keepOf = (v: Val, list: KeyedEntry[], pick: (e: KeyedEntry) => boolean): Keep | null => {
      const chosen = list.filter(pick);
      if (!chosen.length) return null;
      if (chosen.length === list.length) return true;
      return Array.isArray(v)
        ? { kind: 'seq', items: new Set(chosen.map((e) => e.ref as number)) }
        : { kind: 'map', keys: new Map(chosen.map((e) => [e.ref as string, true as Keep])) };
    };
    return {
      base: keepOf(vals[b], es[b], (e) => common.has(e.key)),
      overrides: vals.map((v, i) => keepOf(v, es[i], (e) => !common.has(e.key))),
    };
  }

  if (n < 2) throw new Error('planExtract needs at least two environments');
  const root = split([], input.models);
  return root;
}

interface KeyedEntry {
  key: string;
  canon: string;
  ref: string | number;
}

const goStr = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v));

/**
 * Entries of a keyed attribute, with a canonical value each; undefined when the value cannot
 * be split entry by entry (an unexpected shape or a duplicated key).
 */
export function keyedEntries(value: unknown, rule: Rule): KeyedEntry[] | undefined {
  const out: KeyedEntry[] = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (rule === 'keymerge') {
        if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') return undefined;
        const s = String(item);
        const eq = s.indexOf('=');
        out.push({ key: eq < 0 ? s : s.slice(0, eq), canon: JSON.stringify(eq < 0 ? null : s.slice(eq + 1)), ref: i });
      } else {
        if (typeof item !== 'string') return undefined;
        out.push({
          key: item,
          canon: rule === 'depends_on' ? canonicalJson({ condition: 'service_started', required: true }) : 'null',
          ref: i,
        });
      }
    }
  } else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      let canon: string;
      if (rule === 'keymerge') {
        if (isObj(v) || Array.isArray(v)) return undefined;
        canon = JSON.stringify(v === null ? null : goStr(v));
      } else if (rule === 'depends_on') {
        if (v !== null && !isObj(v)) return undefined;
        const d = v ?? {};
        canon = canonicalJson({ ...d, condition: d.condition ?? 'service_started', required: d.required ?? true });
      } else {
        canon = canonicalJson(v);
      }
      out.push({ key: k, canon, ref: k });
    }
  } else {
    return undefined;
  }
  const keys = new Set(out.map((e) => e.key));
  if (keys.size !== out.length) return undefined;
  return out;
}
