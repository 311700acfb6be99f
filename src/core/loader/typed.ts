/**
 * The typed project (compose-go `types.Project`) and what `ModelToProject` and the `config`
 * command do to it after binding: profiles, the consistency checks, services' environment
 * (`env_file` read and merged, bare variables resolved) and labels (`label_file`).
 */
import { ComposemodError } from '../errors.js';
import { isObj, put, type Obj } from '../merge/values.js';
import { decode, processExtensions, EXT, type BindContext } from './bind.js';
import { parseDotenv, DotenvError } from './dotenv.js';
import { ProjectStruct } from './gotype.js';
import type { LoaderFs } from './fs.js';

/** A typed service: see bind.ts for the value conventions. */
export type TypedService = Obj;

export interface TypedProject {
  name: string;
  services: Record<string, TypedService>;
  disabledServices: Record<string, TypedService>;
  networks?: Record<string, Obj>;
  volumes?: Record<string, Obj>;
  secrets?: Record<string, Obj>;
  configs?: Record<string, Obj>;
  models?: Record<string, Obj>;
  extensions?: Obj;
}

export function bindProject(model: Obj, name: string, ctx: BindContext): TypedProject {
  const dict: Obj = { ...model };
  delete dict.name;
  processExtensions(dict);
  const typed = decode(dict, ProjectStruct, [], ctx) as Obj;
  return {
    name,
    services: (typed.services as Record<string, TypedService>) ?? {},
    disabledServices: {},
    networks: typed.networks as Record<string, Obj> | undefined,
    volumes: typed.volumes as Record<string, Obj> | undefined,
    secrets: typed.secrets as Record<string, Obj> | undefined,
    configs: typed.configs as Record<string, Obj> | undefined,
    models: typed.models as Record<string, Obj> | undefined,
    extensions: typed[EXT] as Obj | undefined,
  };
}

/** `HasProfile`. */
function hasProfile(service: TypedService, profiles: readonly string[]): boolean {
  const own = (service.profiles as string[] | undefined) ?? [];
  if (!own.length) return true;
  return profiles.some((p) => p === '*' || own.includes(p));
}

/** `WithProfiles`. */
export function withProfiles(p: TypedProject, profiles: readonly string[]): TypedProject {
  const all = { ...p.services, ...p.disabledServices };
  const enabled: Record<string, TypedService> = {};
  const disabled: Record<string, TypedService> = {};
  for (const [name, s] of Object.entries(all)) (hasProfile(s, profiles) ? enabled : disabled)[name] = s;
  return { ...p, services: enabled, disabledServices: disabled };
}

const invalid = (message: string) => new ComposemodError(`${message}: invalid compose project`);

/** compose-go's `checkConsistency` (errors about a service are located at it). Sets `deploy.replicas` from `scale` as it does. */
export function checkConsistency(p: TypedProject): void {
  for (const name of Object.keys(p.services)) {
    try {
      checkService(p, name);
    } catch (e) {
      if (e instanceof ComposemodError && !e.modelPath) throw new ComposemodError(e.message, { modelPath: ['services', name] });
      throw e;
    }
  }
  for (const [name, secret] of Object.entries(p.secrets ?? {})) {
    if (secret.external) continue;
    if (!secret.file && !secret.environment) {
      throw new ComposemodError(`secret ${JSON.stringify(name)} must declare either \`file\` or \`environment\`: invalid compose project`, { modelPath: ['secrets', name] });
    }
  }
  checkCycles(p);
}

function checkService(p: TypedProject, name: string): void {
  const s = p.services[name];
  const has = (section: Record<string, unknown> | undefined, key: string) => section !== undefined && key in section;
  const getService = (n: string): 'ok' | 'disabled' | 'missing' => (n in p.services ? 'ok' : n in p.disabledServices ? 'disabled' : 'missing');
  {
    const build = s.build as Obj | undefined;
    if (!build && !s.image && !s.provider) throw invalid(`service ${JSON.stringify(name)} has neither an image nor a build context specified`);
    if (build) {
      if (build.dockerfile_inline && build.dockerfile) throw invalid(`service ${JSON.stringify(name)} declares mutualy exclusive dockerfile and dockerfile_inline`);
      for (const [add, c] of Object.entries((build.additional_contexts as Obj | undefined) ?? {})) {
        if (typeof c !== 'string' || !c.startsWith('service:')) continue;
        const target = c.slice('service:'.length);
        if (getService(target) !== 'ok') throw new ComposemodError(`service ${JSON.stringify(name)} declares unknown service ${JSON.stringify(target)} as additional contexts ${add}`);
        if (!p.services[target].build) throw new ComposemodError(`service ${JSON.stringify(name)} declares non-buildable service ${JSON.stringify(target)} as additional contexts ${add}`);
      }
      const platforms = (build.platforms as string[] | undefined) ?? [];
      if (platforms.length && s.platform && !platforms.includes(s.platform as string)) {
        throw invalid(`service.build.platforms MUST include service.platform ${JSON.stringify(s.platform)}`);
      }
    }
    const networks = (s.networks as Obj | undefined) ?? {};
    if (s.network_mode && Object.keys(networks).length) throw invalid(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\``);
    for (const network of Object.keys(networks)) {
      if (!has(p.networks, network)) throw invalid(`service ${JSON.stringify(name)} refers to undefined network ${network}`);
    }
    const test = (s.healthcheck as Obj | undefined)?.test as string[] | undefined;
    if (test && test.length && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0])) {
      throw new ComposemodError('healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"');
    }
    for (const [dep, cfg] of Object.entries((s.depends_on as Obj | undefined) ?? {})) {
      const state = getService(dep);
      if (state === 'ok') continue;
      if (state === 'disabled' && !(cfg as Obj).required) continue;
      throw invalid(`service ${JSON.stringify(name)} depends on undefined service ${JSON.stringify(dep)}`);
    }
    const mode = s.network_mode as string | undefined;
    if (mode?.startsWith('service:')) {
      const target = mode.slice('service:'.length);
      if (getService(target) !== 'ok') throw new ComposemodError(`service ${JSON.stringify(target)} not found for network_mode 'service:${target}'`);
    }
    const volumes = (s.volumes as Obj[] | undefined) ?? [];
    for (const v of volumes) {
      if (v.type === 'volume' && v.source && !has(p.volumes, v.source as string)) throw invalid(`service ${JSON.stringify(name)} refers to undefined volume ${v.source}`);
    }
    for (const secret of (build?.secrets as Obj[] | undefined) ?? []) {
      if (!has(p.secrets, secret.source as string)) throw invalid(`service ${JSON.stringify(name)} refers to undefined build secret ${secret.source}`);
    }
    for (const config of (s.configs as Obj[] | undefined) ?? []) {
      if (!has(p.configs, config.source as string)) throw invalid(`service ${JSON.stringify(name)} refers to undefined config ${config.source}`);
    }
    for (const model of Object.keys((s.models as Obj | undefined) ?? {})) {
      if (!has(p.models, model)) throw invalid(`service ${JSON.stringify(name)} refers to undefined model ${model}`);
    }
    for (const secret of (s.secrets as Obj[] | undefined) ?? []) {
      if (!has(p.secrets, secret.source as string)) throw invalid(`service ${JSON.stringify(name)} refers to undefined secret ${secret.source}`);
    }
    const deploy = s.deploy as Obj | undefined;
    if (s.scale !== undefined && deploy) {
      if (deploy.replicas !== undefined && s.scale !== deploy.replicas) throw invalid(`services.${name}: can't set distinct values on 'scale' and 'deploy.replicas'`);
      deploy.replicas = s.scale;
    }
    if (typeof s.scale === 'number' && s.scale < 0) throw new ComposemodError(`services.${name}.scale: must be greater than or equal to 0`);
    if (deploy && typeof deploy.replicas === 'number' && deploy.replicas < 0) throw new ComposemodError(`services.${name}.deploy.replicas: must be greater than or equal to 0`);
    const limits = ((deploy?.resources as Obj | undefined)?.limits as Obj | undefined) ?? undefined;
    const reservations = ((deploy?.resources as Obj | undefined)?.reservations as Obj | undefined) ?? undefined;
    if (s.cpus && deploy && limits && (limits.cpus ?? 0) !== s.cpus) throw invalid(`services.${name}: can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus'`);
    if (s.mem_limit && deploy && limits && String(limits.memory ?? 0) !== String(s.mem_limit)) {
      throw invalid(`services.${name}: can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory'`);
    }
    if (s.mem_reservation && deploy && reservations && String(reservations.memory ?? 0) !== String(s.mem_reservation)) {
      throw invalid(`services.${name}: can't set distinct values on 'mem_reservation' and 'deploy.resources.reservations.memory'`);
    }
    if (s.pids_limit && deploy && limits && (limits.pids ?? 0) !== s.pids_limit) throw invalid(`services.${name}: can't set distinct values on 'pids_limit' and 'deploy.resources.limits.pids'`);
    const scale = s.scale !== undefined ? (s.scale as number) : deploy?.replicas !== undefined ? (deploy.replicas as number) : 1;
    if (scale > 1 && s.container_name) {
      throw invalid(`services.${s.scale === undefined ? 'deploy.replicas' : 'scale'}: can't set container_name and ${name} as container name must be unique`);
    }
    const watch = ((s.develop as Obj | undefined)?.watch as Obj[] | undefined) ?? [];
    for (const w of watch) {
      if (!w.target && w.action !== 'rebuild' && w.action !== 'restart') throw invalid(`services.${name}.develop.watch: target is required for non-rebuild actions`);
    }
    const mounts = new Map<string, string>();
    ((s.tmpfs as string[] | undefined) ?? []).forEach((t, i) => {
      const loc = `services.${name}.tmpfs[${i}]`;
      const target = t.split(':')[0];
      if (mounts.has(target)) throw new ComposemodError(`${loc}: target ${target} already mounted as ${mounts.get(target)}`);
      mounts.set(target, loc);
    });
    volumes.forEach((v, i) => {
      const loc = `services.${name}.volumes[${i}]`;
      const target = (v.target as string | undefined) ?? '';
      if (mounts.has(target)) throw new ComposemodError(`${loc}: target ${target} already mounted as ${mounts.get(target)}`);
      mounts.set(target, loc);
    });
  }
}

/** compose-go's `graph.CheckCycle` over depends_on. */
function checkCycles(p: TypedProject): void {
  const state = new Map<string, number>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 2) return;
    if (state.get(name) === 1) throw new ComposemodError(`dependency cycle detected: ${[...path, name].join(' -> ')}`);
    state.set(name, 1);
    for (const dep of Object.keys((p.services[name]?.depends_on as Obj | undefined) ?? {})) if (dep in p.services) visit(dep, [...path, name]);
    state.set(name, 2);
  };
  for (const name of Object.keys(p.services).sort()) visit(name, []);
}

/** `WithServicesEnvironmentResolved(discardEnvFiles = true)`. */
export function resolveServiceEnvironments(p: TypedProject, env: ReadonlyMap<string, string>, fs: LoaderFs, warn: (m: string) => void): void {
  for (const [name, s] of Object.entries(p.services)) {
    const own: Obj = (s.environment as Obj | undefined) ?? {};
    // Resolve: a bare variable takes the project environment's value when it has one
    for (const [k, v] of Object.entries(own)) if (v === null && env.has(k)) own[k] = env.get(k)!;
    const environment = new Map<string, string>();
    for (const [k, v] of Object.entries(own)) if (v !== null) environment.set(k, v as string);
    for (const envFile of (s.env_file as Obj[] | undefined) ?? []) {
      const path = String(envFile.path ?? '');
      if (!fs.isFile(path) && !fs.exists(path)) {
        if (envFile.required) throw new ComposemodError(`env file ${path} not found: stat ${path}: no such file or directory`, { modelPath: ['services', name, 'env_file'] });
        continue;
      }
      if (envFile.format && envFile.format !== '.env') throw new ComposemodError(`unsupported env_file format ${JSON.stringify(envFile.format)}`);
      try {
        parseDotenv(fs.read(path), environment, (k) => (env.has(k) ? env.get(k) : own[k] !== null && own[k] !== undefined ? (own[k] as string) : undefined), warn);
      } catch (e) {
        if (e instanceof DotenvError) throw new ComposemodError(`failed to read ${path}: ${e.message}`, { file: path });
        throw e;
      }
    }
    const out: Obj = {};
    for (const [k, v] of environment) put(out, k, v);
    for (const [k, v] of Object.entries(own)) put(out, k, v);
    if (s.environment !== undefined || Object.keys(out).length) s.environment = out;
    delete s.env_file;
  }
}

/** `WithServicesLabelsResolved(discardLabelFiles = true)`. */
export function resolveServiceLabels(p: TypedProject, fs: LoaderFs, warn: (m: string) => void): void {
  for (const s of Object.values(p.services)) {
    const labels = new Map<string, string>();
    for (const file of (s.label_file as string[] | undefined) ?? []) {
      if (!fs.exists(file)) throw new ComposemodError(`label file ${file} not found: stat ${file}: no such file or directory`);
      const vars = new Map<string, string>();
      parseDotenv(fs.read(file), vars, (k) => labels.get(k), warn);
      for (const [k, v] of vars) labels.set(k, v);
    }
    for (const [k, v] of Object.entries((s.labels as Obj | undefined) ?? {})) labels.set(k, v as string);
    if (labels.size) {
      const out: Obj = {};
      for (const [k, v] of labels) put(out, k, v);
      s.labels = out;
    }
    delete s.label_file;
  }
}

/** `WithoutUnnecessaryResources` (`config` without `--all`): resources no enabled service uses are left out. */
export function withoutUnnecessaryResources(p: TypedProject): TypedProject {
  const used = { networks: new Set<string>(), volumes: new Set<string>(), secrets: new Set<string>(), configs: new Set<string>(), models: new Set<string>() };
  for (const s of Object.values(p.services)) {
    for (const k of Object.keys((s.networks as Obj | undefined) ?? {})) used.networks.add(k);
    for (const v of (s.volumes as Obj[] | undefined) ?? []) if (v.type === 'volume' && v.source) used.volumes.add(String(v.source));
    for (const v of (s.secrets as Obj[] | undefined) ?? []) used.secrets.add(String(v.source ?? ''));
    for (const v of ((s.build as Obj | undefined)?.secrets as Obj[] | undefined) ?? []) used.secrets.add(String(v.source ?? ''));
    for (const v of (s.configs as Obj[] | undefined) ?? []) used.configs.add(String(v.source ?? ''));
    for (const k of Object.keys((s.models as Obj | undefined) ?? {})) used.models.add(k);
  }
  const keep = (defs: Record<string, Obj> | undefined, names: Set<string>): Record<string, Obj> => {
    const out: Record<string, Obj> = {};
    for (const name of names) if (defs && name in defs) out[name] = defs[name];
    return out;
  };
  return {
    ...p,
    networks: keep(p.networks, used.networks),
    volumes: keep(p.volumes, used.volumes),
    secrets: keep(p.secrets, used.secrets),
    configs: keep(p.configs, used.configs),
    models: keep(p.models, used.models),
  };
}

/** `CheckContainerNameUnicity`. */
export function checkContainerNames(p: TypedProject): void {
  const names = new Map<string, string>();
  for (const [name, s] of Object.entries(p.services)) {
    const cn = s.container_name as string | undefined;
    if (!cn) continue;
    if (names.has(cn)) throw new ComposemodError(`services.${name}: container name ${JSON.stringify(cn)} is already in use by service ${names.get(cn)}"`);
    names.set(cn, name);
  }
}

export { isObj };
