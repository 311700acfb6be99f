/**
 * Text side of extract: which nodes of a source must move whole (anchors, aliases, `<<`,
 * tags, flow style), producing a file by deleting what a keep tree does not keep (through
 * the Editor, so untouched parts keep their exact text), and comment bookkeeping.
 */
import { Lexer, isAlias, isMap, isPair, isSeq, isCollection } from 'yaml';
import type { Node } from 'yaml';
import { Editor, applyEdits, deepEqual, type TextEdit } from '../core/edit.js';
import { ComposemodError } from '../core/errors.js';
import { isMergeKey, keyValue, nodeAt, type Path } from '../core/query.js';
import { parseSource, type ComposeSource } from '../core/source.js';
import type { Keep } from './plan.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Model paths (as JSON) of nodes that can only be kept or dropped whole: flow collections,
 * nodes with an anchor or a tag, aliases, and mappings holding a `<<` merge key. Everything
 * below such a node is not visited (it moves with it).
 */
export function atomicPaths(src: ComposeSource): Set<string> {
  return stopPaths(src, true);
}

/**
 * Model paths (as JSON) of nodes that must not get a `!override` tag: an anchor (the tag would
 * apply at every alias), an alias, a tag of its own, or a `<<` merge key.
 */
export function fixedPaths(src: ComposeSource): Set<string> {
  return stopPaths(src, false);
}

/** Paths of the nodes where a walk stops: anchors, aliases, tags, `<<` maps, and flow collections if asked. */
function stopPaths(src: ComposeSource, flowStops: boolean): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown, path: Path): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Node & { anchor?: string; tag?: string; flow?: boolean };
    const stops =
      isAlias(node) ||
      Boolean(n.anchor) ||
      Boolean(n.tag && !n.tag.startsWith('tag:yaml.org,2002:')) ||
      (flowStops && isCollection(node) && Boolean(n.flow)) ||
      (isMap(node) && node.items.some((p) => isPair(p) && isMergeKey(p.key)));
    if (stops) {
      out.add(JSON.stringify(path));
      return;
    }
    if (isMap(node)) {
      for (const p of node.items) {
        const k = keyValue(p.key);
        if (k === null || typeof k === 'symbol') continue;
        visit(p.value, [...path, String(k)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(src.doc.contents, []);
  return out;
}

/** A source cut down by the Editor: its checked text and its edits (offsets into `src.text`). */
export interface Cut {
  src: ComposeSource;
  /** The file content after the Editor's edits (BOM restored), re-parsed and checked. */
  text: string;
  edits: TextEdit[];
}

const documents = new WeakMap<Cut, unknown>();
/** The cut's document as plain values (`toJS`), parsed once. */
function documentOf(cut: Cut): unknown {
  if (!documents.has(cut)) documents.set(cut, parseSource(cut.text, cut.src.path).doc.toJS());
  return documents.get(cut);
}

/**
 * Deletes from `src` everything `keep` does not keep (`model` is the source's raw model,
 * walked alongside) and writes the keep tree's `!reset` / `!override` marks and profile
 * stubs. Deleting an entry removes its attached comments too.
 *
 * One Editor does it all, so its model check covers every deletion: aliases (`key: *a`) are
 * deleted first, then entries that define an anchor (the Editor accepts deleting an anchored
 * node once every alias of it is deleted).
 */
export function cutSource(src: ComposeSource, model: unknown, keep: Keep, opts: { marker?: string } = {}): Cut {

  const ed = new Editor(src);
  const anchored: Path[] = [];
  /** Paths deleted or meant to be deleted (anchored entries included). */
  const deleted: Path[] = [];
  const marks: (() => void)[] = [];
  const walk = (value: unknown, k: Keep, path: Path): void => {
    if (k === true || k.kind === 'reset' || k.kind === 'disable') return;
    if (k.kind === 'override') {
      marks.push(() => ed.setTag(path, '!override'));
      return;
    }
    if (k.kind === 'map') {
      if (!isObj(value)) return;
      for (const key of Object.keys(value)) {
        const sub = k.keys.get(key);
        if (sub !== undefined && sub !== null && !(typeof sub === 'object' && (sub.kind === 'reset' || sub.kind === 'disable'))) {
          walk(value[key], sub, [...path, key]);
          continue;
        }
        const at = [...path, key];
        const ref = nodeAt(src, at);
        if (!ref?.aliasNode && holdsAnchor(ref?.node)) anchored.push(at);
        else ed.deletePair(at);
        deleted.push(at);
      }
      for (const [key, sub] of k.keys) {
        const mapPath = path;
        if (typeof sub === 'object' && sub.kind === 'reset') {
          marks.push(() => ed.insertPair(mapPath, key, RESET_VALUE[sub.as], { tag: '!reset' }));
        } else if (typeof sub === 'object' && sub.kind === 'disable') {
          if (!opts.marker) throw new ComposemodError('internal: a disabled service needs a profile name', { file: src.path });
          const marker = opts.marker;
          marks.push(() => ed.setIn([...mapPath, key], { profiles: [marker] }));
        }
      }
    } else {
      if (!Array.isArray(value)) return;
      const items = k.items;
      value.forEach((_, i) => {
        if (!items.has(i)) {
          ed.deleteItem([...path, i]);
          deleted.push([...path, i]);
        }
      });
    }
  };
  walk(model, keep, []);
  // Entries defining an anchor that a kept alias uses stay: anchors are per file, so the alias
  // (`<<: *common` in a service this file keeps) needs its anchor here. Their value is then
  // restated in this file, which the verification covers (an equal `x-*` mapping merges to itself).
  let pending = anchoredInUse(src, anchored, deleted);
  // the other entries defining an anchor: once the aliases that go are deleted (an anchored
  // entry may hold aliases of another one: retry until no progress)
  while (pending.length) {
    const failed: Path[] = [];
    let error: unknown;
    for (const p of pending) {
      try {
        ed.deletePair(p);
      } catch (e) {
        failed.push(p);
        error = e;
      }
    }
    if (failed.length === pending.length) throw error;
    pending = failed;
  }
  for (const m of marks) m();
  const text = ed.apply();
  const edits = ed.edits();
  return opts.marker && marks.length ? flowProfiles({ src, text, edits }, opts.marker) : { src, text, edits };
}

/**
 * Profile stubs written as `profiles: [disabled]` (one line, as Compose's docs write them)
 * rather than the emitter's block list; checked by re-parsing.
 */
function flowProfiles(cut: Cut, marker: string): Cut {
  const esc = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const block = new RegExp(`^([ \\t]*)profiles:(\\r?\\n)[ \\t]*- ((["']?)${esc}\\4)(\\r?\\n|$)`, 'gm');
  let changed = false;
  const edits = cut.edits.map((e) => {
    const text = e.text.replace(block, (_m, indent: string, _eol: string, item: string, _q: string, end: string) => `${indent}profiles: [${item}]${end}`);
    if (text !== e.text) changed = true;
    return { ...e, text };
  });
  if (!changed) return cut;
  const text = (cut.src.format.bom ? '\uFEFF' : '') + applyEdits(cut.src.text, edits);
  const a = parseSource(text, cut.src.path);
  if (a.doc.errors.length || !deepEqual(a.doc.toJS(), documentOf(cut))) return cut;
  const next = { src: cut.src, text, edits };
  documents.set(next, documentOf(cut));
  return next;
}

/**
 * The cut with more edits that must not change the document (comment lines removed or
 * inserted); checked by re-parsing.
 */
export function withCommentEdits(cut: Cut, extra: readonly TextEdit[]): string {
  if (!extra.length) return cut.text;
  const { src } = cut;
  const text = (src.format.bom ? '\uFEFF' : '') + applyEdits(src.text, [...cut.edits, ...extra]);
  const a = parseSource(text, src.path);
  if (a.doc.errors.length || !deepEqual(a.doc.toJS(), documentOf(cut)))
    throw new ComposemodError('internal: moving comments changed the document; nothing was written', { file: src.path });
  return text;
}



const under = (p: Path, prefix: Path): boolean => prefix.length <= p.length && prefix.every((seg, i) => String(seg) === String(p[i]));

/**
 * The anchored entries (of `anchored`, all in `deleted`) that can be deleted: those none of
 * whose anchors is used by an alias outside the deleted entries. Keeping an entry keeps the
 * aliases in it, which may keep another anchored entry: repeated until stable.
 */
function anchoredInUse(src: ComposeSource, anchored: Path[], deleted: Path[]): Path[] {
  if (!anchored.length) return anchored;
  const anchors: { name: string; path: Path }[] = [];
  const aliases: { name: string; path: Path }[] = [];
  const visit = (node: unknown, path: Path): void => {
    if (!node || typeof node !== 'object') return;
    if (isAlias(node)) {
      aliases.push({ name: node.source, path });
      return;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.push({ name: anchor, path });
    if (isMap(node)) {
      for (const p of node.items) {
        const k = isMergeKey(p.key) ? '<<' : keyValue(p.key);
        if (k === null || typeof k === 'symbol') continue;
        visit(p.value, [...path, String(k)]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...path, i]));
  };
  visit(src.doc.contents, []);
  let kept = new Set<Path>();
  for (;;) {
    const gone = deleted.filter((d) => !kept.has(d));
    const used = new Set(aliases.filter((a) => !gone.some((d) => under(a.path, d))).map((a) => a.name));
    const next = new Set(anchored.filter((p) => anchors.some((a) => used.has(a.name) && under(a.path, p))));
    if (next.size === kept.size) break;
    kept = next;
  }
  return anchored.filter((p) => !kept.has(p));
}

const RESET_VALUE: Record<'null' | 'seq' | 'map', unknown> = { null: null, seq: [], map: {} };

function holdsAnchor(node: unknown): boolean {
  let found = false;
  const walk = (n: unknown): void => {
    if (found || !n || typeof n !== 'object' || isAlias(n)) return;
    if ((n as { anchor?: string }).anchor) {
      found = true;
      return;
    }
    if (isMap(n)) for (const p of n.items) walk(p.value);
    else if (isSeq(n)) n.items.forEach(walk);
  };
  walk(node);
  return found;
}

/** `src` with `edits` applied, as file content (BOM restored). */
export function withEdits(src: ComposeSource, edits: readonly TextEdit[]): string {
  return (src.format.bom ? '\uFEFF' : '') + applyEdits(src.text, edits);
}

export interface CommentLine {
  /** Text after `#`, trimmed. */
  text: string;
  /** Offset of the `#`. */
  offset: number;
  /** Whether the comment is alone on its line. */
  ownLine: boolean;
}

/** Every comment of a YAML text (block scalar content is not a comment). */
export function comments(text: string): CommentLine[] {
  const out: CommentLine[] = [];
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (tok.startsWith('#')) {
      const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
      out.push({ text: tok.slice(1).trim(), offset, ownLine: /^[ \t]*$/.test(text.slice(lineStart, offset)) });
    }
    // control tokens (document/scalar markers) are single characters that are not in the text
    if (!(tok.length === 1 && tok.charCodeAt(0) < 0x20 && tok !== '\n' && tok !== '\t')) offset += tok.length;
  }
  return out.filter((c) => c.text !== '');
}

/** Multiset of comment texts, for "no comment line lost" checks. */
export function commentCounts(texts: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of texts) for (const c of comments(t)) m.set(c.text, (m.get(c.text) ?? 0) + 1);
  return m;
}

interface EntryPos {
  path: Path;
  /** Offset of the key (or dash). */
  start: number;
}

/** Every mapping entry and sequence item of the source, in document order. */
function entryPositions(src: ComposeSource): EntryPos[] {
  const out: EntryPos[] = [];
  const visit = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      for (const p of node.items) {
        const k = keyValue(p.key);
        const r = (p.key as { range?: [number, number, number] } | null)?.range;
        if (k === null || typeof k === 'symbol' || !r) continue;
        out.push({ path: [...path, String(k)], start: r[0] });
        visit(p.value, [...path, String(k)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const r = (item as { range?: [number, number, number] } | null)?.range;
        if (r) out.push({ path: [...path, i], start: r[0] });
        visit(item, [...path, i]);
      });
    }
  };
  visit(src.doc.contents, []);
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The model path a comment describes: the entry on the comment's line (inline comment), else
 * the next entry after it (a comment line above an entry), else [] (end of the document).
 */
export function commentOwner(src: ComposeSource, offset: number): Path {
  const lineStart = src.text.lastIndexOf('\n', offset - 1) + 1;
  const entries = entryPositions(src);
  let onLine: EntryPos | undefined;
  for (const e of entries) if (e.start >= lineStart && e.start < offset) onLine = e;
  if (onLine) return onLine.path;
  return entries.find((e) => e.start > offset)?.path ?? [];
}

/**
 * Edits that insert comment lines into `base` above the entry at `path` (or its deepest kept
 * ancestor, as `kept` says), at that entry's column. `[]` appends at the end of the file.
 */
export function commentInsertions(
  base: ComposeSource,
  wanted: { path: Path; text: string }[],
  kept: (path: Path) => boolean,
): TextEdit[] {
  const eol = base.format.eol;
  const byOffset = new Map<number, string[]>();
  for (const w of wanted) {
    let path = w.path;
    const firstIndex = path.findIndex((s) => typeof s === 'number');
    if (firstIndex >= 0) path = path.slice(0, firstIndex);
    while (path.length && !kept(path)) path = path.slice(0, -1);
    let at: number;
    let col = 0;
    const ref = path.length ? nodeAt(base, path) : undefined;
    const kr = ref?.pair ? (ref.pair.key as { range?: [number, number, number] } | null)?.range : undefined;
    if (kr) {
      at = base.text.lastIndexOf('\n', kr[0] - 1) + 1;
      col = kr[0] - at;
      if (!/^[ \t-]*$/.test(base.text.slice(at, kr[0]))) col = 0;
      else col = /^ */.exec(base.text.slice(at, kr[0]))![0].length;
    } else {
      at = base.text.length;
    }
    const line = `${' '.repeat(col)}# ${w.text}`;
    const list = byOffset.get(at) ?? [];
    list.push(line);
    byOffset.set(at, list);
  }
  const out: TextEdit[] = [];
  for (const [at, lines] of byOffset) {
    if (at === base.text.length) {
      const needsEol = base.text.length > 0 && !base.text.endsWith('\n');
      out.push({ start: at, end: at, text: (needsEol ? eol : '') + lines.map((l) => l + eol).join('') });
    } else {
      out.push({ start: at, end: at, text: lines.map((l) => l + eol).join('') });
    }
  }
  return out;
}

/** Number of lines of a file's content (a final line without EOL counts). */
export function lineCount(text: string | null): number {
  if (!text) return 0;
  const n = (text.match(/\n/g) ?? []).length;
  return text.endsWith('\n') ? n : n + 1;
}

/**
 * The file-header comment block: the comment lines (with blank lines among and after them)
 * at the top of the document, before any content. `end` is the offset of the first content
 * line; null when the file does not start with a comment.
 */
export function headerBlock(src: ComposeSource): { end: number; texts: string[] } | null {
  const t = src.text;
  let at = 0;
  const texts: string[] = [];
  while (at < t.length) {
    const nl = t.indexOf('\n', at);
    const lineEnd = nl < 0 ? t.length : nl + 1;
    const line = t.slice(at, lineEnd).trim();
    if (line.startsWith('#')) texts.push(line.slice(1).trim());
    else if (line !== '') break;
    at = lineEnd;
  }
  const nonEmpty = texts.filter((x) => x !== '');
  return nonEmpty.length ? { end: at, texts: nonEmpty } : null;
}

/** Comment lines that belong together: a run of own-line comments, an inline comment, or the file header. */
export interface CommentBlock {
  /** Comment texts (after `#`, trimmed), in order. */
  texts: string[];
  /** Identity across files: the texts, one per line (and which occurrence of them in the file). */
  key: string;
  /** Offsets of the `#` of each line. */
  offsets: number[];
  /** Text to remove to drop the block (whole lines; for an inline comment, the spaces and the comment). */
  range: [number, number];
  /** Offset where one more blank line would go with the block (a blank line it sits between). */
  blankAfter?: [number, number];
  inline: boolean;
  header: boolean;
  /** The entry the block describes (the one on its line, else the next one). */
  owner: Path;
}

const lineStartAt = (t: string, o: number): number => t.lastIndexOf('\n', o - 1) + 1;
const lineEndAt = (t: string, o: number): number => {
  const nl = t.indexOf('\n', o);
  return nl < 0 ? t.length : nl + 1;
};
const blankLine = (t: string, start: number): boolean => start < t.length && /^[ \t]*\r?\n/.test(t.slice(start, lineEndAt(t, start)));

/** The comment blocks of a source, in order. */
export function commentBlocks(src: ComposeSource): CommentBlock[] {
  const t = src.text;
  const header = headerBlock(src);
  const out: CommentBlock[] = [];
  let run: CommentLine[] = [];
  const flush = () => {
    if (!run.length) return;
    const start = lineStartAt(t, run[0].offset);
    const end = lineEndAt(t, run[run.length - 1].offset);
    const prevBlank = start === 0 || blankLine(t, lineStartAt(t, start - 1));
    const block: CommentBlock = {
      texts: run.map((c) => c.text),
      key: run.map((c) => c.text).join('\n'),
      offsets: run.map((c) => c.offset),
      range: [start, end],
      inline: false,
      header: false,
      owner: commentOwner(src, run[0].offset),
    };
    if (prevBlank && blankLine(t, end)) block.blankAfter = [end, lineEndAt(t, end)];
    out.push(block);
    run = [];
  };
  const all = comments(t);
  if (header) {
    const inHeader = all.filter((c) => c.offset < header.end);
    out.push({
      texts: inHeader.map((c) => c.text),
      key: inHeader.map((c) => c.text).join('\n'),
      offsets: inHeader.map((c) => c.offset),
      range: [0, header.end],
      inline: false,
      header: true,
      owner: [],
    });
  }
  for (const c of all) {
    if (header && c.offset < header.end) continue;
    if (!c.ownLine) {
      flush();
      let from = c.offset;
      while (from > 0 && (t[from - 1] === ' ' || t[from - 1] === '\t')) from--;
      const eol = t.indexOf('\n', c.offset);
      let to = eol < 0 ? t.length : eol;
      if (to > c.offset && t[to - 1] === '\r') to--;
      out.push({ texts: [c.text], key: c.text, offsets: [c.offset], range: [from, to], inline: true, header: false, owner: commentOwner(src, c.offset) });
      continue;
    }
    if (run.length && lineStartAt(t, c.offset) !== lineEndAt(t, run[run.length - 1].offset)) flush();
    run.push(c);
  }
  flush();
  // the same text twice in one file: the first, second, ... occurrence are different blocks
  const seen = new Map<string, number>();
  for (const bl of out) {
    const n = seen.get(bl.key) ?? 0;
    seen.set(bl.key, n + 1);
    if (n) bl.key = `${bl.key}\n#${n}`;
  }
  return out;
}

/** Does the cut keep the block (no deletion covers its lines)? */
export function blockKept(cut: Cut, block: CommentBlock): boolean {
  return !cut.edits.some((e) => e.end > e.start && block.offsets.some((o) => o >= e.start && o < e.end));
}

/** An edit that removes the block from the cut's text (with a blank line it sat between, when that does not touch another edit). */
export function blockRemoval(cut: Cut, block: CommentBlock): TextEdit {
  const overlaps = (r: [number, number]) => cut.edits.some((e) => e.start < r[1] && r[0] < e.end);
  const [start, end] = block.range;
  if (block.blankAfter && !overlaps(block.blankAfter)) return { start, end: block.blankAfter[1], text: '' };
  return { start, end, text: '' };
}
