/**
 * Deletion edits: the entries an Editor deletes, grouped by collection. A block entry goes
 * with its whole region (attached comments included, see `entriesOf`) and the blank lines
 * that would otherwise be left doubled, right after the parent key or at the end of the
 * text. Deleting the last entry of a collection leaves an empty flow collection (`key: {}`,
 * `key: []`).
 */
import { isMap } from 'yaml';
import type { NodeRef, YamlCollection } from '../query.js';
import type { TextEdit } from './apply.js';
import { insertDepth } from './combine.js';
import type { EditContext } from './context.js';
import { flowItemRange, rangeOf } from './entries.js';
import { isBlank, isComment } from './lines.js';
import { EMPTY_MAP_TEXT, EMPTY_SEQ_TEXT } from './render.js';

export interface DeleteIntent {
  coll: YamlCollection;
  /** The NodeRef of the collection (to find the pair holding it). */
  collRef: NodeRef;
  item: unknown;
}

/** The edits deleting `deletes`, next to `inserts` (whose text may be adjusted in place). */
export function deletionEdits(cx: EditContext, deletes: readonly DeleteIntent[], inserts: TextEdit[]): TextEdit[] {
  const byColl = new Map<YamlCollection, DeleteIntent[]>();
  for (const d of deletes) {
    const list = byColl.get(d.coll) ?? [];
    list.push(d);
    byColl.set(d.coll, list);
  }
  const out: TextEdit[] = [];
  for (const [coll, intents] of byColl) {
    if (coll.flow) out.push(...flowDeletes(cx, coll, intents[0].collRef));
    else out.push(...blockDeletes(cx, coll, intents[0].collRef, inserts));
  }
  return out;
}

function flowDeletes(cx: EditContext, coll: YamlCollection, collRef: NodeRef): TextEdit[] {
  const items = coll.items as unknown[];
  const keep = items.filter((x) => !cx.deleted.has(x));
  if (!keep.length && !cx.insertedInto.has(coll)) {
    const r = collRef.range!;
    return [{ start: r[0] + 1, end: r[1] - 1, text: '' }];
  }
  const out: TextEdit[] = [];
  items.forEach((item, i) => {
    if (!cx.deleted.has(item)) return;
    const prev = items.slice(0, i).reverse().find((x) => !cx.deleted.has(x));
    const next = items.slice(i + 1).find((x) => !cx.deleted.has(x));
    if (prev) out.push({ start: flowItemRange(prev)[1], end: flowItemRange(item)[1], text: '' });
    else if (next) out.push({ start: flowItemRange(item)[0], end: flowItemRange(next)[0], text: '' });
    else out.push({ start: flowItemRange(item)[0], end: flowItemRange(item)[1], text: '' });
  });
  return out;
}

function blockDeletes(cx: EditContext, coll: YamlCollection, collRef: NodeRef, inserts: TextEdit[]): TextEdit[] {
  const lines = cx.lines;
  const t = cx.src.text;
  const eol = cx.format.eol;
  const entries = cx.entries(coll);
  const alive = entries.map((x) => !cx.deleted.has(x.item));
  const emptied = !alive.some(Boolean) && !cx.insertedInto.has(coll);
  const out: TextEdit[] = [];
  const empty = isMap(coll) ? EMPTY_MAP_TEXT : EMPTY_SEQ_TEXT;
  if (emptied) {
    const first = entries[0];
    const last = entries[entries.length - 1];
    const holder = collRef.pair;
    const hasProps = !!(coll.anchor || coll.tag);
    if (holder && !first.midLine && !hasProps && isMap(collRef.parent) && !collRef.parent.flow) {
      const kr = rangeOf(holder.key)!;
      const colon = t.indexOf(':', kr[1]);
      out.push({ start: colon + 1, end: colon + 1, text: ' ' + empty });
    } else if (!collRef.parent) {
      return [{ start: first.lineStart, end: last.end, text: empty + eol }];
    } else {
      const end = last.end - lines.eolBefore(last.end);
      return [{ start: first.start, end, text: empty }];
    }
  }
  entries.forEach((entry, i) => {
    if (alive[i]) return;
    const prevAlive = alive.slice(0, i).some(Boolean);
    const nextIdx = alive.indexOf(true, i + 1);
    if (entry.midLine) {
      const next = nextIdx >= 0 ? entries[nextIdx] : undefined;
      // `- a: 1`: the next entry kept moves up onto the dash line, unless an entry inserted
      // before it (or in place of every entry) takes that place: that insert's first line
      // then starts at the dash, the lines after it stay
      const limit = next ? next.start : entries[entries.length - 1].end;
      const slot = inserts
        .filter((x) => x.start >= entry.end && x.start <= limit && x.start < (next ? next.start : Infinity))
        .filter((x) => (lines.start(x.start) === x.start || x.start === t.length) && insertDepth(cx, x) === entry.col)
        .sort((a, b) => a.start - b.start)[0];
      if (slot) {
        slot.text = slot.text.replace(/^(\r?\n)+/, '').slice(entry.col);
        out.push({ start: entry.start, end: slot.start, text: '' });
      } else {
        out.push({ start: entry.start, end: next ? next.start : entry.end, text: '' });
      }
      return;
    }
    let start = entry.commentStart;
    let end = entry.end;
    const p = lines.prev(start);
    const before = p >= 0 && isBlank(lines.line(p));
    const afterBlank = end < t.length && isBlank(lines.line(end));
    const hasInsertIn = (a: number, b: number): boolean => inserts.some((x) => x.start > a && x.start < b);
    const pullUp = (): void => {
      let s2 = start;
      while (lines.prev(s2) >= 0 && isBlank(lines.line(lines.prev(s2)))) s2 = lines.prev(s2);
      if (!hasInsertIn(s2, start + 1)) start = s2;
    };
    // a kept comment directly above (a file header) keeps its separating blank line
    const aboveIsComment = p >= 0 && isComment(lines.line(p));
    // entries inserted before it take its place: the blank line after it stays
    const replaced = inserts.some((x) => x.start === start && x.end === start);
    // nothing kept before it, only deleted entries after it: its blank line would be left
    // right after the parent key
    const onlyDeletedAround = !prevAlive && nextIdx < 0 && i < entries.length - 1;
    if (afterBlank && ((nextIdx >= 0 && (before || (!prevAlive && !aboveIsComment))) || (nextIdx < 0 && (before || onlyDeletedAround) && !replaced))) {
      let e2 = end;
      while (e2 < t.length && isBlank(lines.line(e2))) e2 = lines.next(e2);
      if (!hasInsertIn(end - 1, e2) && !(e2 >= t.length && nextIdx < 0)) end = e2;
      else if (e2 >= t.length && before) pullUp();
    } else if (before && lines.atDocEnd(end) && nextIdx < 0) {
      pullUp();
    }
    // an entry inserted right after it brings its own blank line: the one before it goes
    if (before && inserts.some((x) => x.start === end && x.end === end && /^\r?\n/.test(x.text))) pullUp();
    out.push({ start, end, text: '' });
  });
  return out;
}
