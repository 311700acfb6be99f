/**
 * The project-level steps compose-go runs once the files are merged: the structural checks
 * (`validation.Validate`), `ResolveEnvironment` (bare `environment` entries and
 * `environment`-sourced secrets/configs take their value from the project environment), and
 * `Normalize` (default network, resource names, build defaults, implicit dependencies).
 */
import { cleanPath, sprint } from '../go.js';
import { isObj, modelError, nilList, put, type Obj, type Path } from '../merge/values.js';
import { isIP } from '../merge/syntax.js';

export type Env = ReadonlyMap<string, string>;

/** compose-go's `validation.Validate`. */
export function checkModel(model: Obj): void {
  const each = (section: string, f: (def: unknown, path: Path) => void) => {
    const defs = model[section];
    if (isObj(defs)) for (const [name, def] of Object.entries(defs)) f(def, [section, name]);
  };
  each('volumes', (def, path) => {
    if (def === null || def === undefined) return;
    if (!isObj(def)) throw modelError(`expected volume, got ${sprint(def)}`, path);
    checkExternal(def, path);
  });
  const fileObject = (keys: string[]) => (def: unknown, path: Path) => {
    if (!isObj(def)) return;
    const count = keys.filter((k) => k in def).length;
    if (count > 1) throw modelError(`${path.join('.')}: ${keys.join('|')} attributes are mutually exclusive`, path);
    if (count === 0 && !('driver' in def) && !('external' in def)) throw modelError(`${path.join('.')}: one of ${keys.join('|')} must be set`, path);
  };
  each('configs', fileObject(['file', 'environment', 'content']));
  each('secrets', fileObject(['file', 'environment']));
  each('services', (svc, path) => {
    if (!isObj(svc)) return;
    if (Array.isArray(svc.ports)) {
      svc.ports.forEach((p, i) => {
        if (isObj(p) && 'host_ip' in p && !isIP(String(p.host_ip))) {
          throw modelError(`${path.join('.')}.ports.[]: invalid ip address: ${sprint(p.host_ip)}`, [...path, 'ports', i]);
        }
      });
    }
    const requests = [
      ...(Array.isArray(svc.gpus) ? svc.gpus.map((d, i) => [d, [...path, 'gpus', i]] as const) : []),
      ...deviceRequests(svc).map((d, i) => [d, [...path, 'deploy', 'resources', 'reservations', 'devices', i]] as const),
    ];
    for (const [d, at] of requests) {
      if (isObj(d) && 'count' in d && 'device_ids' in d) throw modelError(`${at.join('.')}: "count" and "device_ids" attributes are exclusive`, [...at]);
    }
    const watch = isObj(svc.develop) && Array.isArray(svc.develop.watch) ? svc.develop.watch : [];
    watch.forEach((w, i) => {
      if (isObj(w) && w.path === '') throw modelError(`${path.join('.')}.develop.watch.[].path: value can't be blank`, [...path, 'develop', 'watch', i, 'path']);
    });
  });
}

function deviceRequests(svc: Obj): unknown[] {
  const deploy = svc.deploy;
  if (!isObj(deploy) || !isObj(deploy.resources) || !isObj(deploy.resources.reservations)) return [];
  const devices = deploy.resources.reservations.devices;
  return Array.isArray(devices) ? devices : [];
}

function checkExternal(def: Obj, path: Path): void {
  if (def.external !== true) return;
  for (const k of Object.keys(def)) {
    if (k === 'name' || k === 'external' || k.startsWith('x-')) continue;
    throw modelError(`${path.join('.')}: conflicting parameters "external" and ${JSON.stringify(k)} specified`, [...path, k]);
  }
}

/** compose-go's `ResolveEnvironment`, in place. */
export function resolveEnvironment(model: Obj, env: Env): void {
  if (isObj(model.services)) {
    for (const svc of Object.values(model.services)) {
      if (!isObj(svc) || !Array.isArray(svc.environment)) continue;
      const out: unknown[] = [];
      for (const e of svc.environment) {
        if (typeof e !== 'string') continue;
        const found = env.get(e);
        out.push(found !== undefined ? `${e}=${found}` : e);
      }
      svc.environment = out;
    }
  }
  for (const kind of ['secrets', 'configs'] as const) {
    const defs = model[kind];
    if (!isObj(defs)) continue;
    for (const def of Object.values(defs)) {
      if (!isObj(def) || typeof def.environment !== 'string') continue;
      const found = env.get(def.environment);
      if (found === undefined) continue;
      // secrets keep the value out of the printed model (compose-go's x-#value), configs print it
      if (kind === 'secrets') put(def, 'x-#value', found);
      else def.content = found;
    }
  }
}

const STARTED = 'service_started';

/** compose-go's `Normalize`, in place (the project name is set by the caller). */
export function normalizeProject(model: Obj, env: Env): Obj {
  normalizeNetworks(model);
  if (isObj(model.services)) {
    for (const [name, s] of Object.entries(model.services)) {
      if (!isObj(s)) throw modelError(`services.${name} must be a mapping`, ['services', name]);
      const service = s;
      if (service.pull_policy === 'if_not_present') service.pull_policy = 'missing';
      const lookup = (k: string) => env.get(k);
      if ('build' in service && isObj(service.build)) {
        const build = service.build;
        if (build.context === null || build.context === undefined) build.context = '.';
        if ((build.dockerfile === null || build.dockerfile === undefined) && (build.dockerfile_inline === null || build.dockerfile_inline === undefined)) {
          build.dockerfile = 'Dockerfile';
        }
        if ('args' in build) build.args = resolveValues(build.args, lookup, false);
      }
      if ('environment' in service) service.environment = resolveValues(service.environment, lookup, true);
      const dependsOn: Obj = isObj(service.depends_on) ? service.depends_on : {};
      const implicit = (dep: string, restart: boolean) => {
        if (!(dep in dependsOn)) put(dependsOn, dep, { condition: STARTED, restart, required: true });
      };
      if (Array.isArray(service.links)) {
        for (const e of service.links) {
          const parts = String(e).split(':');
          implicit(parts.length === 2 ? parts[0] : String(e), true);
        }
      }
      for (const ns of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
        const ref = service[ns];
        if (typeof ref === 'string' && ref.startsWith('service:')) implicit(ref.slice('service:'.length), true);
      }
      if (Array.isArray(service.volumes)) {
        service.volumes.forEach((v, i) => {
          if (!isObj(v)) throw modelError(`services.${name}.volumes: invalid volume`, ['services', name, 'volumes', i]);
          v.target = cleanPath(String(v.target));
        });
      }
      if (Array.isArray(service.volumes_from)) {
        for (const v of service.volumes_from) {
          const vol = String(v);
          if (!vol.startsWith('container:')) implicit(vol.split(':')[0], false);
        }
      }
      if (Object.keys(dependsOn).length) service.depends_on = dependsOn;
    }
  }
  setNameFromKey(model);
  return model;
}

function normalizeNetworks(model: Obj): void {
  const networks: Obj = isObj(model.networks) ? model.networks : {};
  let usesDefault = false;
  if (isObj(model.services)) {
    for (const [name, s] of Object.entries(model.services)) {
      if (!isObj(s)) throw modelError(`services.${name} must be a mapping`, ['services', name]);
      if ('provider' in s || 'network_mode' in s) continue;
      if (!('networks' in s)) {
        s.networks = { default: null };
        usesDefault = true;
      } else {
        const net = isObj(s.networks) ? s.networks : {};
        if (!Object.keys(net).length) {
          s.networks = { default: null };
          usesDefault = true;
        } else if ('default' in net) usesDefault = true;
      }
    }
  }
  if (!('default' in networks) && usesDefault) networks.default = null;
  if (Object.keys(networks).length) model.networks = networks;
}

/** compose-go's `resolve` for environment (keepEmpty) and build args. */
function resolveValues(a: unknown, lookup: (k: string) => string | undefined, keepEmpty: boolean): unknown {
  if (Array.isArray(a)) {
    const out: unknown[] = [];
    for (const v of a) {
      const r = resolveOne(v, lookup, keepEmpty);
      if (r.ok) out.push(r.value);
    }
    return out.length ? out : nilList();
  }
  return resolveOne(a, lookup, keepEmpty).value;
}

function resolveOne(v: unknown, lookup: (k: string) => string | undefined, keepEmpty: boolean): { value: unknown; ok: boolean } {
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, val] of Object.entries(v)) {
      if (val !== null && val !== undefined) {
        put(out, k, val);
        continue;
      }
      const s = lookup(k);
      if (s !== undefined) put(out, k, s);
      else if (keepEmpty) put(out, k, null);
    }
    return { value: out, ok: true };
  }
  if (typeof v === 'string') {
    if (!v.includes('=')) {
      const s = lookup(v);
      if (s !== undefined) return { value: `${v}=${s}`, ok: true };
      return keepEmpty ? { value: v, ok: true } : { value: '', ok: false };
    }
    return { value: v, ok: true };
  }
  return { value: v, ok: false };
}

function setNameFromKey(model: Obj): void {
  for (const kind of ['networks', 'volumes', 'configs', 'secrets']) {
    if (!(kind in model)) continue;
    const defs = model[kind];
    if (!isObj(defs)) continue;
    for (const [key, r] of Object.entries(defs)) {
      const resource: Obj = isObj(r) ? r : {};
      if (resource.name === null || resource.name === undefined) {
        const external = resource.external;
        resource.name = 'external' in resource && isTrue(external) ? key : `${sprint(model.name)}_${key}`;
      }
      put(defs, key, resource);
    }
  }
}

/** `strconv.ParseBool(fmt.Sprint(x))`. */
function isTrue(x: unknown): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(sprint(x));
}
