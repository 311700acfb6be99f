/**
 * Small read helpers over a ComposeProject shared by the add-volumes, container-name-replicas
 * and network-split fixes: typed access to the merged normal form, to the raw per-file models,
 * and "can this path be edited in place" checks done BEFORE any edit is queued (so a fix never
 * leaves half of a change behind).
 */
import { isMap, isSeq, visit } from 'yaml';
import type { ComposeSource } from '../../core/source.js';
import { nodeAt, notPhysical, type Path } from '../../core/query.js';
import type { Environment, ProjectFile } from '../types.js';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function servicesOf(model: unknown): Record<string, Obj> {
  const s = isObj(model) ? model.services : undefined;
  const out: Record<string, Obj> = {};
  if (isObj(s)) for (const [k, v] of Object.entries(s)) out[k] = isObj(v) ? v : {};
  return out;
}

export function serviceOf(model: unknown, name: string): Obj | undefined {
  const s = isObj(model) ? model.services : undefined;
  if (!isObj(s) || !(name in s)) return undefined;
  const v = s[name];
  return isObj(v) ? v : {};
}

/** Top-level section (volumes, networks...) as a map; null entries become {}. */
export function sectionOf(model: unknown, section: string): Record<string, Obj> {
  const s = isObj(model) ? model[section] : undefined;
  const out: Record<string, Obj> = {};
  if (isObj(s)) for (const [k, v] of Object.entries(s)) out[k] = isObj(v) ? v : {};
  return out;
}

export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);


/** Does the raw model of the file define this service (physically or not)? */
export function fileHasService(file: ProjectFile, service: string): boolean {
  return serviceOf(file.model, service) !== undefined;
}

/** The file of an environment that sets `services.<service>.<key>` last (its merged value). */
export function ownerOf(env: Environment, service: string, key: string): ProjectFile | undefined {
  for (let i = env.files.length - 1; i >= 0; i--) {
    const svc = serviceOf(env.files[i].model, service);
    if (svc && key in svc) return env.files[i];
  }
  return undefined;
}

/**
 * Why the node at `path` cannot be edited in place (alias, `<<`), or null when it can or when
 * it does not exist. Every prefix is checked too.
 */
export function editBlocker(file: ProjectFile, path: Path): string | null {
  const aliased = aliasedAnchors(file.source);
  for (let n = 0; n <= path.length; n++) {
    const ref = nodeAt(file.source, path.slice(0, n));
    if (!ref) return null;
    const why = notPhysical(ref);
    if (why) return `${path.slice(0, n).join('.')}: ${why}`;
    const anchor = (ref.node as { anchor?: string } | null)?.anchor;
    if (anchor && aliased.has(anchor)) return `${path.slice(0, n).join('.') || 'the document'} is inside the anchor &${anchor}, which is used elsewhere (*${anchor})`;
    if (n === 0) continue;
    const node = ref.node as { tag?: string } | null;
    if (node?.tag && n === path.length && !isMap(ref.node) && !isSeq(ref.node)) return `${path.join('.')} has the tag ${node.tag}`;
  }
  return null;
}

const aliasCache = new WeakMap<ComposeSource, Set<string>>();

/** Anchors that some alias refers to, in the compose document. */
export function aliasedAnchors(src: ComposeSource): Set<string> {
  let set = aliasCache.get(src);
  if (!set) {
    const names = new Set<string>();
    visit(src.doc, {
      Alias(_, node) {
        names.add(node.source);
      },
    });
    aliasCache.set(src, (set = names));
  }
  return set;
}

/** Is there a physical node at `path`? */
export function exists(file: ProjectFile, path: Path): boolean {
  const ref = nodeAt(file.source, path);
  return !!ref && !ref.inherited;
}




/**
 * Service names in the order a reader meets them: the merged models are key-sorted, so this
 * walks each environment's files in order and lists every service at its first appearance.
 */
export function serviceOrder(env: Environment): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of env.files)
    for (const name of Object.keys(servicesOf(f.model)))
      if (!seen.has(name)) {
        seen.add(name);
        out.push(name);
      }
  for (const name of Object.keys(servicesOf(env.merged))) if (!seen.has(name)) out.push(name);
  return out.filter((n) => serviceOf(env.merged, n) !== undefined);
}
