/**
 * The Editor: fidelity-first edits. Every change is a text edit at node ranges of the
 * original text; the rest of the file is never re-serialized. `Editor.apply()` re-parses the
 * result and checks it against the intended model before returning anything.
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
 *
 * The Editor records operations and keeps the intended model; the text edits are computed by
 * `insert.ts`, `replace.ts` and `delete.ts`, and combined by `combine.ts`.
 */
import { isCollection, isMap, isNode, isPair, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { Node, YAMLMap, YAMLSeq } from 'yaml';
import { ComposemodError } from '../errors.js';
import { parseSource } from '../source.js';
import type { ComposeSource, SourceFormat } from '../source.js';
import { mergedPair, nodeAt, notPhysical, physicalPairs } from '../query.js';
import type { NodeRef, Path, PathSegment, YamlCollection } from '../query.js';
import { quoteDouble, quoteSingle, renderKey, singleQuotable } from '../emit.js';
import { aliasTarget } from '../anchors.js';
import { applyEdits } from './apply.js';
import type { TextEdit } from './apply.js';
import { coalesce, keepNoFinalNewline, trimTrailingBlanks } from './combine.js';
import { EditContext } from './context.js';
import type { DepthEdit, InsertOptions, Op } from './context.js';
import { deletionEdits } from './delete.js';
import type { DeleteIntent } from './delete.js';
import { isEmptyFlow, isNullish, rangeOf } from './entries.js';
import { blockInsert, fillEmpty, flowInsert } from './insert.js';
import { clone, deepEqual, DELETED, docModel, getIn, isNonEmptyCollection, purge, setIn } from './model.js';
import type { Model } from './model.js';
import { taggedModel } from './render.js';
import { isPairValue, replaceValueOp, scalarEdit } from './replace.js';
import { isPlainMapping } from '../plain.js';

const LOCAL_TAG = /^![A-Za-z0-9_-]+$/;

type Plain = unknown;

interface PendingInsert {
  /** Model path of the inserted value (mapPath + key, or seqPath + index). */
  path: PathSegment[];
  value: Plain;
  /** Local tag of an inserted mapping value (InsertOptions.tag). */
  tag?: string;
}

export class Editor {
  readonly src: ComposeSource;
  /** The source's lines and entries, and what other edits depend on (deleted entries, inserts). */
  private readonly cx: EditContext;
  private readonly ops: Op[] = [];
  private readonly deletes: DeleteIntent[] = [];
  private readonly pending: PendingInsert[] = [];
  private modelCache: Model | undefined;
  /** The verified parse of the text `apply()` returned last (undefined: nothing was edited). */
  private appliedSource: ComposeSource | undefined;

  constructor(src: ComposeSource) {
    this.src = src;
    this.cx = new EditContext(src);
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
    const edit = scalarEdit(this.cx, ref, value);
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
      if (!isPlainMapping(obj)) throw this.fail(path, 'not a mapping entry');
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
      if (!isPlainMapping(obj)) throw this.fail(path, 'not a mapping entry');
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
      if (!isPlainMapping(target) && target !== null) throw this.fail(mapPath, 'not a mapping');
      if (isPlainMapping(target) && key in target) throw this.fail([...mapPath, key], 'key already exists');
      holder.pending.value = setIn(holder.pending.value, [...holder.rest, key], clone(value));
      this.setModel([...mapPath, key], clone(value), false);
      return this;
    }
    const ref = this.physical(mapPath);
    const node = ref.node;
    // a key this Editor deleted (every occurrence) can be inserted again: a new entry
    if (isMap(node) && physicalPairs(node as YAMLMap.Parsed, key).some(({ pair }) => !this.cx.deleted.has(pair))) {
      throw this.fail([...mapPath, key], 'key already exists', ref);
    }
    if (!isMap(node) && !isNullish(node)) throw this.fail(mapPath, 'not a mapping', ref);
    this.setModel([...mapPath, key], opts.tag !== undefined ? taggedModel(opts.tag, value, this.format) : clone(value), false);
    const pending: PendingInsert = { path: [...mapPath, key], value: clone(value), tag: opts.tag };
    this.pending.push(pending);
    if (isMap(node) && node.flow && (node.items.length || !this.blockContext(ref))) {
      this.ops.push(() => flowInsert(this.cx, node as YAMLMap.Parsed, ref, { [key]: pending.value }, opts, pending.tag));
    } else if (isMap(node) && node.items.length) {
      this.cx.insertedInto.add(node);
      const own = { ...opts };
      this.cx.blockInserts.push({ coll: node, opts: own });
      this.ops.push(() => blockInsert(this.cx, node as YAMLMap.Parsed, { [key]: pending.value }, own, mapPath, pending.tag));
    } else {
      if (node && isMap(node)) this.cx.insertedInto.add(node);
      this.ops.push(() => fillEmpty(this.cx, ref, { [key]: pending.value }, mapPath, pending.tag));
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
      this.ops.push(() => flowInsert(this.cx, node as YAMLSeq.Parsed, ref, [pending.value], {}));
    } else if (isSeq(node) && node.items.length) {
      this.cx.insertedInto.add(node);
      const opts: InsertOptions = {};
      this.cx.blockInserts.push({ coll: node, opts });
      this.ops.push(() => blockInsert(this.cx, node as YAMLSeq.Parsed, [pending.value], opts, seqPath));
    } else {
      if (node && isSeq(node)) this.cx.insertedInto.add(node);
      this.ops.push(() => fillEmpty(this.cx, ref, [pending.value], seqPath));
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

  /** Replace a whole value (collection, or scalar by a collection) under a block key or in flow. */
  private replaceValue(path: Path, ref: NodeRef, value: unknown): this {
    if (!isPairValue(ref)) throw this.fail(path, 'can only replace mapping values', ref);
    this.setModel(path, clone(value), true);
    this.ops.push(replaceValueOp(this.cx, ref, value));
    return this;
  }

  /** The text edits (offsets into `src.text`, which has no BOM). */
  edits(): TextEdit[] {
    const out: DepthEdit[] = [];
    for (const op of this.ops) out.push(...op());
    const inserts = out.filter((e) => e.start === e.end);
    out.push(...deletionEdits(this.cx, this.deletes, inserts));
    return keepNoFinalNewline(this.cx, trimTrailingBlanks(this.cx, coalesce(this.cx, out)));
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
    this.appliedSource = after;
    return full;
  }

  /**
   * The source of the text `apply()` returned, as parsed for its verification (so a caller that
   * goes on with the new text need not parse it again); undefined when nothing was edited.
   */
  get result(): ComposeSource | undefined {
    return this.appliedSource;
  }

  // ----- path & model helpers ----------------------------------------------------------

  private fail(path: Path, why: string, ref?: NodeRef): ComposemodError {
    return this.cx.fail(path, why, ref);
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
      if (this.cx.deleted.has(p.pair ?? (p.parent ? p.parent.items[p.index] : undefined))) {
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
      if (this.cx.deleted.has(ref.pair ?? (ref.parent ? ref.parent.items[ref.index] : undefined))) return true;
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
    if (mustExist && !(isPlainMapping(parent) || Array.isArray(parent))) throw this.fail(path, 'no such entry');
    this.model = setIn(this.model, path, value);
  }

  private modelAppend(seqPath: Path, value: unknown): number {
    const arr = getIn(this.model, seqPath);
    const next = Array.isArray(arr) ? [...arr, clone(value)] : [clone(value)];
    this.model = setIn(this.model, seqPath, next);
    return next.length - 1;
  }

  private intendDelete(coll: YamlCollection, collRef: NodeRef, item: unknown, path: Path): void {
    if (this.cx.deleted.has(item)) throw this.fail(path, 'it was already deleted');
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
    this.cx.deleted.add(item);
    for (const n of inside) this.goneNodes.add(n);
    this.deletes.push({ coll, collRef, item });
  }

  /** Is the node at `ref` written in block context (its parent is a block collection)? */
  private blockContext(ref: NodeRef): boolean {
    return !ref.parent || !ref.parent.flow;
  }
}
