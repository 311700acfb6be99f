/**
 * From a plan to file texts: the base (or a shared layer) cut from one source, every other
 * output cut from its own source, by deletion (text.ts), then comments placed. A comment
 * block (a run of comment lines, an inline comment) lives in the file that serves exactly the
 * environments whose files have it:
 * - a block every source has, where the base keeps it, stays in the base only (the copies in
 *   the overrides are removed);
 * - any other block stays in its own environment's override, never in the base: when the
 *   entry it was on went to the base, the block is inserted in the override above the nearest
 *   entry the override keeps;
 * - a file-header comment stays with its environment's own file (the base keeps it when it is
 *   written where that file was and plain `docker compose` still starts there); it is not
 *   copied into a new file unless every source starts with it (it describes the project).
 * Only a source left with no override of its own puts its comments in the base (nowhere else
 * to go); verification checks that no comment is lost.
 */
import type { TextEdit } from '../core/edit.js';
import type { ComposeSource } from '../core/source.js';
import { mergeFiles, normalize, Override, RESET } from '../core/merge/index.js';
import { deepEqual } from '../core/merge/values.js';
import { nodeAt } from '../core/query.js';
import { ruleFor, type Keep, type Plan } from './plan.js';
import {
  atomicPaths,
  blockKept,
  blockRemoval,
  commentBlocks,
  commentInsertions,
  cutSource,
  withCommentEdits,
  type CommentBlock,
  type Cut,
} from './text.js';

/** The sources of a plan, in the plan's order, with the path of each one's own output. */
export type Sources = { src: ComposeSource; model: Record<string, unknown>; target: string }[];

export interface BuildOptions {
  /** Path of the file cut as the base (or the layer). */
  basePath: string;
  /**
   * The base is written where the base source was, and that source's environment still
   * starts there (plain `docker compose` loads the base and its override): its file-header
   * comment stays in the base. Otherwise a header goes with its environment's own file.
   */
  headerStays?: boolean;
  /** Profile that disables services (plans with `disable` keeps). */
  marker?: string;
}

/** Does the keep tree keep the entry at `p` (of `model`)? */
export function keptAt(keep: Keep | null, model: unknown, p: readonly (string | number)[]): boolean {
  let k: Keep | null = keep;
  let v: unknown = model;
  for (const seg of p) {
    if (!k) return false;
    if (k === true) return v !== undefined;
    if (k.kind === 'reset' || k.kind === 'disable') return false;
    if (k.kind === 'override') return v !== undefined;
    if (k.kind === 'map') {
      k = k.keys.get(String(seg)) ?? null;
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[String(seg)] : undefined;
    } else {
      if (typeof seg !== 'number' || !k.items.has(seg)) return false;
      k = true;
      v = Array.isArray(v) ? v[seg] : undefined;
    }
  }
  return !!k && !(k !== true && (k.kind === 'reset' || k.kind === 'disable'));
}

/** Comment edits for one output: blocks removed, blocks inserted (as whole lines). */
class OutputComments {
  readonly removals: TextEdit[] = [];
  readonly inserts: { path: readonly (string | number)[]; text: string }[] = [];
  constructor(
    readonly cut: Cut,
    readonly keep: Keep,
    readonly model: unknown,
  ) {}

  private headerDropped = false;

  /** Make the block present (`want`) or absent in this output. */
  place(block: CommentBlock, want: boolean): void {
    const kept = blockKept(this.cut, block);
    if (kept && !want) {
      this.removals.push(blockRemoval(this.cut, block));
      if (block.header) this.headerDropped = true;
    } else if (!kept && want) this.add(block);
  }

  /** Insert a block (of this or another source) above the nearest entry this output keeps. */
  add(block: CommentBlock): void {
    for (const text of block.texts) this.inserts.push({ path: block.owner, text });
  }

  text(): string {
    const inserts = this.inserts.length
      ? commentInsertions(this.cut.src, this.inserts, (p) => keptAt(this.keep, this.model, p))
      : [];
    const text = withCommentEdits(this.cut, [...this.removals, ...inserts]);
    // without its header, the file does not start with the blank lines that followed it
    return this.headerDropped ? text.replace(/^(\uFEFF?)(?:[ \t]*\r?\n)+/, '$1') : text;
  }
}

/** The value a keep tree writes: what the file says after the cut, markers included. */
export function keptValue(v: unknown, k: Keep, marker?: string): unknown {
  if (k === true) return v;
  if (k.kind === 'override') return new Override(v);
  if (k.kind === 'reset') return RESET;
  if (k.kind === 'disable') return { profiles: [marker] };
  if (k.kind === 'seq') return Array.isArray(v) ? v.filter((_, i) => k.items.has(i)) : v;
  const o = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, sub] of k.keys) out[key] = keptValue(o[key], sub, marker);
  return out;
}

/** `k` keeping the entry at `p` whole too (null when the tree cannot say so). */
function withEntry(k: Keep | null, v: unknown, p: readonly (string | number)[]): Keep | null {
  if (!p.length || k === true) return true;
  const [seg, ...rest] = p;
  if (typeof seg === 'number') {
    if (!Array.isArray(v) || (k && k.kind !== 'seq')) return null;
    return { kind: 'seq', items: new Set([...(k?.kind === 'seq' ? k.items : []), seg]) };
  }
  if (k && k.kind !== 'map') return null;
  if (!v || typeof v !== 'object' || Array.isArray(v) || !(seg in v)) return null;
  const keys = new Map(k?.kind === 'map' ? k.keys : []);
  const sub = withEntry(keys.get(seg) ?? null, (v as Record<string, unknown>)[seg], rest);
  if (!sub) return null;
  keys.set(seg, sub);
  return { kind: 'map', keys };
}

/** Lines the entry at `p` takes in the source (Infinity when it is not there). */
function entryLines(src: ComposeSource, p: readonly (string | number)[]): number {
  const ref = nodeAt(src, p);
  if (!ref?.range) return Infinity;
  const keyStart = (ref.pair?.key as { range?: [number, number] } | null | undefined)?.range?.[0];
  const start = typeof p[p.length - 1] === 'number' || keyStart === undefined ? ref.range[0] : keyStart;
  return src.text.slice(start, ref.range[1]).split('\n').length;
}

/** Largest entry (in lines) restated in an override to keep a comment of its own environment on it. */
const RESTATE_LINES = 4;

/**
 * A comment block only one source has, on an entry that went to the base, stays with that
 * entry: the source's override restates the entry when that is small and changes nothing
 * (checked with the merge engine); otherwise the block goes above the nearest kept entry.
 */
function restateForComments(sources: Sources, plan: Plan, b: number, blocks: CommentBlock[][], holders: Map<string, Set<number>>, marker?: string): Plan {
  const overrides = [...plan.overrides];
  const atomic = sources.map(({ src }) => atomicPaths(src));
  let baseModel: unknown;
  sources.forEach(({ model }, i) => {
    const k = overrides[i];
    if (!k) return;
    let current: unknown;
    for (const bl of blocks[i]) {
      if (bl.header || holders.get(bl.key)!.size > 1 || !bl.owner.length) continue;
      if (keptAt(overrides[i], model, bl.owner) || !keptAt(plan.base, sources[b].model, bl.owner)) continue;
      // the entry as a whole: up to a list item, or the outermost node that moves whole
      const entry = bl.owner.findIndex((x) => typeof x === 'number');
      let p = entry >= 0 ? bl.owner.slice(0, entry + 1) : bl.owner;
      const whole = atomic[i];
      const stop = p.findIndex((_, k) => (ruleFor(p.slice(0, k + 1)) === 'atomic' || whole.has(JSON.stringify(p.slice(0, k + 1)))));
      if (stop >= 0) p = p.slice(0, stop + 1);
      if (entryLines(sources[i].src, p) > RESTATE_LINES) continue;
      const next = withEntry(overrides[i], model, p);
      if (!next) continue;
      try {
        baseModel ??= keptValue(sources[b].model, plan.base!, marker);
        const mergeWith = (keep: Keep) =>
          normalize(mergeFiles([{ path: 'base', model: baseModel }, { path: 'override', model: keptValue(model, keep, marker) }]));
        current ??= mergeWith(overrides[i]!);
        if (deepEqual(current, mergeWith(next))) overrides[i] = next;
      } catch {
        // not expressible: the block goes above the nearest kept entry
      }
    }
  });
  return { base: plan.base, overrides };
}

/** Builds the base (from source `b`) and each override (null: the source keeps nothing). */
export interface Built {
  base: string;
  overrides: (string | null)[];
  /**
   * Comment lines of one environment that went to the base anyway, because that
   * environment has no file of its own left (candidates without any are preferred).
   */
  homeless: number;
}

export function buildFiles(sources: Sources, given: Plan, b: number, opts: BuildOptions): Built {
  const marker = opts.marker;
  const n = sources.length;
  const blocks = sources.map(({ src }) => commentBlocks(src));
  const holders = new Map<string, Set<number>>();
  blocks.forEach((list, i) => list.forEach((bl) => holders.set(bl.key, (holders.get(bl.key) ?? new Set()).add(i))));
  const plan = restateForComments(sources, given, b, blocks, holders, marker);
  const base = new OutputComments(cutSource(sources[b].src, sources[b].model, plan.base!, { marker }), plan.base!, sources[b].model);
  const overrides = sources.map(({ src, model }, i) => {
    const k = plan.overrides[i];
    return k ? new OutputComments(cutSource(src, model, k, { marker }), k, model) : null;
  });
  const everywhere = (bl: CommentBlock) => holders.get(bl.key)!.size === n;
  const shared = (bl: CommentBlock) => holders.get(bl.key)!.size >= 2;
  // A block several sources have lives once in the base when the base keeps the entry it
  // is on: the base source's copy where the base keeps it, else the first holder's copy.
  const inBase = new Map<string, { source: number; block: CommentBlock }>();
  for (const bl of blocks[b]) if (!bl.header && shared(bl) && blockKept(base.cut, bl)) inBase.set(bl.key, { source: b, block: bl });
  blocks.forEach((list, i) => {
    for (const bl of list) {
      if (bl.header || !shared(bl) || inBase.has(bl.key)) continue;
      if (bl.owner.length && keptAt(plan.base, sources[b].model, bl.owner)) inBase.set(bl.key, { source: i, block: bl });
    }
  });
  const served = new Set<string>(inBase.keys());
  let homeless = 0;
  for (const { source, block } of inBase.values()) if (source !== b) base.add(block);

  // the base's own source: its other blocks belong to its own override
  const own = overrides[b];
  for (const bl of blocks[b]) {
    if (bl.header) {
      // at the source's own path; a new file gets it only when every source has it
      const inBaseFile = everywhere(bl) || !own || !!opts.headerStays;
      if (!own && !everywhere(bl) && !opts.headerStays) homeless += bl.texts.length;
      base.place(bl, inBaseFile);
      if (inBaseFile) served.add(bl.key);
      own?.place(bl, everywhere(bl) || !inBaseFile);
      continue;
    }
    const mine = inBase.get(bl.key);
    base.place(bl, mine ? mine.source === b && mine.block === bl : !own);
    if (!mine && !own && !shared(bl)) homeless += bl.texts.length;
    own?.place(bl, !mine);
  }
  // the other sources: their overrides keep what the base does not serve
  sources.forEach((_, i) => {
    if (i === b) return;
    const mine = overrides[i];
    for (const bl of blocks[i]) {
      const want = bl.header || !inBase.has(bl.key);
      if (mine) mine.place(bl, want);
      else if (want && !served.has(bl.key)) {
        // no file of its own: the base is the only place left
        served.add(bl.key);
        base.add(bl);
        if (!shared(bl)) homeless += bl.texts.length;
      }
    }
  });
  if (!own) for (const bl of blocks[b]) served.add(bl.key);
  return { base: base.text(), overrides: overrides.map((o) => (o ? o.text() : null)), homeless };
}
