/**
 * Rendering plain values as YAML in a file's style (indent unit, sequence indentation,
 * quoting, EOL). Used for inserted values and whole new files.
 *
 * Strings are quoted when a YAML 1.2 *or* YAML 1.1 reader could read them as something else
 * (`8080:80`, `yes`, `0755`, `1.0`, `~`, dates, ...), or when the format's dominant style
 * quotes. Multi-line strings become literal block scalars (`|`, `|-`, `|+`) where possible.
 */
import { parseDocument, stringify } from 'yaml';
import type { SourceFormat } from './source.js';
import { isPlainMapping } from './plain.js';

export interface EmitOptions {
  /** Nesting level of the rendered block, in indent units (default 0). */
  indentLevel?: number;
  /** Absolute column of the rendered block (overrides indentLevel). */
  column?: number;
}

type Plain = null | undefined | boolean | number | bigint | string | Plain[] | { [k: string]: Plain };


/** C0 controls (except those listed in `allow`), DEL, NEL, LS, PS, BOM. */
function hasControl(s: string, allow = ''): boolean {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if ((c < 0x20 || c === 0x7f || c === 0x85 || c === 0x2028 || c === 0x2029 || c === 0xfeff) && !allow.includes(ch)) {
      return true;
    }
  }
  return false;
}

/** Whether `s` written plain reads back as the same string under YAML 1.2 and YAML 1.1. */
export function plainSafe(s: string, inFlow = false): boolean {
  const key = inFlow ? `f${s}` : `b${s}`;
  let safe = plainMemo.get(key);
  if (safe === undefined) {
    // bounded: a run writes few distinct strings, a long-lived process may write many
    if (plainMemo.size > 10_000) plainMemo.clear();
    plainMemo.set(key, (safe = judgePlain(s, inFlow)));
  }
  return safe;
}

/** plainSafe's answers: it parses YAML twice per string, and fixes write the same strings often. */
const plainMemo = new Map<string, boolean>();

/**
 * Words YAML 1.1 or 1.2 reads as a boolean or null when plain (any case the schemas accept);
 * the fast path below must not call them plain.
 */
const SPECIAL_WORDS = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);

/**
 * The common case without parsing: a letter, then letters, digits and `_ . / @ + -` (image
 * names, paths, identifiers). No YAML 1.1 or 1.2 reader reads that as anything but the string,
 * unless it is one of the special words (or, for the yaml package, an `e` exponent). `plain.test.ts` checks it against judgePlain.
 */
export function obviouslyPlain(s: string): boolean {
  // `e9`: the yaml package's YAML 1.1 float pattern reads it as a number (no other reader does; stay safe)
  return /^[A-Za-z][A-Za-z0-9_./@+-]*$/.test(s) && !/^[eE][\d+-]/.test(s) && !SPECIAL_WORDS.has(s.toLowerCase());
}

function judgePlain(s: string, inFlow: boolean): boolean {
  if (obviouslyPlain(s)) return true;
  return judgeByParsing(s, inFlow);
}

/** The slow, general judgement: write it plain, read it back under YAML 1.2 and 1.1. */
export function judgeByParsing(s: string, inFlow: boolean): boolean {
  if (s === '' || s !== s.trim() || hasControl(s)) return false;
  if (inFlow && /[,[\]{}]/.test(s)) return false;
  if (stringify(s, { lineWidth: 0, defaultStringType: 'PLAIN' }).replace(/\n$/, '') !== s) return false;
  // Port mappings and other colon-separated numbers: YAML 1.1 reads some of them as base-60
  // integers (`22:22`), so Compose documentation quotes them all.
  if (/^[\d.:-]+(\/(tcp|udp|sctp))?$/.test(s) && s.includes(':')) return false;
  for (const version of ['1.2', '1.1'] as const) {
    // yaml's 1.1 float pattern also matches a lone '.', which no YAML 1.1 reader does
    if (version === '1.1' && s === '.') continue;
    const doc = parseDocument(`k: ${s}\n`, { version, uniqueKeys: false });
    if (doc.errors.length) return false;
    const v = (doc.toJS() as Record<string, unknown> | null)?.k;
    if (v !== s) return false;
  }
  return true;
}

export function singleQuotable(s: string): boolean {
  return !hasControl(s);
}

export function quoteSingle(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function quoteDouble(s: string): string {
  // JSON string escapes are a subset of YAML double-quoted escapes.
  return JSON.stringify(s);
}

/** A string in flow position (a value on a line), quoted per the format when needed. */
export function renderString(s: string, format: SourceFormat, inFlow = false): string {
  if (format.quote === 'plain' && plainSafe(s, inFlow)) return s;
  const char = format.quote === 'plain' ? format.quoteChar : format.quote;
  return char === 'single' && singleQuotable(s) ? quoteSingle(s) : quoteDouble(s);
}

/** A mapping key (plain unless it needs quotes, whatever the dominant value style). */
export function renderKey(k: string, format: SourceFormat, inFlow = false): string {
  if (plainSafe(k, inFlow) && !k.includes(': ') && !k.endsWith(':')) return k;
  return format.quoteChar === 'single' && singleQuotable(k) ? quoteSingle(k) : quoteDouble(k);
}

/** A non-collection value as a one-line scalar ('' for null in a mapping value). */
export function renderScalar(v: unknown, format: SourceFormat, inFlow = false): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return String(v);
  }
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return renderString(v, format, inFlow);
  if (v instanceof Date) return v.toISOString();
  throw new TypeError(`cannot render a ${typeof v} as YAML`);
}

/** A value in flow style: `[a, b]`, `{k: v}`, or a scalar. */
export function renderFlow(v: unknown, format: SourceFormat): string {
  if (Array.isArray(v)) return `[${v.map((x) => renderFlow(x, format)).join(', ')}]`;
  if (isPlainMapping(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${renderKey(k, format, true)}: ${renderFlow(x, format)}`);
    return `{${parts.join(', ')}}`;
  }
  return renderScalar(v, format, true);
}

/** Lines of a literal block scalar for `s` (header + body at `col`), or null if not suitable. */
function literalBlock(s: string, col: number): string[] | null {
  if (!s.includes('\n') || hasControl(s, '\n')) return null;
  const body = s.replace(/\n+$/, '');
  const trailing = s.length - body.length;
  if (body === '' || /^[ ]/.test(body) || /(^|\n)[ ]*$/.test(body.split('\n')[0])) return null;
  if (body.split('\n').some((l) => /^ +$/.test(l))) return null;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const pad = ' '.repeat(col);
  const lines = body.split('\n').map((l) => (l === '' ? '' : pad + l));
  for (let i = 1; i < trailing; i++) lines.push('');
  return [`|${chomp}`, ...lines];
}

const isEmptyCollection = (v: unknown): boolean =>
  (Array.isArray(v) && v.length === 0) || (isPlainMapping(v) && Object.keys(v).length === 0);

/** Render `value` as block YAML lines (without EOLs), each starting at `col`. */
function blockLines(value: unknown, format: SourceFormat, col: number): string[] {
  const pad = ' '.repeat(col);
  if (Array.isArray(value) && value.length) {
    const out: string[] = [];
    for (const item of value) {
      if ((Array.isArray(item) || isPlainMapping(item)) && !isEmptyCollection(item)) {
        const inner = blockLines(item, format, col + 2);
        out.push(`${pad}- ${inner[0].slice(col + 2)}`, ...inner.slice(1));
      } else {
        out.push(...valueAfter(`${pad}-`, item, format, col + 2, true));
      }
    }
    return out;
  }
  if (isPlainMapping(value) && Object.keys(value).length) {
    const out: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const head = `${pad}${renderKey(k, format)}:`;
      if (Array.isArray(v) && v.length) {
        out.push(head, ...blockLines(v, format, col + (format.seqIndent ? format.indent : 0)));
      } else if (isPlainMapping(v) && Object.keys(v).length) {
        out.push(head, ...blockLines(v, format, col + format.indent));
      } else {
        out.push(...valueAfter(head, v, format, col + format.indent, false));
      }
    }
    return out;
  }
  const [first, ...rest] = valueAfter('', value, format, col + format.indent, true);
  return [pad + first.trimStart(), ...rest];
}

/** `head` followed by a scalar/empty value (` value`, or a block scalar indented at `col`). */
function valueAfter(head: string, v: unknown, format: SourceFormat, col: number, inSeq: boolean): string[] {
  if (Array.isArray(v)) return [`${head} []`];
  if (isPlainMapping(v)) return [`${head} {}`];
  if ((v === null || v === undefined) && !inSeq) return [head];
  if (typeof v === 'string' && v.includes('\n')) {
    const block = literalBlock(v, col);
    if (block) return [`${head} ${block[0]}`, ...block.slice(1)];
  }
  return [`${head} ${renderScalar(v, format)}`];
}

/**
 * Render a plain value as block YAML in the given format. Every line (including the last)
 * ends with the format's EOL; lines are indented at `column` (or `indentLevel * indent`).
 */
export function emitYaml(value: unknown, format: SourceFormat, opts: EmitOptions = {}): string {
  const col = opts.column ?? (opts.indentLevel ?? 0) * format.indent;
  const lines = blockLines(value as Plain, format, col);
  return lines.map((l) => l + format.eol).join('');
}
