/**
 * The normal form (rules doc, "Normal form"): the shape two models are compared in.
 * Compose's canonical long syntax, plus the defaults and spellings compose's binding applies
 * (the attribute table's `normal` column, core/attributes.ts); mapping keys sorted
 * recursively, so `JSON.stringify` of two normal forms compares them.
 * Project-level normalisation (default network, resource names, path resolution, .env) is not applied.
 */
import type { NormalRule } from '../attributes.js';
import { canonicalForm, omitEmpty } from './canonical.js';
import { toHostsList } from './merge.js';
import { extractMarkers } from './reset.js';
import { shellSplit } from './shell.js';
import { cleanPath } from '../go.js';
import { enforceUnicity } from './unique.js';
import { deepClone, goString, isObj, modelError, put, rule, sortKeys, toList, type Obj, type Path } from './values.js';

type Norm = (value: unknown, path: Path) => unknown;

function keyValueMap(bare: null | ''): Norm {
  return (value) => {
    const out: Obj = {};
    if (isObj(value)) {
      for (const [k, v] of Object.entries(value)) put(out, k, v === null || v === undefined ? bare : goString(v));
      return out;
    }
    for (const item of toList(value)) {
      const text = goString(item);
      const eq = text.indexOf('=');
      if (eq < 0) put(out, text, bare);
      else put(out, text.slice(0, eq), text.slice(eq + 1));
    }
    return out;
  };
}

/** `host=ip` strings (types.HostsList YAML form), one per IP, sorted, duplicates kept. */
const hosts: Norm = (value) =>
  toHostsList(value)
    .map((entry) => {
      const text = goString(entry);
      const eq = text.indexOf('=');
      const sep = eq >= 0 ? eq : text.indexOf(':');
      if (sep < 0) return text;
      let ip = text.slice(sep + 1);
      if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
      return `${text.slice(0, sep)}=${ip}`;
    })
    .sort();

const eachObj =
  (f: (item: Obj) => Obj): Norm =>
  (value) =>
    Array.isArray(value) ? value.map((item) => (isObj(item) ? f(item) : item)) : value;

const withDefaults = (defaults: Obj) => (item: Obj) => ({ ...defaults, ...item });

const port = (p: Obj): Obj => {
  const out: Obj = { protocol: 'tcp', mode: 'ingress', ...p };
  if (typeof out.target === 'string' && /^\d+$/.test(out.target)) out.target = Number(out.target);
  if (typeof out.published === 'number') out.published = String(out.published);
  return out;
};

/** Compose's Normalize cleans every volume target (`/data/` is `/data`). */
const volume = (v: Obj): Obj => {
  const out = typeof v.target === 'string' && v.target !== '' ? { ...v, target: cleanPath(v.target) } : v;
  return out.bind === undefined ? out : { ...out, bind: { create_host_path: true, ...(isObj(out.bind) ? out.bind : {}) } };
};

const secret = (s: Obj): Obj => (s.target === undefined || s.target === null ? { ...s, target: `/run/secrets/${goString(s.source)}` } : s);

const NORMS: Record<NormalRule, Norm> = {
  envMap: keyValueMap(null),
  labelMap: keyValueMap(''),
  strings: (value) => toList(value).map(goString),
  commandLine: (value, path) => (typeof value === 'string' ? shellSplit(value, path) : Array.isArray(value) ? value.map(goString) : value),
  hosts,
  ports: eachObj(port),
  volumes: eachObj(volume),
  devices: eachObj(withDefaults({ permissions: 'rwm' })),
  secrets: eachObj(secret),
  envFiles: eachObj(withDefaults({ required: true })),
  dependsOn: (value) => {
    if (!isObj(value)) return value;
    const out: Obj = {};
    for (const [name, dep] of Object.entries(value)) put(out, name, { condition: 'service_started', required: true, ...(isObj(dep) ? dep : {}) });
    return out;
  },
  build: (value, path) => (isObj(value) ? walk({ context: '.', ...value }, path) : value),
  healthcheck: (v, path) => walk(isObj(v) && typeof v.test === 'string' ? { ...v, test: ['CMD-SHELL', v.test] } : v, path),
};

/** Applies the `normal` rules below a mapping (not inside sequences). */
function walk(value: unknown, path: Path): unknown {
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    const at = [...path, k];
    const r = v === null || v === undefined ? undefined : rule(at, 'normal');
    put(out, k, r ? NORMS[r](v, at) : walk(v, at));
  }
  return out;
}

export function normalize(model: Record<string, unknown>): Record<string, unknown> {
  const clean = extractMarkers(model).value;
  if (!isObj(clean)) throw modelError('not a compose model: top level is not a mapping', []);
  const canonical = enforceUnicity(omitEmpty(canonicalForm(deepClone(clean), true)));
  delete canonical.version;
  if (isObj(canonical.services)) {
    for (const [name, svc] of Object.entries(canonical.services)) {
      if (svc === null || svc === undefined) canonical.services[name] = {};
    }
  }
  for (const kind of ['volumes', 'networks', 'secrets', 'configs']) {
    const section = canonical[kind];
    if (!isObj(section)) continue;
    for (const [name, def] of Object.entries(section)) if (def === null || def === undefined) section[name] = {};
  }
  const out = walk(canonical, []) as Obj;
  if (isObj(out.services)) {
    for (const svc of Object.values(out.services)) {
      if (!isObj(svc)) continue;
      // A null command/entrypoint clears it: absent in the normal form.
      for (const key of ['command', 'entrypoint']) if (svc[key] === null) delete svc[key];
    }
  }
  return sortKeys(out) as Record<string, unknown>;
}
