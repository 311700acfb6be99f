/**
 * add-volumes: a stateful service (postgres, redis, mongo...) whose data directory is not on
 * a volume loses its data whenever the container is recreated (`up` after an image or config
 * change, `down` + `up`). This fix mounts a named volume at the data directory the image's
 * documentation gives (see data/stateful-images.ts) and declares it at the top level.
 *
 * Rules:
 * - Any mount at the data directory or a parent of it (named volume, bind mount) means the
 *   data is kept: no change. A tmpfs there means ephemeral data by choice: no change, a
 *   warning says so. A mount *inside* the data directory, an anonymous volume or
 *   `volumes_from: container:...` cannot be judged safely: no change, a warning.
 * - `volumes_from: [service]` counts the other service's mounts.
 * - A top-level volume that is declared but mounted by no service and whose name suggests the
 *   service (`redis_data` for `redis`) is reused rather than creating a new one.
 * - Multi-file projects: each environment is judged on its merged model. The mount goes into
 *   the file that sets the service's `image:` (the shared base when every environment takes it
 *   from there), so every environment is fixed by one edit, unless an environment using that
 *   file already keeps the data (or needs another path): then each environment that needs it
 *   gets the mount in a file only it uses.
 * - Services built from a Dockerfile (`build:`) or scaled to several replicas are skipped.
 */
import path from 'node:path';
import type { Rule, RuleContext, Severity } from './types.js';
import type { ComposeFile, Environment } from './project.js';
import { volumeMounted } from './intent/deltas.js';
import { activeProfiles } from './lib/environments.js';
import { dataPathOf, type DataPath, type StatefulImage } from './data/stateful-images.js';
import { asNumber, isObj, strings, type Obj } from '../core/plain.js';
import { fileHasService, sectionOf, serviceOf, serviceOrder, servicesOf } from './lib/services.js';
import { addToService, editBlocker, envsUsing, exists, ownerOf, sharedFiles } from './place.js';
import { nodeAt } from '../core/query.js';
import { isCollection, isMap, isScalar, isSeq } from 'yaml';

interface Mount {
  type: string;
  source?: string;
  target: string;
  /** Where the mount comes from, for messages (`volumes_from: db`). */
  via?: string;
}

type Coverage =
  | { state: 'covered'; mount: Mount }
  | { state: 'tmpfs'; mount: Mount }
  | { state: 'anonymous'; mount: Mount }
  | { state: 'inside'; mount: Mount }
  | { state: 'unknown'; why: string }
  | { state: 'missing' };

const clean = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);
const covers = (mount: string, path: string): boolean => {
  const m = clean(mount);
  return m === '/' || path === m || path.startsWith(`${m}/`);
};

/** The mounts of a merged service: volumes (normal form), tmpfs, and volumes_from. */
function mountsOf(services: Record<string, Obj>, name: string, seen = new Set<string>()): Mount[] | { unknown: string } {
  seen.add(name);
  const svc = services[name] ?? {};
  const out: Mount[] = [];
  for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
    if (isObj(v) && typeof v.target === 'string')
      out.push({ type: String(v.type ?? 'volume'), source: typeof v.source === 'string' ? v.source : undefined, target: v.target });
  }
  for (const t of strings(svc.tmpfs)) out.push({ type: 'tmpfs', target: t.split(':')[0] });
  for (const spec of strings(svc.volumes_from)) {
    const parts = spec.split(':');
    let ref = parts[0];
    if (ref === 'container') return { unknown: `it takes volumes from the container ${parts[1]} (volumes_from)` };
    if (ref === 'service') ref = parts[1];
    if (seen.has(ref) || !(ref in services)) continue;
    const inherited = mountsOf(services, ref, seen);
    if (!Array.isArray(inherited)) return inherited;
    for (const m of inherited) out.push({ ...m, via: m.via ?? `volumes_from: ${ref}` });
  }
  return out;
}

function coverage(services: Record<string, Obj>, name: string, path: string): Coverage {
  const mounts = mountsOf(services, name);
  if (!Array.isArray(mounts)) return { state: 'unknown', why: mounts.unknown };
  const covering = mounts.filter((m) => covers(m.target, path)).sort((a, b) => b.target.length - a.target.length);
  if (covering.length) {
    const m = covering[0];
    if (m.type === 'tmpfs') return { state: 'tmpfs', mount: m };
    if (m.type === 'volume' && !m.source) return { state: 'anonymous', mount: m };
    return { state: 'covered', mount: m };
  }
  const inside = mounts.find((m) => clean(m.target).startsWith(`${path}/`));
  if (inside) return { state: 'inside', mount: inside };
  return { state: 'missing' };
}

/** Images whose Dockerfile declares a VOLUME at the data directory (their data sits in an anonymous volume today). */
const IMAGE_VOLUME = new Set(['postgres', 'mysql', 'mariadb', 'mongo', 'redis', 'rabbitmq']);

/** Compose's default project name: `name:`, else the directory name, lower-cased, [a-z0-9_-]. */
function projectName(env: Environment): string {
  const n = (env.merged as Obj).name;
  if (typeof n === 'string' && n && !n.includes('$')) return n;
  return path.basename(path.dirname(path.resolve(env.files[0].path))).toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

/** The warning that existing data stays behind, with the command that copies it over. */
function dataNotCarried(env: Environment, service: string, entry: StatefulImage, target: string, volume: string): string {
  const vol = `${projectName(env)}_${volume}`;
  const where = IMAGE_VOLUME.has(entry.id)
    ? `in the anonymous volume the ${entry.id} image declares at ${target}`
    : `in the container's own filesystem at ${target}`;
  const copy = IMAGE_VOLUME.has(entry.id)
    ? `docker compose stop ${service} && docker run --rm --volumes-from "$(docker compose ps -aq ${service})" -v ${vol}:/to alpine cp -a ${target}/. /to/`
    : `docker compose cp ${service}:${target}/. ./${service}-data/ (then copy it into the volume ${vol} once the service is recreated)`;
  return `${service}: data it already has is ${where}; the new volume ${volume} starts empty and the next \`up\` recreates the container without it. To keep that data, before \`up\`: ${copy}`;
}

interface Need {
  env: Environment;
  service: string;
  entry: StatefulImage;
  path: string;
  why: string;
}

const rule: Rule = {
  meta: {
    id: 'add-volumes',
    description: 'Mount a named volume at the data directory of stateful services (postgres, redis, mongo...)',
    rationale:
      'A database or cache whose data directory is not on a volume loses its data whenever the container is recreated; a named volume keeps it across `up`, `down` and image upgrades.',
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/add-volumes.md',
    kinds: {
      'postgres18-layout': { severity: 'error', description: 'postgres 18+ with a mount at /var/lib/postgresql/data: the server refuses to start' },
      'mount-inside': { severity: 'warning', description: 'a mount inside the data directory keeps only part of it' },
      'anonymous-volume': { severity: 'warning', description: 'the data directory is an anonymous volume: `down` + `up` starts from an empty one' },
      tmpfs: { severity: 'warning', description: 'the data directory is a tmpfs: ephemeral by choice' },
      ephemeral: { severity: 'note', description: 'the image is configured to keep nothing on disk' },
      'unknown-data-path': { severity: 'warning', description: 'the image keeps state, but where depends on something composemod cannot tell' },
      'unknown-mounts': { severity: 'warning', description: 'the mounts cannot be judged (volumes_from a container)' },
      replicas: { severity: 'warning', description: 'several replicas cannot share one data volume' },
      'shared-files': { severity: 'warning', description: 'every file of the environment is shared with one that keeps the data differently' },
      'not-editable': { severity: 'warning', description: 'the place to add the mount cannot be edited in place (alias, `<<`, not a list)' },
      'data-not-carried': { severity: 'warning', description: 'after the fix: data the container already has is not carried into the new volume (with the command that copies it)' },
    },
    options: [],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    const warned = new Set<string>();
    const warn = (kind: string, service: string, message: string, file?: string, severity?: Severity): void => {
      const key = `${service}\0${message}`;
      if (warned.has(key)) return;
      warned.add(key);
      ctx.report({ kind, severity, service, message, file, ...(file ? { path: ['services', service, 'volumes'] } : {}) });
    };
    const active = activeProfiles(ctx);

    // 1. What each environment needs.
    const needs = new Map<string, Need[]>(); // service -> needs
    const okEnvs = new Map<string, Set<Environment>>(); // service -> envs that keep the data (or chose not to)
    const idleEnvs = new Map<string, Set<Environment>>(); // service -> envs where a profile disables it
    for (const env of project.environments) {
      const services = servicesOf(env.merged);
      for (const name of serviceOrder(env)) {
        const svc = services[name];
        if (svc.build !== undefined) continue;
        const profiles = strings(svc.profiles);
        if (profiles.length && !profiles.some((p) => active.has(p))) {
          // not started in this environment unless a profile is enabled: it neither needs the
          // volume nor stops one shared file from giving it (a disabled service keeps nothing)
          if (!idleEnvs.has(name)) idleEnvs.set(name, new Set());
          idleEnvs.get(name)!.add(env);
          continue;
        }
        const command = strings(svc.command);
        const environment = isObj(svc.environment) ? (svc.environment as Record<string, string | null>) : undefined;
        const hit = dataPathOf(svc.image, Array.isArray(svc.command) ? command : undefined, environment);
        if (!hit) continue;
        const data: DataPath = hit.data;
        const mark = (): void => {
          if (!okEnvs.has(name)) okEnvs.set(name, new Set());
          okEnvs.get(name)!.add(env);
        };
        if (data.kind === 'unknown') {
          warn('unknown-data-path', name, `${name} (${hit.ref.raw}) keeps state, but ${data.why}; mount a volume at its data directory by hand`);
          mark();
          continue;
        }
        if (data.kind === 'ephemeral') {
          warn('ephemeral', name, `${name}: no volume added: ${data.why}, so it keeps nothing on disk`, undefined, 'note');
          mark();
          continue;
        }
        const replicas = asNumber(isObj(svc.deploy) ? svc.deploy.replicas : undefined) ?? asNumber(svc.scale);
        if (replicas !== undefined && replicas > 1) {
          warn('replicas', name, `${name} runs ${replicas} replicas: they cannot share one data volume at ${data.path}; not adding one`);
          mark();
          continue;
        }
        const cov = coverage(services, name, data.path);
        switch (cov.state) {
          case 'covered':
            mark();
            continue;
          case 'tmpfs':
            warn('tmpfs', name, `${name}: ${data.path} is a tmpfs${cov.mount.via ? ` (${cov.mount.via})` : ''}, so its data is ephemeral by choice; no volume added`);
            mark();
            continue;
          case 'anonymous':
            warn(
              'anonymous-volume',
              name,
              `${name}: ${data.path} is an anonymous volume${cov.mount.via ? ` (${cov.mount.via})` : ''}; \`down\` + \`up\` starts from an empty one. Give it a name (e.g. ${name}_data:${cov.mount.target})`,
            );
            mark();
            continue;
          case 'inside': {
            const pg18 = hit.entry.id === 'postgres' && data.path === '/var/lib/postgresql' && clean(cov.mount.target) === '/var/lib/postgresql/data';
            warn(
              pg18 ? 'postgres18-layout' : 'mount-inside',
              name,
              pg18
                ? `${name}: ${hit.ref.raw} keeps its data in /var/lib/postgresql/<major>/docker and refuses to start with a mount at /var/lib/postgresql/data; move the mount to /var/lib/postgresql (existing data needs pg_upgrade or a dump/restore), or pin the image to postgres:17 to keep the old layout`
                : `${name}: the mount at ${cov.mount.target} is inside the data directory ${data.path}; the rest of it is not kept. Check the mount by hand`,
              undefined,
              pg18 ? 'error' : 'warning',
            );
            mark();
            continue;
          }
          case 'unknown':
            warn('unknown-mounts', name, `${name}: ${cov.why}; cannot tell whether ${data.path} is kept`);
            mark();
            continue;
          case 'missing': {
            const list = needs.get(name) ?? [];
            list.push({ env, service: name, entry: hit.entry, path: data.path, why: data.why });
            needs.set(name, list);
          }
        }
      }
    }

    // 2. Where each mount goes: file -> service -> path.
    interface Placement {
      file: ComposeFile;
      service: string;
      path: string;
      entry: StatefulImage;
      why: string;
      envs: Environment[];
    }
    const placements: Placement[] = [];
    for (const [service, list] of needs) {
      const ok = okEnvs.get(service) ?? new Set<Environment>();
      const byPath = new Map<string, Need[]>();
      for (const n of list) byPath.set(n.path, [...(byPath.get(n.path) ?? []), n]);
      // Safe file for a group of environments needing `path`: every environment that uses the
      // file and defines the service needs exactly that path.
      const needPath = new Map<Environment, string>(list.map((n) => [n.env, n.path]));
      const idle = idleEnvs.get(service) ?? new Set<Environment>();
      const safe = (file: ComposeFile, path: string): boolean =>
        project.environments.every(
          (e) => !e.files.includes(file) || serviceOf(e.merged, service) === undefined || idle.has(e) || (needPath.get(e) === path && !ok.has(e)),
        );
      const using = (file: ComposeFile): Environment[] => envsUsing(project, file, service);
      for (const [path, group] of byPath) {
        const envs = group.map((n) => n.env);
        // one edit for every environment: the file that sets the image when they all take it
        // from the same one, else the first file they all share that defines the service
        const owners = new Set(envs.map((e) => ownerOf(e, service, 'image')));
        const common = owners.size === 1 ? [...owners][0] : undefined;
        const shared = sharedFiles(envs).filter((f) => fileHasService(f, service));
        const one = [common, ...shared].find((f): f is ComposeFile => !!f && safe(f, path));
        if (one) {
          placements.push({ file: one, service, path, entry: group[0].entry, why: group[0].why, envs: using(one) });
          continue;
        }
        for (const n of group) {
          if (placements.some((p) => p.service === service && p.envs.includes(n.env))) continue;
          // prefer the image owner, then the latest file of the environment, that is safe
          const candidates = [ownerOf(n.env, service, 'image'), ...[...n.env.files].reverse()].filter(
            (f): f is ComposeFile => !!f && safe(f, path),
          );
          const file = candidates.find((f) => fileHasService(f, service)) ?? candidates[0];
          if (!file) {
            warn('shared-files', service, `${service}: ${path} is not on a volume in environment ${n.env.name}, but every file of it is shared with an environment that keeps the data differently; add the mount by hand`);
            continue;
          }
          const existing = placements.find((p) => p.file === file && p.service === service && p.path === path);
          if (!existing) placements.push({ file, service, path, entry: n.entry, why: n.why, envs: using(file) });
        }
      }
    }
    if (!placements.length) return;

    // 3. Volume names, judged on the environments a placement affects.
    const usedIn = new Map<Environment, Set<string>>();
    for (const env of project.environments) {
      const used = new Set<string>();
      for (const svc of Object.values(servicesOf(env.merged)))
        for (const v of Array.isArray(svc.volumes) ? svc.volumes : [])
          if (isObj(v) && v.type === 'volume' && typeof v.source === 'string') used.add(v.source);
      usedIn.set(env, used);
    }
    const allDeclared = new Set<string>();
    for (const f of project.files) for (const k of Object.keys(sectionOf(f.model, 'volumes'))) allDeclared.add(k);
    const dashes = [...allDeclared].filter((n) => n.includes('-')).length;
    const underscores = [...allDeclared].filter((n) => n.includes('_')).length;
    const sep = dashes > underscores ? '-' : '_';
    const claimed: { name: string; envs: Environment[] }[] = [];

    const nameFor = (p: Placement): { name: string; reused: boolean } => {
      const tokens = (n: string): string[] => n.toLowerCase().split(/[-_.]+/).filter(Boolean);
      const svcTokens = tokens(p.service);
      const hints = new Set([...svcTokens, p.service.toLowerCase(), ...p.entry.volumeHints]);
      const declared = new Set<string>();
      for (const f of new Set([p.file, ...p.envs.flatMap((e) => e.files)])) for (const k of Object.keys(sectionOf(f.model, 'volumes'))) declared.add(k);
      const taken = (n: string): boolean =>
        p.envs.some((e) => usedIn.get(e)!.has(n)) || claimed.some((c) => c.name === n && c.envs.some((e) => p.envs.includes(e)));
      const declaredInAll = (n: string): boolean => p.envs.every((e) => n in sectionOf(e.merged, 'volumes'));
      const candidates = [...declared].filter(
        (n) => !taken(n) && declaredInAll(n) && (tokens(n).some((t) => hints.has(t)) || n.toLowerCase().startsWith(p.service.toLowerCase())),
      );
      const score = (n: string): number =>
        (n === `${p.service}${sep}data` ? 4 : 0) + (tokens(n).some((t) => svcTokens.includes(t)) ? 2 : 0) + (tokens(n).includes('data') ? 1 : 0);
      candidates.sort((a, b) => score(b) - score(a) || a.localeCompare(b));
      // only reuse an unambiguous best candidate
      if (candidates.length && (candidates.length === 1 || score(candidates[0]) > score(candidates[1]))) return { name: candidates[0], reused: true };
      let name = `${p.service}${sep}data`;
      for (let i = 2; declared.has(name) || taken(name); i++) name = `${p.service}${sep}data${sep}${i}`;
      return { name, reused: false };
    };

    // 4. Edits, one file at a time; every path is checked before anything is queued.
    const carried = new Set<string>();
    for (const p of placements) {
      const { file, service } = p;
      const svcPath = ['services', service];
      const volPath = [...svcPath, 'volumes'];
      const blocker =
        editBlocker(file, volPath) ?? (exists(file, ['volumes']) ? editBlocker(file, ['volumes']) : null) ?? editBlocker(file, svcPath);
      if (blocker) {
        warn('not-editable', service, `${service}: ${p.path} is not on a volume, but ${blocker}; add the mount by hand`, file.path);
        continue;
      }
      const volNode = nodeAt(file.source, volPath);
      const volValue = volNode?.node ?? null;
      const emptyValue = volValue === null || (isScalar(volValue) && volValue.value === null) || (isCollection(volValue) && volValue.flow && !volValue.items.length);
      if (volNode && !isSeq(volValue) && !emptyValue) {
        warn('not-editable', service, `${service}: volumes is not a list in ${file.path}; add the mount by hand`, file.path);
        continue;
      }
      const { name, reused } = nameFor(p);
      const envNote = project.environments.length > 1 ? ` (environments: ${p.envs.map((e) => e.name).join(', ')})` : '';
      const fix = ctx.report({
        message: `${service} keeps its data in ${p.path} (${p.why}), which is not on a volume: it is lost whenever the container is recreated`,
        file,
        path: svcPath,
        service,
        environments: p.envs.map((e) => e.name),
      });
      if (!fix) continue;
      claimed.push({ name, envs: p.envs });
      const ed = fix.editor(file);
      // long syntax when the file's existing list is written that way
      const items = isSeq(volValue) ? volValue.items : [];
      const long = items.length > 0 && items.every((i) => isMap(i));
      const item = long ? { type: 'volume', source: name, target: p.path } : `${name}:${p.path}`;
      if (volNode) ed.appendItem(volPath, item);
      else addToService(ed, file, service, 'volumes', [item]);
      const declared = p.envs.every((e) => name in sectionOf(e.merged, 'volumes'));
      if (!declared) ed.setIn(['volumes', name], null);
      for (const e of p.envs) fix.intend(volumeMounted({ env: e.name, service }, p.path, name));
      fix.note({
        file: file.path,
        service,
        message: `mounted volume ${name} at ${p.path}${declared ? '' : ` and declared it`}${envNote}`,
        reason: `${p.why}; without a volume it is lost whenever the container is recreated${reused ? ` (${name} was declared but no service mounted it)` : ''}`,
      });
      if (!carried.has(service)) {
        carried.add(service);
        fix.after({ kind: 'data-not-carried', service, message: dataNotCarried(p.envs[0], service, p.entry, p.path, name), file: file.path, path: volPath });
      }
    }
  },
};

export default rule;
