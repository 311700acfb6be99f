/**
 * The normal form (rules doc, "Normal form"): the shape two models are compared in.
 * Canonical long syntax plus the defaults and spellings compose's binding applies; mapping
 * keys sorted recursively, so `JSON.stringify` of two normal forms compares them.
 * Project-level normalisation (default network, resource names, path resolution, .env) is not applied.
 */
import { canonicalModel } from './canonical.js';
import { toHostsList } from './merge.js';
import { extractMarkers } from './reset.js';
import { shellSplit } from './shell.js';
import { goString, isObj, modelError, put, rewriteAttrs, sortKeys, toList, type AttrRewrite, type Obj, type Path } from './values.js';

type Norm = AttrRewrite;

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

const envMap = keyValueMap(null);
const labelMap = keyValueMap('');
const strings: Norm = (value) => toList(value).map(goString);

const commandLine: Norm = (value, path) =>
  typeof value === 'string' ? shellSplit(value, path) : Array.isArray(value) ? value.map(goString) : value;

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

const volume = (v: Obj): Obj =>
  v.bind === undefined ? v : { ...v, bind: { create_host_path: true, ...(isObj(v.bind) ? v.bind : {}) } };

const secret = (s: Obj): Obj => (s.target === undefined || s.target === null ? { ...s, target: `/run/secrets/${goString(s.source)}` } : s);

const dependsOn: Norm = (value) => {
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [name, dep] of Object.entries(value)) {
    put(out, name, { condition: 'service_started', required: true, ...(isObj(dep) ? dep : {}) });
  }
  return out;
};

const build: Norm = (value, path) => (isObj(value) ? apply({ context: '.', ...value }, BUILD, path) : value);

const BUILD: Record<string, Norm> = {
  args: envMap,
  labels: labelMap,
  additional_contexts: labelMap,
  extra_hosts: hosts,
};

const SERVICE: Record<string, Norm> = {
  command: commandLine,
  entrypoint: commandLine,
  environment: envMap,
  labels: labelMap,
  annotations: labelMap,
  sysctls: labelMap,
  ports: eachObj(port),
  volumes: eachObj(volume),
  devices: eachObj(withDefaults({ permissions: 'rwm' })),
  secrets: eachObj(secret),
  env_file: eachObj(withDefaults({ required: true })),
  depends_on: dependsOn,
  build,
  healthcheck: (v) =>
    isObj(v) && typeof v.test === 'string' ? { ...v, test: ['CMD-SHELL', v.test] } : v,
  dns: strings,
  dns_search: strings,
  dns_opt: strings,
  tmpfs: strings,
  expose: strings,
  extra_hosts: hosts,
  deploy: (v, path) => apply(v, { labels: labelMap }, path),
};

/** `rewriteAttrs` for values that may not be mappings (those pass through). */
function apply(value: unknown, table: Record<string, Norm>, path: Path): unknown {
  return isObj(value) ? rewriteAttrs(value, table, path) : value;
}

function service(svc: unknown, path: Path): unknown {
  if (svc === null || svc === undefined) return {};
  const out = apply(svc, SERVICE, path) as Obj;
  // A null command/entrypoint clears it: absent in the normal form.
  for (const key of ['command', 'entrypoint']) if (out[key] === null) delete out[key];
  return out;
}

export function normalize(model: Record<string, unknown>): Record<string, unknown> {
  const clean = extractMarkers(model).value;
  if (!isObj(clean)) throw modelError('not a compose model: top level is not a mapping', []);
  const out = canonicalModel(clean);
  delete out.version;
  if (isObj(out.services)) {
    const services: Obj = {};
    for (const [name, svc] of Object.entries(out.services)) services[name] = service(svc, ['services', name]);
    out.services = services;
  }
  for (const kind of ['volumes', 'networks', 'secrets', 'configs']) {
    const section = out[kind];
    if (!isObj(section)) continue;
    const defs: Obj = {};
    for (const [name, def] of Object.entries(section)) {
      const d = def === null || def === undefined ? {} : def;
      defs[name] = (kind === 'volumes' || kind === 'networks') ? apply(d, { labels: labelMap }, [kind, name]) : d;
    }
    out[kind] = defs;
  }
  return sortKeys(out) as Record<string, unknown>;
}
