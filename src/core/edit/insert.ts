/**
 * Insertion edits: new entries in the file's style, into block collections (like their
 * siblings, blank-separated as they are), flow collections, and null / empty values.
 *
 * Blank lines: a new entry is blank-separated when its siblings all are; a new top-level
 * entry also follows the file's spacing after multi-line sections, or, with none to look at,
 * gets a blank line after a last section longer than 3 lines (`sectionsBlankSeparated`).
 * Never right after the parent key, never doubled, never before a deleted last entry.
 */
import { isCollection, isMap } from 'yaml';
import type { YAMLMap } from 'yaml';
import { renderFlow, renderKey } from '../emit.js';
import { physicalPairs } from '../query.js';
import type { NodeRef, Path, YamlCollection } from '../query.js';
import type { TextEdit } from './apply.js';
import type { DepthEdit, EditContext, InsertOptions } from './context.js';
import { flowItemRange, rangeOf } from './entries.js';
import type { Entry } from './entries.js';
import { isBlank } from './lines.js';
import { emitBlock } from './render.js';

/** Insert `value`'s entries into the non-empty block collection `coll` at `path`. */
export function blockInsert(
  cx: EditContext,
  coll: YamlCollection,
  value: Record<string, unknown> | unknown[],
  opts: InsertOptions,
  path: Path,
  tag?: string,
): DepthEdit[] {
  const entries = cx.entries(coll);
  const t = cx.src.text;
  const eol = cx.format.eol;
  const col = entries[0].col;
  const find = (key: string): Entry => {
    const pairs = isMap(coll) ? physicalPairs(coll as YAMLMap.Parsed, key) : [];
    if (!pairs.length) throw cx.fail([...path, key], 'no such sibling key');
    return entries.find((x) => x.item === pairs[pairs.length - 1].pair)!;
  };
  let text = emitBlock(value, cx.format, col, tag);
  const gapBlank = (i: number): boolean =>
    t.slice(entries[i - 1].end, entries[i].commentStart).split('\n').some((l, j, a) => j < a.length - 1 && isBlank(l));
  const gaps = entries.slice(1).map((_, i) => gapBlank(i + 1));
  let blankSep = gaps.length > 0 && gaps.every(Boolean);
  if (!blankSep && path.length === 0 && isMap(coll)) blankSep = sectionsBlankSeparated(cx, entries, gaps);
  // next to entries this Editor deletes, the blank line goes only between entries that stay
  // or are inserted: not right after the parent key, not before a deleted last entry
  const alive = entries.map((x) => !cx.deleted.has(x.item));
  const others = cx.blockInserts.filter((x) => x.coll === coll);
  const me = others.findIndex((x) => x.opts === opts);
  const at = (o: InsertOptions): string => (o.before !== undefined ? `<${entries.indexOf(find(o.before))}` : `>${o.after !== undefined ? entries.indexOf(find(o.after)) : entries.length - 1}`);
  const samePlace = others.map((x) => at(x.opts) === at(opts));
  if (opts.before !== undefined) {
    const target = find(opts.before);
    const i = entries.indexOf(target);
    const last = !alive.slice(i).some(Boolean) && !samePlace.some((same, k) => same && k > me);
    if (target.midLine) return [{ start: target.start, end: target.start, text: text.trimStart() + (last ? '' : ' '.repeat(col)), depth: col }];
    return [{ start: target.commentStart, end: target.commentStart, text: text + (blankSep && !last ? eol : ''), depth: col }];
  }
  const target = opts.after !== undefined ? find(opts.after) : entries[entries.length - 1];
  const pos = target.end;
  const first = !alive.slice(0, entries.indexOf(target) + 1).some(Boolean) && !samePlace.some((same, k) => same && k < me);
  if (blankSep && !first) text = eol + text;
  if (pos === t.length && !t.endsWith('\n')) text = eol + text.slice(0, -eol.length);
  return [{ start: pos, end: pos, text, depth: col }];
}

/**
 * Top-level entries (sections): is a new one separated by a blank line? The file's own
 * convention for the gaps that follow a multi-line entry (blank in at least half of them);
 * without such a gap (one top-level key, or only one-line entries like `version:` before the
 * last), a blank line when the last entry spans more than 3 lines. In corpus/single, 131 of
 * the 173 files with a gap after a multi-line top-level entry make every such gap blank
 * (133 at least half), and 122 of the 185 files with 2+ top-level keys separate them all.
 */
function sectionsBlankSeparated(cx: EditContext, entries: Entry[], gaps: boolean[]): boolean {
  const lineOf = (o: number): number => cx.src.position(o).line;
  const span = (x: Entry): number => {
    let e = x.end;
    while (e > x.lineStart && /\s/.test(cx.src.text[e - 1])) e--;
    return lineOf(e) - lineOf(x.lineStart) + 1;
  };
  const afterBlock = gaps.filter((_, i) => span(entries[i]) > 1);
  if (afterBlock.length) return afterBlock.filter(Boolean).length * 2 >= afterBlock.length;
  return span(entries[entries.length - 1]) > 3;
}

/** Insert `value`'s entries into the flow collection `coll` (at `ref`). */
export function flowInsert(
  cx: EditContext,
  coll: YamlCollection,
  ref: NodeRef,
  value: Record<string, unknown> | unknown[],
  opts: InsertOptions,
  tag?: string,
): TextEdit[] {
  const parts = Array.isArray(value)
    ? value.map((v) => renderFlow(v, cx.format))
    : Object.entries(value).map(([k, v]) => `${renderKey(k, cx.format, true)}: ${tag ? tag + ' ' : ''}${renderFlow(v, cx.format)}`);
  const text = parts.join(', ');
  const r = ref.range!;
  const items = coll.items as unknown[];
  if (!items.length) {
    const open = r[0] + 1;
    return [{ start: open, end: open, text }];
  }
  const byKey = (key: string): unknown => {
    const p = physicalPairs(coll as YAMLMap.Parsed, key);
    if (!p.length) throw cx.fail([...ref.path, key], 'no such sibling key');
    return p[p.length - 1].pair;
  };
  if (opts.before !== undefined) {
    const at = flowItemRange(byKey(opts.before))[0];
    return [{ start: at, end: at, text: text + ', ' }];
  }
  const after = opts.after !== undefined ? byKey(opts.after) : items[items.length - 1];
  const at = flowItemRange(after)[1];
  return [{ start: at, end: at, text: ', ' + text }];
}

/** Give a null / empty value a first entry, as a block collection under its key. */
export function fillEmpty(cx: EditContext, ref: NodeRef, value: Record<string, unknown> | unknown[], path: Path, tag?: string): DepthEdit[] {
  const t = cx.src.text;
  const eol = cx.format.eol;
  const node = ref.node;
  if (node && (node as { tag?: string }).tag && !isCollection(node)) {
    throw cx.fail(path, 'the value has a tag; not editing it', ref);
  }
  if (!ref.parent) {
    // the document root: empty document, or `{}` / `[]`
    const r = ref.range;
    if (r && r[1] > r[0]) return [{ start: r[0], end: r[1], text: emitBlock(value, cx.format, 0, tag).slice(0, -eol.length) }];
    const pos = t.length;
    const text = emitBlock(value, cx.format, 0, tag);
    return [{ start: pos, end: pos, text: pos > 0 && !t.endsWith('\n') ? eol + text.slice(0, -eol.length) : text }];
  }
  if (!ref.pair) throw cx.fail(path, 'cannot fill an empty sequence item in place', ref);
  const kr = rangeOf(ref.pair.key)!;
  const keyCol = kr[0] - cx.lines.start(kr[0]);
  const col = keyCol + (Array.isArray(value) && !cx.format.seqIndent ? 0 : cx.format.indent);
  const body = emitBlock(value, cx.format, col, tag).slice(0, -eol.length);
  const edits: DepthEdit[] = [];
  const r = ref.range!;
  const colon = t.indexOf(':', kr[1]);
  if (r[1] > r[0]) edits.push({ start: colon + 1, end: r[1], text: '' });
  const lineEnd = cx.lines.contentEnd(Math.max(r[1], colon));
  edits.push({ start: lineEnd, end: lineEnd, text: eol + body, depth: col });
  return edits;
}
