/**
 * Which services of one environment reach which others by name: `depends_on`, `links`, a
 * service's name (or hostname / container_name) used as a host in its environment values,
 * command or entrypoint, and in project files it bind-mounts (nginx `proxy_pass
 * http://app:8000`, a Caddyfile `reverse_proxy app:8000`, HAProxy `server s1 app:8000`,
 * Traefik / Envoy YAML `url: http://app:8000`...). Pure over the merged services, plus a
 * reader for mounted files.
 *
 * Used by network-split (two services that reach each other keep a network in common) and by
 * the intent check (a service that reached another still does).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { applyDefaults } from '../util/interpolation.js';
import { isObj, strings, type Obj } from '../../core/plain.js';

export interface Relation {
  to: string;
  /** How, for messages: `depends_on`, `environment DATABASE_URL`, `nginx/default.conf`. */
  via: string;
}

/** Text of a bind-mounted file or of the files of a mounted config directory, by source as written. */
export type MountedFiles = (source: string, target: string) => { name: string; text: string }[];

/** Tokens of a string that could be host names (`redis://user:pw@cache:6379/0` -> cache). */
export function hostTokens(s: string): string[] {
  return s
    .split(/[\s,;=/@"'()[\]?&{}<>|`]+/)
    .map((t) => t.replace(/:\d+$/, '').replace(/^[a-z][a-z0-9+.-]*:$/i, ''))
    .filter(Boolean);
}

/** Host names that reach each service: its name, hostname and container_name. */
export function hostNames(services: Record<string, Obj>): Map<string, string> {
  const hostOf = new Map<string, string>();
  for (const [name, svc] of Object.entries(services)) {
    hostOf.set(name, name);
    for (const k of ['hostname', 'container_name']) if (typeof svc[k] === 'string') hostOf.set(svc[k] as string, name);
  }
  return hostOf;
}

/** Every service's relations to the others, in a stable order (first reason kept per peer). */
export function serviceReferences(services: Record<string, Obj>, mounted?: MountedFiles): Map<string, Relation[]> {
  const hostOf = hostNames(services);
  const out = new Map<string, Relation[]>();
  for (const [name, svc] of Object.entries(services)) {
    const rel: Relation[] = [];
    const add = (to: string | undefined, via: string): void => {
      if (!to || to === name || !(to in services) || rel.some((r) => r.to === to)) return;
      rel.push({ to, via });
    };
    if (isObj(svc.depends_on)) for (const dep of Object.keys(svc.depends_on)) add(dep, 'depends_on');
    for (const l of strings(svc.links)) add(l.split(':')[0], 'links');
    const nm = typeof svc.network_mode === 'string' ? /^(?:service|container):(.+)$/.exec(svc.network_mode) : null;
    if (nm) add(hostOf.get(nm[1]), 'network_mode');
    if (isObj(svc.environment))
      for (const [k, v] of Object.entries(svc.environment))
        if (typeof v === 'string') for (const t of hostTokens(applyDefaults(v).text)) add(hostOf.get(t), `environment ${k}`);
    for (const key of ['command', 'entrypoint'])
      for (const a of strings(svc[key])) for (const t of hostTokens(applyDefaults(a).text)) add(hostOf.get(t), key);
    if (mounted)
      for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
        if (!isObj(v) || v.type !== 'bind' || typeof v.source !== 'string' || typeof v.target !== 'string') continue;
        for (const f of mounted(v.source, v.target))
          for (const line of f.text.split('\n')) {
            if (/^\s*(#|\/\/|;)/.test(line)) continue;
            for (const t of hostTokens(line)) add(hostOf.get(t), f.name);
          }
      }
    out.set(name, rel);
  }
  return out;
}

const MAX_FILE = 512 * 1024;
const MAX_DIR_FILES = 50;

/**
 * Reads bind-mounted project files for `serviceReferences`: a mounted file, or the files
 * (one level deep, at most 50) of a directory mounted under `/etc/` or at a config path
 * (a proxy's `conf.d`). Only sources inside the project directory; large or binary files and
 * source trees mounted elsewhere are skipped. `read` returns a file's text (as the run sees
 * it) or null.
 */
export function mountedFileReader(dir: string, read: (absPath: string) => string | null): MountedFiles {
  const cache = new Map<string, { name: string; text: string }[]>();
  const root = path.resolve(dir);
  return (source, target) => {
    const abs = path.resolve(root, source);
    const key = `${abs}\0${target}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const files: { name: string; text: string }[] = [];
    const rel = path.relative(root, abs);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
      let st;
      try {
        st = statSync(abs);
      } catch {
        st = undefined;
      }
      const take = (p: string): void => {
        const text = read(p);
        if (text !== null && text.length <= MAX_FILE && !text.includes('\u0000')) files.push({ name: path.relative(root, p), text });
      };
      if (st?.isFile()) take(abs);
      else if (st?.isDirectory() && /^\/etc\/|\/(conf|config|conf\.d|dynamic)(\/|$)/.test(target)) {
        let names: string[] = [];
        try {
          names = readdirSync(abs).sort().slice(0, MAX_DIR_FILES);
        } catch {
          names = [];
        }
        for (const n of names) {
          const p = path.join(abs, n);
          try {
            if (statSync(p).isFile() && statSync(p).size <= MAX_FILE) take(p);
          } catch {
            /* unreadable: skipped */
          }
        }
      }
    }
    cache.set(key, files);
    return files;
  };
}
