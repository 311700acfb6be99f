/**
 * Typed lookups over a ComposeSource, returning yaml nodes with their source ranges.
 *
 * Lookups follow aliases (`*a`) and `<<` merge keys so that callers can read effective
 * values, but every result says whether it is physically present at that place in the
 * file (`alias` / `inherited`): edits must only target physically present nodes.
 * Duplicate keys: the last occurrence wins (as in `toJS()`).
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Document, Node, Pair, ParsedNode, YAMLMap, YAMLSeq } from 'yaml';
import type { ComposeSource } from './source.js';
import { aliasTarget } from './anchors.js';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];
export type Range = [number, number];
export type YamlPair = Pair<ParsedNode, ParsedNode | null>;
export type YamlCollection = YAMLMap.Parsed | YAMLSeq.Parsed;

export interface NodeRef {
  path: Path;
  /** The value node, resolved through an alias (null: a key with no value node at all). */
  node: ParsedNode | null;
  /** The alias node standing at this place, when the value is `*anchor`. */
  aliasNode: Alias.Parsed | null;
  /** The pair holding the value, when it is a mapping entry. */
  pair: YamlPair | null;
  /** The collection holding the entry (the document root: null). */
  parent: YamlCollection | null;
  /** Index of the entry in `parent.items`. */
  index: number;
  /** `[start, end)` of the value node (end = end of the value, before trailing comments). */
  range: Range | null;
  /** The value is an alias, or was reached through one. */
  alias: boolean;
  /** The entry comes from a `<<` merge key rather than being written at this place. */
  inherited: boolean;
}

export interface PairRef extends NodeRef {
  pair: YamlPair;
  key: ParsedNode;
  parent: YAMLMap.Parsed;
  /** `[keyStart, valueEnd)`. */
  pairRange: Range;
}

export interface ServiceRef {
  name: string;
  key: ParsedNode;
  value: ParsedNode | null;
  pair: YamlPair;
  /** `[keyStart, valueEnd)`. */
  range: Range;
}

export function nodeRange(node: Node | null | undefined): Range | null {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? [r[0], r[1]] : null;
}

export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || (key.value === '<<' && key.type === 'PLAIN'));
}

/** The JS value of a scalar key (other keys: their source text or null). */
export function keyValue(key: unknown): unknown {
  if (isScalar(key)) return key.value;
  return null;
}

function keyMatches(key: unknown, seg: PathSegment): boolean {
  const k = keyValue(key);
  return k === seg || (typeof k !== 'symbol' && k !== null && k !== undefined && String(k) === String(seg));
}

function resolve(node: unknown, doc: Document.Parsed): { node: ParsedNode | null; alias: Alias.Parsed | null } {
  if (isAlias(node)) {
    const target = aliasTarget(doc, node) as ParsedNode | undefined;
    return { node: target ?? null, alias: node as Alias.Parsed };
  }
  return { node: (node as ParsedNode | null) ?? null, alias: null };
}

interface KeyIndex {
  /** `map.items` when the index was built (parsed documents are never mutated; checked anyway). */
  items: unknown[];
  length: number;
  /** Physical pairs by `String(key)`, in order. */
  byKey: Map<string, { pair: YamlPair; index: number }[]>;
  /** Pairs whose key is not a scalar with a string form: matched by scanning. */
  other: { pair: YamlPair; index: number }[];
  merges: YamlPair[];
}

const keyIndexes = new WeakMap<YAMLMap.Parsed, KeyIndex>();

/** Lookups by key in O(1): a big `services:` map is searched once per edit and per query. */
function keyIndex(map: YAMLMap.Parsed): KeyIndex {
  let ix = keyIndexes.get(map);
  if (ix && ix.items === map.items && ix.length === map.items.length) return ix;
  ix = { items: map.items, length: map.items.length, byKey: new Map(), other: [], merges: [] };
  map.items.forEach((pair, index) => {
    if (isMergeKey(pair.key)) {
      ix!.merges.push(pair as YamlPair);
      return;
    }
    const k = keyValue(pair.key);
    const entry = { pair: pair as YamlPair, index };
    if (k === null || k === undefined || typeof k === 'symbol') ix!.other.push(entry);
    else {
      const s = String(k);
      const list = ix!.byKey.get(s);
      if (list) list.push(entry);
      else ix!.byKey.set(s, [entry]);
    }
  });
  keyIndexes.set(map, ix);
  return ix;
}

/** Physical pairs of `map` whose key matches, in order (duplicates: several). */
export function physicalPairs(map: YAMLMap.Parsed, key: PathSegment): { pair: YamlPair; index: number }[] {
  const ix = keyIndex(map);
  const hits = ix.byKey.get(String(key)) ?? [];
  const odd = ix.other.filter((e) => keyMatches(e.pair.key, key));
  return odd.length ? [...hits, ...odd].sort((a, b) => a.index - b.index) : hits.slice();
}

interface Found {
  pair: YamlPair;
  parent: YAMLMap.Parsed;
  index: number;
  inherited: boolean;
  alias: boolean;
}

function findInMap(map: YAMLMap.Parsed, key: PathSegment, doc: Document.Parsed, depth = 0): Found | undefined {
  const own = physicalPairs(map, key);
  if (own.length) {
    const { pair, index } = own[own.length - 1];
    return { pair, parent: map, index, inherited: false, alias: false };
  }
  return findInMerges(map, key, doc, depth);
}

/** The pair `<<` merge keys of `map` provide for `key` (ignoring the map's own pairs). */
export function mergedPair(src: ComposeSource, map: YAMLMap.Parsed, key: PathSegment): YamlPair | undefined {
  return findInMerges(map, key, src.doc, 0)?.pair;
}

function findInMerges(map: YAMLMap.Parsed, key: PathSegment, doc: Document.Parsed, depth: number): Found | undefined {
  if (depth > 50) return undefined;
  for (const pair of keyIndex(map).merges) {
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const s of sources) {
      const r = resolve(s, doc);
      if (!isMap(r.node)) continue;
      const f = findInMap(r.node as YAMLMap.Parsed, key, doc, depth + 1);
      if (f) return { ...f, inherited: true, alias: f.alias || r.alias !== null };
    }
  }
  return undefined;
}

/** The node at `path` in the compose document (`[]`: the root). */
export function nodeAt(src: ComposeSource, path: Path): NodeRef | undefined {
  const doc = src.doc;
  const root = resolve(doc.contents, doc);
  let ref: NodeRef = {
    path: [],
    node: root.node,
    aliasNode: root.alias,
    pair: null,
    parent: null,
    index: 0,
    range: nodeRange(root.node),
    alias: root.alias !== null,
    inherited: false,
  };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const cur = ref.node;
    const sub = path.slice(0, i + 1);
    if (isMap(cur)) {
      const f = findInMap(cur as YAMLMap.Parsed, seg, doc);
      if (!f) return undefined;
      const v = resolve(f.pair.value, doc);
      ref = {
        path: sub,
        node: v.node,
        aliasNode: v.alias,
        pair: f.pair,
        parent: f.parent,
        index: f.index,
        range: nodeRange(v.alias ?? v.node),
        alias: ref.alias || f.alias || v.alias !== null,
        inherited: ref.inherited || f.inherited,
      };
    } else if (isSeq(cur)) {
      if (typeof seg !== 'number' || seg < 0 || seg >= cur.items.length) return undefined;
      const v = resolve(cur.items[seg], doc);
      ref = {
        path: sub,
        node: v.node,
        aliasNode: v.alias,
        pair: null,
        parent: cur as YAMLSeq.Parsed,
        index: seg,
        range: nodeRange(v.alias ?? v.node),
        alias: ref.alias || v.alias !== null,
        inherited: ref.inherited,
      };
    } else {
      return undefined;
    }
  }
  return ref;
}

/** The mapping entry at `path` (its last segment must be a key). */
export function pairAt(src: ComposeSource, path: Path): PairRef | undefined {
  const ref = nodeAt(src, path);
  if (!ref || !ref.pair || !isMap(ref.parent) || !isPair(ref.pair)) return undefined;
  const key = ref.pair.key;
  const kr = nodeRange(key);
  if (!kr) return undefined;
  const end = ref.range ? Math.max(ref.range[1], kr[1]) : kr[1];
  return { ...ref, pair: ref.pair, key, parent: ref.parent as YAMLMap.Parsed, pairRange: [kr[0], end] };
}

export function topLevel(src: ComposeSource, section: string): NodeRef | undefined {
  return nodeAt(src, [section]);
}

/** Every entry of the top-level `services` mapping (physically present or merged in). */
export function services(src: ComposeSource): ServiceRef[] {
  const ref = nodeAt(src, ['services']);
  if (!ref || !isMap(ref.node)) return [];
  const out: ServiceRef[] = [];
  const seen = new Set<string>();
  const map = ref.node as YAMLMap.Parsed;
  for (let i = map.items.length - 1; i >= 0; i--) {
    const pair = map.items[i] as YamlPair;
    if (isMergeKey(pair.key)) continue;
    const name = String(keyValue(pair.key));
    if (seen.has(name)) continue;
    seen.add(name);
    const kr = nodeRange(pair.key);
    if (!kr) continue;
    const vr = nodeRange(pair.value);
    out.push({ name, key: pair.key, value: pair.value, pair, range: [kr[0], vr ? Math.max(vr[1], kr[1]) : kr[1]] });
  }
  return out.reverse();
}

export function service(src: ComposeSource, name: string): ServiceRef | undefined {
  return services(src).find((s) => s.name === name);
}

export function serviceAttr(src: ComposeSource, name: string, key: string): NodeRef | undefined {
  return nodeAt(src, ['services', name, key]);
}

/** A description of why a reference cannot be edited in place, or null when it can. */
export function notPhysical(ref: NodeRef): string | null {
  if (ref.inherited) return 'it is inherited through a `<<` merge key';
  if (ref.alias) return 'it is (or is inside) an alias to an anchored node';
  return null;
}
