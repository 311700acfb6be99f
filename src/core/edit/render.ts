/**
 * Values written in the file's style: inline after `key:` / `- `, as block YAML at a
 * column, or after a local tag.
 */
import { emitYaml, renderFlow, renderKey, renderScalar, renderString } from '../emit.js';
import { parseSource } from '../source.js';
import type { SourceFormat } from '../source.js';
import type { NodeRef } from '../query.js';
import type { EditContext } from './context.js';
import { rangeOf } from './entries.js';
import { docModel } from './model.js';
import { isPlainMapping } from '../plain.js';

export const EMPTY_MAP_TEXT = '{}';
export const EMPTY_SEQ_TEXT = '[]';

/** A value written after `key:` / `- ` (scalar, `{}`/`[]`, or a literal block). */
export function inlineValue(cx: EditContext, value: unknown, ref: NodeRef, inFlow: boolean, allowBlock = false): string {
  const format = cx.format;
  if (inFlow) return renderFlow(value, format);
  if (Array.isArray(value) && !value.length) return EMPTY_SEQ_TEXT;
  if (isPlainMapping(value) && !Object.keys(value).length) return EMPTY_MAP_TEXT;
  if (allowBlock && typeof value === 'string' && value.includes('\n')) {
    const col = childColumn(cx, ref);
    const lines = emitYaml({ k: value }, format, { column: col - format.indent }).split(format.eol);
    const first = lines[0].slice(lines[0].indexOf(':') + 2);
    if (first.startsWith('|')) return [first, ...lines.slice(1)].join(format.eol).replace(/(\r?\n)$/, '');
  }
  if (typeof value === 'string') return renderString(value, format);
  return renderScalar(value, format);
}

/** Column of the key/dash holding `ref`, plus one indent unit (block scalar content). */
function childColumn(cx: EditContext, ref: NodeRef): number {
  if (ref.pair) {
    const kr = rangeOf(ref.pair.key);
    if (kr) return kr[0] - cx.lines.start(kr[0]) + cx.format.indent;
  } else if (ref.parent && !ref.parent.flow) {
    const entry = cx.entries(ref.parent).find((x) => x.item === ref.parent!.items[ref.index]);
    if (entry) return entry.col + cx.format.indent;
  }
  return cx.format.indent;
}

/** Block YAML of an inserted value; with a tag, the single `key: !tag value` entry. */
export function emitBlock(value: Record<string, unknown> | unknown[], format: SourceFormat, column: number, tag?: string): string {
  if (tag === undefined || Array.isArray(value)) return emitYaml(value, format, { column });
  return Object.entries(value)
    .map(([k, v]) => `${' '.repeat(column)}${renderKey(k, format)}: ${tag} ${inlineTagged(v, format)}${format.eol}`)
    .join('');
}

/** `value` written inline after a tag: `null`, `[]`, `{}` or a flow scalar. */
function inlineTagged(value: unknown, format: SourceFormat): string {
  if (value === null || value === undefined) return 'null';
  return renderFlow(value, format);
}

/** What `toJS()` reads back for `!tag value` (an unresolved tag keeps a scalar's source text). */
export function taggedModel(tag: string, value: unknown, format: SourceFormat): unknown {
  const text = `k: ${tag} ${inlineTagged(value, format)}\n`;
  const model = docModel(parseSource(text, '(tagged)').doc) as Record<string, unknown>;
  return model.k;
}
