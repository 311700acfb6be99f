/**
 * The intent check: for every environment of the project, what each container gets after the
 * fixes (view.ts) differs from what it got before only by declared deltas (deltas.ts), and
 * every declared delta holds:
 * - a value moved into a secret arrives with the same bytes (and, delivered by `*_FILE`, the
 *   plain variable is gone and no healthcheck, command or entrypoint still reads it);
 * - a volume, network attachment, container name or image changed exactly as declared;
 * - two services that reached each other by name (references.ts) and shared a network still do;
 * - nothing Compose would refuse (an undefined network, volume or secret) appeared.
 * Pure: views and deltas in, violations out. Messages name environment, service and key, and
 * never a value.
 */
import type { Delta } from './deltas.js';
import type { ContainerView, EnvironmentView, MountedSecret } from './view.js';
import { serviceReferences, type MountedFiles } from '../lib/references.js';
import type { Obj } from '../../core/plain.js';
import { sortKeys } from '../../core/merge/values.js';

export interface Violation {
  env: string;
  service?: string;
  /** What changed or failed to hold: `environment.API_TOKEN`, `networks`, `volumes[/data]`... */
  key: string;
  message: string;
  /** The rule whose declared delta did not hold, when one did. */
  rule?: string;
}

type Declared = Delta & { rule?: string };

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `actual` contains `wanted`: every key of a mapping (recursively), every item of a list, else equal. */
function contains(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(actual) && wanted.every((w) => actual.some((a) => contains(a, w)));
  if (wanted !== null && typeof wanted === 'object')
    return actual !== null && typeof actual === 'object' && !Array.isArray(actual) && Object.entries(wanted).every(([k, w]) => contains((actual as Obj)[k], w));
  return same(actual, wanted);
}

/** Compares every environment (matched by name) and returns what was not declared or did not hold. */
export function checkIntent(
  before: readonly EnvironmentView[],
  after: readonly EnvironmentView[],
  deltas: readonly Declared[],
  mounted?: (env: EnvironmentView) => MountedFiles | undefined,
): Violation[] {
  const out: Violation[] = [];
  // env -> service -> deltas (linear in the number of deltas)
  const byEnv = new Map<string, Map<string, Declared[]>>();
  for (const d of deltas) {
    let services = byEnv.get(d.env);
    if (!services) byEnv.set(d.env, (services = new Map()));
    const list = services.get(d.service);
    if (list) list.push(d);
    else services.set(d.service, [d]);
  }
  const afterByName = new Map(after.map((v) => [v.name, v]));
  const known = new Set(before.map((v) => v.name));
  for (const d of deltas)
    if (!known.has(d.env)) out.push({ env: d.env, service: d.service, key: d.kind, message: 'declared for an environment the project does not have', rule: d.rule });

  for (const b of before) {
    const a = afterByName.get(b.name);
    if (b.error) continue; // the input itself does not merge: the runner refused it already
    if (!a) {
      out.push({ env: b.name, key: 'environment', message: 'the environment was not evaluated after the fixes' });
      continue;
    }
    if (a.error) {
      out.push({ env: b.name, key: 'model', message: `Compose would refuse the environment after the fixes: ${a.error}` });
      continue;
    }
    const declared = byEnv.get(b.name) ?? new Map<string, Declared[]>();
    for (const p of a.problems)
      if (!b.problems.includes(p)) out.push({ env: b.name, service: p.split(':')[0], key: 'model', message: `Compose would refuse it: ${p.slice(p.indexOf(':') + 2)}` });
    for (const name of new Set([...b.services.keys(), ...a.services.keys()])) {
      const bs = b.services.get(name);
      const as = a.services.get(name);
      const mine = declared.get(name) ?? [];
      if (!bs || !as) {
        out.push({ env: b.name, service: name, key: 'services', message: bs ? 'the service disappeared' : 'a service appeared' });
        for (const d of mine) out.push({ env: b.name, service: name, key: d.kind, message: 'declared for a service the environment does not have', rule: d.rule });
        continue;
      }
      compareService(b.name, bs, as, mine, out);
    }
    reachability(b, a, mounted?.(b), out);
  }
  return out;
}

function compareService(env: string, b: ContainerView, a: ContainerView, deltas: Declared[], out: Violation[]): void {
  const v = (key: string, message: string, rule?: string): void => {
    out.push({ env, service: b.service, key, message, ...(rule ? { rule } : {}) });
  };
  const of = <K extends Delta['kind']>(kind: K) => deltas.filter((d): d is Extract<Declared, { kind: K }> => d.kind === kind);

  // image
  const images = of('image-changed');
  if (a.image !== b.image && !images.some((d) => d.image === a.image)) v('image', 'the image changed without a declared pin');
  for (const d of images) if (a.image !== d.image) v('image', `the declared image ${d.image} is not what the container gets`, d.rule);

  // container_name
  const names = of('container-name-removed');
  if (a.containerName !== b.containerName && !(names.length && a.containerName === null)) v('container_name', 'container_name changed');
  for (const d of names) if (a.containerName !== null) v('container_name', 'container_name was to be removed but still applies', d.rule);

  // environment and secrets
  const deliveries = of('secret-delivers');
  const fileVars = new Map(deliveries.filter((d) => d.mode === 'file-var').map((d) => [d.variable, d]));
  const fileVarTargets = new Map(deliveries.filter((d) => d.mode === 'file-var').map((d) => [`${d.variable}_FILE`, d]));
  for (const key of new Set([...b.environment.keys(), ...a.environment.keys()])) {
    const bv = b.environment.get(key);
    const av = a.environment.get(key);
    if (fileVars.has(key)) {
      if (a.environment.has(key)) v(`environment.${key}`, `${key} is delivered by file (${key}_FILE) but is still set in the container's environment`, fileVars.get(key)!.rule);
      continue;
    }
    if (fileVarTargets.has(key)) {
      if (b.environment.has(key)) v(`environment.${key}`, `${key} was already set before the fix`, fileVarTargets.get(key)!.rule);
      continue;
    }
    if (bv !== av || b.environment.has(key) !== a.environment.has(key))
      v(`environment.${key}`, !b.environment.has(key) ? 'a variable appeared in the environment' : !a.environment.has(key) ? 'a variable left the environment' : 'the value the container gets changed');
  }
  const byName = (m: Map<string, MountedSecret>, secret: string): MountedSecret | undefined => [...m.values()].find((s) => s.name === secret);
  for (const d of deliveries) {
    const value = b.environment.get(d.variable);
    if (value === undefined || value === null) {
      v(`environment.${d.variable}`, `${d.variable} had no value to deliver`, d.rule);
      continue;
    }
    const m = byName(a.secrets, d.secret);
    if (!m) {
      v(`secrets.${d.secret}`, `secret ${d.secret} is not mounted`, d.rule);
      continue;
    }
    if (m.source.content === null) v(`secrets.${d.secret}`, `the file of secret ${d.secret} does not exist`, d.rule);
    else if (m.source.content !== value) v(`secrets.${d.secret}`, `secret ${d.secret} does not deliver the bytes ${d.variable} had`, d.rule);
    if (d.mode === 'file-var') {
      if (a.environment.get(`${d.variable}_FILE`) !== m.target) v(`environment.${d.variable}_FILE`, `${d.variable}_FILE does not name the secret's file ${m.target}`, d.rule);
      for (const [where, text] of commandTexts(a.model))
        if (new RegExp(`\\$\\{?${d.variable}(?![A-Za-z0-9_])`).test(text))
          v(where, `${where} still reads $${d.variable}, which the container no longer has`, d.rule);
    }
  }
  for (const target of new Set([...b.secrets.keys(), ...a.secrets.keys()])) {
    const bm = b.secrets.get(target);
    const am = a.secrets.get(target);
    if (bm && am && bm.name === am.name && bm.source.content === am.source.content) continue;
    if (!bm && am && deliveries.some((d) => d.secret === am.name)) continue;
    v(`secrets[${target}]`, !bm ? `secret ${am!.name} is newly mounted` : !am ? `secret ${bm.name} is no longer mounted` : `what is mounted at ${target} changed`);
  }

  // volumes
  const mounts = of('volume-mounted');
  for (const target of new Set([...b.volumes.keys(), ...a.volumes.keys()])) {
    const bm = b.volumes.get(target);
    const am = a.volumes.get(target);
    if (same(bm, am)) continue;
    if (!bm && am && am.type === 'volume' && mounts.some((d) => d.target === target && d.volume === am.source)) continue;
    if (!bm && am && am.type === 'tmpfs' && of('attribute-contains').some((d) => d.key === 'tmpfs' && Array.isArray(d.value) && d.value.includes(target))) continue;
    v(`volumes[${target}]`, !bm ? 'a mount appeared' : !am ? 'a mount disappeared' : 'what is mounted there changed');
  }
  for (const d of mounts) {
    const am = a.volumes.get(d.target);
    if (!am || am.type !== 'volume' || am.source !== d.volume) v(`volumes[${d.target}]`, `volume ${d.volume} is not mounted at ${d.target}`, d.rule);
  }

  // networks
  const nets = of('networks-changed');
  const sorted = (s: Set<string>): string[] => [...s].sort();
  if (!same(sorted(a.networks), sorted(b.networks)) && !nets.some((d) => same([...d.networks].sort(), sorted(a.networks))))
    v('networks', 'the attached networks changed');
  for (const d of nets) if (!same([...d.networks].sort(), sorted(a.networks))) v('networks', `the service is not attached to exactly ${d.networks.join(', ')}`, d.rule);

  // security_opt: exactly the declared options added (the merged list's order follows the files)
  const added = of('security-opt-added');
  if (added.length) {
    const list = (x: unknown): string[] => (Array.isArray(x) ? x.map(String) : []).sort();
    const want = [...list(b.rest.security_opt), ...added.map((d) => d.option)].sort();
    if (!same(list(a.rest.security_opt), want)) v('security_opt', `security_opt is not the one before plus ${added.map((d) => d.option).join(', ')}`, added[0].rule);
  }

  // attributes declared to contain a value afterwards (what else they hold may change)
  const contained = of('attribute-contains');
  for (const d of contained) if (!contains(a.rest[d.key], d.value)) v(d.key, `${d.key} does not have what the fix declared`, d.rule);

  // everything else: as it was, but for the declared values
  const sets = of('attribute-set');
  const expected = withDeclared(b.rest, sets, a.rest);
  for (const key of new Set([...Object.keys(b.rest), ...Object.keys(a.rest), ...Object.keys(expected)])) {
    if (key === 'security_opt' && added.length) continue;
    if (contained.some((d) => d.key === key)) continue;
    const mine = sets.filter((d) => d.path[0] === key);
    if (mine.length ? same(sortKeys(expected[key]), sortKeys(a.rest[key])) : same(expected[key], a.rest[key])) continue;
    if (mine.length) v(key, `${key} is not what the declared change makes it`, mine[0].rule);
    else v(key, `${key} changed`);
  }
}

const valueAt = (o: unknown, path: readonly (string | number)[]): unknown =>
  path.reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string | number, unknown>)[k] : undefined), o);

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** A memory size in bytes (`512m`, `1g`, 268435456), or undefined. */
function bytes(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(v.trim()) : null;
  return m ? Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()]) : undefined;
}

/** `rest` with the declared values set (removed list items leave their list; an attribute left empty is absent). */
function withDeclared(rest: Obj, sets: readonly Extract<Declared, { kind: 'attribute-set' }>[], actual: Obj): Obj {
  if (!sets.length) return rest;
  const out = JSON.parse(JSON.stringify(rest)) as Obj;
  // values first, then removals, list items from the last index down so indexes stay valid
  const ordered = [...sets].sort((x, y) => {
    if ((x.value === undefined) !== (y.value === undefined)) return x.value === undefined ? 1 : -1;
    const [xi, yi] = [x.path[x.path.length - 1], y.path[y.path.length - 1]];
    return typeof xi === 'number' && typeof yi === 'number' ? yi - xi : 0;
  });
  for (const d of ordered) {
    let node: unknown = out;
    const last = d.path[d.path.length - 1];
    // a short-form port the view could not read (an unknown variable): its address goes in front
    const parent = valueAt(out, d.path.slice(0, -1));
    if (last === 'host_ip' && typeof parent === 'string' && typeof d.value === 'string') {
      const holder = valueAt(out, d.path.slice(0, -2)) as Record<string | number, unknown>;
      holder[d.path[d.path.length - 2]] = `${d.value}:${parent.replace(/^(0\.0\.0\.0:|\[::\]:|:::)/, '')}`;
      continue;
    }
    for (const [i, step] of d.path.slice(0, -1).entries()) {
      const holder = node as Record<string | number, unknown>;
      if (typeof holder[step] !== 'object' || holder[step] === null) {
        if (d.value === undefined) break;
        holder[step] = typeof d.path[i + 1] === 'number' ? [] : {};
      }
      node = holder[step];
    }
    if (Array.isArray(node) && typeof last === 'number' && d.value === undefined) node.splice(last, 1);
    else if (d.value === undefined) delete (node as Record<string | number, unknown>)[last];
    else {
      // a size holds when the container gets as many bytes (Compose writes `512m` as 536870912)
      const got = valueAt(actual, d.path);
      (node as Record<string | number, unknown>)[last] = got !== undefined && bytes(got) !== undefined && bytes(got) === bytes(d.value) ? got : d.value;
    }
  }
  for (const key of new Set(sets.map((d) => String(d.path[0])))) {
    const val = out[key];
    if ((Array.isArray(val) && !val.length) || (val && typeof val === 'object' && !Object.keys(val).length)) delete out[key];
  }
  return out;
}

/** Shell texts of a service that read its environment: healthcheck test, command, entrypoint. */
function commandTexts(svc: Obj): [string, string][] {
  const out: [string, string][] = [];
  const hc = svc.healthcheck as Obj | undefined;
  const add = (where: string, v: unknown): void => {
    if (typeof v === 'string') out.push([where, v]);
    else if (Array.isArray(v)) out.push([where, v.filter((x) => typeof x === 'string').join(' ')]);
  };
  if (hc && typeof hc === 'object') add('healthcheck.test', hc.test);
  add('command', svc.command);
  add('entrypoint', svc.entrypoint);
  return out;
}

/** Two services that reached each other by name and shared a network still share one. */
function reachability(b: EnvironmentView, a: EnvironmentView, mounted: MountedFiles | undefined, out: Violation[]): void {
  const models: Record<string, Obj> = {};
  for (const [n, s] of b.services) models[n] = s.model;
  const refs = serviceReferences(models, mounted);
  const shares = (x: Set<string>, y: Set<string>): boolean => [...x].some((n) => y.has(n));
  for (const [from, rels] of refs) {
    const bf = b.services.get(from)!;
    const af = a.services.get(from);
    if (!af) continue;
    for (const r of rels) {
      const bt = b.services.get(r.to)!;
      const at = a.services.get(r.to);
      if (!at || bf.model.network_mode !== undefined || bt.model.network_mode !== undefined) continue;
      if (shares(bf.networks, bt.networks) && !shares(af.networks, at.networks))
        out.push({ env: b.name, service: from, key: 'networks', message: `${from} reaches ${r.to} by name (${r.via}) but no longer shares a network with it` });
    }
  }
}
