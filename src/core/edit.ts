/**
 * Fidelity-first edits: every change is a text edit at node ranges of the original text;
 * the rest of the file is never re-serialized. `Editor.apply()` re-parses the result and
 * checks it against the intended model before returning anything.
 *
 * Conventions (see docs/ARCHITECTURE.md):
 * - Paths are model paths (`['services', 'web', 'ports', 0]`) into the ORIGINAL document:
 *   sequence indexes keep referring to the original items after deletions.
 * - Only nodes physically present at the path can be edited (not through aliases or `<<`).
 * - Deleting an entry also deletes its attached comment lines (directly above, at or left of
 *   its column, no blank line between — except a file header comment at the top of the
 *   document), its inline comment and deeper-indented comment lines after it.
 * - Deleting the last entry of a collection leaves an empty flow collection (`key: {}`,
 *   `key: []`), so the model keeps an empty value rather than null; delete the parent to
 *   remove it.
 * - Inserts and deletions compose at any place: next to, before, after or in place of deleted
 *   entries (a deleted key can be inserted again; `setIn` on a deleted path inserts), also at
 *   the end of a text without a final newline, which stays without one (`keepNoFinalNewline`).
 *   Inserts at one offset: text continuing the line first, then deeper lines before shallower
 *   ones (a child appended to the last entry comes before a new top-level section).
 * - Blank lines: a new entry is blank-separated when its siblings all are; a new top-level
 *   entry also follows the file's spacing after multi-line sections, or, with none to look at,
 *   gets a blank line after a last section longer than 3 lines (`sectionsBlankSeparated`).
 *   Never right after the parent key, never doubled, never before a deleted last entry.
 */
import { isCollection, isMap, isNode, isPair, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { Node, ParsedNode, YAMLMap, YAMLSeq } from 'yaml';
import { ComposemodError, formatModelPath } from './errors.js';
import { parseSource } from './source.js';
import type { ComposeSource, SourceFormat } from './source.js';
import { mergedPair, nodeAt, notPhysical, physicalPairs } from './query.js';
import type { NodeRef, Path, PathSegment, YamlCollection } from './query.js';
import {
  emitYaml,
  plainSafe,
  quoteDouble,
  quoteSingle,
  renderFlow,
  renderKey,
  renderScalar,
  renderString,
  singleQuotable,
} from './emit.js';
import { aliasTarget } from './anchors.js';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Apply non-overlapping edits (any order; inserts at one offset keep their given order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = sortEdits(edits);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < 0 || e.end < e.start || e.end > text.length) {
      throw new RangeError(`invalid edit [${e.start}, ${e.end}) for a text of length ${text.length}`);
    }
    if (e.start < at) throw new RangeError(`overlapping edits at offset ${e.start}`);
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
}

// ---------------------------------------------------------------------------------------
// Line geometry over the original text

const isBlank = (l: string): boolean => /^[ \t\r]*$/.test(l);
const isComment = (l: string): boolean => /^[ \t]*#/.test(l);
const indentOf = (l: string): number => /^ */.exec(l)![0].length;
const isDocMarker = (l: string): boolean => /^(---|\.\.\.)(\s|$)/.test(l);

class Lines {
  constructor(readonly t: string) {}
  start(o: number): number {
    return o <= 0 ? 0 : this.t.lastIndexOf('\n', o - 1) + 1;
  }
  /** Start of the line after the one containing `o` (text length at the end). */
  next(o: number): number {
    const i = this.t.indexOf('\n', o);
    return i < 0 ? this.t.length : i + 1;
  }
  /** End of the line's content (before `\r\n` / `\n`). */
  contentEnd(o: number): number {
    let i = this.t.indexOf('\n', o);
    if (i < 0) i = this.t.length;
    return i > 0 && this.t[i - 1] === '\r' && i - 1 >= o ? i - 1 : i;
  }
  line(ls: number): string {
    return this.t.slice(ls, this.contentEnd(ls));
  }
  prev(ls: number): number {
    return ls <= 0 ? -1 : this.start(ls - 1);
  }
  /** Is `ls` the end of the text or a line with a document marker? */
  atDocEnd(ls: number): boolean {
    return ls >= this.t.length || isDocMarker(this.line(ls));
  }
}

/** One entry (pair or item) of a block collection, with its line-based region. */
interface Entry {
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
const rangeOf = (n: unknown): Range3 | undefined => (n as { range?: Range3 } | null | undefined)?.range ?? undefined;

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

interface CstItem {
  start: { type: string; offset: number }[];
}

function entriesOf(lines: Lines, coll: YamlCollection): Entry[] {
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

// ---------------------------------------------------------------------------------------
// Expected model

const DELETED: unique symbol = Symbol('deleted');
type Model = unknown;

function clone(v: Model): Model {
  if (Array.isArray(v)) return v.map(clone);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, Model> = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x);
    return out;
  }
  return v;
}

function purge(v: Model): Model {
  if (Array.isArray(v)) return v.filter((x) => x !== DELETED).map(purge);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, Model> = {};
    for (const [k, x] of Object.entries(v)) out[k] = purge(x);
    return out;
  }
  return v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function docModel(doc: ComposeSource['doc']): Model {
  try {
    return doc.toJS({ maxAliasCount: 100_000 });
  } catch (e) {
    throw new ComposemodError(`cannot resolve the document: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------
// Editor

export interface InsertOptions {
  /** Insert before this sibling key. */
  before?: string;
  /** Insert after this sibling key. */
  after?: string;
  /**
   * A local tag written before the value (`key: !reset null`), e.g. Compose's `!reset` /
   * `!override`. Only for a scalar or empty-collection value; nothing can be inserted under it.
   */
  tag?: string;
}

const LOCAL_TAG = /^![A-Za-z0-9_-]+$/;

type Plain = unknown;

interface PendingInsert {
  /** Model path of the inserted value (mapPath + key, or seqPath + index). */
  path: PathSegment[];
  value: Plain;
  /** Local tag of an inserted mapping value (InsertOptions.tag). */
  tag?: string;
}

/** An edit with the column of the content it inserts (orders inserts at one offset). */
interface DepthEdit extends TextEdit {
  depth?: number;
}

interface DeleteIntent {
  coll: YamlCollection;
  /** The NodeRef of the collection (to find the pair holding it). */
  collRef: NodeRef;
  item: unknown;
}

const EMPTY_MAP_TEXT = '{}';
const EMPTY_SEQ_TEXT = '[]';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
const isNonEmptyCollection = (v: unknown): boolean =>
  (Array.isArray(v) && v.length > 0) || (isPlainObject(v) && Object.keys(v).length > 0);

export class Editor {
  readonly src: ComposeSource;
  private readonly lines: Lines;
  private readonly ops: (() => DepthEdit[])[] = [];
  private readonly deletes: DeleteIntent[] = [];
  private readonly deleted = new Set<unknown>();
  private readonly insertedInto = new Set<unknown>();
  private readonly pending: PendingInsert[] = [];
  /** Inserts into existing block collections, in op order (`opts` identifies each). */
  private readonly blockInserts: { coll: unknown; opts: InsertOptions }[] = [];
  private readonly entryCache = new Map<unknown, Entry[]>();
  private modelCache: Model | undefined;

  constructor(src: ComposeSource) {
    this.src = src;
    this.lines = new Lines(src.text);
  }

  /** The intended model: the original's, with every operation so far applied (built on first use). */
  private get model(): Model {
    return (this.modelCache ??= clone(docModel(this.src.doc)));
  }

  private set model(m: Model) {
    this.modelCache = m;
  }

  get format(): SourceFormat {
    return this.src.format;
  }

  // ----- public operations -------------------------------------------------------------

  /** Replace a scalar value, keeping its quoting style where the new value allows it. */
  replaceScalar(path: Path, value: unknown): this {
    if (isNonEmptyCollection(value)) throw this.fail(path, 'replaceScalar needs a scalar value; use setIn');
    const ref = this.physical(path);
    if (!isScalar(ref.node) && !(isCollection(ref.node) && ref.node.items.length === 0 && ref.node.flow)) {
      throw this.fail(path, 'not a scalar value', ref);
    }
    this.setModel(path, value, true);
    const edit = this.scalarEdit(ref, value);
    this.ops.push(() => [edit]);
    return this;
  }

  /**
   * Rename a mapping key in place: only the key's text changes (rendered in the file's style),
   * so the entry keeps its position, value and comments.
   */
  renameKey(path: Path, newKey: string): this {
    const ref = this.physical(path);
    if (!ref.pair || !isMap(ref.parent)) throw this.fail(path, 'not a mapping entry', ref);
    const keyNode = ref.pair.key;
    if (!isScalar(keyNode) || !keyNode.range) throw this.fail(path, 'only a scalar key can be renamed', ref);
    const oldKey = String(path[path.length - 1]);
    if (newKey === oldKey) return this;
    if (physicalPairs(ref.parent as YAMLMap.Parsed, newKey).length) {
      throw this.fail(path, `the mapping already has a key "${newKey}"`, ref);
    }
    this.modelParent(path, (obj) => {
      if (!isPlainObject(obj)) throw this.fail(path, 'not a mapping entry');
      obj[newKey] = obj[oldKey];
      delete obj[oldKey];
    });
    // keep the key's own quoting when the new key can be written that way
    const text =
      keyNode.type === Scalar.QUOTE_DOUBLE
        ? quoteDouble(newKey)
        : keyNode.type === Scalar.QUOTE_SINGLE && singleQuotable(newKey)
          ? quoteSingle(newKey)
          : renderKey(newKey, this.format, (ref.parent as YAMLMap.Parsed).flow === true);
    const edit: TextEdit = { start: keyNode.range[0], end: keyNode.range[1], text };
    this.ops.push(() => [edit]);
    return this;
  }

  /** Delete a mapping entry (`key: value` with its nested content and attached comments). */
  deletePair(path: Path): this {
    const ref = this.physical(path, true);
    if (!ref.pair || !isMap(ref.parent)) throw this.fail(path, 'not a mapping entry', ref);
    const map = ref.parent as YAMLMap.Parsed;
    const collRef = this.physical(path.slice(0, -1));
    const key = path[path.length - 1];
    const inherited = mergedPair(this.src, map, key);
    if (inherited) {
      throw this.fail(path, 'a `<<` merge key also provides this key; deleting it would expose the inherited value', ref);
    }
    for (const { pair } of physicalPairs(map, key)) this.intendDelete(map, collRef, pair, path);
    this.modelParent(path, (obj) => {
      if (!isPlainObject(obj)) throw this.fail(path, 'not a mapping entry');
      delete obj[String(key)];
    });
    return this;
  }

  /** Delete a sequence item (block or flow). */
  deleteItem(path: Path): this {
    const ref = this.physical(path, true);
    if (!isSeq(ref.parent)) throw this.fail(path, 'not a sequence item', ref);
    const collRef = this.physical(path.slice(0, -1));
    this.intendDelete(ref.parent as YAMLSeq.Parsed, collRef, ref.parent.items[ref.index], path);
    this.modelParent(path, (arr) => {
      if (!Array.isArray(arr)) throw this.fail(path, 'not a sequence item');
      arr[path[path.length - 1] as number] = DELETED;
    });
    return this;
  }

  /**
   * Put a local tag on the value of the mapping entry at `path` (`ports: !override`), in front
   * of its text, which is kept. Refused when the value already has a tag or is null. A
   * tagged scalar reads back as its source text (an unresolved tag), which the model follows.
   */
  setTag(path: Path, tag: string): this {
    if (!LOCAL_TAG.test(tag)) throw this.fail(path, `invalid tag "${tag}"`);
    const ref = this.physical(path);
    if (!ref.pair || !isMap(ref.parent)) throw this.fail(path, 'not a mapping entry', ref);
    const node = ref.node;
    if (!node || (isScalar(node) && node.value === null)) throw this.fail(path, 'no value to tag', ref);
    if ((node as { tag?: string }).tag) throw this.fail(path, 'the value already has a tag', ref);
    const kr = rangeOf(ref.pair.key)!;
    const colon = this.src.text.indexOf(':', kr[1]);
    if (isScalar(node)) {
      const r = ref.range!;
      this.setModel(path, node.type === Scalar.PLAIN ? this.src.text.slice(r[0], r[1]) : node.value, true);
    }
    this.ops.push(() => [{ start: colon + 1, end: colon + 1, text: ` ${tag}` }]);
    return this;
  }

  /** Insert `key: value` into the mapping at `mapPath`, in the file's style. */
  insertPair(mapPath: Path, key: string, value: unknown, opts: InsertOptions = {}): this {
    const holder = this.pendingAt(mapPath);
    if (opts.tag !== undefined) {
      if (!LOCAL_TAG.test(opts.tag)) throw this.fail([...mapPath, key], `invalid tag "${opts.tag}"`);
      if (isNonEmptyCollection(value)) throw this.fail([...mapPath, key], 'a tagged insert needs a scalar or empty value');
      if (holder) throw this.fail([...mapPath, key], 'cannot insert a tagged value under an inserted value');
    }
    if (holder) {
      const target = getIn(holder.pending.value, holder.rest);
      if (!isPlainObject(target) && target !== null) throw this.fail(mapPath, 'not a mapping');
      if (isPlainObject(target) && key in target) throw this.fail([...mapPath, key], 'key already exists');
      holder.pending.value = setIn(holder.pending.value, [...holder.rest, key], clone(value));
      this.setModel([...mapPath, key], clone(value), false);
      return this;
    }
    const ref = this.physical(mapPath);
    const node = ref.node;
    // a key this Editor deleted (every occurrence) can be inserted again: a new entry
    if (isMap(node) && physicalPairs(node as YAMLMap.Parsed, key).some(({ pair }) => !this.deleted.has(pair))) {
      throw this.fail([...mapPath, key], 'key already exists', ref);
    }
    if (!isMap(node) && !isNullish(node)) throw this.fail(mapPath, 'not a mapping', ref);
    this.setModel([...mapPath, key], opts.tag !== undefined ? taggedModel(opts.tag, value, this.format) : clone(value), false);
    const pending: PendingInsert = { path: [...mapPath, key], value: clone(value), tag: opts.tag };
    this.pending.push(pending);
    if (isMap(node) && node.flow && (node.items.length || !this.blockContext(ref))) {
      this.ops.push(() => this.flowInsert(node as YAMLMap.Parsed, ref, { [key]: pending.value }, opts, pending.tag));
    } else if (isMap(node) && node.items.length) {
      this.insertedInto.add(node);
      const own = { ...opts };
      this.blockInserts.push({ coll: node, opts: own });
      this.ops.push(() => this.blockInsert(node as YAMLMap.Parsed, { [key]: pending.value }, own, mapPath, pending.tag));
    } else {
      if (node && isMap(node)) this.insertedInto.add(node);
      this.ops.push(() => this.fillEmpty(ref, { [key]: pending.value }, mapPath, pending.tag));
    }
    return this;
  }

  /** Append an item to the sequence at `seqPath` (block or flow, like its siblings). */
  appendItem(seqPath: Path, value: unknown): this {
    const holder = this.pendingAt(seqPath);
    if (holder) {
      const target = getIn(holder.pending.value, holder.rest);
      if (!Array.isArray(target) && target !== null) throw this.fail(seqPath, 'not a sequence');
      holder.pending.value = setIn(holder.pending.value, [...holder.rest, Array.isArray(target) ? target.length : 0], clone(value));
      this.modelAppend(seqPath, value);
      return this;
    }
    const ref = this.physical(seqPath);
    const node = ref.node;
    if (!isSeq(node) && !isNullish(node)) throw this.fail(seqPath, 'not a sequence', ref);
    const index = this.modelAppend(seqPath, value);
    const pending: PendingInsert = { path: [...seqPath, index], value: clone(value) };
    this.pending.push(pending);
    if (isSeq(node) && node.flow && (node.items.length || !this.blockContext(ref))) {
      this.ops.push(() => this.flowInsert(node as YAMLSeq.Parsed, ref, [pending.value], {}));
    } else if (isSeq(node) && node.items.length) {
      this.insertedInto.add(node);
      const opts: InsertOptions = {};
      this.blockInserts.push({ coll: node, opts });
      this.ops.push(() => this.blockInsert(node as YAMLSeq.Parsed, [pending.value], opts, seqPath));
    } else {
      if (node && isSeq(node)) this.insertedInto.add(node);
      this.ops.push(() => this.fillEmpty(ref, [pending.value], seqPath));
    }
    return this;
  }

  /** Set the value at `path`, creating missing parent mappings (e.g. a top-level section). */
  setIn(path: Path, value: unknown): this {
    if (path.length === 0) throw this.fail(path, 'cannot replace the whole document');
    if (this.pendingAt(path.slice(0, -1))) {
      const holder = this.pendingAt(path.slice(0, -1))!;
      holder.pending.value = setIn(holder.pending.value, [...holder.rest, path[path.length - 1]], clone(value));
      this.setModel(path, clone(value), true);
      return this;
    }
    const ref = nodeAt(this.src, path);
    if (ref && !notPhysical(ref) && !this.isDeleted(path)) {
      if (!isNonEmptyCollection(value) && (isScalar(ref.node) || isEmptyFlow(ref.node))) return this.replaceScalar(path, value);
      return this.replaceValue(path, ref, value);
    }
    // longest existing prefix (an entry this Editor deleted is written again as a new one)
    let k = path.length - 1;
    while (k > 0 && (!nodeAt(this.src, path.slice(0, k)) || this.isDeleted(path.slice(0, k)))) k--;
    const parentPath = path.slice(0, k);
    const seg = path[k];
    const rest = path.slice(k + 1);
    const nested = rest.reduceRight<unknown>((acc, s) => (typeof s === 'number' ? [acc] : { [s]: acc }), clone(value));
    const parent = nodeAt(this.src, parentPath);
    if (parent && isSeq(parent.node)) {
      if (seg !== parent.node.items.length) throw this.fail(path, 'can only append to a sequence');
      return this.appendItem(parentPath, nested);
    }
    if (typeof seg === 'number') throw this.fail(path, 'cannot create a sequence item there');
    return this.insertPair(parentPath, seg, nested);
  }

  /** The text edits (offsets into `src.text`, which has no BOM). */
  edits(): TextEdit[] {
    const out: DepthEdit[] = [];
    for (const op of this.ops) out.push(...op());
    const inserts = out.filter((e) => e.start === e.end);
    out.push(...this.deletionEdits(inserts));
    return this.keepNoFinalNewline(this.trimTrailingBlanks(this.coalesce(out)));
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
  private keepNoFinalNewline(edits: TextEdit[]): TextEdit[] {
    const t = this.src.text;
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
    if (s === 0 || this.lines.start(s) !== s) return edits;
    const finalEol = /\r?\n$/;
    const out = edits.map((e, i) =>
      i >= k && i < j && e.start === e.end ? { ...e, text: this.format.eol + e.text.replace(finalEol, '') } : { ...e },
    );
    const prev = out[k - 1];
    if (prev && prev.end === s) {
      // an edit ending at this line start (a replaced block scalar ends after its EOL)
      prev.text = prev.text.replace(finalEol, '');
      return out;
    }
    const at = s - this.eolAt(s);
    if (out[k].text === '') out[k].start = at;
    else out.splice(k, 0, { start: at, end: s, text: '' });
    return out;
  }

  /**
   * Deleting the last entries of a document can leave blank lines at its end (they separated
   * entries that are gone): a deletion that reaches the end of the text also takes the blank
   * lines right before it, unless another edit is there.
   */
  private trimTrailingBlanks(edits: TextEdit[]): TextEdit[] {
    const t = this.src.text;
    const n = edits.length;
    if (!n || edits[n - 1].text !== '' || edits[n - 1].end !== t.length) return edits;
    let i = n - 1;
    let s = edits[i].start;
    if (this.lines.start(s) !== s) return edits;
    for (;;) {
      if (i > 0 && edits[i - 1].text === '' && edits[i - 1].end === s && edits[i - 1].start < s) {
        i--;
        s = edits[i].start;
        if (this.lines.start(s) !== s) break;
        continue;
      }
      const p = this.lines.prev(s);
      const floor = i > 0 ? edits[i - 1].end : 0;
      if (p > 0 && p >= floor && isBlank(this.lines.line(p))) {
        s = p;
        continue;
      }
      break;
    }
    if (i === n - 1 && s === edits[i].start) return edits;
    return [...edits.slice(0, i), { start: s, end: t.length, text: '' }];
  }

  /**
   * Apply the edits to the original text, re-parse, and check the result against the
   * intended model. Returns the full new file content (BOM included when the file had one).
   */
  apply(): string {
    const edits = this.edits();
    const text = applyEdits(this.src.text, edits);
    const full = (this.format.bom ? '\uFEFF' : '') + text;
    if (!edits.length) return full; // nothing edited: the original bytes, nothing to verify
    let after: ComposeSource;
    let models: Model[];
    try {
      after = parseSource(full, this.src.path);
      models = after.docs.map(docModel);
    } catch (e) {
      const msg = e instanceof ComposemodError ? e.format() : (e as Error).message;
      throw new ComposemodError(`internal: edit produced an unexpected document (${msg}); nothing was written`, {
        file: this.src.path,
      });
    }
    const mismatch = (what: string): ComposemodError =>
      new ComposemodError(`internal: edit produced an unexpected document (${what}); nothing was written`, {
        file: this.src.path,
      });
    if (after.docs.length !== this.src.docs.length) throw mismatch('the number of YAML documents changed');
    const ci = this.src.docs.indexOf(this.src.doc);
    for (let i = 0; i < after.docs.length; i++) {
      const expected = i === ci ? purge(this.model) : docModel(this.src.docs[i]);
      if (!deepEqual(models[i], expected)) {
        throw mismatch(i === ci ? 'its content differs from the intended model' : `document ${i + 1} changed`);
      }
    }
    return full;
  }

  // ----- path & model helpers ----------------------------------------------------------

  private fail(path: Path, why: string, ref?: NodeRef): ComposemodError {
    const r = ref?.pair ? rangeOf(ref.pair.key) : ref?.range;
    const at = r ? this.src.position(r[0]) : undefined;
    return new ComposemodError(`cannot edit ${formatModelPath(path) || '(document)'}: ${why}`, {
      file: this.src.path,
      line: at?.line,
      col: at?.col,
      modelPath: path,
    });
  }

  /**
   * The physically present node at `path`. `forDelete`: the entry itself may be an alias
   * (`key: *a`, `- *a`: deleting it removes one use), and may be an anchored node whose
   * every alias is deleted by this Editor.
   */
  private physical(path: Path, forDelete = false): NodeRef {
    const ref = nodeAt(this.src, path);
    if (!ref) throw this.fail(path, 'no such entry');
    const aliasEntry = forDelete && ref.aliasNode !== null && !ref.inherited && path.length > 0;
    const why = aliasEntry ? this.parentNotPhysical(path) : notPhysical(ref);
    if (why) throw this.fail(path, why, ref);
    for (let p = ref; ; ) {
      if (this.deleted.has(p.pair ?? (p.parent ? p.parent.items[p.index] : undefined))) {
        throw this.fail(path, 'it was already deleted', ref);
      }
      const anchored = p.node && !(p === ref && aliasEntry) ? this.liveAlias(p.node) : undefined;
      if (anchored) {
        const at = this.src.position(rangeOf(anchored)![0]);
        throw this.fail(
          path,
          `it is (inside) the anchored node &${(p.node as Node).anchor}, which is aliased at line ${at.line}; editing it would change every use` +
            (forDelete && p === ref ? ' (delete every alias first)' : ''),
          ref,
        );
      }
      if (!p.path.length) break;
      const up = nodeAt(this.src, p.path.slice(0, -1));
      if (!up) break;
      p = up;
    }
    return ref;
  }

  /** Did this Editor delete the entry at `path` (or one holding it)? */
  private isDeleted(path: Path): boolean {
    for (let n = path.length; n > 0; n--) {
      const ref = nodeAt(this.src, path.slice(0, n));
      if (!ref) continue;
      if (this.deleted.has(ref.pair ?? (ref.parent ? ref.parent.items[ref.index] : undefined))) return true;
    }
    return false;
  }

  /** Why the collection holding the entry at `path` cannot be edited (null: it can). */
  private parentNotPhysical(path: Path): string | null {
    const up = nodeAt(this.src, path.slice(0, -1));
    return up ? notPhysical(up) : 'no such entry';
  }

  private aliasedNodes: Map<unknown, Node[]> | undefined;
  /** Nodes inside entries this Editor deletes. */
  private readonly goneNodes = new Set<unknown>();

  /** Anchored nodes that some alias refers to -> every such alias, in document order. */
  private aliased(): Map<unknown, Node[]> {
    if (!this.aliasedNodes) {
      const map = new Map<unknown, Node[]>();
      const doc = this.src.doc;
      visit(doc, {
        Alias: (_k, a) => {
          const target = aliasTarget(doc, a);
          if (!target) return;
          const list = map.get(target) ?? [];
          list.push(a);
          map.set(target, list);
        },
      });
      this.aliasedNodes = map;
    }
    return this.aliasedNodes;
  }

  /** The first alias of `node` that this Editor does not delete. */
  private liveAlias(node: unknown): Node | undefined {
    return this.aliased()
      .get(node)
      ?.find((a) => !this.goneNodes.has(a));
  }

  private pendingAt(path: Path): { pending: PendingInsert; rest: PathSegment[] } | undefined {
    for (const pending of this.pending) {
      const n = pending.path.length;
      if (path.length >= n && pending.path.every((s, i) => s === path[i])) {
        return { pending, rest: path.slice(n) };
      }
    }
    return undefined;
  }

  private modelParent(path: Path, fn: (parent: unknown) => void): void {
    fn(getIn(this.model, path.slice(0, -1)));
  }

  private setModel(path: Path, value: unknown, mustExist: boolean): void {
    const parent = getIn(this.model, path.slice(0, -1));
    if (mustExist && !(isPlainObject(parent) || Array.isArray(parent))) throw this.fail(path, 'no such entry');
    this.model = setIn(this.model, path, value);
  }

  private modelAppend(seqPath: Path, value: unknown): number {
    const arr = getIn(this.model, seqPath);
    const next = Array.isArray(arr) ? [...arr, clone(value)] : [clone(value)];
    this.model = setIn(this.model, seqPath, next);
    return next.length - 1;
  }

  private intendDelete(coll: YamlCollection, collRef: NodeRef, item: unknown, path: Path): void {
    if (this.deleted.has(item)) throw this.fail(path, 'it was already deleted');
    // anchors defined inside the deleted entry must not be used outside it (nor outside
    // other entries this Editor deletes)
    const inside = new Set<unknown>();
    const anchors = new Set<string>();
    for (const root of isPair(item) ? [item.key, item.value] : [item]) {
      if (!isNode(root)) continue;
      visit(root, (_k, n) => {
        inside.add(n);
        if (isNode(n) && n.anchor) anchors.add(n.anchor);
      });
    }
    if (anchors.size) {
      let used: string | undefined;
      visit(this.src.doc, {
        Alias: (_k, a) => {
          if (!inside.has(a) && !this.goneNodes.has(a) && anchors.has(a.source)) used = a.source;
        },
      });
      if (used !== undefined) throw this.fail(path, `it defines the anchor &${used}, which is used elsewhere (delete every alias first)`);
    }
    this.deleted.add(item);
    for (const n of inside) this.goneNodes.add(n);
    this.deletes.push({ coll, collRef, item });
  }

  private entries(coll: YamlCollection): Entry[] {
    let e = this.entryCache.get(coll);
    if (!e) this.entryCache.set(coll, (e = entriesOf(this.lines, coll)));
    return e;
  }

  /** Is the node at `ref` written in block context (its parent is a block collection)? */
  private blockContext(ref: NodeRef): boolean {
    return !ref.parent || !ref.parent.flow;
  }

  private eolAt(o: number): number {
    const t = this.src.text;
    return t.startsWith('\r\n', o - 2) ? 2 : t[o - 1] === '\n' ? 1 : 0;
  }

  /** Block YAML of an inserted value; with a tag, the single `key: !tag value` entry. */
  private emitBlock(value: Record<string, unknown> | unknown[], column: number, tag?: string): string {
    if (tag === undefined || Array.isArray(value)) return emitYaml(value, this.format, { column });
    return Object.entries(value)
      .map(([k, v]) => `${' '.repeat(column)}${renderKey(k, this.format)}: ${tag} ${inlineTagged(v, this.format)}${this.format.eol}`)
      .join('');
  }

  // ----- scalar rendering --------------------------------------------------------------

  private scalarEdit(ref: NodeRef, value: unknown): TextEdit {
    const node = ref.node as Node;
    const [s, e] = ref.range!;
    const t = this.src.text;
    const inFlow = !!ref.parent?.flow;
    if (s === e) {
      // `key:` with no value: write one after the indicator
      return { start: s, end: e, text: ' ' + this.inlineValue(value, ref, inFlow) };
    }
    let text: string;
    const type = isScalar(node) ? node.type : undefined;
    if (type === Scalar.BLOCK_LITERAL || type === Scalar.BLOCK_FOLDED) {
      // the block scalar's range ends after its last line's EOL
      text = this.inlineValue(value, ref, inFlow, true);
      return { start: s, end: e, text: t[e - 1] === '\n' ? text + this.format.eol : text };
    }
    if (typeof value === 'object' && value !== null && !(value instanceof Date)) text = this.inlineValue(value, ref, inFlow);
    else if (typeof value !== 'string') text = renderScalar(value, this.format, inFlow);
    else if (type === Scalar.QUOTE_DOUBLE) text = quoteDouble(value);
    else if (type === Scalar.QUOTE_SINGLE) text = singleQuotable(value) ? quoteSingle(value) : quoteDouble(value);
    else if (type === Scalar.PLAIN && plainSafe(value, inFlow)) text = value;
    else text = this.inlineValue(value, ref, inFlow);
    return { start: s, end: e, text };
  }

  /** A value written after `key:` / `- ` (scalar, `{}`/`[]`, or a literal block). */
  private inlineValue(value: unknown, ref: NodeRef, inFlow: boolean, allowBlock = false): string {
    if (inFlow) return renderFlow(value, this.format);
    if (Array.isArray(value) && !value.length) return EMPTY_SEQ_TEXT;
    if (isPlainObject(value) && !Object.keys(value).length) return EMPTY_MAP_TEXT;
    if (allowBlock && typeof value === 'string' && value.includes('\n')) {
      const col = this.childColumn(ref);
      const lines = emitYaml({ k: value }, this.format, { column: col - this.format.indent }).split(this.format.eol);
      const first = lines[0].slice(lines[0].indexOf(':') + 2);
      if (first.startsWith('|')) return [first, ...lines.slice(1)].join(this.format.eol).replace(/(\r?\n)$/, '');
    }
    if (typeof value === 'string') return renderString(value, this.format);
    return renderScalar(value, this.format);
  }

  /** Column of the key/dash holding `ref`, plus one indent unit (block scalar content). */
  private childColumn(ref: NodeRef): number {
    if (ref.pair) {
      const kr = rangeOf(ref.pair.key);
      if (kr) return kr[0] - this.lines.start(kr[0]) + this.format.indent;
    } else if (ref.parent && !ref.parent.flow) {
      const entry = this.entries(ref.parent).find((x) => x.item === ref.parent!.items[ref.index]);
      if (entry) return entry.col + this.format.indent;
    }
    return this.format.indent;
  }

  // ----- insertion ---------------------------------------------------------------------

  private blockInsert(
    coll: YamlCollection,
    value: Record<string, unknown> | unknown[],
    opts: InsertOptions,
    path: Path,
    tag?: string,
  ): DepthEdit[] {
    const entries = this.entries(coll);
    const t = this.src.text;
    const eol = this.format.eol;
    const col = entries[0].col;
    const find = (key: string): Entry => {
      const pairs = isMap(coll) ? physicalPairs(coll as YAMLMap.Parsed, key) : [];
      if (!pairs.length) throw this.fail([...path, key], 'no such sibling key');
      return entries.find((x) => x.item === pairs[pairs.length - 1].pair)!;
    };
    let text = this.emitBlock(value, col, tag);
    const gapBlank = (i: number): boolean =>
      t.slice(entries[i - 1].end, entries[i].commentStart).split('\n').some((l, j, a) => j < a.length - 1 && isBlank(l));
    const gaps = entries.slice(1).map((_, i) => gapBlank(i + 1));
    let blankSep = gaps.length > 0 && gaps.every(Boolean);
    if (!blankSep && path.length === 0 && isMap(coll)) blankSep = this.sectionsBlankSeparated(entries, gaps);
    // next to entries this Editor deletes, the blank line goes only between entries that stay
    // or are inserted: not right after the parent key, not before a deleted last entry
    const alive = entries.map((x) => !this.deleted.has(x.item));
    const others = this.blockInserts.filter((x) => x.coll === coll);
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
  private sectionsBlankSeparated(entries: Entry[], gaps: boolean[]): boolean {
    const lineOf = (o: number): number => this.src.position(o).line;
    const span = (x: Entry): number => {
      let e = x.end;
      while (e > x.lineStart && /\s/.test(this.src.text[e - 1])) e--;
      return lineOf(e) - lineOf(x.lineStart) + 1;
    };
    const afterBlock = gaps.filter((_, i) => span(entries[i]) > 1);
    if (afterBlock.length) return afterBlock.filter(Boolean).length * 2 >= afterBlock.length;
    return span(entries[entries.length - 1]) > 3;
  }

  private flowInsert(
    coll: YamlCollection,
    ref: NodeRef,
    value: Record<string, unknown> | unknown[],
    opts: InsertOptions,
    tag?: string,
  ): TextEdit[] {
    const parts = Array.isArray(value)
      ? value.map((v) => renderFlow(v, this.format))
      : Object.entries(value).map(([k, v]) => `${renderKey(k, this.format, true)}: ${tag ? tag + ' ' : ''}${renderFlow(v, this.format)}`);
    const text = parts.join(', ');
    const r = ref.range!;
    const items = coll.items as unknown[];
    if (!items.length) {
      const open = r[0] + 1;
      return [{ start: open, end: open, text }];
    }
    const itemRange = (item: unknown): [number, number] => {
      if (isPair(item)) {
        const kr = rangeOf(item.key)!;
        const vr = rangeOf(item.value);
        return [kr[0], Math.max(kr[1], vr ? vr[1] : 0)];
      }
      const ir = rangeOf(item)!;
      return [ir[0], ir[1]];
    };
    const byKey = (key: string): unknown => {
      const p = physicalPairs(coll as YAMLMap.Parsed, key);
      if (!p.length) throw this.fail([...ref.path, key], 'no such sibling key');
      return p[p.length - 1].pair;
    };
    if (opts.before !== undefined) {
      const at = itemRange(byKey(opts.before))[0];
      return [{ start: at, end: at, text: text + ', ' }];
    }
    const after = opts.after !== undefined ? byKey(opts.after) : items[items.length - 1];
    const at = itemRange(after)[1];
    return [{ start: at, end: at, text: ', ' + text }];
  }

  /** Give a null / empty value a first entry, as a block collection under its key. */
  private fillEmpty(ref: NodeRef, value: Record<string, unknown> | unknown[], path: Path, tag?: string): DepthEdit[] {
    const t = this.src.text;
    const eol = this.format.eol;
    const node = ref.node;
    if (node && (node as { tag?: string }).tag && !isCollection(node)) {
      throw this.fail(path, 'the value has a tag; not editing it', ref);
    }
    if (!ref.parent) {
      // the document root: empty document, or `{}` / `[]`
      const r = ref.range;
      if (r && r[1] > r[0]) return [{ start: r[0], end: r[1], text: this.emitBlock(value, 0, tag).slice(0, -eol.length) }];
      const pos = t.length;
      const text = this.emitBlock(value, 0, tag);
      return [{ start: pos, end: pos, text: pos > 0 && !t.endsWith('\n') ? eol + text.slice(0, -eol.length) : text }];
    }
    if (!ref.pair) throw this.fail(path, 'cannot fill an empty sequence item in place', ref);
    const kr = rangeOf(ref.pair.key)!;
    const keyCol = kr[0] - this.lines.start(kr[0]);
    const col = keyCol + (Array.isArray(value) && !this.format.seqIndent ? 0 : this.format.indent);
    const body = this.emitBlock(value, col, tag).slice(0, -eol.length);
    const edits: DepthEdit[] = [];
    const r = ref.range!;
    const colon = t.indexOf(':', kr[1]);
    if (r[1] > r[0]) edits.push({ start: colon + 1, end: r[1], text: '' });
    const lineEnd = this.lines.contentEnd(Math.max(r[1], colon));
    edits.push({ start: lineEnd, end: lineEnd, text: eol + body, depth: col });
    return edits;
  }

  /** Replace a whole value (collection, or scalar by a collection) under a block key or in flow. */
  private replaceValue(path: Path, ref: NodeRef, value: unknown): this {
    if (!ref.pair || !ref.range) throw this.fail(path, 'can only replace mapping values', ref);
    this.setModel(path, clone(value), true);
    const t = this.src.text;
    const eol = this.format.eol;
    if (ref.parent?.flow || (!isNonEmptyCollection(value))) {
      const text = ref.parent?.flow ? renderFlow(value, this.format) : this.inlineValue(value, ref, false);
      const [s, e] = ref.range;
      const node = ref.node;
      if (isCollection(node) && !node.flow) {
        const kr = rangeOf(ref.pair.key)!;
        const colon = t.indexOf(':', kr[1]);
        const entry = this.entries(ref.parent!).find((x) => x.item === ref.pair)!;
        this.ops.push(() => [{ start: colon + 1, end: entry.end - this.eolAt(entry.end), text: ' ' + text }]);
      } else {
        this.ops.push(() => [{ start: s, end: e, text }]);
      }
      return this;
    }
    const kr = rangeOf(ref.pair.key)!;
    const keyCol = kr[0] - this.lines.start(kr[0]);
    const col = keyCol + (Array.isArray(value) && !this.format.seqIndent ? 0 : this.format.indent);
    const body = emitYaml(value, this.format, { column: col }).slice(0, -eol.length);
    const colon = t.indexOf(':', kr[1]);
    const entry = this.entries(ref.parent!).find((x) => x.item === ref.pair)!;
    const node = ref.node;
    if (isCollection(node) && !node.flow) {
      const lineEnd = this.lines.contentEnd(colon);
      this.ops.push(() => [{ start: lineEnd, end: entry.end - this.eolAt(entry.end), text: eol + body }]);
    } else {
      const s = ref.range[0];
      // a block scalar's range ends after its last line's EOL (and `|+` keeps blank lines)
      const e = s + t.slice(s, ref.range[1]).trimEnd().length;
      const lineEnd = this.lines.contentEnd(e);
      this.ops.push(() => [
        { start: Math.min(colon + 1, s), end: e, text: '' },
        { start: lineEnd, end: lineEnd, text: eol + body },
      ]);
    }
    return this;
  }

  // ----- deletion ----------------------------------------------------------------------

  private deletionEdits(inserts: TextEdit[]): TextEdit[] {
    const byColl = new Map<YamlCollection, DeleteIntent[]>();
    for (const d of this.deletes) {
      const list = byColl.get(d.coll) ?? [];
      list.push(d);
      byColl.set(d.coll, list);
    }
    const out: TextEdit[] = [];
    for (const [coll, intents] of byColl) {
      if (coll.flow) out.push(...this.flowDeletes(coll, intents[0].collRef));
      else out.push(...this.blockDeletes(coll, intents[0].collRef, inserts));
    }
    return out;
  }

  private flowDeletes(coll: YamlCollection, collRef: NodeRef): TextEdit[] {
    const items = coll.items as unknown[];
    const range = (item: unknown): [number, number] => {
      if (isPair(item)) {
        const kr = rangeOf(item.key)!;
        const vr = rangeOf(item.value);
        return [kr[0], Math.max(kr[1], vr ? vr[1] : 0)];
      }
      const r = rangeOf(item)!;
      return [r[0], r[1]];
    };
    const keep = items.filter((x) => !this.deleted.has(x));
    if (!keep.length && !this.insertedInto.has(coll)) {
      const r = collRef.range!;
      return [{ start: r[0] + 1, end: r[1] - 1, text: '' }];
    }
    const out: TextEdit[] = [];
    items.forEach((item, i) => {
      if (!this.deleted.has(item)) return;
      const prev = items.slice(0, i).reverse().find((x) => !this.deleted.has(x));
      const next = items.slice(i + 1).find((x) => !this.deleted.has(x));
      if (prev) out.push({ start: range(prev)[1], end: range(item)[1], text: '' });
      else if (next) out.push({ start: range(item)[0], end: range(next)[0], text: '' });
      else out.push({ start: range(item)[0], end: range(item)[1], text: '' });
    });
    return out;
  }

  private blockDeletes(coll: YamlCollection, collRef: NodeRef, inserts: TextEdit[]): TextEdit[] {
    const lines = this.lines;
    const t = this.src.text;
    const eol = this.format.eol;
    const entries = this.entries(coll);
    const alive = entries.map((x) => !this.deleted.has(x.item));
    const emptied = !alive.some(Boolean) && !this.insertedInto.has(coll);
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
        const end = last.end - this.eolAt(last.end);
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
          .filter((x) => (this.lines.start(x.start) === x.start || x.start === t.length) && this.insertDepth(x) === entry.col)
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

  /**
   * Merge overlapping pure deletions; reject any other overlap. Inserts at one offset, in
   * this order: text that continues the line the offset is on (` []`, ` !tag`, a flow item),
   * then lines by decreasing column (a deeper one ends nested content that a shallower one
   * follows: a child appended to the last entry before a new sibling or top-level section),
   * then op order.
   */
  /**
   * Where an insert goes among inserts at its offset: Infinity for text continuing the line
   * (the offset is not at a line start and the text does not start a new line), otherwise the
   * column of its first non-blank line (the `depth` an op gave, if any).
   */
  private insertDepth(e: DepthEdit): number {
    const t = this.src.text;
    const midLine = e.start > 0 && t[e.start - 1] !== '\n';
    if (midLine && !/^\r?\n/.test(e.text)) return Infinity;
    if (e.depth !== undefined) return e.depth;
    const line = e.text.split('\n').find((l) => !isBlank(l));
    return line === undefined ? 0 : indentOf(line);
  }

  private coalesce(edits: DepthEdit[]): TextEdit[] {
    const rank = (e: DepthEdit): number => (e.start === e.end ? this.insertDepth(e) : 0);
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
        const at = this.src.position(e.start);
        throw new ComposemodError(`overlapping edits at ${at.line}:${at.col} (an entry was edited and also deleted or replaced)`, {
          file: this.src.path,
          line: at.line,
          col: at.col,
        });
      }
      out.push({ start: e.start, end: e.end, text: e.text });
    }
    return out;
  }
}

function isNullish(node: ParsedNode | null): boolean {
  if (node === null) return true;
  if (isScalar(node)) return node.value === null;
  return isEmptyFlow(node);
}

function isEmptyFlow(node: unknown): boolean {
  return isCollection(node) && !!node.flow && node.items.length === 0;
}

/** `value` written inline after a tag: `null`, `[]`, `{}` or a flow scalar. */
function inlineTagged(value: unknown, format: SourceFormat): string {
  if (value === null || value === undefined) return 'null';
  return renderFlow(value, format);
}

/** What `toJS()` reads back for `!tag value` (an unresolved tag keeps a scalar's source text). */
function taggedModel(tag: string, value: unknown, format: SourceFormat): unknown {
  const text = `k: ${tag} ${inlineTagged(value, format)}\n`;
  const model = docModel(parseSource(text, '(tagged)').doc) as Record<string, unknown>;
  return model.k;
}

function getIn(v: unknown, path: Path): unknown {
  let cur = v;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isPlainObject(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

function setIn(root: unknown, path: Path, value: unknown): unknown {
  if (!path.length) return value;
  const [seg, ...rest] = path;
  if (Array.isArray(root) && typeof seg === 'number') {
    const copy = root;
    copy[seg] = setIn(root[seg], rest, value);
    return copy;
  }
  const obj = isPlainObject(root) ? root : {};
  obj[String(seg)] = setIn(obj[String(seg)], rest, value);
  return obj;
}

// ---------------------------------------------------------------------------------------
// Reusing original text

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
    const r = isPair(item) ? [rangeOf(item.key)![0], Math.max(rangeOf(item.key)![1], rangeOf(item.value)?.[1] ?? 0)] : rangeOf(item)!;
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
