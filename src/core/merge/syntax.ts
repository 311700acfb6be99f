/**
 * The short syntaxes compose-go turns into long forms, parsed exactly as it does: ports
 * (`types.ParsePortConfig`, docker/go-connections v0.4.0 `nat.ParsePortSpecs`) and service
 * volumes (`format.ParseVolume`), then encoded the way compose-go's `encode` (mapstructure,
 * yaml tags, omitempty) turns the Go structs into mappings.
 */
import { cleanPath } from '../go.js';
import { modelError, type Obj, type Path } from './values.js';

export { cleanPath };

class PortError extends Error {}

function parseUint16(s: string): number {
  if (!/^[0-9]+$/.test(s)) throw new PortError(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new PortError(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

function parsePortRange(ports: string): [number, number] {
  if (ports === '') throw new PortError('Empty string specified for ports.');
  if (!ports.includes('-')) {
    const n = parseUint16(ports);
    return [n, n];
  }
  const parts = ports.split('-');
  const start = parseUint16(parts[0]);
  const end = parseUint16(parts[1]);
  if (end < start) throw new PortError(`Invalid range specified for the Port: ${ports}`);
  return [start, end];
}

/** Go's `net.SplitHostPort(ip + ":")` host part (brackets stripped), or an error. */
function hostOf(rawIP: string): string {
  const hp = `${rawIP}:`;
  const host = hp.slice(0, hp.lastIndexOf(':'));
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) throw new PortError(`Invalid ip address ${rawIP}: address ${hp}: missing ']' in address`);
    if (end !== host.length - 1) throw new PortError(`Invalid ip address ${rawIP}: address ${hp}: unexpected ']' in address`);
    return host.slice(1, -1);
  }
  if (host.includes(':')) throw new PortError(`Invalid ip address ${rawIP}: address ${hp}: too many colons in address`);
  if (host.includes('[') || host.includes(']')) throw new PortError(`Invalid ip address ${rawIP}: address ${hp}: unexpected '[' in address`);
  return host;
}

/** Go's `net.ParseIP` (an IPv4 dotted quad without leading zeros, or IPv6). */
export function isIP(s: string): boolean {
  const v4 = (t: string) => {
    const p = t.split('.');
    return p.length === 4 && p.every((x) => /^(0|[1-9][0-9]{0,2})$/.test(x) && Number(x) <= 255);
  };
  if (!s.includes(':')) return v4(s);
  let body = s;
  const tail = /^(.*:)([^:]*\.[^:]*)$/.exec(s);
  if (tail) {
    if (!v4(tail[2])) return false;
    body = `${tail[1]}0:0`;
  }
  const hex = (p: string) => /^[0-9a-fA-F]{1,4}$/.test(p);
  const halves = body.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 2) {
    const left = halves[0] ? halves[0].split(':') : [];
    const right = halves[1] ? halves[1].split(':') : [];
    return left.every(hex) && right.every(hex) && left.length + right.length < 8;
  }
  const parts = body.split(':');
  return parts.length === 8 && parts.every(hex);
}

interface PortMapping {
  port: string; // "80/tcp"
  hostIp: string;
  hostPort: string;
}

/** docker/go-connections v0.4.0 `nat.ParsePortSpec` (the version Docker Compose 2.40.3 is built with in Debian). */
function parsePortSpec(raw: string): PortMapping[] {
  const parts = raw.split(':');
  const n = parts.length;
  let containerPort = parts[n - 1];
  const rawIP = n >= 3 ? parts.slice(0, n - 2).join(':') : '';
  const hostPort = n >= 2 ? parts[n - 2] : '';
  // SplitProtoPort
  let proto = '';
  const slash = containerPort.split('/');
  if (containerPort === '' || slash[0] === '') containerPort = '';
  else if (slash.length === 1) proto = 'tcp';
  else {
    proto = slash[1] === '' ? 'tcp' : slash[1];
    containerPort = slash[0];
  }
  const ip = hostOf(rawIP);
  if (ip !== '' && !isIP(ip)) throw new PortError(`Invalid ip address: ${ip}`);
  if (containerPort === '') throw new PortError(`No port specified: ${raw}<empty>`);
  let start: number;
  let end: number;
  try {
    [start, end] = parsePortRange(containerPort);
  } catch {
    throw new PortError(`Invalid containerPort: ${containerPort}`);
  }
  let hStart = 0;
  let hEnd = 0;
  if (hostPort !== '') {
    try {
      [hStart, hEnd] = parsePortRange(hostPort);
    } catch {
      throw new PortError(`Invalid hostPort: ${hostPort}`);
    }
  }
  if (hostPort !== '' && end - start !== hEnd - hStart && end !== start) {
    throw new PortError(`Invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  const lower = proto.toLowerCase();
  if (lower !== 'tcp' && lower !== 'udp' && lower !== 'sctp') throw new PortError(`Invalid proto: ${proto}`);
  const out: PortMapping[] = [];
  for (let i = 0; i <= end - start; i++) {
    let hPort = '';
    if (hostPort !== '') {
      hPort = String(hStart + i);
      if (start === end && hStart !== hEnd) hPort += `-${hEnd}`;
    }
    out.push({ port: `${start + i}/${lower}`, hostIp: ip, hostPort: hPort });
  }
  return out;
}

/**
 * `types.ParsePortConfig` + `encode`: one short-syntax port as long-syntax mappings, sorted by
 * `port/proto` text as compose-go sorts them. Throws a PortError (message as compose-go's).
 */
export function parsePortConfig(spec: string): Obj[] {
  const bindings = new Map<string, PortMapping[]>();
  for (const m of parsePortSpec(spec)) {
    const list = bindings.get(m.port) ?? [];
    list.push(m);
    bindings.set(m.port, list);
  }
  const out: Obj[] = [];
  for (const key of [...bindings.keys()].sort()) {
    const [num, proto] = key.split('/');
    for (const b of bindings.get(key)!) {
      const port: Obj = { mode: 'ingress' };
      if (b.hostIp) port.host_ip = b.hostIp;
      port.target = Number(num);
      if (b.hostPort) port.published = b.hostPort;
      port.protocol = proto;
      out.push(port);
    }
  }
  return out;
}

export function isPortError(e: unknown): e is Error {
  return e instanceof PortError;
}

/** Does a volume source name a host path (`.`, `/`, `~`, `\\`, `C:`)? (compose-go's isFilePath) */
export function isHostPath(source: string): boolean {
  if (source === '') return false;
  if ('./~'.includes(source[0])) return true;
  if (source.startsWith('\\\\')) return true;
  const chars = [...source];
  return chars.length > 1 && /^\p{L}$/u.test(chars[0]) && chars[1] === ':';
}

/** The fields `format.ParseVolume` sets (undefined: left empty). */
export interface VolumeSpec {
  type: 'bind' | 'volume';
  source?: string;
  target?: string;
  readOnly?: boolean;
  bind?: { selinux?: string; propagation?: string; createHostPath?: boolean };
  volume?: { nocopy?: boolean };
}

class VolumeError extends Error {}

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);

/** compose-go's `format.ParseVolume` (throws a ComposemodError at `path` on a bad spec). */
export function parseVolumeSpec(spec: string, path: Path): VolumeSpec {
  try {
    return parseVolumeOrThrow(spec);
  } catch (e) {
    if (e instanceof VolumeError) throw modelError(e.message, path);
    throw e;
  }
}

function parseVolumeOrThrow(spec: string): VolumeSpec {
  const chars = [...spec];
  const vol: VolumeSpec = { type: 'volume' };
  if (spec.length === 0) throw new VolumeError('invalid empty volume spec');
  if (spec.length <= 2) return { type: 'volume', target: spec };
  let buffer: string[] = [];
  let inVar = 0;
  const END = '\u0000end';
  const all = [...chars, END];
  for (let i = 0; i < all.length; i++) {
    const c = all[i];
    if (c === '$' && i + 1 < chars.length && chars[i + 1] === '{') {
      inVar++;
      buffer.push(c);
      continue;
    }
    if (c === '}' && inVar > 0) {
      inVar--;
      buffer.push(c);
      continue;
    }
    if (c === ':' && buffer.length === 1 && /^\p{L}$/u.test(buffer[0])) buffer.push(c);
    else if ((c === ':' || c === END) && inVar === 0) {
      const text = buffer.join('');
      if (buffer.length === 0) {
        populateType(vol);
        throw new VolumeError(`invalid spec: ${spec}: empty section between colons`);
      }
      if (vol.source === undefined && c === END) vol.target = text;
      else if (vol.source === undefined) vol.source = text;
      else if (vol.target === undefined) vol.target = text;
      else if (c === ':') {
        populateType(vol);
        throw new VolumeError(`invalid spec: ${spec}: too many colons`);
      } else {
        for (const option of text.split(',')) {
          if (option === 'ro') vol.readOnly = true;
          else if (option === 'rw') vol.readOnly = false;
          else if (option === 'nocopy') vol.volume = { nocopy: true };
          else if (PROPAGATIONS.has(option)) (vol.bind ??= {}).propagation = option;
          else if (option === 'z' || option === 'Z') (vol.bind ??= {}).selinux = option;
        }
      }
      buffer = [];
    } else buffer.push(c);
  }
  populateType(vol);
  return vol;
}

function populateType(vol: VolumeSpec): void {
  if (isHostPath(vol.source ?? '')) {
    vol.type = 'bind';
    (vol.bind ??= {}).createHostPath = true;
  } else {
    vol.type = 'volume';
    vol.volume ??= {};
  }
}

/** `transformVolumeMount`: the long form of a short volume (target `path.Clean`ed), as a mapping. */
export function parseVolume(spec: string, path: Path): Obj {
  const v = parseVolumeSpec(spec, path);
  const out: Obj = {};
  if (v.bind) {
    const bind: Obj = {};
    if (v.bind.createHostPath) bind.create_host_path = true;
    if (v.bind.propagation) bind.propagation = v.bind.propagation;
    if (v.bind.selinux) bind.selinux = v.bind.selinux;
    out.bind = bind;
  }
  if (v.readOnly) out.read_only = true;
  if (v.source) out.source = v.source;
  const target = v.target ? cleanPath(v.target) : '';
  if (target) out.target = target;
  out.type = v.type;
  if (v.volume) out.volume = v.volume.nocopy ? { nocopy: true } : {};
  return out;
}

/** `transformDeviceMapping` of a short device. */
export function parseDevice(spec: string, path: Path, ignoreParseError = false): Obj {
  const arr = spec.split(':');
  let src = '';
  let dst = '';
  let permissions = 'rwm';
  if (arr.length <= 3) {
    if (arr.length === 3) permissions = arr[2];
    if (arr.length >= 2) dst = arr[1];
    src = arr[0];
  } else if (!ignoreParseError) {
    throw modelError(`confusing device mapping, please use long syntax: ${spec}`, path);
  }
  if (dst === '') dst = src;
  return { source: src, target: dst, permissions };
}
