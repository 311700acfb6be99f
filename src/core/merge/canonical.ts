/**
 * Compose's per-file canonical step (transform.Canonical) plus unicity (EnforceUnicity):
 * short syntaxes become their long forms (ports, volumes, devices, secrets, configs,
 * env_file, build, depends_on, networks, extends), and keyed sequences are de-duplicated
 * (a later entry replaces the earlier one in its position). environment, labels, annotations,
 * sysctls and extra_hosts keep the form they were written in (lists are de-duplicated by key).
 */
import { parseDevice, parsePort, parseVolume } from './syntax.js';
import { toDependsOn, toNameMap } from './merge.js';
import { goString, hasOwn, isObj, modelError, rewriteAttrs, toList, uniqueBy, type AttrRewrite, type Obj, type Path } from './values.js';

type Transform = AttrRewrite;

/** Text before the first `=` (key-merge attributes, tmpfs). */
const beforeEquals = (item: unknown) => goString(item).split('=')[0];
const exact = (item: unknown) => goString(item);

const uniqueList =
  (key: (item: unknown, path: Path) => string | undefined, item?: (v: unknown, path: Path) => unknown[]): Transform =>
  (value, path) => {
    if (!Array.isArray(value) && typeof value !== 'string') return value;
    const items = item ? toList(value).flatMap((v, i) => item(v, [...path, i])) : toList(value);
    return uniqueBy(items, (v) => key(v, path));
  };

/** Key-merge attributes: only a list form is de-duplicated; a map stays a map. */
const keyValueList: Transform = (value) => (Array.isArray(value) ? uniqueBy(value, beforeEquals) : value);

/** Go's `%s` / `%d` of the port key (`%!s(int=8080)` for an integer `published`). */
function goVerb(value: unknown, verb: 's' | 'd'): string {
  const isInt = typeof value === 'number' && Number.isInteger(value);
  if (verb === 'd') return isInt ? String(value) : `%!d(${typeof value === 'string' ? 'string' : 'int'}=${goString(value)})`;
  return typeof value === 'string' ? value : `%!s(${isInt ? 'int' : typeof value}=${goString(value)})`;
}

export function portKey(port: unknown, path: Path): string {
  if (!isObj(port)) return goString(port);
  if (!hasOwn(port, 'target')) throw modelError('service port is missing a target port', path);
  const host = hasOwn(port, 'host_ip') ? port.host_ip : '0.0.0.0';
  const published = hasOwn(port, 'published') ? port.published : '';
  const protocol = hasOwn(port, 'protocol') ? port.protocol : 'tcp';
  return `${goVerb(host, 's')}:${goVerb(published, 's')}:${goVerb(port.target, 'd')}/${goVerb(protocol, 's')}`;
}

const portItems = (v: unknown): unknown[] =>
  typeof v === 'string' || typeof v === 'number' ? (parsePort(String(v)) ?? [v]) : [v];

const volumeItem = (v: unknown, path: Path): unknown[] => [typeof v === 'string' ? parseVolume(v, path) : v];
const deviceItem = (v: unknown, path: Path): unknown[] => [typeof v === 'string' ? parseDevice(v, path) : v];
const fileMountItem = (v: unknown): unknown[] => [typeof v === 'string' ? { source: v } : v];
const envFileItem = (v: unknown): unknown[] => [typeof v === 'string' ? { path: v, required: true } : v];

const targetKey = (what: string) => (v: unknown, path: Path) => {
  if (!isObj(v)) return goString(v);
  if (typeof v.target !== 'string') throw modelError(`service ${what} is missing a target`, path);
  return v.target;
};
const mountKey = (prefix: string) => (v: unknown) =>
  isObj(v) ? (v.target !== undefined && v.target !== null ? goString(v.target) : `${prefix}${goString(v.source)}`) : goString(v);

const SERVICE: Record<string, Transform> = {
  environment: keyValueList,
  labels: keyValueList,
  annotations: keyValueList,
  sysctls: keyValueList,
  build: (v, path) => (typeof v === 'string' ? { context: v } : isObj(v) ? canonicalBuild(v, path) : v),
  depends_on: (v, path) => (Array.isArray(v) ? toDependsOn(v, path) : v),
  networks: (v, path) => canonicalNetworks(Array.isArray(v) ? toNameMap(v, path) : v, path),
  models: (v, path) => (Array.isArray(v) ? toNameMap(v, path) : v),
  extends: (v) => (typeof v === 'string' ? { service: v } : v),
  env_file: uniqueList((v) => (isObj(v) ? goString(v.path) : goString(v)), envFileItem),
  label_file: (v) => (typeof v === 'string' ? [v] : v),
  dns: uniqueList(exact),
  dns_opt: uniqueList(exact),
  dns_search: uniqueList(exact),
  tmpfs: uniqueList(beforeEquals),
  expose: uniqueList(exact),
  cap_add: uniqueList(exact),
  cap_drop: uniqueList(exact),
  profiles: uniqueList(exact),
  links: uniqueList(exact),
  ports: uniqueList(portKey, portItems),
  volumes: uniqueList(targetKey('volume'), volumeItem),
  devices: uniqueList(targetKey('device'), deviceItem),
  secrets: uniqueList(mountKey('/run/secrets/'), fileMountItem),
  configs: uniqueList(mountKey('/'), fileMountItem),
  deploy: (v) => (isObj(v) && hasOwn(v, 'labels') ? { ...v, labels: keyValueList(v.labels, []) } : v),
};

const BUILD: Record<string, Transform> = {
  args: keyValueList,
  labels: keyValueList,
  additional_contexts: keyValueList,
  tags: uniqueList(exact),
};


function canonicalBuild(build: Obj, path: Path): Obj {
  return rewriteAttrs(build, BUILD, path);
}

function canonicalNetworks(networks: unknown, path: Path): unknown {
  if (!isObj(networks)) return networks;
  const out: Obj = {};
  for (const [name, def] of Object.entries(networks)) {
    out[name] = isObj(def)
      ? rewriteAttrs(def, { aliases: uniqueList(exact), link_local_ips: uniqueList(exact) }, [...path, name])
      : def;
  }
  return out;
}

export function canonicalService(service: unknown, path: Path): unknown {
  if (service === null || service === undefined) return service;
  if (!isObj(service)) throw modelError(`service ${String(path[path.length - 1])} must be a mapping`, path);
  return rewriteAttrs(service, SERVICE, path);
}

/** Legacy `external: {name: x}` -> `external: true, name: x`. */
function canonicalResource(def: unknown, path: Path, kind: string): unknown {
  if (!isObj(def)) return def;
  let out = def;
  if (isObj(def.external)) {
    const { name, ...rest } = def.external;
    out = { ...def, external: Object.keys(rest).length ? def.external : true };
    if (name !== undefined && out.name === undefined) out.name = name;
  }
  if (kind === 'networks' && Array.isArray(out.labels)) out = { ...out, labels: keyValueList(out.labels, [...path, 'labels']) };
  return out;
}

/** The canonical form of a whole (marker-free) model; returns a new model. */
export function canonicalModel(model: Obj): Obj {
  const out: Obj = { ...model };
  if (isObj(model.services)) {
    const services: Obj = {};
    for (const [name, svc] of Object.entries(model.services)) services[name] = canonicalService(svc, ['services', name]);
    out.services = services;
  }
  for (const kind of ['volumes', 'networks', 'secrets', 'configs']) {
    const section = model[kind];
    if (!isObj(section)) continue;
    const defs: Obj = {};
    for (const [name, def] of Object.entries(section)) defs[name] = canonicalResource(def, [kind, name], kind);
    out[kind] = defs;
  }
  return out;
}
