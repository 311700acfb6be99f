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
 *
 * With `allowReset` (Compose >= 2.24.4), the base holds what the base environment shares with
 * at least one other environment (a "group"), and the others express their difference:
 * - a key they lack gets `key: !reset <empty>` (only where more environments have the key
 *   than lack it; in environment/labels/... only when the base and the environment write the
 *   attribute as a mapping, as `!reset` on a key of a list-form attribute is a no-op);
 * - a value the plain merge cannot produce from the base's (a reordered or shortened list,
 *   a mapping missing some of the base's keys, another logging driver...) is kept whole and
 *   tagged `!override` (never on a scalar, an anchored/aliased/tagged node or a `<<` map);
 * - a value the plain merge does produce (a scalar, a list the base's list is a prefix of)
 *   is kept as usual.
 * Whether "the plain merge produces it" is asked of the merge engine (`replaces`).
 */
export const ABSENT: unique symbol = Symbol('absent');
/** An environment that does not take part in a sub-plan (it resets the whole value above). */
const SKIP: unique symbol = Symbol('skip');
export type Val = unknown;

/** Shape of the empty value written after `!reset`. */
export type ResetAs = 'null' | 'seq' | 'map';

/**
 * What to keep of a raw value: all of it, some keys of a mapping, some items of a list; or,
 * in an override only: `reset` (the key is absent: write `key: !reset <as>`), `override`
 * (keep all of it, tagged `!override`), `disable` (a service the environment lacks: write
 * `name: {profiles: [<marker>]}`, so it is never started without that profile).
 */
export type Keep =
  | true
  | { kind: 'map'; keys: Map<string, Keep> }
  | { kind: 'seq'; items: Set<number> }
  | { kind: 'reset'; as: ResetAs }
  | { kind: 'override' }
  | { kind: 'disable' };

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
  /**
   * Paths (JSON) in environment i whose value cannot be tagged `!override`: anchors, aliases,
   * tags, `<<` (default: the `atomic` paths).
   */
  untaggable?: Set<string>[];
  /** Canonical form of a value for equality (default: key-sorted JSON). */
  canon?: (path: (string | number)[], value: unknown) => string;
  /** Use `!reset` / `!override` where that makes the overrides smaller. */
  allowReset?: boolean;
  /**
   * Does the plain merge of `value` onto `base` at `path` give `value` (as if `base` were not
   * there)? Asked of the merge engine; default: only for scalars.
   */
  replaces?: (path: (string | number)[], base: unknown, value: unknown) => boolean;
  /**
   * Services some environments lack may live in the base when each of those environments
   * disables them with `profiles: [<marker>]` (where that makes the files shorter and no
   * environment gives the service profiles of its own). Top-level volumes, networks,
   * secrets and configs an environment lacks may then live in the base too, where that
   * environment does not reference them (Compose drops unused resources).
   */
  disable?: boolean;
  /**
   * What each environment's services reference: `volumes/<name>`, `networks/<name>` (a
   * service without networks references `networks/default`), `secrets/<name>`,
   * `configs/<name>`, `models/<name>`. Needed with `disable`.
   */
  references?: Set<string>[];
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
    // (inside a logging block that splits, see sameDriver, options merge per key)
    if (attr.startsWith('x-') || (ATOMIC_SERVICE.has(attr) && !(attr === 'logging' && path.length > 3))) return 'atomic';
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
 * Can loading this value fail on its own? Compose interpolates every file before merging, so
 * `${VAR:?message}` / `${VAR?message}` (and a malformed `${`) fail even where a later file
 * overrides the value or a profile disables its service. Such values go to a shared file only
 * when every environment that loads it keeps them.
 */
export function fragile(v: unknown): boolean {
  if (typeof v === 'string') {
    if (!v.includes('${')) return false;
    const re = /\$(\$|\{([^}]*)\}?)/g;
    for (let m = re.exec(v); m; m = re.exec(v)) {
      if (m[1] === '$') continue;
      if (!m[0].endsWith('}')) return true;
      if (/^[A-Za-z_][A-Za-z0-9_]*:?\?/.test(m[2])) return true;
    }
    return false;
  }
  if (Array.isArray(v)) return v.some(fragile);
  if (v && typeof v === 'object') return Object.keys(v).some(fragile) || Object.values(v).some(fragile);
  return false;
}

/** Lines of a `name:` + `profiles: [marker]` stub. */
const DISABLE_LINES = 2;

/**
 * Estimated lines a value takes in block style below its key (0 for a scalar on the key's
 * line). An estimate for choices inside the planner; files are measured once written.
 */
export function linesOf(v: unknown): number {
  if (Array.isArray(v)) return v.reduce<number>((n, item) => n + Math.max(1, linesOf(item)), 0);
  if (isObj(v)) return Object.values(v).reduce<number>((n, x) => n + 1 + linesOf(x), 0);
  return 0;
}

/** Estimated lines of what `keep` keeps of `v`, below its key. */
export function keptLines(v: unknown, keep: Keep): number {
  if (keep === true || keep.kind === 'override') return linesOf(v);
  if (keep.kind === 'reset') return 0;
  if (keep.kind === 'disable') return DISABLE_LINES - 1;
  if (keep.kind === 'seq') return Array.isArray(v) ? [...keep.items].reduce((n, i) => n + Math.max(1, linesOf(v[i])), 0) : 0;
  let n = 0;
  for (const [k, sub] of keep.keys) {
    const x = isObj(v) ? v[k] : undefined;
    n += 1 + (x === undefined ? keptLines(null, sub) : keptLines(x, sub));
  }
  return n;
}

/** Logging blocks that all name the same driver (a block without one merges like any). */
function sameDriver(vals: unknown[]): boolean {
  if (!vals.every((v) => isObj(v) && typeof v.driver === 'string' && (v.options === undefined || isObj(v.options)))) return false;
  return new Set(vals.map((v) => (v as Record<string, unknown>).driver)).size === 1;
}

const resetAs = (v: unknown): ResetAs => (Array.isArray(v) ? 'seq' : isObj(v) ? 'map' : 'null');
const range = (from: number, to: number) => new Set(Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i));

/**
 * Plans the split. Pure; the result is checked by verification before anything is written.
 */
export function planExtract(input: PlanInput): Plan {
  const canon = input.canon ?? ((_p: P, v: unknown) => canonicalJson(v));
  const reset = !!input.allowReset;
  const replaces = input.replaces ?? ((_p: P, _b: unknown, v: unknown) => v === null || typeof v !== 'object');
  const n = input.models.length;
  const b = input.baseIndex;
  const isAtomicAt = (path: P): boolean => {
    const key = JSON.stringify(path);
    return input.atomic.some((s) => s.has(key));
  };
  const untaggable = input.untaggable ?? input.atomic;
  /** Can environment i's value at `path` be tagged `!override`? */
  const taggable = (i: number, path: P, v: unknown): boolean =>
    (Array.isArray(v) || isObj(v)) && !untaggable[i].has(JSON.stringify(path));
  const takes = (v: Val): boolean => v !== SKIP;
  const whole = (vals: Val[]): (Keep | null)[] => vals.map((v) => (v === ABSENT || v === SKIP ? null : true));
  const nothing = (vals: Val[]): Plan => ({ base: null, overrides: whole(vals) });
  const allEqual = (path: P, vals: Val[]): boolean => {
    const c = canon(path, vals[b]);
    return vals.every((v) => v === SKIP || (v !== ABSENT && canon(path, v) === c));
  };
  /** Environments whose value equals the base environment's (the group the base serves). */
  const group = (path: P, vals: Val[]): Set<number> => {
    const c = canon(path, vals[b]);
    return new Set(vals.flatMap((v, i) => (takes(v) && v !== ABSENT && canon(path, v) === c ? [i] : [])));
  };
  /**
   * How environment i says "my value is `v`" on top of the base's `base`: plain (keep it),
   * `!override`, or null (it cannot).
   */
  const express = (i: number, path: P, base: unknown, v: unknown): Keep | null => {
    if (replaces(path, base, v)) return true;
    if (reset && taggable(i, path, v)) return { kind: 'override' };
    return null;
  };

  /**
   * All or nothing: the base holds the base environment's value when at least one other
   * environment has the same, and every other one can say its own value on top of it
   * (a replaced value, such as a scalar or a command; `!override` with allowReset).
   */
  function atomic(path: P, vals: Val[]): Plan {
    if (allEqual(path, vals)) return { base: true, overrides: vals.map(() => null) };
    const g = group(path, vals);
    if (g.size >= (reset ? 2 : 1) && !fragile(vals[b])) {
      const overrides: (Keep | null)[] = vals.map((v, i) => (takes(v) && !g.has(i) ? express(i, path, vals[b], v) : null));
      if (overrides.every((o, i) => o !== null || !takes(vals[i]) || g.has(i))) return { base: true, overrides };
    }
    return nothing(vals);
  }

  /** Does environment i reference the top-level resource at `path` (`['volumes', 'data']`)? */
  const references = (i: number, path: P): boolean =>
    !input.references || input.references[i].has(`${String(path[0])}/${String(path[1])}`);
  /** The services every environment gives profiles of its own (they cannot be disabled by a marker). */
  const profiled = new Set(
    input.models.flatMap((m) => {
      const svcs = isObj(m.services) ? m.services : {};
      return Object.entries(svcs).flatMap(([name, svc]) => (isObj(svc) && svc.profiles !== undefined ? [name] : []));
    }),
  );

  /**
   * A service some environments lack, in the base: they disable it with a profile stub.
   * Only where the estimated lines go down.
   */
  function disabled(path: P, vals: Val[], absent: number[]): Plan | null {
    const sub = split(
      path,
      vals.map((v) => (v === ABSENT ? SKIP : v)),
    );
    if (!sub.base) return null;
    const present = vals.flatMap((v, i) => (takes(v) && v !== ABSENT ? [i] : []));
    const without = present.reduce((n, i) => n + 1 + linesOf(vals[i]), 0);
    const withStub =
      1 +
      keptLines(vals[b], sub.base) +
      present.reduce((n, i) => n + (sub.overrides[i] ? 1 + keptLines(vals[i], sub.overrides[i]!) : 0), 0) +
      DISABLE_LINES * absent.length;
    if (withStub >= without) return null;
    for (const i of absent) sub.overrides[i] = { kind: 'disable' };
    return sub;
  }

  function split(path: P, vals: Val[]): Plan {
    // a top-level volumes/networks/... section an environment lacks: its entries may still be
    // shared with it where it does not use them (see below)
    if (input.disable && path.length === 1 && RESOURCES.has(String(path[0])) && vals.some((v) => v === ABSENT) && vals[b] !== ABSENT) {
      const sub = splitMap(
        path,
        vals.map((v) => (v === ABSENT ? {} : v)),
      );
      if (sub.base) return sub;
    }
    const absent = vals.flatMap((v, i) => (v === ABSENT ? [i] : []));
    if (absent.length) {
      const present = vals.filter((v) => takes(v) && v !== ABSENT).length;
      if (reset && vals[b] !== ABSENT && present >= 2 && present > absent.length && typeof path[path.length - 1] === 'string' && !fragile(vals[b])) {
        const sub = split(
          path,
          vals.map((v) => (v === ABSENT ? SKIP : v)),
        );
        if (sub.base) {
          for (const i of absent) sub.overrides[i] = { kind: 'reset', as: resetAs(vals[b]) };
          return sub;
        }
      }
      if (input.disable && vals[b] !== ABSENT && present >= 2 && path.length === 2 && !fragile(vals[b])) {
        // a service the others lack: disabled by a profile where they are
        if (path[0] === 'services' && !profiled.has(String(path[1]))) {
          const sub = disabled(path, vals, absent);
          if (sub) return sub;
        }
        // a volume, network, secret or config the others neither declare nor use: Compose
        // drops unused resources, so the base may declare it for them
        if (
          RESOURCES.has(String(path[0])) &&
          !(path[0] === 'networks' && path[1] === 'default') &&
          absent.every((i) => !references(i, path))
        ) {
          const sub = split(
            path,
            vals.map((v) => (v === ABSENT ? SKIP : v)),
          );
          if (sub.base) return sub;
        }
      }
      return nothing(vals);
    }
    if (isAtomicAt(path)) return atomic(path, vals);
    let rule = ruleFor(path);
    const live = vals.filter(takes);
    // logging with one driver everywhere merges its options per key (another driver replaces
    // the whole block): then it splits like a mapping
    if (rule === 'atomic' && path.length === 3 && path[0] === 'services' && path[2] === 'logging' && sameDriver(live)) rule = 'deep';
    if (rule === 'atomic') return atomic(path, vals);
    if (rule === 'default' && path.length === 3 && path[0] === 'services' && path[2] === 'build') {
      const short = vals.map((v) => typeof v === 'string');
      if (short.some(Boolean) && live.every((v) => typeof v === 'string' || isObj(v)) && live.some(isObj))
        return splitShorthand(path, vals, short);
    }
    if (rule === 'default' || rule === 'deep') {
      if (live.every(isObj)) rule = 'deep';
      else if (live.every(Array.isArray)) rule = 'list';
      else return atomic(path, vals);
    }
    let plan: Plan;
    switch (rule) {
      case 'deep':
        plan = splitMap(path, vals);
        break;
      case 'list':
        plan = splitList(path, vals);
        break;
      default:
        plan = splitKeyed(path, vals, rule);
    }
    if (!plan.base) return nothing(vals);
    return plan;
  }

  /** `build: ./dir` is `build: {context: ./dir}`: split as mappings, a short form all or nothing. */
  function splitShorthand(path: P, vals: Val[], short: boolean[]): Plan {
    const plan = splitMap(
      path,
      vals.map((v, i) => (short[i] ? { context: v } : v)),
    );
    if (!plan.base) return nothing(vals);
    // a short-form environment keeps its value whole unless the base holds all of it; it
    // cannot say more than `context` (no !reset of the base's other build keys)
    const onlyContext = (k: Keep | null) => k === null || k === true || (k.kind === 'map' && [...k.keys.keys()].every((x) => x === 'context'));
    if (plan.overrides.some((o, i) => short[i] && !onlyContext(o))) return nothing(vals);
    if (short[b] && !onlyContext(plan.base)) return nothing(vals);
    const overrides = plan.overrides.map((o, i) => (short[i] && o !== null ? true : o));
    return { base: short[b] ? true : plan.base, overrides };
  }

  function splitMap(path: P, vals: Val[]): Plan {
    const maps = vals.map((v) => (isObj(v) ? v : null));
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const v of [maps[b], ...maps]) {
      if (!v) continue;
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
        if (maps[b] && k in maps[b]!) base.set(k, true);
        continue;
      }
      const child = split(
        [...path, k],
        maps.map((v, i) => (!takes(vals[i]) ? SKIP : Object.prototype.hasOwnProperty.call(v, k) ? v![k] : ABSENT)),
      );
      if (child.base) base.set(k, child.base);
      child.overrides.forEach((o, i) => o && ovs[i].set(k, o));
    }
    const onlyVersion = base.size === 1 && base.has('version');
    return {
      base: base.size && (!onlyVersion || path.length === 0) ? { kind: 'map', keys: base } : null,
      overrides: ovs.map((m) => (m.size ? { kind: 'map', keys: m } : null)),
    };
  }

  function splitList(path: P, vals: Val[]): Plan {
    const lists = vals.map((v) => (Array.isArray(v) ? v : null));
    const keys = lists.map((list) => (list ? list.map((item, i) => canon([...path, i], item)) : null));
    const live = keys.filter((k): k is string[] => k !== null);
    let p = 0;
    while (live.every((k) => p < k.length && k[p] === live[0][p])) p++;
    // the common prefix goes to the base; every override holds the rest of its list
    const prefix: Plan | null =
      p === 0
        ? null
        : {
            base: p === lists[b]!.length ? true : { kind: 'seq', items: range(0, p) },
            overrides: lists.map((l) => (l && l.length > p ? { kind: 'seq', items: range(p, l.length) } : null)),
          };
    if (!reset) return prefix ?? { base: null, overrides: whole(vals) };
    // with !override: the base environment's whole list, for its group
    const g = group(path, vals);
    let grouped: Plan | null = null;
    if (g.size >= 2 && !fragile(vals[b])) {
      const baseKeys = keys[b]!;
      const overrides = lists.map((l, i): Keep | null | undefined => {
        if (!l || g.has(i)) return null;
        const k = keys[i]!;
        if (k.length > baseKeys.length && baseKeys.every((x, j) => k[j] === x))
          return { kind: 'seq', items: range(baseKeys.length, l.length) };
        return express(i, path, lists[b], l) ?? undefined;
      });
      if (!overrides.includes(undefined)) grouped = { base: true, overrides: overrides as (Keep | null)[] };
    }
    const cost = (plan: Plan | null): number =>
      plan
        ? plan.overrides.reduce<number>(
            (n, o, i) => n + (o === null ? 0 : 1 + (o === true || o.kind === 'override' ? lists[i]!.length : o.kind === 'seq' ? o.items.size : 0)),
            0,
          )
        : Infinity;
    const best = cost(grouped) < cost(prefix) ? grouped : prefix;
    return best ?? { base: null, overrides: whole(vals) };
  }

  function splitKeyed(path: P, vals: Val[], rule: Rule): Plan {
    const entries = vals.map((v) => (takes(v) ? keyedEntries(v, rule) : []));
    if (entries.some((e) => e === undefined)) return atomic(path, vals);
    const es = entries as KeyedEntry[][];
    const part = vals.flatMap((v, i) => (takes(v) ? [i] : []));
    const mapForm = (i: number) => isObj(vals[i]);
    // per key: shared (in the base) or not; with !reset, what each other environment writes
    const extra = vals.map(() => new Map<string, Keep>());
    const shared = new Set<string>();
    for (const e of es[b]) {
      const others = part.filter((i) => i !== b);
      const found = others.map((i) => ({ i, x: es[i].find((x) => x.key === e.key) }));
      if (found.every((f) => f.x && f.x.canon === e.canon)) {
        shared.add(e.key);
        continue;
      }
      if (fragile((vals[b] as Record<string | number, unknown>)[e.ref])) continue;
      const same = found.filter((f) => f.x && f.x.canon === e.canon).length + 1;
      const missing = found.filter((f) => !f.x);
      if (same < (reset ? 2 : 1) || same <= missing.length || (!reset && missing.length)) continue;
      // a per-key !reset needs a mapping on both sides (list-form keymerge bases ignore it)
      if (missing.length && ((rule === 'keymerge' && !mapForm(b)) || missing.some((f) => !mapForm(f.i)))) continue;
      const marks = new Map<number, Keep>();
      let ok = true;
      // short forms as the engine reads them: `- db` is {condition: service_started, required: true}
      const shortEntry = rule === 'depends_on' ? { condition: 'service_started', required: true } : null;
      const entryOf = (i: number, ref: string | number) => (mapForm(i) ? (vals[i] as Record<string, unknown>)[ref as string] : shortEntry);
      for (const f of found) {
        if (!f.x || f.x.canon === e.canon) continue;
        if (rule === 'keymerge') continue; // key-merge: the override's value wins per key
        const entryPath = [...path, e.key];
        const ev = entryOf(f.i, f.x.ref);
        const how = replaces(entryPath, entryOf(b, e.ref), ev)
          ? true
          : reset && mapForm(f.i) && taggable(f.i, entryPath, ev)
            ? ({ kind: 'override' } as const)
            : null;
        if (how === null) ok = false;
        else if (how !== true) marks.set(f.i, how);
      }
      if (!ok) continue;
      shared.add(e.key);
      for (const [i, k] of marks) extra[i].set(String(es[i].find((x) => x.key === e.key)!.ref), k);
      for (const f of missing) extra[f.i].set(e.key, { kind: 'reset', as: 'null' });
    }
    if (!shared.size) return { base: null, overrides: whole(vals) };
    const baseCanon = new Map(es[b].map((e) => [e.key, e.canon]));
    const keepOf = (i: number, pick: (e: KeyedEntry) => boolean): Keep | null => {
      const v = vals[i];
      const list = es[i];
      const chosen = list.filter(pick);
      const marks = extra[i];
      if (!chosen.length && !marks.size) return null;
      if (chosen.length === list.length && !marks.size) return true;
      if (Array.isArray(v)) return { kind: 'seq', items: new Set(chosen.map((e) => e.ref as number)) };
      const keys = new Map<string, Keep>(chosen.map((e) => [e.ref as string, true as Keep]));
      for (const [k, m] of marks) keys.set(k, m);
      return { kind: 'map', keys };
    };
    return {
      base: keepOf(b, (e) => shared.has(e.key)),
      // an environment keeps what the base does not hold, and its own value of a shared key
      overrides: vals.map((v, i) => (takes(v) ? keepOf(i, (e) => !shared.has(e.key) || baseCanon.get(e.key) !== e.canon) : null)),
    };
  }

  if (n < 2) throw new Error('planExtract needs at least two environments');
  return split([], input.models);
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
