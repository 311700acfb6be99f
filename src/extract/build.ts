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
 * - a file-header comment stays in one output, the one at the source's own path (it is not
 *   copied into a new file), unless every source starts with it (it describes the project).
 * Only a source left with no override of its own puts its comments in the base (nowhere else
 * to go); verification checks that no comment is lost.
 */
import type { TextEdit } from '../core/edit.js';
import type { ComposeSource } from '../core/source.js';
import type { Keep, Plan } from './plan.js';
import {
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

  /** Make the block present (`want`) or absent in this output. */
  place(block: CommentBlock, want: boolean): void {
    const kept = blockKept(this.cut, block);
    if (kept && !want) this.removals.push(blockRemoval(this.cut, block));
    else if (!kept && want) this.add(block);
  }

  /** Insert a block (of this or another source) above the nearest entry this output keeps. */
  add(block: CommentBlock): void {
    for (const text of block.texts) this.inserts.push({ path: block.owner, text });
  }

  text(): string {
    const inserts = this.inserts.length
      ? commentInsertions(this.cut.src, this.inserts, (p) => keptAt(this.keep, this.model, p))
      : [];
    return withCommentEdits(this.cut, [...this.removals, ...inserts]);
  }
}

/** Builds the base (from source `b`) and each override (null: the source keeps nothing). */
export function buildFiles(sources: Sources, plan: Plan, b: number, opts: BuildOptions): { base: string; overrides: (string | null)[] } {
  const marker = opts.marker;
  const n = sources.length;
  const base = new OutputComments(cutSource(sources[b].src, sources[b].model, plan.base!, { marker }), plan.base!, sources[b].model);
  const overrides = sources.map(({ src, model }, i) => {
    const k = plan.overrides[i];
    return k ? new OutputComments(cutSource(src, model, k, { marker }), k, model) : null;
  });
  const blocks = sources.map(({ src }) => commentBlocks(src));
  const holders = new Map<string, Set<number>>();
  blocks.forEach((list, i) => list.forEach((bl) => holders.set(bl.key, (holders.get(bl.key) ?? new Set()).add(i))));
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
  for (const { source, block } of inBase.values()) if (source !== b) base.add(block);

  // the base's own source: its other blocks belong to its own override
  const own = overrides[b];
  for (const bl of blocks[b]) {
    if (bl.header) {
      // at the source's own path; a new file gets it only when every source has it
      const inBaseFile = everywhere(bl) || !own || opts.basePath === sources[b].src.path;
      base.place(bl, inBaseFile);
      own?.place(bl, everywhere(bl) || !inBaseFile);
      continue;
    }
    const mine = inBase.get(bl.key);
    base.place(bl, mine ? mine.source === b && mine.block === bl : !own);
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
      }
    }
  });
  if (!own) for (const bl of blocks[b]) served.add(bl.key);
  return { base: base.text(), overrides: overrides.map((o) => (o ? o.text() : null)) };
}
