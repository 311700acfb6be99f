/**
 * compose-go's per-file canonical step (`transform.Canonical`), the `OmitEmpty` pass after it,
 * and the defaults set once every file is merged (`transform.SetDefaultValues`). Which rewrite
 * applies where is the attribute table's `canonical` / `defaults` column (core/attributes.ts).
 *
 * `ignoreParseError` is compose-go's: when interpolation is off (`config --no-interpolate`), a
 * short syntax that does not parse (it holds `${VAR}`) is kept as written.
 */
import type { CanonicalRule, DefaultRule } from '../attributes.js';
import { ComposemodError } from '../errors.js';
import { goString, isObj, modelError, nilList, put, rule, type Obj, type Path } from './values.js';
import { isPortError, parseDevice, parsePortConfig, parseVolume } from './syntax.js';
import { goTypeName } from './unique.js';

type Transform = (data: unknown, path: Path, ignoreParseError: boolean, warn: (m: string) => void) => unknown;

const invalidType = (path: Path, what: string, v: unknown) => modelError(`${path.join('.')}: invalid type ${goTypeName(v)} for ${what}`, path);

function transform(data: unknown, path: Path, ignore: boolean, warn: (m: string) => void): unknown {
  const r = rule(path, 'canonical');
  if (r) return TRANSFORMS[r](data, path, ignore, warn);
  if (isObj(data)) return transformMapping(data, path, ignore, warn);
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) data[i] = transform(data[i], [...path, i], ignore, warn);
    return data;
  }
  return data;
}

function transformMapping(v: Obj, path: Path, ignore: boolean, warn: (m: string) => void): Obj {
  for (const [k, e] of Object.entries(v)) put(v, k, transform(e, [...path, k], ignore, warn));
  return v;
}

const stringOrList: Transform = (data) => (typeof data === 'string' ? [data] : data);

const TRANSFORMS: Record<CanonicalRule, Transform> = {
  service: (data, path, ignore, warn) => (isObj(data) ? transformMapping(data, path, ignore, warn) : data),
  fileMount: (data, path) => {
    if (isObj(data)) return data;
    if (typeof data === 'string') return { source: data };
    throw modelError(`${path.join('.')}: unsupported type ${goTypeName(data)}`, path);
  },
  stringOrX: (data) => (typeof data === 'string' ? data : goString(data)),
  keyValueMap: (data, path, ignore) => {
    if (isObj(data)) return data;
    if (Array.isArray(data)) {
      const out: Obj = {};
      for (const e of data) {
        const s = String(e);
        const eq = s.indexOf('=');
        if (eq < 0) {
          if (ignore) return data;
          throw modelError(`${path.join('.')}: invalid value ${goString(e)}, expected key=value`, path);
        }
        put(out, s.slice(0, eq), s.slice(eq + 1));
      }
      return out;
    }
    throw modelError(`${path.join('.')}: invalid type ${goTypeName(data)}`, path);
  },
  dependsOn: (data, path) => {
    if (isObj(data)) {
      for (const [name, e] of Object.entries(data)) {
        if (!isObj(e)) throw modelError(`${path.join('.')}.${name}: unsupported value ${goString(data)}`, [...path, name]);
        if (!('condition' in e)) e.condition = 'service_started';
        if (!('required' in e)) e.required = true;
      }
      return data;
    }
    if (Array.isArray(data)) {
      const out: Obj = {};
      for (const k of data) put(out, String(k), { condition: 'service_started', required: true });
      return out;
    }
    throw invalidType(path, 'depend_on', data);
  },
  envFile: (data, path) => {
    const value = (e: unknown): unknown => {
      if (typeof e === 'string') return { path: e, required: true };
      if (isObj(e)) {
        if (!('required' in e)) e.required = true;
        return e;
      }
      return null;
    };
    if (typeof data === 'string') return [value(data)];
    if (Array.isArray(data)) {
      for (let i = 0; i < data.length; i++) data[i] = value(data[i]);
      return data;
    }
    throw invalidType(path, 'env_file', data);
  },
  stringOrList,
  extends: (data, path, ignore, warn) => {
    if (isObj(data)) return transformMapping(data, path, ignore, warn);
    if (typeof data === 'string') return { service: data };
    throw invalidType(path, 'extends', data);
  },
  gpus: (data, path, ignore, warn) => {
    if (Array.isArray(data)) {
      for (let i = 0; i < data.length; i++) data[i] = transform(data[i], [...path, i], ignore, warn);
      return data;
    }
    if (typeof data === 'string') return [{ count: 'all' }];
    throw invalidType(path, 'gpus', data);
  },
  nameMap: (data) => {
    if (!Array.isArray(data)) return data;
    const out: Obj = {};
    for (const name of data) put(out, String(name), null);
    return out;
  },
  volumeMount: (data, path, ignore) => {
    if (isObj(data)) return data;
    if (typeof data === 'string') {
      try {
        return parseVolume(data, path);
      } catch (e) {
        if (ignore && e instanceof ComposemodError) return data;
        throw e;
      }
    }
    throw invalidType(path, 'service volume mount', data);
  },
  deviceMapping: (data, path, ignore) => {
    if (isObj(data)) return data;
    if (typeof data === 'string') return parseDevice(data, path, ignore);
    throw invalidType(path, 'service volume mount', data);
  },
  ports: (data, path, ignore) => {
    if (!Array.isArray(data)) throw invalidType(path, 'port', data);
    const ports: unknown[] = [];
    for (const entry of data) {
      if ((typeof entry === 'number' && Number.isInteger(entry)) || typeof entry === 'string') {
        try {
          ports.push(...parsePortConfig(String(entry)));
        } catch (e) {
          if (!isPortError(e)) throw e;
          if (typeof entry === 'string' && ignore) return data;
          throw modelError(e.message, path);
        }
      } else if (isObj(entry)) ports.push(entry);
      else throw invalidType(path, 'port', entry);
    }
    return ports;
  },
  build: (data, path, ignore, warn) => {
    if (isObj(data)) return transformMapping(data, path, ignore, warn);
    if (typeof data === 'string') return { context: data };
    throw invalidType(path, 'build', data);
  },
  ssh: (data, path) => {
    if (isObj(data)) return data;
    if (Array.isArray(data)) {
      const out: Obj = {};
      for (const e of data) {
        if (typeof e !== 'string') throw modelError(`invalid ssh key type ${goTypeName(e)}`, path);
        const eq = e.indexOf('=');
        if (eq < 0) {
          if (e !== 'default') throw modelError(`invalid ssh key ${JSON.stringify(e)}`, path);
          put(out, e, null);
          continue;
        }
        put(out, e.slice(0, eq), e.slice(eq + 1));
      }
      return out;
    }
    throw invalidType(path, 'ssh', data);
  },
  ulimits: (data, path) => {
    if (isObj(data) || (typeof data === 'number' && Number.isInteger(data))) return data;
    throw invalidType(path, 'external', data);
  },
  maybeExternal: (data, path, ignore, warn) => {
    if (data === null || data === undefined) return null;
    if (!isObj(data)) throw modelError(`${path.join('.')}: must be a mapping`, path);
    const resource = transformMapping(data, path, ignore, warn);
    if ('external' in resource && isObj(resource.external)) {
      const external = resource.external;
      resource.external = true;
      if ('name' in external) {
        warn(`${path.join('.')}: external.name is deprecated. Please set name and external: true`);
        if ('name' in resource && external.name !== resource.name) {
          throw modelError(`${path.join('.')}: name and external.name conflict; only use name`, path);
        }
        if (!('name' in resource)) resource.name = external.name;
      }
    }
    return resource;
  },
  include: (data, path) => {
    if (isObj(data)) return data;
    if (typeof data === 'string') return { path: data };
    throw invalidType(path, 'external', data);
  },
};

/** `transform.Canonical` in place: short syntaxes to long forms. */
export function canonicalForm(model: Obj, ignoreParseError: boolean, warn: (m: string) => void = () => {}): Obj {
  return transform(model, [], ignoreParseError, warn) as Obj;
}

/**
 * compose-go's `OmitEmpty`: empty entries (null, "") leave `services.*.dns`; and, as a side
 * effect of how it rebuilds lists, every empty list becomes a nil list (see `nilList`).
 */
export function omitEmpty(model: Obj): Obj {
  return omit(model, []) as Obj;
}

function omit(data: unknown, path: Path): unknown {
  const dns = path.length === 3 && path[0] === 'services' && path[2] === 'dns';
  const empty = (e: unknown) => e === null || e === undefined || e === '';
  if (isObj(data)) {
    for (const [k, e] of Object.entries(data)) {
      if (empty(e) && dns) {
        delete data[k];
        continue;
      }
      put(data, k, omit(e, [...path, k]));
    }
    return data;
  }
  if (Array.isArray(data)) {
    const out: unknown[] = [];
    data.forEach((e, i) => {
      if (empty(e) && dns) return;
      out.push(omit(e, [...path, i]));
    });
    return out.length ? out : nilList();
  }
  return data;
}

type Default = (data: unknown, path: Path) => unknown;

const DEFAULTS: Record<DefaultRule, Default> = {
  buildContext: (data) => {
    if (isObj(data) && !('context' in data)) data.context = '.';
    return data;
  },
  secretTarget: (data, path) => {
    if (!isObj(data)) throw modelError(`${path.join('.')}: unsupported type ${goTypeName(data)}`, path);
    if (!('target' in data)) data.target = `/run/secrets/${data.source === undefined ? '%!s(<nil>)' : goString(data.source)}`;
    return data;
  },
  port: (data) => {
    if (isObj(data)) {
      if (!('protocol' in data)) data.protocol = 'tcp';
      if (!('mode' in data)) data.mode = 'ingress';
    }
    return data;
  },
  deviceRequest: (data, path) => {
    if (!isObj(data)) throw modelError(`${path.join('.')}: invalid type ${goTypeName(data)} for device request`, path);
    if (!('count' in data) && !('device_ids' in data)) data.count = 'all';
    return data;
  },
};

/** `transform.SetDefaultValues` in place. */
export function setDefaults(model: Obj): Obj {
  return fill(model, []) as Obj;
}

function fill(data: unknown, path: Path): unknown {
  const r = rule(path, 'defaults');
  if (r) return DEFAULTS[r](data, path);
  if (isObj(data)) {
    for (const [k, e] of Object.entries(data)) put(data, k, fill(e, [...path, k]));
    return data;
  }
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) data[i] = fill(data[i], [...path, i]);
  }
  return data;
}
