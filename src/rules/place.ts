/**
 * Placement: which file and which node own a change, shared by every rule.
 *
 * A project is several files per environment (base, overrides, `extends`, YAML anchors), and an
 * environment's merged value comes from one of them. A rule reasons on the merged model of
 * every environment (analysis), then asks this module where to report and where to edit:
 * - `ownerOf`: the file of an environment whose value the merged model keeps (the last one
 *   that sets it), following `extends` to the service it inherits from;
 * - `envsUsing` / `fileOnlyFor` / `sharedFiles`: who else an edit in a file reaches, so every
 *   environment ends up fixed and none is changed by accident;
 * - `editBlocker`: why a node cannot be edited in place (reached through an alias or `<<`,
 *   inside an anchor other nodes use), checked BEFORE any edit is recorded, so a fix never
 *   leaves half of a change behind;
 * - `addToService`: the one way to add a key under a service (creating the service entry or
 *   the `services` section where the file has none);
 * - `locate`: the range a finding is reported at.
 */
import nodePath from 'node:path';
import { isMap, isSeq, visit } from 'yaml';
import type { ComposeSource } from '../core/source.js';
import { isMergeKey, keyValue, nodeAt, notPhysical, type Path } from '../core/query.js';
import { isObj } from '../core/plain.js';
import type { ComposeFile, Environment, Project } from './project.js';
import type { FixEditor } from './types.js';
import { serviceOf } from './lib/services.js';

/** Where a finding is shown: 1-based lines and columns, `endColumn` exclusive. */
export interface Location {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The environments that load `file` (and, given `service`, have that service merged). */
export function envsUsing(project: Project, file: ComposeFile, service?: string): Environment[] {
  return project.environments.filter((e) => e.files.includes(file) && (service === undefined || serviceOf(e.merged, service) !== undefined));
}

/** The files every one of `envs` loads, in the order of the first one's list. */
export function sharedFiles(envs: readonly Environment[]): ComposeFile[] {
  if (!envs.length) return [];
  return envs[0].files.filter((f) => envs.every((e) => e.files.includes(f)));
}

/**
 * The last file of `env` (other than `except`) that only environments accepted by `ok` use
 * (with `service`, when given): an edit there reaches no other environment.
 */
export function fileOnlyFor(
  project: Project,
  env: Environment,
  ok: (e: Environment) => boolean,
  opts: { service?: string; except?: ComposeFile } = {},
): ComposeFile | undefined {
  return [...env.files].reverse().find((g) => g !== opts.except && envsUsing(project, g, opts.service).every(ok));
}

/**
 * The file of an environment that sets `services.<service>.<key>` last: the one whose value the
 * merged model keeps. With `extends`, the file of the service it inherits the key from when no
 * file of the environment sets it on the service itself (that file may be outside the project).
 */
export function ownerOf(env: Environment, service: string, key: string): ComposeFile | undefined {
  for (let i = env.files.length - 1; i >= 0; i--) {
    const svc = serviceOf(env.files[i].model, service);
    if (svc && key in svc) return env.files[i];
  }
  return undefined;
}

/**
 * Where the merged `services.<service>.<key>` of `env` is written: the owning file and path,
 * following `extends` inside the files of the environment (`extends: base` in the same file,
 * `extends: {file, service}` naming one of them). Undefined when no file of the environment
 * writes it (a default, or an `extends.file` outside the project).
 */
export function definitionOf(env: Environment, service: string, key: string): { file: ComposeFile; path: Path } | undefined {
  const seen = new Set<string>();
  let name = service;
  let files = env.files;
  for (let hops = 0; hops < 16; hops++) {
    for (let i = files.length - 1; i >= 0; i--) {
      const svc = serviceOf(files[i].model, name);
      if (svc && key in svc) return { file: files[i], path: ['services', name, key] };
    }
    // the key is not on the service itself: follow its `extends`, where a file of the environment declares it
    const withExtends = [...files].reverse().find((f) => serviceOf(f.model, name)?.extends !== undefined);
    const ext = withExtends ? serviceOf(withExtends.model, name)!.extends : undefined;
    const target = typeof ext === 'string' ? { service: ext } : isObj(ext) && typeof ext.service === 'string' ? { service: ext.service, file: ext.file } : undefined;
    if (!target || !withExtends) return undefined;
    const key2 = `${String(target.file ?? withExtends.path)}\0${target.service}`;
    if (seen.has(key2)) return undefined;
    seen.add(key2);
    if (typeof target.file === 'string') {
      const abs = nodePath.resolve(nodePath.dirname(withExtends.path), target.file);
      const f = env.files.find((g) => nodePath.resolve(g.path) === abs);
      if (!f) return undefined;
      files = [f];
    } else files = [withExtends];
    name = target.service;
  }
  return undefined;
}

/**
 * Why the node at `path` cannot be edited in place (alias, `<<`, inside an anchor that an alias
 * uses, a tagged scalar), or null when it can or when it does not exist. Every prefix is
 * checked too.
 */
export function editBlocker(file: ComposeFile, path: Path): string | null {
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

/** Is there a physical node at `path` (not one inherited through `<<`)? */
export function exists(file: ComposeFile, path: Path): boolean {
  const ref = nodeAt(file.source, path);
  return !!ref && !ref.inherited;
}

/** The first own key of a service mapping (not `<<`), to insert before it. */
export function firstServiceKey(file: ComposeFile, service: string): string | undefined {
  const ref = nodeAt(file.source, ['services', service]);
  const first = ref && isMap(ref.node) ? ref.node.items.find((p) => !isMergeKey(p.key)) : undefined;
  return first ? String(keyValue(first.key)) : undefined;
}

/**
 * Adds `key: value` under `services.<service>` of `file`: into the service's mapping when the
 * file has it, else a new service entry under `services`, else a new `services` section.
 */
export function addToService(
  ed: FixEditor,
  file: ComposeFile,
  service: string,
  key: string,
  value: unknown,
  opts: { before?: string; after?: string; tag?: string } = {},
): void {
  const svcPath = ['services', service];
  if (exists(file, svcPath)) ed.insertPair(svcPath, key, value, opts);
  else if (exists(file, ['services'])) ed.insertPair(['services'], service, { [key]: value });
  else ed.setIn([...svcPath, key], value);
}

/**
 * The range of the node at `path` in `file` (its deepest existing ancestor when the node is
 * absent): a mapping entry from its key to the end of a scalar value (to the end of the key
 * for a collection), a sequence item over its value's first line.
 */
export function locate(file: ComposeFile, path: Path): Location | undefined {
  const src = file.source;
  for (let n = path.length; n >= 0; n--) {
    const ref = nodeAt(src, path.slice(0, n));
    if (!ref) continue;
    const key = (ref.pair?.key as { range?: [number, number] } | null | undefined)?.range;
    const value = ref.range;
    const start = key?.[0] ?? value?.[0];
    if (start === undefined) continue;
    const scalarValue = value && ref.node && !isMap(ref.node) && !isSeq(ref.node);
    let end = scalarValue ? value[1] : (key?.[1] ?? value?.[1] ?? start);
    // one line at most: a finding points at a line, not at a block
    const eol = src.text.indexOf('\n', start);
    if (eol !== -1 && end > eol) end = src.text[eol - 1] === '\r' ? eol - 1 : eol;
    if (end < start) end = start;
    const s = src.position(start);
    const e = src.position(end);
    return { line: s.line, column: s.col, endLine: e.line, endColumn: e.col };
  }
  return undefined;
}

/** A whole line as a location (findings that know only their line). */
export function lineLocation(file: ComposeFile, line: number): Location {
  const { text: all, lineCounter } = file.source;
  const start = lineCounter.lineStarts[line - 1] ?? all.length;
  const next = lineCounter.lineStarts[line] ?? all.length;
  const text = all.slice(start, next).replace(/\r?\n$/, '');
  const indent = text.length - text.trimStart().length;
  return { line, column: indent + 1, endLine: line, endColumn: Math.max(indent + 1, text.length + 1) };
}
