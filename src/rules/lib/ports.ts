/**
 * Published ports of a service, read from the merged model (the normal form: long syntax,
 * short ranges expanded), and the file and list item each one comes from. Ports append
 * across files (an override adds to the base's list), so the item that publishes a port is in
 * whichever file of the environment wrote it.
 */
import { isObj, type Obj } from '../../core/plain.js';
import { parsePortConfig } from '../../core/merge/syntax.js';
import type { Path } from '../../core/query.js';
import type { ComposeFile, Environment } from '../project.js';
import { serviceOf } from './services.js';

export interface PublishedPort {
  /** Index in the merged `ports` list. */
  index: number;
  /** `''` when the port is published on every interface. */
  hostIp: string;
  /** Host port range (`from` = `to` for one port). */
  from: number;
  to: number;
  protocol: string;
  target: number;
  /** The merged long-syntax entry. */
  entry: Obj;
}

const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]']);

/** Published on every interface (no host_ip, 0.0.0.0 or ::). */
export const onAllInterfaces = (p: PublishedPort): boolean => WILDCARD.has(p.hostIp);

/** The ports the service publishes on the host with a literal port number (variables skipped). */
export function publishedPorts(svc: Obj): PublishedPort[] {
  const out: PublishedPort[] = [];
  const ports = Array.isArray(svc.ports) ? svc.ports : [];
  ports.forEach((item, index) => {
    // a variable anywhere keeps the merged list in its short form: read the items without one
    for (const entry of isObj(item) ? [item] : typeof item === 'string' && item.includes('$') ? [] : rawPortForms(item)) add(entry, index);
  });
  return out;

  function add(entry: Obj, index: number): void {
    const published = entry.published === undefined || entry.published === null ? '' : String(entry.published);
    const m = /^(\d+)(?:-(\d+))?$/.exec(published);
    const target = Number(entry.target);
    if (!m || !Number.isInteger(target)) return;
    const hostIp = typeof entry.host_ip === 'string' ? entry.host_ip : '';
    if (hostIp.includes('$')) return;
    out.push({ index, hostIp, from: Number(m[1]), to: Number(m[2] ?? m[1]), protocol: typeof entry.protocol === 'string' ? entry.protocol : 'tcp', target, entry });
  }
}

/** Do two publications want the same host port (same protocol, overlapping ports, same or a wildcard address)? */
export function clash(a: PublishedPort, b: PublishedPort): boolean {
  if (a.protocol !== b.protocol || a.to < b.from || b.to < a.from) return false;
  return a.hostIp === b.hostIp || onAllInterfaces(a) || onAllInterfaces(b);
}

/** `127.0.0.1:8080:80/udp`, for messages. */
export function describePort(p: PublishedPort): string {
  const host = `${p.from}${p.to !== p.from ? `-${p.to}` : ''}`;
  return `${p.hostIp ? `${p.hostIp}:` : ''}${host}:${p.target}${p.protocol !== 'tcp' ? `/${p.protocol}` : ''}`;
}

/** The long forms a raw `ports` item stands for (a short range is several). */
export function rawPortForms(entry: unknown): Obj[] {
  if (isObj(entry)) return [entry];
  if (typeof entry !== 'string' && typeof entry !== 'number') return [];
  try {
    return parsePortConfig(String(entry));
  } catch {
    return [];
  }
}

const same = (raw: Obj, p: PublishedPort): boolean =>
  Number(raw.target) === p.target &&
  String(raw.published ?? '') === String(p.entry.published ?? '') &&
  String(raw.host_ip ?? '') === p.hostIp &&
  String(raw.protocol ?? 'tcp') === p.protocol;

/** The last file of `env` whose `ports` item publishes `p` for the service, and that item's path. */
export function portOrigin(env: Environment, service: string, p: PublishedPort): { file: ComposeFile; path: Path; raw: unknown } | undefined {
  for (let i = env.files.length - 1; i >= 0; i--) {
    const ports = serviceOf(env.files[i].model, service)?.ports;
    if (!Array.isArray(ports)) continue;
    for (let j = 0; j < ports.length; j++)
      if (rawPortForms(ports[j]).some((raw) => same(raw, p))) return { file: env.files[i], path: ['services', service, 'ports', j], raw: ports[j] };
  }
  return undefined;
}
