/**
 * network-split: in a flat project every container can reach every other one, so a
 * compromised web-facing service reaches the databases directly. This fix replaces the one
 * network (an explicit one, or Compose's implicit `default`) by two: `frontend` (the public
 * edge and what it talks to) and `backend` (data stores and what talks to them). The rules
 * are in lib/network-roles.ts; each service's placement is explained in the notes.
 *
 * Skipped, with a note saying why: a project that already uses two or more networks, uses
 * `network_mode`, or has a single service in every environment (an environment with a single
 * service does not stop the others: it is decided per environment); a network that is external, has a fixed `name:` or
 * an `ipam` configuration (other stacks or addresses depend on it); a service attached with
 * options (aliases, ipv4_address...): moving those needs a human, and splitting the others
 * around it would cut it off; `frontend` / `backend` already declared.
 *
 * The old network's options (driver, driver_opts, labels, attachable, enable_ipv6, internal)
 * are kept on both new networks: they describe how this project's networks are built, and
 * nothing says the two halves should differ. With `internalBackend`, `backend` also gets
 * `internal: true` (no route out of the host, no published ports).
 *
 * Services that reach each other by name (depends_on, links, host names in the environment or
 * the command, and in bind-mounted config files such as an nginx `proxy_pass http://app:8000`;
 * lib/references.ts) keep a network in common.
 *
 * Multi-file projects: every environment must be flat on the same network; placements are
 * the union over environments (a service on both in one environment is on both everywhere),
 * because the attachments usually live in the shared base.
 */
import type { FixEditor, Rule, RuleContext } from './types.js';
import type { ComposeFile, Environment } from './project.js';
import { classify, serviceFacts, shortList, type Placement } from './lib/network-roles.js';
import { isObj, type Obj } from '../core/plain.js';
import { sectionOf, serviceOf, serviceOrder, servicesOf } from './lib/services.js';
import { editBlocker, exists, sharedFiles } from './place.js';
import { nodeAt, type Path } from '../core/query.js';
import { networksChanged } from './intent/deltas.js';
import { mountedFileReader } from './lib/references.js';
import path from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';

const KEPT_OPTIONS = ['driver', 'driver_opts', 'labels', 'attachable', 'enable_ipv6', 'internal'];

/** The networks a merged service is attached to ('default' when it names none). */
function attachments(svc: Obj): Record<string, unknown> {
  const n = svc.networks;
  if (isObj(n) && Object.keys(n).length) return n;
  return { default: null };
}

const rule: Rule = {
  meta: {
    id: 'network-split',
    description: 'Split a flat network into frontend and backend so the public edge cannot reach data stores',
    rationale:
      'On one flat network every container reaches every other one; keeping databases and caches on a backend network the public edge is not on limits what a compromised web service can reach.',
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/network-split.md',
    kinds: {
      'ports-unreachable': { severity: 'warning', description: 'after the fix with --internal-backend: a backend-only service publishes ports nobody can reach' },
      'no-outbound': { severity: 'note', description: 'after the fix with --internal-backend: a backend-only service has no outbound internet access' },
    },
    options: [
      {
        name: 'internalBackend',
        description: 'Make the backend network internal (no route out of the host; ports of backend-only services are not published)',
        type: 'boolean',
        default: false,
      },
      { name: 'frontendNetwork', type: 'string', placeholder: 'NAME', default: 'frontend', description: 'name of the network of the public edge' },
      { name: 'backendNetwork', type: 'string', placeholder: 'NAME', default: 'backend', description: 'name of the network of the data stores' },
    ],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    const internal = ctx.options.internalBackend === true;
    const F = typeof ctx.options.frontendNetwork === 'string' && ctx.options.frontendNetwork ? ctx.options.frontendNetwork : 'frontend';
    const B = typeof ctx.options.backendNetwork === 'string' && ctx.options.backendNetwork ? ctx.options.backendNetwork : 'backend';
    const skip = (message: string, extra: { file?: string; service?: string } = {}): void => ctx.explain(`skipped: ${message}`, extra);
    const envLabel = (e: Environment): string => (project.environments.length > 1 ? ` (environment ${e.name})` : '');

    // 1. Every environment must be flat, on the same network.
    let network: string | undefined;
    const alone: Environment[] = [];
    for (const env of project.environments) {
      const services = servicesOf(env.merged);
      const names = Object.keys(services);
      if (names.length < 2) {
        // nothing to separate here; the other environments decide
        alone.push(env);
        continue;
      }
      const modes = names.filter((n) => services[n].network_mode !== undefined);
      if (modes.length)
        return skip(`${modes.join(', ')} use${modes.length > 1 ? '' : 's'} network_mode${envLabel(env)}; split the networks by hand`, { service: modes[0] });
      const used = new Set<string>();
      for (const n of names) for (const k of Object.keys(attachments(services[n]))) used.add(k);
      if (used.size > 1) return skip(`the project already segments its networks (${[...used].sort().join(', ')})${envLabel(env)}`);
      const only = [...used][0];
      if (network !== undefined && only !== network) return skip(`environments use different networks (${network}, ${only})`);
      network = only;
      const def = sectionOf(env.merged, 'networks')[only] ?? {};
      if (def.external) return skip(`${only} is external: other stacks may depend on it`);
      if (def.name !== undefined) return skip(`${only} has a fixed name (${String(def.name)}): other stacks may join it by that name`);
      if (def.ipam !== undefined) return skip(`${only} has an ipam configuration: choose the subnets of the new networks by hand`);
      if (isObj(def.driver_opts) && 'com.docker.network.bridge.name' in def.driver_opts)
        return skip(`${only} sets the bridge name (com.docker.network.bridge.name), which two networks cannot share; split it by hand`);
      for (const taken of [F, B])
        if (taken !== only && taken in sectionOf(env.merged, 'networks')) return skip(`a network named ${taken} is already declared`);
      for (const n of names) {
        const opts = attachments(services[n])[only];
        if (isObj(opts) && Object.keys(opts).length)
          return skip(`${n} is attached to ${only} with ${Object.keys(opts).join(', ')}; move ${Object.keys(opts).length > 1 ? 'them' : 'it'} by hand`, { service: n });
      }
    }
    if (network === undefined) {
      if (alone.length) skip(`a single service${alone.length === 1 ? envLabel(alone[0]) : ' in every environment'}: nothing to separate`);
      return;
    }
    if (alone.length && project.environments.length > 1)
      ctx.explain(`${alone.map((e) => e.name).join(', ')} ${alone.length > 1 ? 'have' : 'has'} a single service: nothing to separate there; split decided by the other environments`);
    if (network === F || network === B) return skip(`the only network is already called ${network}`);
    const old = network;

    // environments with a single service are left alone unless they share a file with the others
    const split = project.environments.filter((e) => !alone.includes(e));
    const envs = project.environments.filter((e) => !alone.includes(e) || e.files.some((f) => split.some((o) => o.files.includes(f))));
    const files = project.files.filter((f) => envs.some((e) => e.files.includes(f)));

    // 2. Placements: the union over environments.
    const placement = new Map<string, Placement>();
    const perEnv = new Map<Environment, Map<string, Placement>>();
    const order: string[] = [];
    for (const env of envs) {
      for (const n of serviceOrder(env)) if (!order.includes(n)) order.push(n);
      const mounted = mountedFileReader(path.dirname(path.resolve(env.files[0].path)), (p) => ctx.readFile(p));
      const placed = classify(serviceFacts(servicesOf(env.merged), mounted));
      perEnv.set(env, placed);
      for (const [name, p] of placed) {
        const cur = placement.get(name);
        if (!cur) placement.set(name, { ...p, why: [...p.why] });
        else {
          cur.frontend ||= p.frontend;
          cur.backend ||= p.backend;
          for (const w of p.why) if (!cur.why.includes(w)) cur.why.push(w);
        }
      }
    }
    const frontOnly = [...placement].filter(([, p]) => p.frontend && !p.backend).map(([n]) => n);
    const backOnly = [...placement].filter(([, p]) => p.backend && !p.frontend).map(([n]) => n);
    if (!frontOnly.length || !backOnly.length)
      return skip(
        backOnly.length
          ? `every service the backend holds (${shortList(backOnly)}) is also needed on the frontend side: two networks would separate nothing`
          : 'no data store (or service only data stores need) to put on a backend network: two networks would separate nothing',
      );
    const netsOf = (name: string): string[] => {
      const p = placement.get(name)!;
      return [...(p.frontend ? [F] : []), ...(p.backend ? [B] : [])];
    };

    // 3. Plan the edits, checking every path first.
    type Op = (file: ComposeFile, ed: FixEditor) => void;
    const plan: { file: ComposeFile; service?: string; op: Op }[] = [];
    const blocked: string[] = [];
    const check = (file: ComposeFile, path: Path): boolean => {
      const why = editBlocker(file, path);
      if (why) blocked.push(`${file.path}: ${why}`);
      return !why;
    };
    const attachedIn = new Map<string, ComposeFile[]>(); // service -> files where its attachment was rewritten/added

    for (const file of files) {
      for (const name of Object.keys(servicesOf(file.model))) {
        const netsPath: Path = ['services', name, 'networks'];
        const ref = nodeAt(file.source, netsPath);
        if (!ref || ref.inherited) continue;
        if (!check(file, netsPath)) continue;
        const nets = netsOf(name);
        if (!placement.has(name)) continue;
        if (isSeq(ref.node)) {
          const idx = ref.node.items.findIndex((i) => isScalar(i) && String(i.value) === old);
          if (idx < 0) continue;
          plan.push({
            file,
            service: name,
            op: (_f, ed) => {
              ed.replaceScalar([...netsPath, idx], nets[0]);
              for (const extra of nets.slice(1)) ed.appendItem(netsPath, extra);
            },
          });
        } else if (isMap(ref.node)) {
          if (!ref.node.items.some((p) => isScalar(p.key) && String(p.key.value) === old)) continue;
          if (ref.node.items.length !== 1) continue; // one network is used: it is the only entry
          // the whole value is rewritten: the old entry and its options go anyway
          plan.push({ file, service: name, op: (_f, ed) => ed.setIn(netsPath, Object.fromEntries(nets.map((n) => [n, null]))) });
        } else continue;
        attachedIn.set(name, [...(attachedIn.get(name) ?? []), file]);
      }
    }
    // services on the implicit default network: attach them in the first file that defines them
    // in each environment
    if (old === 'default') {
      for (const env of envs) {
        for (const name of serviceOrder(env)) {
          if (isObj(serviceOf(env.merged, name)?.networks) && Object.keys(serviceOf(env.merged, name)!.networks as Obj).length) continue;
          const file = env.files.find((f) => serviceOf(f.model, name) !== undefined);
          if (!file || attachedIn.get(name)?.includes(file)) continue;
          const svcPath: Path = ['services', name];
          if (!check(file, svcPath) || !check(file, [...svcPath, 'networks'])) continue;
          attachedIn.set(name, [...(attachedIn.get(name) ?? []), file]);
          plan.push({ file, service: name, op: (_f, ed) => ed.insertPair(svcPath, 'networks', netsOf(name)) });
        }
      }
    }
    // top-level definitions: replace the old one where a file defines it; otherwise declare the
    // new networks in the files every environment shares (or each edited file)
    const defFiles = files.filter((f) => exists(f, ['networks', old]));
    const defs: { file: ComposeFile; options: Obj }[] = [];
    for (const f of defFiles) {
      if (!check(f, ['networks', old])) continue;
      const raw = sectionOf(f.model, 'networks')[old] ?? {};
      const options: Obj = {};
      for (const k of KEPT_OPTIONS) if (k in raw) options[k] = raw[k];
      const unknown = Object.keys(raw).filter((k) => !KEPT_OPTIONS.includes(k));
      if (unknown.length) blocked.push(`${f.path}: networks.${old} has ${unknown.join(', ')}`);
      defs.push({ file: f, options });
    }
    let declareIn: ComposeFile[] = defs.map((d) => d.file);
    if (!declareIn.length || !envs.every((e) => e.files.some((f) => declareIn.includes(f)))) {
      const shared = files.filter((f) => sharedFiles(envs).includes(f));
      const extra = shared.length ? [shared[0]] : [...new Set([...attachedIn.values()].flat())];
      declareIn = [...new Set([...declareIn, ...extra])];
    }
    for (const f of declareIn) if (exists(f, ['networks'])) check(f, ['networks']);
    if (blocked.length) return skip(`cannot edit in place: ${blocked.join('; ')}`);
    if (!plan.length) return;

    // 4. The finding, and its fix.
    const at = defs[0] ? { file: defs[0].file, path: ['networks', old] } : { file: plan[0].file, path: ['services', plan[0].service ?? ''] };
    const edge = [...placement].filter(([, p]) => p.frontend).map(([n]) => n);
    const fix = ctx.report({
      message: `every service is on one network (${old}): ${shortList(edge)} on the public side can reach ${shortList(backOnly)}, which only the backend needs; split it into ${F} and ${B}`,
      ...at,
      environments: envs.map((e) => e.name),
    });
    if (!fix) return;
    for (const { file, op } of plan) op(file, fix.editor(file));
    for (const env of envs)
      for (const name of Object.keys(servicesOf(env.merged)))
        if (placement.has(name)) fix.intend(networksChanged({ env: env.name, service: name }, netsOf(name)));
    for (const f of declareIn) {
      const ed = fix.editor(f);
      const own = defs.find((d) => d.file === f);
      const options = own?.options ?? {};
      const value = (n: string): Obj | null => {
        const v: Obj = { ...options };
        if (n === B && internal) v.internal = true;
        return Object.keys(v).length ? v : null;
      };
      const section = nodeAt(f.source, ['networks'])?.node;
      if (own && isMap(section) && section.items.length === 1) {
        // only the old network is declared: rewrite the section's value
        ed.setIn(['networks'], { [F]: value(F), [B]: value(B) });
      } else if (own && isMap(section)) {
        // keep the other (unused) declarations; the new ones take the old one's place
        ed.insertPair(['networks'], F, value(F), { before: old });
        ed.insertPair(['networks'], B, value(B), { before: old });
        ed.deletePair(['networks', old]);
      } else {
        ed.setIn(['networks', F], value(F));
        ed.setIn(['networks', B], value(B));
      }
      const kept = Object.keys(options);
      fix.note({
        file: f.path,
        message: `${own ? `replaced network ${old} by` : 'declared networks'} ${F} and ${B}${internal ? ` (${B} internal)` : ''}`,
        reason: `${old === 'default' ? 'every service was on the implicit default network' : `every service was on ${old}`}; data stores now sit on backend only${kept.length ? `; ${kept.join(', ')} kept on both, as the old network had ${kept.length > 1 ? 'them' : 'it'}` : ''}`,
      });
    }
    const noted = new Set<string>();
    for (const { file, service } of plan) {
      if (!service || noted.has(`${file.path}\0${service}`)) continue;
      noted.add(`${file.path}\0${service}`);
      const why: string[] = [];
      for (const env of envs) {
        if (!env.files.includes(file)) continue;
        const tag = envs.length > 1 && envs.filter((e) => e.files.includes(file)).length > 1 ? `${env.name}: ` : '';
        const p = perEnv.get(env)!.get(service);
        if (p) why.push(tag + p.why.join('; '));
      }
      fix.note({ file: file.path, service, message: `attached to ${netsOf(service).join(' + ')} (was ${old})`, reason: [...new Set(why)].join(' | ') });
    }
    if (internal) {
      for (const name of order) {
        const p = placement.get(name);
        if (!p || p.frontend) continue;
        const ports = envs.flatMap((e) => (Array.isArray(serviceOf(e.merged, name)?.ports) ? (serviceOf(e.merged, name)!.ports as unknown[]) : []));
        if (ports.length)
          fix.after({ kind: 'ports-unreachable', service: name, message: `${name} publishes ports but is only on the internal backend network: the ports are not reachable from the host any more` });
        else if (!serviceFacts(servicesOf(envs[0].merged)).find((f) => f.name === name)?.datastore)
          fix.after({ kind: 'no-outbound', service: name, message: `${name} is only on the internal backend network: it has no outbound internet access` });
      }
    }
  },
};

export default rule;
