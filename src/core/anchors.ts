import { isAlias, isNode, visit } from 'yaml';
import type { Alias, Document, Node } from 'yaml';

/**
 * Alias -> anchored node, for a whole document in one walk. yaml's `Alias.resolve(doc)` walks
 * the document on every call, which made alias-heavy files (an x- block merged into every
 * service) quadratic. YAML semantics: an alias refers to the closest preceding node with that
 * anchor, in document order (which is `visit`'s order: a node before its children, keys before
 * values); an alias inside its own anchored node refers to it (a recursion the caller rejects).
 */
const cache = new WeakMap<Document, Map<Alias, Node | undefined>>();

export function aliasTarget(doc: Document, alias: Alias): Node | undefined {
  let map = cache.get(doc);
  if (!map) {
    map = new Map();
    const current = new Map<string, Node>();
    const m = map;
    visit(doc, (_key, node) => {
      if (isAlias(node)) m.set(node, current.get(node.source));
      else if (isNode(node) && node.anchor) current.set(node.anchor, node);
    });
    cache.set(doc, map);
  }
  // an alias created after the walk (not in a parsed document) falls back to yaml's own lookup
  return map.has(alias) ? map.get(alias) : (alias.resolve(doc) as Node | undefined);
}
