/**
 * Binding the normalised model to Compose's types, as compose-go's `ModelToProject` does with
 * mapstructure and its decode hooks (`DecodeMapstructure` of each named type, the `cast`
 * hook for strings into bool/int/float fields, ints into strings): the typed values the
 * printer walks with the Go type descriptions (gotype.ts).
 *
 * Typed values: a struct is an object keyed by its fields' yaml names (absent = Go zero
 * value; the inline extensions map under `#extensions`), a nil pointer / slice / map is
 * `undefined`, ints are numbers (bigints beyond 2^53), a Duration is a bigint of nanoseconds.
 */
import { ComposemodError } from '../errors.js';
import { formatFloat, parseGoFloat, parseGoInt, sprint } from '../go.js';
import { isGoTime } from '../merge/sentinels.js';
import { isObj, put, type Obj, type Path } from '../merge/values.js';
import { shellSplit } from '../merge/shell.js';
import { goTypeName } from '../merge/unique.js';
import { toBoolean } from './interpolate.js';
import { ServiceConfigStruct, FileObjectConfig, type GoField, type GoType, type NamedType } from './gotype.js';

export const EXT = '#extensions';

export interface BindContext {
  warn: (message: string) => void;
}

function decodeError(path: Path, message: string): ComposemodError {
  return new ComposemodError(`${path.length ? `${path.join('.')}: ` : ''}${message}`, { modelPath: path.filter((p) => typeof p === 'string' || typeof p === 'number') });
}

const unconvertible = (path: Path, want: string, v: unknown) =>
  decodeError(path, `expected type '${want}', got unconvertible type '${goTypeName(v)}'`);

/** Decodes a model value into the typed form of `type`. */
export function decode(value: unknown, type: GoType, path: Path, ctx: BindContext): unknown {
  if (value === null || value === undefined) return undefined;
  switch (type.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      if (typeof value === 'bigint' && value < 2n ** 63n) return value.toString();
      throw unconvertible(path, 'string', value);
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        try {
          return toBoolean(value, ctx.warn);
        } catch (e) {
          throw decodeError(path, (e as Error).message);
        }
      }
      throw unconvertible(path, 'bool', value);
    case 'int': {
      const want = type.unsigned ? `uint${type.bits}` : type.bits === 64 ? 'int64' : `int${type.bits}`;
      let n: number | bigint;
      if (typeof value === 'number') n = Math.trunc(value);
      else if (typeof value === 'bigint') n = value;
      else if (typeof value === 'string' && !type.unsigned) {
        const parsed = parseGoInt(value);
        if (parsed === undefined) throw decodeError(path, `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
        n = parsed;
      } else throw unconvertible(path, want, value);
      if (type.unsigned && n < 0) throw decodeError(path, `cannot parse '${path.join('.')}', ${n} overflows ${want}`);
      return typeof n === 'bigint' && Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    case 'float': {
      let f: number;
      if (typeof value === 'number') f = value;
      else if (typeof value === 'bigint') f = Number(value);
      else if (typeof value === 'string') {
        const parsed = parseGoFloat(value);
        if (parsed === undefined) throw decodeError(path, `strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
        f = parsed;
      } else throw unconvertible(path, `float${type.bits}`, value);
      return type.bits === 32 ? Math.fround(f) : f;
    }
    case 'ptr':
      return decode(value, type.elem, path, ctx);
    case 'slice':
      if (!Array.isArray(value)) throw decodeError(path, `source data must be an array or slice, got ${goTypeName(value)}`);
      return value.map((v, i) => decode(v, type.elem, [...path, i], ctx));
    case 'map': {
      if (!isObj(value)) throw decodeError(path, `expected a map, got '${goTypeName(value)}'`);
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) put(out, k, decode(v, type.elem, [...path, k], ctx));
      return out;
    }
    case 'struct':
      return decodeStruct(value, type.fields, path, ctx);
    case 'any':
      return value;
    case 'named':
      return decodeNamed(value, type.name, path, ctx);
  }
}

function fieldKey(f: GoField): string {
  return f.inline ? EXT : (f.yaml ?? f.go);
}

function decodeStruct(value: unknown, fields: readonly GoField[], path: Path, ctx: BindContext): Obj {
  if (!isObj(value)) throw decodeError(path, `expected a map, got '${goTypeName(value)}'`);
  const out: Obj = {};
  const lower = new Map<string, string>();
  for (const k of Object.keys(value)) if (!lower.has(k.toLowerCase())) lower.set(k.toLowerCase(), k);
  for (const f of fields) {
    if (f.yaml === null && !f.inline) continue;
    const key = fieldKey(f);
    const source = key in value ? key : f.inline ? undefined : lower.get(key.toLowerCase());
    if (source === undefined) continue;
    const v = decode(value[source], f.type, [...path, key], ctx);
    if (v !== undefined) put(out, key, v);
  }
  return out;
}

/** docker/go-units `RAMInBytes`. */
function ramInBytes(s: string): number | bigint | undefined {
  const m = /^(.*[0-9. ])([^0-9. ]*)$/.exec(s);
  if (!m) return undefined;
  let num = m[1];
  const sfx = m[2].toLowerCase();
  if (num.endsWith(' ')) num = num.slice(0, -1);
  const size = parseGoFloat(num);
  if (size === undefined || size < 0) return undefined;
  const mul: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
  let bytes = size;
  if (sfx) {
    if (sfx.length > 3) return undefined;
    if (sfx[0] === 'b') {
      if (sfx.length > 1) return undefined;
    } else {
      if (!(sfx[0] in mul)) return undefined;
      bytes = size * mul[sfx[0]];
      if ((sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) return undefined;
    }
  }
  const n = Math.trunc(bytes);
  return Number.isSafeInteger(n) ? n : BigInt(n);
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
  d: 86400000000000n,
  w: 604800000000000n,
};

/** xhit/go-str2duration `ParseDuration` (Go's with `d` and `w`): nanoseconds. */
export function parseDuration(orig: string): bigint | undefined {
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let d = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    if (!m[0] || (m[1] === '' && (m[2] === undefined || m[2] === ''))) return undefined;
    s = s.slice(m[0].length);
    const u = /^[^0-9.]+/.exec(s)?.[0];
    if (!u) return undefined;
    s = s.slice(u.length);
    const unit = UNITS[u];
    if (unit === undefined) return undefined;
    let v = BigInt(m[1] || '0') * unit;
    if (m[2]) {
      const scale = 10n ** BigInt(Math.min(m[2].length, 18));
      const f = BigInt(m[2].slice(0, 18));
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / Number(scale))));
    }
    d += v;
  }
  return neg ? -d : d;
}

/** Go's `time.Duration.String()`. */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  const sign = neg ? '-' : '';
  if (u < 1000000000n) {
    // sub-second: ns, µs or ms with a fraction
    const [unit, div] = u < 1000n ? ['ns', 1n] : u < 1000000n ? ['µs', 1000n] : ['ms', 1000000n];
    return sign + fraction(u, div) + unit;
  }
  let out = '';
  const secs = fraction(u % 60000000000n, 1000000000n);
  out = `${secs}s`;
  u /= 60000000000n;
  if (u > 0n) {
    out = `${u % 60n}m${out}`;
    u /= 60n;
    if (u > 0n) out = `${u}h${out}`;
  }
  return sign + out;
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  let rest = (v % div).toString().padStart(div.toString().length - 1, '0').replace(/0+$/, '');
  if (div === 1n) rest = '';
  return rest ? `${whole}.${rest}` : `${whole}`;
}

/** HostsList cleanup: a host cannot be empty or hold `:`/`=`; `[ip]` loses its brackets. */
function hostsCleanup(list: Record<string, string[]>, path: Path): Record<string, string[]> {
  for (const [host, ips] of Object.entries(list)) {
    if (host === '' || /[:=]/.test(host)) throw decodeError(path, `bad host name '${host}'`);
    list[host] = ips.map((ip) => (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip));
  }
  return list;
}

function decodeNamed(value: unknown, name: NamedType, path: Path, ctx: BindContext): unknown {
  switch (name) {
    case 'Duration': {
      const d = parseDuration(sprint(value));
      if (d === undefined) throw decodeError(path, `time: invalid duration ${JSON.stringify(sprint(value))}`);
      return d;
    }
    case 'UnitBytes':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'bigint') return value;
      if (typeof value === 'string') {
        const b = ramInBytes(value);
        if (b === undefined) throw decodeError(path, `invalid size: '${value}'`);
        return b;
      }
      return undefined;
    case 'ShellCommand':
      if (typeof value === 'string') return shellSplit(value, path);
      if (Array.isArray(value)) return value.map((v) => String(v));
      return undefined;
    case 'HealthCheckTest':
      if (typeof value === 'string') return ['CMD-SHELL', value];
      if (Array.isArray(value)) return value.map((v) => String(v));
      throw decodeError(path, `unexpected value type ${goTypeName(value)} for healthcheck.test`);
    case 'MappingWithEquals': {
      const out: Obj = {};
      if (isObj(value)) {
        for (const [k, e] of Object.entries(value)) put(out, k, e === null || e === undefined ? null : sprint(e));
        return out;
      }
      if (Array.isArray(value)) {
        for (const s of value) {
          const text = sprint(s);
          const eq = text.indexOf('=');
          const k = eq < 0 ? text : text.slice(0, eq);
          if (k !== '' && /\s$/u.test(k)) throw decodeError(path, `environment variable ${k} is declared with a trailing space`);
          put(out, k, eq < 0 ? null : text.slice(eq + 1));
        }
        return out;
      }
      throw decodeError(path, `unexpected value type ${goTypeName(value)} for mapping`);
    }
    case 'Mapping':
    case 'Labels':
    case 'Options': {
      const out: Obj = {};
      if (isObj(value)) {
        for (const [k, e] of Object.entries(value)) put(out, k, e === null || e === undefined ? '' : sprint(e));
        return out;
      }
      if (Array.isArray(value) && name !== 'Options') {
        for (const s of value) {
          const text = sprint(s);
          const eq = text.indexOf('=');
          put(out, eq < 0 ? text : text.slice(0, eq), eq < 0 ? '' : text.slice(eq + 1));
        }
        return out;
      }
      throw decodeError(path, `unexpected value type ${goTypeName(value)} for ${name === 'Labels' ? 'labels' : name === 'Options' ? 'options' : 'mapping'}`);
    }
    case 'MultiOptions': {
      if (!isObj(value)) throw decodeError(path, `invalid type ${goTypeName(value)} for options`);
      const out: Obj = {};
      for (const [k, e] of Object.entries(value)) put(out, k, Array.isArray(e) ? e.map(sprint) : [sprint(e)]);
      return out;
    }
    case 'StringList':
      if (typeof value === 'string') return [value];
      if (Array.isArray(value)) {
        return value.map((e) => {
          if (typeof e !== 'string') throw decodeError(path, `invalid type ${goTypeName(value)} for string list`);
          return e;
        });
      }
      throw decodeError(path, `invalid type ${goTypeName(value)} for string list`);
    case 'StringOrNumberList':
      if (typeof value === 'string') return [value];
      if (Array.isArray(value)) return value.map(sprint);
      throw decodeError(path, `invalid type ${goTypeName(value)} for string list`);
    case 'HostsList': {
      const list: Record<string, string[]> = {};
      if (isObj(value)) {
        for (const [host, e] of Object.entries(value)) {
          if (e === null || e === undefined || typeof e === 'string') list[host] = [e ?? ''];
          else if (Array.isArray(e)) list[host] = e.map(sprint);
          else throw decodeError(path, `unexpected value type ${goTypeName(value)} for extra_hosts entry`);
        }
        return hostsCleanup(list, path);
      }
      if (Array.isArray(value)) {
        for (const e of value) {
          const s = sprint(e);
          const at = ['=', ':'].map((sep) => s.indexOf(sep)).find((i) => i >= 0);
          if (at === undefined) throw decodeError(path, `invalid additional host, missing IP: ${s}`);
          const host = s.slice(0, at);
          (list[host] ??= []).push(...s.slice(at + 1).split(','));
        }
        return hostsCleanup(list, path);
      }
      throw decodeError(path, `unexpected value type ${goTypeName(value)} for extra_hosts`);
    }
    case 'SSHConfig': {
      if (!isObj(value)) throw decodeError(path, `invalid ssh config type ${goTypeName(value)}`);
      return Object.entries(value).map(([id, p]) => ({ id, path: p === null || p === undefined ? '' : sprint(p) }));
    }
    case 'DeviceCount':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string') {
        if (value.toLowerCase() === 'all') return -1;
        const n = parseGoInt(value);
        if (n === undefined) throw decodeError(path, `invalid value ${JSON.stringify(value)}, the only value allowed is 'all' or a number`);
        return n;
      }
      throw decodeError(path, `invalid type ${goTypeName(value)} for device count`);
    case 'NanoCPUs': {
      if (typeof value === 'string') {
        const f = parseGoFloat(value);
        if (f === undefined) throw decodeError(path, `strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
        return Math.fround(f);
      }
      if (typeof value === 'number') return Math.fround(value);
      throw decodeError(path, `unexpected value type ${goTypeName(value)} for cpus`);
    }
    case 'FileMode':
      if (typeof value === 'string') {
        if (!/^[-+]?[0-7]+$/.test(value)) throw decodeError(path, `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
        return parseInt(value, 8);
      }
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw decodeError(path, `unexpected value type ${goTypeName(value)} for mode`);
    case 'UlimitsConfig':
      if (typeof value === 'number' && Number.isInteger(value)) return { single: value, soft: 0, hard: 0 };
      if (isObj(value)) return { single: 0, soft: intOf(value.soft), hard: intOf(value.hard) };
      throw decodeError(path, `unexpected value type ${goTypeName(value)} for ulimit`);
    case 'EnvFile':
      return decodeStruct(value, ENV_FILE_FIELDS, path, ctx);
    case 'External':
      return decode(value, { kind: 'bool' }, path, ctx);
    case 'SecretConfig':
    case 'ConfigObjConfig': {
      const out = decodeStruct(value, FileObjectConfig.kind === 'struct' ? FileObjectConfig.fields : [], path, ctx);
      // compose-go's secretConfigDecoderHook: the environment value becomes the content
      const ext = isObj(value) ? value[EXT] : undefined;
      if (name === 'SecretConfig' && isObj(ext) && typeof ext['x-#value'] === 'string') {
        out.content = ext['x-#value'];
        const rest = { ...(out[EXT] as Obj) };
        delete rest['x-#value'];
        if (Object.keys(rest).length) out[EXT] = rest;
        else delete out[EXT];
      }
      return out;
    }
    case 'ServiceConfig':
      return decodeStruct(value, ServiceConfigStruct.kind === 'struct' ? ServiceConfigStruct.fields : [], path, ctx);
  }
}

function intOf(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

const ENV_FILE_FIELDS: GoField[] = [
  { go: 'Path', yaml: 'path', yamlOmitEmpty: true, json: 'path', jsonOmitEmpty: true, type: { kind: 'string' } },
  { go: 'Required', yaml: 'required', yamlOmitEmpty: false, json: 'required', jsonOmitEmpty: false, type: { kind: 'bool' } },
  { go: 'Format', yaml: 'format', yamlOmitEmpty: true, json: 'format', jsonOmitEmpty: true, type: { kind: 'string' } },
];

/** compose-go's `processExtensions`: `x-*` keys move under `#extensions` (except where keys are names). */
export function processExtensions(dict: Obj, path: string[] = []): Obj {
  const userDefined =
    (path.length === 1 && ['services', 'volumes', 'networks', 'secrets', 'configs'].includes(path[0])) ||
    (path.length === 3 && path[0] === 'services' && path[2] === 'depends_on');
  const extras: Obj = {};
  for (const [key, value] of Object.entries(dict)) {
    if (!userDefined && key.startsWith('x-')) {
      put(extras, key, value);
      delete dict[key];
      continue;
    }
    if (isObj(value)) put(dict, key, processExtensions(value, [...path, key]));
    else if (Array.isArray(value)) {
      value.forEach((e, i) => {
        if (isObj(e)) value[i] = processExtensions(e, [...path, String(i)]);
      });
    }
  }
  if (Object.keys(extras).length) put(dict, EXT, extras);
  return dict;
}

export { isGoTime, formatFloat };
