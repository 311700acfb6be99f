/**
 * Replacing a value in place: a scalar keeping its quoting style where the new value allows
 * it, or a whole value (a collection, or a scalar replaced by a collection) under its key.
 */
import { isCollection, isScalar, Scalar } from 'yaml';
import type { Node } from 'yaml';
import { emitYaml, plainSafe, quoteDouble, quoteSingle, renderFlow, renderScalar, singleQuotable } from '../emit.js';
import type { NodeRef, Range, YamlPair } from '../query.js';
import type { TextEdit } from './apply.js';
import type { EditContext, Op } from './context.js';
import { rangeOf } from './entries.js';
import { isNonEmptyCollection } from './model.js';
import { inlineValue } from './render.js';

/** A mapping value with a range: what `replaceValueOp` can replace. */
export type PairValueRef = NodeRef & { pair: YamlPair; range: Range };

export const isPairValue = (ref: NodeRef): ref is PairValueRef => !!ref.pair && !!ref.range;

/** The edit replacing the scalar (or empty flow collection) at `ref` by `value`. */
export function scalarEdit(cx: EditContext, ref: NodeRef, value: unknown): TextEdit {
  const node = ref.node as Node;
  const [s, e] = ref.range!;
  const t = cx.src.text;
  const inFlow = !!ref.parent?.flow;
  if (s === e) {
    // `key:` with no value: write one after the indicator
    return { start: s, end: e, text: ' ' + inlineValue(cx, value, ref, inFlow) };
  }
  let text: string;
  const type = isScalar(node) ? node.type : undefined;
  if (type === Scalar.BLOCK_LITERAL || type === Scalar.BLOCK_FOLDED) {
    // the block scalar's range ends after its last line's EOL
    text = inlineValue(cx, value, ref, inFlow, true);
    return { start: s, end: e, text: t[e - 1] === '\n' ? text + cx.format.eol : text };
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) text = inlineValue(cx, value, ref, inFlow);
  else if (typeof value !== 'string') text = renderScalar(value, cx.format, inFlow);
  else if (type === Scalar.QUOTE_DOUBLE) text = quoteDouble(value);
  else if (type === Scalar.QUOTE_SINGLE) text = singleQuotable(value) ? quoteSingle(value) : quoteDouble(value);
  else if (type === Scalar.PLAIN && plainSafe(value, inFlow)) text = value;
  else text = inlineValue(cx, value, ref, inFlow);
  return { start: s, end: e, text };
}

/**
 * The op replacing a whole value under a block key or in flow (what it takes from the
 * original text is computed now, its edits when it runs).
 */
export function replaceValueOp(cx: EditContext, ref: PairValueRef, value: unknown): Op {
  const t = cx.src.text;
  const eol = cx.format.eol;
  if (ref.parent?.flow || (!isNonEmptyCollection(value))) {
    const text = ref.parent?.flow ? renderFlow(value, cx.format) : inlineValue(cx, value, ref, false);
    const [s, e] = ref.range;
    const node = ref.node;
    if (isCollection(node) && !node.flow) {
      const kr = rangeOf(ref.pair.key)!;
      const colon = t.indexOf(':', kr[1]);
      const entry = cx.entries(ref.parent!).find((x) => x.item === ref.pair)!;
      return () => [{ start: colon + 1, end: entry.end - cx.lines.eolBefore(entry.end), text: ' ' + text }];
    }
    return () => [{ start: s, end: e, text }];
  }
  const kr = rangeOf(ref.pair.key)!;
  const keyCol = kr[0] - cx.lines.start(kr[0]);
  const col = keyCol + (Array.isArray(value) && !cx.format.seqIndent ? 0 : cx.format.indent);
  const body = emitYaml(value, cx.format, { column: col }).slice(0, -eol.length);
  const colon = t.indexOf(':', kr[1]);
  const entry = cx.entries(ref.parent!).find((x) => x.item === ref.pair)!;
  const node = ref.node;
  if (isCollection(node) && !node.flow) {
    const lineEnd = cx.lines.contentEnd(colon);
    return () => [{ start: lineEnd, end: entry.end - cx.lines.eolBefore(entry.end), text: eol + body }];
  }
  const s = ref.range[0];
  // a block scalar's range ends after its last line's EOL (and `|+` keeps blank lines)
  const e = s + t.slice(s, ref.range[1]).trimEnd().length;
  const lineEnd = cx.lines.contentEnd(e);
  return () => [
    { start: Math.min(colon + 1, s), end: e, text: '' },
    { start: lineEnd, end: lineEnd, text: eol + body },
  ];
}
