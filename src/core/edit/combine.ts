/**
 * Combining the edits of all operations into one list: the order of inserts at one offset,
 * merged deletions, and the end of the text (no blank lines left behind by deleted last
 * entries, no final newline added to a text without one).
 */
import { ComposemodError } from '../errors.js';
import type { TextEdit } from './apply.js';
import type { DepthEdit, EditContext } from './context.js';
import { indentOf, isBlank } from './lines.js';

/**
 * Where an insert goes among inserts at its offset: Infinity for text continuing the line
 * (the offset is not at a line start and the text does not start a new line), otherwise the
 * column of its first non-blank line (the `depth` an op gave, if any).
 */
export function insertDepth(cx: EditContext, e: DepthEdit): number {
  const t = cx.src.text;
  const midLine = e.start > 0 && t[e.start - 1] !== '\n';
  if (midLine && !/^\r?\n/.test(e.text)) return Infinity;
  if (e.depth !== undefined) return e.depth;
  const line = e.text.split('\n').find((l) => !isBlank(l));
  return line === undefined ? 0 : indentOf(line);
}

/**
 * Merge overlapping pure deletions; reject any other overlap. Inserts at one offset, in
 * this order: text that continues the line the offset is on (` []`, ` !tag`, a flow item),
 * then lines by decreasing column (a deeper one ends nested content that a shallower one
 * follows: a child appended to the last entry before a new sibling or top-level section),
 * then op order.
 */
export function coalesce(cx: EditContext, edits: DepthEdit[]): TextEdit[] {
  const rank = (e: DepthEdit): number => (e.start === e.end ? insertDepth(cx, e) : 0);
  const sorted = edits
    .map((e, i) => ({ e, i, r: rank(e) }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || b.r - a.r || a.i - b.i)
    .map((x) => x.e);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.start < last.end) {
      if (last.text === '' && e.text === '') {
        last.end = Math.max(last.end, e.end);
        continue;
      }
      if (e.start === e.end && last.text === '' && e.start === last.start) {
        out.splice(out.length - 1, 0, e);
        continue;
      }
      const at = cx.src.position(e.start);
      throw new ComposemodError(`overlapping edits at ${at.line}:${at.col} (an entry was edited and also deleted or replaced)`, {
        file: cx.src.path,
        line: at.line,
        col: at.col,
      });
    }
    out.push({ start: e.start, end: e.end, text: e.text });
  }
  return out;
}

/**
 * Deleting the last entries of a document can leave blank lines at its end (they separated
 * entries that are gone): a deletion that reaches the end of the text also takes the blank
 * lines right before it, unless another edit is there.
 */
export function trimTrailingBlanks(cx: EditContext, edits: TextEdit[]): TextEdit[] {
  const t = cx.src.text;
  const lines = cx.lines;
  const n = edits.length;
  if (!n || edits[n - 1].text !== '' || edits[n - 1].end !== t.length) return edits;
  let i = n - 1;
  let s = edits[i].start;
  if (lines.start(s) !== s) return edits;
  for (;;) {
    if (i > 0 && edits[i - 1].text === '' && edits[i - 1].end === s && edits[i - 1].start < s) {
      i--;
      s = edits[i].start;
      if (lines.start(s) !== s) break;
      continue;
    }
    const p = lines.prev(s);
    const floor = i > 0 ? edits[i - 1].end : 0;
    if (p > 0 && p >= floor && isBlank(lines.line(p))) {
      s = p;
      continue;
    }
    break;
  }
  if (i === n - 1 && s === edits[i].start) return edits;
  return [...edits.slice(0, i), { start: s, end: t.length, text: '' }];
}

/**
 * A text without a final newline keeps none. Deletions are whole lines (ending after their
 * EOL), so the one that reaches the end of such a text would leave the EOL of the line before
 * it as the new final newline; that EOL goes instead. Inserts at the start of that deletion
 * (whole lines, before a deleted last entry or after its previous sibling) then end the text:
 * each is written as `EOL + lines` without its own final EOL, like an insert at the very end.
 * The deletion is merged (`coalesce`, `trimTrailingBlanks`) before this, so consecutive deleted
 * entries at the end and inserts between them are handled as one region.
 */
export function keepNoFinalNewline(cx: EditContext, edits: TextEdit[]): TextEdit[] {
  const t = cx.src.text;
  if (t.endsWith('\n')) return edits;
  const j = edits.findIndex((e) => e.text === '' && e.end === t.length && e.start < e.end);
  if (j < 0) return edits;
  // the region that ends the text: adjacent deletions and whole-line inserts between them
  let k = j;
  while (k > 0) {
    const p = edits[k - 1];
    const pure = p.text === '' || (p.start === p.end && /\n$/.test(p.text));
    if (!pure || p.end !== edits[k].start) break;
    k--;
  }
  const s = edits[k].start;
  if (s === 0 || cx.lines.start(s) !== s) return edits;
  const finalEol = /\r?\n$/;
  const out = edits.map((e, i) =>
    i >= k && i < j && e.start === e.end ? { ...e, text: cx.format.eol + e.text.replace(finalEol, '') } : { ...e },
  );
  const prev = out[k - 1];
  if (prev && prev.end === s) {
    // an edit ending at this line start (a replaced block scalar ends after its EOL)
    prev.text = prev.text.replace(finalEol, '');
    return out;
  }
  const at = s - cx.lines.eolBefore(s);
  if (out[k].text === '') out[k].start = at;
  else out.splice(k, 0, { start: at, end: s, text: '' });
  return out;
}
