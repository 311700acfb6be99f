/**
 * What each container of a project gets, per service: the typed view the fixes' intent check
 * compares before and after a change, in every environment. Derived from the bound project
 * (so after interpolation, profiles, env_file and label_file), with Compose's defaults made
 * explicit (secret targets, resource names, the default network).
 */
import type { Obj } from '../merge/values.js';
import type { ProjectModel } from './project.js';
import type { TypedProject, TypedService } from './typed.js';

/** Where the content of a mounted secret or config comes from. */
export type FileSource =
  | { kind: 'file'; path: string }
  | { kind: 'environment'; variable: string; /** undefined: the variable is not set */ value?: string }
  | { kind: 'content'; content: string }
  | { kind: 'external'; name: string }
  /** the top-level definition is missing (Compose refuses such a project; kept for completeness) */
  | { kind: 'undefined' };

export interface MountedFile {
  /** The top-level secret/config key. */
  source: string;
  /** Path in the container. */
  target: string;
  uid?: string;
  gid?: string;
  /** File mode (e.g. 0o440), when set. */
  mode?: number;
  from: FileSource;
}

export interface ContainerNetwork {
  /** The key in the service's `networks`. */
  key: string;
  /** The network's resolved name (`<project>_<key>` unless named or external). */
  name: string;
  external: boolean;
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

export interface ContainerMount {
  type: string;
  /** Host path (bind), volume key (volume), or undefined (anonymous volume, tmpfs). */
  source?: string;
  /** For a named volume: its resolved name. */
  volumeName?: string;
  target: string;
  readOnly: boolean;
  selinux?: string;
  propagation?: string;
  createHostPath?: boolean;
  nocopy?: boolean;
  subpath?: string;
}

export interface ContainerPort {
  target: number;
  published?: string;
  hostIp?: string;
  protocol: string;
  mode: string;
}

export interface ContainerView {
  service: string;
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string; args: Record<string, string | null> };
  /** The resolved environment (env_file then environment, interpolated); null: declared, no value. */
  environment: Record<string, string | null>;
  labels: Record<string, string>;
  command?: string[];
  entrypoint?: string[];
  secrets: MountedFile[];
  configs: MountedFile[];
  networks: ContainerNetwork[];
  networkMode?: string;
  mounts: ContainerMount[];
  ports: ContainerPort[];
  user?: string;
  workingDir?: string;
  restart?: string;
  /** Number of containers (scale / deploy.replicas, default 1). */
  replicas: number;
  containerName?: string;
}

function fileSource(kind: 'secret' | 'config', def: Obj | undefined, env: ReadonlyMap<string, string>): FileSource {
  if (!def) return { kind: 'undefined' };
  if (def.external) return { kind: 'external', name: String(def.name ?? '') };
  if (def.file) return { kind: 'file', path: String(def.file) };
  if (def.environment) {
    const variable = String(def.environment);
    return { kind: 'environment', variable, value: env.get(variable) };
  }
  if (kind === 'config' && typeof def.content === 'string') return { kind: 'content', content: def.content };
  return { kind: 'undefined' };
}

function mounted(kind: 'secret' | 'config', refs: Obj[] | undefined, defs: Record<string, Obj> | undefined, env: ReadonlyMap<string, string>): MountedFile[] {
  return (refs ?? []).map((r) => {
    const source = String(r.source ?? '');
    const out: MountedFile = {
      source,
      target: r.target ? String(r.target) : kind === 'secret' ? `/run/secrets/${source}` : `/${source}`,
      from: fileSource(kind, defs?.[source], env),
    };
    if (r.uid) out.uid = String(r.uid);
    if (r.gid) out.gid = String(r.gid);
    if (r.mode !== undefined) out.mode = Number(r.mode);
    return out;
  });
}

function view(name: string, s: TypedService, p: TypedProject, model: ProjectModel): ContainerView {
  const build = s.build as Obj | undefined;
  const networks = Object.entries((s.networks as Obj | undefined) ?? {}).map(([key, cfg]) => {
    const def = p.networks?.[key];
    const c = (cfg as Obj | undefined) ?? {};
    const n: ContainerNetwork = { key, name: String(def?.name ?? key), external: def?.external === true, aliases: (c.aliases as string[] | undefined) ?? [] };
    if (c.ipv4_address) n.ipv4Address = String(c.ipv4_address);
    if (c.ipv6_address) n.ipv6Address = String(c.ipv6_address);
    return n;
  });
  const mounts = ((s.volumes as Obj[] | undefined) ?? []).map((v) => {
    const m: ContainerMount = { type: String(v.type ?? ''), target: String(v.target ?? ''), readOnly: v.read_only === true };
    if (v.source) m.source = String(v.source);
    if (m.type === 'volume' && m.source) m.volumeName = String(p.volumes?.[m.source]?.name ?? m.source);
    const bind = v.bind as Obj | undefined;
    if (bind?.selinux) m.selinux = String(bind.selinux);
    if (bind?.propagation) m.propagation = String(bind.propagation);
    if (bind?.create_host_path) m.createHostPath = true;
    const vol = v.volume as Obj | undefined;
    if (vol?.nocopy) m.nocopy = true;
    if (vol?.subpath) m.subpath = String(vol.subpath);
    return m;
  });
  const ports = ((s.ports as Obj[] | undefined) ?? []).map((p) => {
    const port: ContainerPort = { target: Number(p.target ?? 0), protocol: String(p.protocol ?? 'tcp'), mode: String(p.mode ?? 'ingress') };
    if (p.published) port.published = String(p.published);
    if (p.host_ip) port.hostIp = String(p.host_ip);
    return port;
  });
  const deploy = s.deploy as Obj | undefined;
  const v: ContainerView = {
    service: name,
    environment: { ...((s.environment as Record<string, string | null> | undefined) ?? {}) },
    labels: { ...((s.labels as Record<string, string> | undefined) ?? {}) },
    secrets: mounted('secret', s.secrets as Obj[] | undefined, p.secrets, model.environment),
    configs: mounted('config', s.configs as Obj[] | undefined, p.configs, model.environment),
    networks,
    mounts,
    ports,
    replicas: typeof s.scale === 'number' ? s.scale : typeof deploy?.replicas === 'number' ? deploy.replicas : 1,
  };
  if (s.image) v.image = String(s.image);
  if (build) {
    v.build = { args: { ...((build.args as Record<string, string | null> | undefined) ?? {}) } };
    if (build.context) v.build.context = String(build.context);
    if (build.dockerfile) v.build.dockerfile = String(build.dockerfile);
    if (build.target) v.build.target = String(build.target);
  }
  if (s.command) v.command = [...(s.command as string[])];
  if (s.entrypoint) v.entrypoint = [...(s.entrypoint as string[])];
  if (s.network_mode) v.networkMode = String(s.network_mode);
  if (s.user) v.user = String(s.user);
  if (s.working_dir) v.workingDir = String(s.working_dir);
  if (s.restart) v.restart = String(s.restart);
  if (s.container_name) v.containerName = String(s.container_name);
  return v;
}

/** Every enabled service's container view, by service name. */
export function containerViews(p: TypedProject, model: ProjectModel): Record<string, ContainerView> {
  const out: Record<string, ContainerView> = {};
  for (const name of Object.keys(p.services).sort()) out[name] = view(name, p.services[name], p, model);
  return out;
}
