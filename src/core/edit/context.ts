/**
 * What the edit computations share with their Editor: the original source and its lines,
 * the entries of its collections, and the operations recorded so far that other edits
 * depend on (deleted entries, collections that get inserts).
 */
import { ComposemodError, formatModelPath } from '../errors.js';
import type { ComposeSource, SourceFormat } from '../source.js';
import type { NodeRef, Path, YamlCollection } from '../query.js';
import type { TextEdit } from './apply.js';
import { entriesOf, rangeOf } from './entries.js';
import type { Entry } from './entries.js';
import { Lines } from './lines.js';

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

/** An edit with the column of the content it inserts (orders inserts at one offset). */
export interface DepthEdit extends TextEdit {
  depth?: number;
}

/** A recorded operation: computes its edits of the original text when the edits are built. */
export type Op = () => DepthEdit[];

/** An insert into an existing block collection (`opts` identifies it). */
export interface BlockInsert {
  coll: unknown;
  opts: InsertOptions;
}

export class EditContext {
  readonly src: ComposeSource;
  readonly lines: Lines;
  /** Entries (pairs and sequence items) deleted so far. */
  readonly deleted = new Set<unknown>();
  /** Existing collections that get inserted entries. */
  readonly insertedInto = new Set<unknown>();
  /** Inserts into existing block collections, in op order (`opts` identifies each). */
  readonly blockInserts: BlockInsert[] = [];
  private readonly entryCache = new Map<unknown, Entry[]>();

  constructor(src: ComposeSource) {
    this.src = src;
    this.lines = new Lines(src.text);
  }

  get format(): SourceFormat {
    return this.src.format;
  }

  /** The entries of a block collection (computed once per collection). */
  entries(coll: YamlCollection): Entry[] {
    let e = this.entryCache.get(coll);
    if (!e) this.entryCache.set(coll, (e = entriesOf(this.lines, coll)));
    return e;
  }

  /** The error for an operation at `path` (located at the entry's key or the node, if given). */
  fail(path: Path, why: string, ref?: NodeRef): ComposemodError {
    const r = ref?.pair ? rangeOf(ref.pair.key) : ref?.range;
    const at = r ? this.src.position(r[0]) : undefined;
    return new ComposemodError(`cannot edit ${formatModelPath(path) || '(document)'}: ${why}`, {
      file: this.src.path,
      line: at?.line,
      col: at?.col,
      modelPath: path,
    });
  }
}
