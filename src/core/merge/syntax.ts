/**
 * Short-syntax parsers for the long forms compose's canonical step produces: ports,
 * service volumes, devices. Values are not interpolated, so `${VAR:-default}` is kept
 * whole (a colon inside `${...}` never splits); a port that does not parse is left as written.
 */
import { posix } from 'node:path';
import { modelError, type Obj, type Path } from './values.js';

/** Splits on `:` outside `${...}`. */
export function splitColons(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      depth++;
      cur += '${';
      i++;
      continue;
    }
    if (c === '}' && depth > 0) depth--;
    if (c === ':' && depth === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

/** Go's `path.Clean`. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

const RANGE = /^(\d+)(?:-(\d+))?$/;

/**
 * `[[host_ip:]published[-range]:]target[-range][/protocol]` -> long-syntax port mappings
 * (`{mode, host_ip?, target, published?, protocol}`), ranges expanded. Returns undefined when
 * the text is not a literal port spec (e.g. it uses variables).
 */
export function parsePort(spec: string): Obj[] | undefined {
  const parts = splitColons(spec);
  const last = parts[parts.length - 1];
  const slash = last.lastIndexOf('/');
  const container = slash >= 0 ? last.slice(0, slash) : last;
  const protocol = slash >= 0 ? last.slice(slash + 1) : 'tcp';
  let host = '';
  let hostIp = '';
  if (parts.length === 2) host = parts[0];
  else if (parts.length >= 3) {
    host = parts[parts.length - 2];
    hostIp = parts.slice(0, -2).join(':');
    if (hostIp.startsWith('[') && hostIp.endsWith(']')) hostIp = hostIp.slice(1, -1);
  }
  const c = RANGE.exec(container);
  if (!c || !protocol) return undefined;
  const start = Number(c[1]);
  const end = c[2] === undefined ? start : Number(c[2]);
  let hStart = 0;
  let hEnd = 0;
  if (host !== '') {
    const h = RANGE.exec(host);
    if (!h) return undefined;
    hStart = Number(h[1]);
    hEnd = h[2] === undefined ? hStart : Number(h[2]);
    if (end - start !== hEnd - hStart && end !== start) return undefined;
  }
  if (end < start || hEnd < hStart) return undefined;
  const out: Obj[] = [];
  for (let i = 0; i <= end - start; i++) {
    const port: Obj = { mode: 'ingress' };
    if (hostIp) port.host_ip = hostIp;
    port.target = start + i;
    if (host !== '') {
      // A single container port with a host range: the range is where docker allocates.
      port.published = start === end && hStart !== hEnd ? `${hStart}-${hEnd}` : String(hStart + i);
    }
    port.protocol = protocol;
    out.push(port);
  }
  return out;
}

const PROPAGATION = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);

/** Is a volume source a host path (bind mount) rather than a volume name? */
export function isHostPath(source: string): boolean {
  return /^[./~]/.test(source) || source.startsWith('\\\\') || /^[A-Za-z]:[\\/]/.test(source);
}

/**
 * `[source:]target[:options]` -> long-syntax service volume. Short binds get
 * `bind.create_host_path: true`; the target is `path.Clean`ed.
 */
export function parseVolume(spec: string, path: Path): Obj {
  const raw = splitColons(spec);
  // A Windows drive letter (`C:\data`) is not a separator.
  const parts: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (/^[A-Za-z]$/.test(raw[i]) && i + 1 < raw.length && /^[\\/]/.test(raw[i + 1])) {
      parts.push(`${raw[i]}:${raw[i + 1]}`);
      i++;
    } else parts.push(raw[i]);
  }
  if (parts.length > 3) throw modelError(`invalid volume "${spec}": too many colons`, path);
  if (parts.some((p) => p === '')) throw modelError(`invalid volume "${spec}": empty section between colons`, path);
  if (parts.length === 1) return { type: 'volume', target: cleanPath(parts[0]), volume: {} };
  const [source, target, options = ''] = parts;
  const bind = isHostPath(source);
  const vol: Obj = { type: bind ? 'bind' : 'volume', source, target: cleanPath(target) };
  const bindOpts: Obj = { create_host_path: true };
  const volOpts: Obj = {};
  for (const opt of options.split(',')) {
    if (opt === 'ro') vol.read_only = true;
    else if (opt === 'rw') delete vol.read_only;
    else if (opt === 'nocopy') volOpts.nocopy = true;
    else if (opt === 'z' || opt === 'Z') bindOpts.selinux = opt;
    else if (PROPAGATION.has(opt)) bindOpts.propagation = opt;
  }
  if (bind) vol.bind = bindOpts;
  else vol.volume = volOpts;
  return vol;
}

/** `source[:target][:permissions]` -> `{source, target, permissions}`. */
export function parseDevice(spec: string, path: Path): Obj {
  const parts = spec.split(':');
  const perms = (p: string) => /^[rwm]+$/.test(p);
  if (parts.length === 1) return { source: spec, target: spec, permissions: 'rwm' };
  if (parts.length === 2) {
    return perms(parts[1])
      ? { source: parts[0], target: parts[0], permissions: parts[1] }
      : { source: parts[0], target: parts[1], permissions: 'rwm' };
  }
  if (parts.length === 3) return { source: parts[0], target: parts[1], permissions: parts[2] };
  throw modelError(`invalid device "${spec}"`, path);
}
