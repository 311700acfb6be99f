/**
 * Loading and parsing compose sources, and detecting their formatting style.
 *
 * All node ranges of the parsed documents index into `ComposeSource.text`, which is the
 * file's text with a leading BOM removed. Edits are made against that text (see edit.ts).
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import {
  Document,
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  parseDocument,
  visit,
  Scalar,
} from 'yaml';
import type { ParseOptions, DocumentOptions, SchemaOptions } from 'yaml';
import { ComposemodError } from './errors.js';

export type Eol = '\n' | '\r\n';
export type QuoteStyle = 'plain' | 'single' | 'double';

export interface SourceFormat {
  /** Dominant line ending. */
  eol: Eol;
  /** The file started with U+FEFF (stripped from `text`). */
  bom: boolean;
  /** The text ends with an EOL (true for the empty text: new content gets a final EOL). */
  finalNewline: boolean;
  /** Mapping indentation unit (2 if unknown). */
  indent: number;
  /** true: `key:\n  - item`; false: `key:\n- item` (true if unknown). */
  seqIndent: boolean;
  /**
   * Dominant style of string values: 'plain' when most string values are unquoted (new
   * strings are then quoted only when needed), otherwise the quote style most of them use
   * (new strings are then always quoted).
   */
  quote: QuoteStyle;
  /** Quote character used when a string needs quotes: the one most quoted strings use. */
  quoteChar: 'single' | 'double';
}

export interface ComposeSource {
  /** As given (used in messages). */
  path: string;
  /** Original text without BOM; all node ranges index into it. */
  text: string;
  format: SourceFormat;
  /** Every YAML document in the file (at least one). */
  docs: Document.Parsed[];
  /** The stream holds no document at all (empty, or only comments): `docs` is one synthetic empty document. */
  emptyStream: boolean;
  /** The compose document: the first one with contents (or the first one). */
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** 1-based line and column of an offset into `text`. */
  position(offset: number): { line: number; col: number };
}

/**
 * Parse options. `merge: true` resolves YAML 1.1 `<<` merge keys (compose supports them).
 * `uniqueKeys: false`: a duplicated key is not an error here; like a JS object, the last
 * occurrence wins in `toJS()` and in query.ts lookups. Custom tags (`!reset`, `!override`)
 * stay unresolved: yaml only warns, and the node keeps its tag for model.ts to read.
 */
export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  keepSourceTokens: true,
  merge: true,
  uniqueKeys: false,
  prettyErrors: true,
  strict: false,
};

const BOM = '\uFEFF';

export function parseSource(input: string, path: string): ComposeSource {
  const bom = input.startsWith(BOM);
  const text = bom ? input.slice(1) : input;
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter });
  let docs: Document.Parsed[] = [...parsed];
  const emptyStream = docs.length === 0;
  const position = (offset: number): { line: number; col: number } => {
    const p = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: p.line, col: p.col };
  };
  if (docs.length === 0) {
    // an empty stream (empty text, only comments): one document with null contents
    const errors = (parsed as { errors?: YamlError[] }).errors ?? [];
    if (errors.length) throw syntaxError(errors[0], path, position, text);
    docs = [parseDocument(text, { ...PARSE_OPTIONS }) as Document.Parsed];
  }
  let first: { pos: number; err: YamlError } | undefined;
  for (const d of docs) {
    for (const err of d.errors) {
      if (!first || err.pos[0] < first.pos) first = { pos: err.pos[0], err };
    }
  }
  if (first) throw syntaxError(first.err, path, position, text);
  const doc = docs.find((d) => d.contents !== null) ?? docs[0];
  let format: SourceFormat | undefined;
  return {
    path,
    text,
    // style detection walks the whole document: done on first use only (config never needs it)
    get format() {
      return (format ??= detectFormat(text, bom, docs, position));
    },
    docs,
    emptyStream,
    doc,
    lineCounter,
    position,
  };
}

interface YamlError {
  message: string;
  pos: [number, number];
}

function syntaxError(
  err: YamlError,
  file: string,
  position: (o: number) => { line: number; col: number },
  text: string,
): ComposemodError {
  // yaml reports some errors at the start of the line; point at its content instead
  let at = err.pos[0];
  if (at === 0 || text[at - 1] === '\n') while (text[at] === ' ') at++;
  const { line, col } = position(at);
  const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
  return new ComposemodError(`invalid YAML: ${message}`, { file, line, col });
}

/** Read and parse a file. Missing, unreadable, directory or binary input -> ComposemodError. */
export async function loadSource(path: string): Promise<ComposeSource> {
  return parseSource(await readText(path), path);
}

/**
 * A file's text exactly as on disk (BOM included). Missing, unreadable, directory and binary
 * (NUL bytes, invalid UTF-8) input -> ComposemodError naming the path.
 */
export async function readText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw readError(path, e);
  }
  return decodeText(bytes, path);
}

/** The synchronous twin of `readText`, for loaders called from pure code (extends `file:`). */
export function readTextSync(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw readError(path, e);
  }
  return decodeText(bytes, path);
}

function readError(path: string, e: unknown): ComposemodError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : `cannot read file (${code ?? (e as Error).message})`;
  return new ComposemodError(why, { file: path });
}

/** UTF-8 text of a file's bytes, or a ComposemodError at the first binary byte. */
export function decodeText(bytes: Buffer, path: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw binaryError(path, bytes, nul, 'contains NUL bytes');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw binaryError(path, bytes, firstInvalidUtf8(bytes), 'is not valid UTF-8');
  }
}

function binaryError(path: string, bytes: Buffer, at: number, why: string): ComposemodError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return new ComposemodError(`binary data: file ${why}; expected a UTF-8 YAML file`, {
    file: path,
    line,
    col: at - lineStart + 1,
  });
}

function firstInvalidUtf8(bytes: Buffer): number {
  const dec = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // smallest prefix length that fails to decode (allowing a truncated sequence at the end)
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      dec.decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

// ---------------------------------------------------------------------------------------
// Format detection

function mode(counts: Map<number, number>, fallback: number): number {
  let best = fallback;
  let n = 0;
  for (const [k, c] of counts) {
    if (c > n || (c === n && k < best)) {
      best = k;
      n = c;
    }
  }
  return best;
}

export function detectFormat(
  text: string,
  bom: boolean,
  docs: Document.Parsed[],
  position: (o: number) => { line: number; col: number },
): SourceFormat {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  const indents = new Map<number, number>();
  let seqYes = 0;
  let seqNo = 0;
  const quotes = { PLAIN: 0, QUOTE_SINGLE: 0, QUOTE_DOUBLE: 0 };
  const col = (o: number): number => position(o).col;
  for (const doc of docs) {
    visit(doc, {
      Map(_, map) {
        if (map.flow) return;
        for (const pair of map.items) {
          const key = pair.key;
          const value = pair.value;
          if (!isScalar(key) || !key.range || !value || isAlias(value)) continue;
          const range = (value as { range?: [number, number, number] }).range;
          if (!range) continue;
          if (isMap(value) && !value.flow && value.items.length) {
            const firstKey = value.items[0].key;
            const start = isScalar(firstKey) && firstKey.range ? firstKey.range[0] : range[0];
            const d = col(start) - col(key.range[0]);
            if (d > 0 && position(start).line > position(key.range[0]).line) {
              indents.set(d, (indents.get(d) ?? 0) + 1);
            }
          } else if (isSeq(value) && !value.flow && value.items.length) {
            if (position(range[0]).line === position(key.range[0]).line) continue;
            if (col(range[0]) > col(key.range[0])) seqYes++;
            else seqNo++;
          }
        }
      },
      Scalar(key, node) {
        if (key === 'key' || typeof node.value !== 'string') return;
        const t = node.type;
        if (t === Scalar.PLAIN || t === Scalar.QUOTE_SINGLE || t === Scalar.QUOTE_DOUBLE) quotes[t]++;
      },
    });
  }
  const quoted = quotes.QUOTE_SINGLE + quotes.QUOTE_DOUBLE;
  const quoteChar = quotes.QUOTE_SINGLE > quotes.QUOTE_DOUBLE ? 'single' : 'double';
  return {
    eol: crlf > lf ? '\r\n' : '\n',
    bom,
    finalNewline: text.length === 0 || text.endsWith('\n'),
    indent: mode(indents, 2),
    seqIndent: seqYes >= seqNo,
    quote: quoted > quotes.PLAIN ? quoteChar : 'plain',
    quoteChar,
  };
}
