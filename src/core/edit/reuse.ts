/** Reusing original text: the source text of an entry, its column, and re-indenting it. */
import { ComposemodError, formatModelPath } from '../errors.js';
import type { ComposeSource } from '../source.js';
import { nodeAt } from '../query.js';
import type { Path } from '../query.js';
import { entriesOf, flowItemRange } from './entries.js';
import { isBlank, Lines } from './lines.js';

export interface NodeTextOptions {
  /** Include the attached comment lines above the entry (default true). */
  withComments?: boolean;
}

/**
 * The original source text of the entry at `path` (a `key: value` pair or a sequence item
 * of a block collection), as whole lines ending with EOL, with its attached comments and
 * inline/trailing comments. An entry that starts mid-line (`- a: 1`) is returned padded with
 * spaces to its column. For flow entries / other nodes: the exact node text.
 */
export function nodeText(src: ComposeSource, path: Path, opts: NodeTextOptions = {}): string {
  const ref = nodeAt(src, path);
  if (!ref) throw new ComposemodError(`no such entry: ${formatModelPath(path)}`, { file: src.path, modelPath: path });
  const t = src.text;
  if (!ref.parent) return ref.range ? t.slice(ref.range[0], ref.range[1]) : '';
  const item = ref.parent.items[ref.index];
  if (ref.parent.flow) {
    const r = flowItemRange(item);
    return t.slice(r[0], r[1]);
  }
  const entry = entriesOf(new Lines(t), ref.parent).find((x) => x.item === item)!;
  const start = opts.withComments === false ? entry.lineStart : entry.commentStart;
  if (entry.midLine) return ' '.repeat(entry.col) + t.slice(entry.start, entry.end);
  return t.slice(start, entry.end);
}

/** Column of the entry at `path` (the key or the dash), for use with `reindent`. */
export function entryColumn(src: ComposeSource, path: Path): number {
  const ref = nodeAt(src, path);
  if (!ref || !ref.parent || ref.parent.flow) return 0;
  const item = ref.parent.items[ref.index];
  return entriesOf(new Lines(src.text), ref.parent).find((x) => x.item === item)?.col ?? 0;
}

/**
 * Move a block of lines from indentation `fromIndent` to `toIndent` (columns), keeping its
 * inner formatting. Lines indented less than `fromIndent` (e.g. a comment at column 0) are
 * placed at `toIndent`; blank lines stay empty (whitespace-only lines deeper than
 * `fromIndent` are shifted, as they may be block scalar content).
 */
export function reindent(text: string, fromIndent: number, toIndent: number): string {
  const from = ' '.repeat(fromIndent);
  const to = ' '.repeat(toIndent);
  return text.replace(/^[^\r\n]*/gm, (line) => {
    if (line === '') return line;
    if (line.startsWith(from)) return to + line.slice(fromIndent);
    if (isBlank(line)) return '';
    return to + line.trimStart();
  });
}
