/**
 * Where the entries of a collection are in the original text: node ranges, and the
 * line-based region of each entry of a block collection with its attached comments.
 *
 * An entry's region takes its attached comment lines (directly above, at or left of its
 * column, no blank line between — except a file header comment at the top of the
 * document), its inline comment and deeper-indented comment lines after it.
 */
import { isCollection, isPair, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import { ComposemodError } from '../errors.js';
import type { YamlCollection } from '../query.js';
import { indentOf, isBlank, isComment, isDocMarker } from './lines.js';
import type { Lines } from './lines.js';

/** One entry (pair or item) of a block collection, with its line-based region. */
export interface Entry {
  item: unknown;
  /** Key start / dash offset. */
  start: number;
  lineStart: number;
  col: number;
  /** Something other than indentation precedes `start` on its line (`- a: 1`). */
  midLine: boolean;
  /** End of the entry's region: after the EOL of its last line, trailing comments included. */
  end: number;
  /** Start of its attached preceding comment lines (`lineStart` if none). */
  commentStart: number;
}

type Range3 = [number, number, number];
export const rangeOf = (n: unknown): Range3 | undefined => (n as { range?: Range3 } | null | undefined)?.range ?? undefined;

/**
 * End of a node's content, before any trailing comments (yaml's own `range[1]` of a block
 * collection can extend over comments that follow its last entry).
 */
function contentEnd(node: unknown): number {
  const r = rangeOf(node);
  if (isCollection(node) && !node.flow && node.items.length) {
    const last = node.items[node.items.length - 1] as unknown;
    if (isPair(last)) {
      const kr = rangeOf(last.key);
      return Math.max(kr ? kr[1] : 0, last.value ? contentEnd(last.value) : 0);
    }
    return contentEnd(last);
  }
  return r ? r[1] : 0;
}

/** The text range of an entry (pair or item) of a flow collection, without separators. */
export function flowItemRange(item: unknown): [number, number] {
  if (isPair(item)) {
    const kr = rangeOf(item.key)!;
    const vr = rangeOf(item.value);
    return [kr[0], Math.max(kr[1], vr ? vr[1] : 0)];
  }
  const r = rangeOf(item)!;
  return [r[0], r[1]];
}

interface CstItem {
  start: { type: string; offset: number }[];
}

/** The entries of a block collection, in order. */
export function entriesOf(lines: Lines, coll: YamlCollection): Entry[] {
  const t = lines.t;
  const dashes: number[] = [];
  if (isSeq(coll)) {
    const items = (coll.srcToken as { items?: CstItem[] } | undefined)?.items ?? [];
    for (const it of items) for (const tok of it.start) if (tok.type === 'seq-item-ind') dashes.push(tok.offset);
  }
  return (coll.items as unknown[]).map((item) => {
    let start: number;
    let valueEnd: number;
    if (isPair(item)) {
      const kr = rangeOf(item.key);
      const vr = rangeOf(item.value);
      if (!kr) throw new ComposemodError('internal: mapping entry without a key range');
      start = kr[0];
      valueEnd = Math.max(kr[1], vr ? contentEnd(item.value) : 0);
    } else {
      const r = rangeOf(item)!;
      start = r[0];
      const before = dashes.filter((d) => d <= r[0]);
      if (before.length) start = before[before.length - 1];
      valueEnd = contentEnd(item);
    }
    const lineStart = lines.start(start);
    const m = /^( *)((?:[&!][^\s]*\s+)*)$/.exec(t.slice(lineStart, start));
    const midLine = !m;
    if (m) start = lineStart + m[1].length;
    const col = start - lineStart;
    // yaml may end a nested block value after the next line's indentation
    const endLine = lines.start(valueEnd);
    let end = isBlank(t.slice(endLine, valueEnd)) ? endLine : lines.next(valueEnd);
    for (let scan = end; scan < t.length; ) {
      const l = lines.line(scan);
      if (isBlank(l)) scan = lines.next(scan);
      else if (isComment(l) && indentOf(l) > col) scan = end = lines.next(scan);
      else break;
    }
    let commentStart = midLine ? start : lineStart;
    if (!midLine) {
      for (let p = lines.prev(commentStart); p >= 0; p = lines.prev(p)) {
        const l = lines.line(p);
        if (isComment(l) && indentOf(l) <= col) commentStart = p;
        else break;
      }
      if (commentStart < lineStart && isHeader(lines, commentStart)) commentStart = lineStart;
    }
    return { item, start, lineStart, col, midLine, end, commentStart };
  });
}

/** Only blank/comment/directive lines between the document start and `ls`. */
function isHeader(lines: Lines, ls: number): boolean {
  for (let p = lines.prev(ls); p >= 0; p = lines.prev(p)) {
    const l = lines.line(p);
    if (isDocMarker(l)) return true;
    if (!isBlank(l) && !isComment(l) && !l.startsWith('%')) return false;
  }
  return true;
}

/** A null value: absent, a null scalar, or an empty flow collection. */
export function isNullish(node: ParsedNode | null): boolean {
  if (node === null) return true;
  if (isScalar(node)) return node.value === null;
  return isEmptyFlow(node);
}

export function isEmptyFlow(node: unknown): boolean {
  return isCollection(node) && !!node.flow && node.items.length === 0;
}
