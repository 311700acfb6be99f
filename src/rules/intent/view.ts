/**
 * What each container of one environment gets: image, container name, environment (env_file
 * entries, then `environment`, interpolated), mounted secrets with the bytes they deliver,
 * attached networks, mounts, and everything else of the service. The intent check compares
 * these views before and after the fixes.
 *
 * This is the ONE place that turns compose files into that view. It is built from what exists
 * today (the merge engine's `mergeFiles` + `normalize`, `.env` / `--env-file` read with the
 * dotenv reader, interpolation of every value); the project loader (with Compose's own
 * interpolation) can replace the body of `evaluateEnvironment` without touching the fixes or
 * the check, as long as it fills the same `EnvironmentView`.
 *
 * Variables neither `.env` nor an `--env-file` sets are unknown here (the shell running
 * Compose may set them): they stay symbols (see util/interpolation.ts `UNKNOWN`), so a value
 * that depends on one compares equal only to the same dependency.
 */
import path from 'node:path';
import { mergeFiles, normalize } from '../../core/merge/index.js';
import { resolveExtendsFile } from '../../core/project.js';
import { parsePortConfig } from '../../core/merge/syntax.js';
import { ComposemodError } from '../../core/errors.js';
import { isObj, strings, type Obj } from '../../core/plain.js';
import { parseDotenv } from '../util/dotenv.js';
import { interpolate, UNKNOWN, type VariableLookup } from '../util/interpolation.js';

/** Where a mounted secret's bytes come from. `content` null: the file does not exist. */
export type SecretSource =
  | { kind: 'file'; path: string; content: string | null }
  | { kind: 'environment'; variable: string; content: string }
  | { kind: 'other'; description: string; content: string };

export interface MountedSecret {
  /** The top-level secret's key. */
  name: string;
  target: string;
  source: SecretSource;
}

export interface MountView {
  target: string;
  type: string;
  source?: string;
}

export interface ContainerView {
  service: string;
  image: string | null;
  containerName: string | null;
  /** Variable -> value (null: passed through from the shell running Compose). */
  environment: Map<string, string | null>;
  /** By target path. */
  secrets: Map<string, MountedSecret>;
  /** Attached networks (`default` when none is named; empty with network_mode). */
  networks: Set<string>;
  /** By target path. */
  volumes: Map<string, MountView>;
  /** The merged, interpolated service in the normal form (for reference analysis). */
  model: Obj;
  /** The other attributes, in the normal form, interpolated: compared as a whole. */
  rest: Obj;
}

export interface EnvironmentView {
  name: string;
  /** Directory relative paths resolve against (the first file's). */
  dir: string;
  services: Map<string, ContainerView>;
  /** What Compose would refuse the environment for (undefined network, volume or secret). */
  problems: string[];
  /** The merge failed (a Compose error): nothing else is known. */
  error?: string;
}

export interface EnvironmentInput {
  name: string;
  /** Compose files in `-f` order, as raw `toModel` models. */
  files: { path: string; model: Record<string, unknown> }[];
  /** `--env-file`s (absolute); none: `<dir>/.env`. */
  envFiles?: string[];
}

/** Reads a project file as the run currently sees it (created by a fix, else on disk); null if absent. */
export type ReadFile = (absPath: string) => string | null;

/** The variables `.env` (or the `--env-file`s) set, for interpolation. */
export function variableLookup(dir: string, envFiles: readonly string[] | undefined, read: ReadFile): VariableLookup {
  const vars = new Map<string, string>();
  for (const f of envFiles?.length ? envFiles : [path.join(dir, '.env')]) {
    const text = read(path.resolve(dir, f));
    if (text === null) continue;
    for (const [k, e] of parseDotenv(text)) vars.set(k, e.value ?? `${UNKNOWN}dotenv:${k}${UNKNOWN}`);
  }
  return (name) => vars.get(name);
}

function interpolateAll(value: unknown, lookup: VariableLookup): unknown {
  if (typeof value === 'string') return interpolate(value, lookup);
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, lookup));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateAll(v, lookup);
    return out;
  }
  return value;
}

const OWN_KEYS = new Set(['image', 'container_name', 'environment', 'env_file', 'secrets', 'networks', 'volumes']);

/** Evaluates one environment (see the module comment). Never throws on a Compose error: `error` says it. */
export function evaluateEnvironment(env: EnvironmentInput, read: ReadFile): EnvironmentView {
  const dir = path.dirname(path.resolve(env.files[0]?.path ?? '.'));
  const view: EnvironmentView = { name: env.name, dir, services: new Map(), problems: [] };
  let merged: Obj;
  try {
    merged = normalize(mergeFiles(env.files, { resolveExtendsFile })) as Obj;
  } catch (e) {
    if (!(e instanceof ComposemodError)) throw e;
    view.error = e.message;
    return view;
  }
  const lookup = variableLookup(dir, env.envFiles, read);
  const model = interpolateAll(merged, lookup) as Obj;
  const section = (k: string): Obj => (isObj(model[k]) ? (model[k] as Obj) : {});
  const topSecrets = section('secrets');
  const topNetworks = section('networks');
  const topVolumes = section('volumes');

  for (const [name, raw] of Object.entries(section('services'))) {
    const svc: Obj = isObj(raw) ? { ...raw, ...(Array.isArray(raw.ports) ? { ports: longPorts(raw.ports) } : {}) } : {};
    const environment = new Map<string, string | null>();
    for (const ef of Array.isArray(svc.env_file) ? svc.env_file : []) {
      const p = isObj(ef) ? ef.path : ef;
      if (typeof p !== 'string') continue;
      const text = read(path.resolve(dir, p));
      if (text === null) {
        if (!isObj(ef) || ef.required !== false) view.problems.push(`${name}: env_file ${p} not found`);
        continue;
      }
      for (const [k, e] of parseDotenv(text)) environment.set(k, e.value ?? `${UNKNOWN}env_file:${p}:${k}${UNKNOWN}`);
    }
    if (isObj(svc.environment))
      for (const [k, v] of Object.entries(svc.environment)) environment.set(k, v === null || v === undefined ? null : String(v));

    const secrets = new Map<string, MountedSecret>();
    for (const s of Array.isArray(svc.secrets) ? svc.secrets : []) {
      if (!isObj(s) || typeof s.source !== 'string') continue;
      const target = typeof s.target === 'string' ? s.target : `/run/secrets/${s.source}`;
      const def = topSecrets[s.source];
      if (!isObj(def)) {
        view.problems.push(`${name}: secret ${s.source} is not declared`);
        continue;
      }
      let source: SecretSource;
      if (typeof def.file === 'string') {
        const p = path.resolve(dir, def.file);
        source = { kind: 'file', path: p, content: read(p) };
      } else if (typeof def.environment === 'string') {
        source = { kind: 'environment', variable: def.environment, content: lookup(def.environment) ?? `${UNKNOWN}${def.environment}${UNKNOWN}` };
      } else source = { kind: 'other', description: JSON.stringify(def), content: `${UNKNOWN}secret:${s.source}${UNKNOWN}` };
      secrets.set(target, { name: s.source, target, source });
    }

    const networks = new Set<string>();
    if (svc.network_mode === undefined) {
      const n = isObj(svc.networks) ? Object.keys(svc.networks) : [];
      for (const k of n.length ? n : ['default']) networks.add(k);
      for (const k of networks) if (k !== 'default' && !(k in topNetworks)) view.problems.push(`${name}: refers to undefined network ${k}`);
    }

    const volumes = new Map<string, MountView>();
    for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
      if (!isObj(v) || typeof v.target !== 'string') continue;
      const m: MountView = { target: v.target, type: String(v.type ?? 'volume') };
      if (typeof v.source === 'string') m.source = v.source;
      volumes.set(v.target, m);
      if (m.type === 'volume' && m.source && !(m.source in topVolumes)) view.problems.push(`${name}: refers to undefined volume ${m.source}`);
    }
    for (const t of strings(svc.tmpfs)) volumes.set(t.split(':')[0], { target: t.split(':')[0], type: 'tmpfs' });

    view.services.set(name, containerView(name, svc, { environment, secrets, networks, volumes }));
  }
  return view;
}

/**
 * A ports list a variable kept in its short form (the merge cannot parse `${PORT}:80`), in the
 * long form once interpolated, as Compose reads it; an item that still does not parse stays.
 */
function longPorts(ports: unknown[]): unknown[] {
  if (ports.every(isObj)) return ports;
  return ports.flatMap((p) => {
    if (typeof p !== 'string' && typeof p !== 'number') return [p];
    try {
      return parsePortConfig(String(p)).map((x) => ({ protocol: 'tcp', mode: 'ingress', ...x }));
    } catch {
      return [p];
    }
  });
}

/** A service's view from its merged model and what was resolved of it; the rest is compared whole. */
export function containerView(
  service: string,
  svc: Obj,
  parts: Pick<ContainerView, 'environment' | 'secrets' | 'networks' | 'volumes'>,
): ContainerView {
  const rest: Obj = {};
  for (const [k, v] of Object.entries(svc)) if (!OWN_KEYS.has(k)) rest[k] = v;
  return {
    service,
    image: typeof svc.image === 'string' ? svc.image : null,
    containerName: typeof svc.container_name === 'string' ? svc.container_name : null,
    ...parts,
    model: svc,
    rest,
  };
}
