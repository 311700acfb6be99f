/**
 * container-name-replicas: a container name is unique on a Docker host, so Compose refuses to
 * run a service with `container_name` at more than one replica ("... can not be scaled").
 * Where the merged view of an environment has `deploy.replicas` > 1 or `scale` > 1, this fix
 * removes `container_name` from that environment.
 *
 * Multi-file projects: a `container_name` written in a file that only scaling environments use
 * is deleted. One written in a file shared with environments that do not scale (typically the
 * base) is deleted there and moved, with the same value, into an override that only those
 * environments use, so they keep their fixed name. When no such override exists, the fix
 * cannot remove it without `!reset` and says so (option `allowReset`).
 *
 * Replicas given as a variable (`${WEB_REPLICAS}`) are not taken as > 1: a warning says so.
 * When other services reach the container by that name (an URL in the environment,
 * `network_mode: container:<name>`...), it is left for a human (error): removing it would cut
 * them off. `--allow-reset` needs Docker Compose >= 2.24.4 (`--compose-version`).
 */
import type { Rule, RuleContext, Severity } from './types.js';
import type { ComposeFile, Environment } from './project.js';
import { containerNameRemoved } from './intent/deltas.js';
import { describeRuntime } from './settings.js';
import { isObj, type Obj } from '../core/plain.js';
import { serviceOf, serviceOrder, servicesOf } from './lib/services.js';
import { addToService, editBlocker, envsUsing, exists, fileOnlyFor, firstServiceKey, ownerOf } from './place.js';
import { hostTokens } from './lib/references.js';

const RE_VAR = /\$\{?[A-Za-z_]/;

export interface Scale {
  /** How many containers, when known. */
  count?: number;
  /** `deploy.replicas` or `scale`. */
  attr?: string;
  /** The value is a variable. */
  variable?: string;
}

export function scaleOf(svc: Obj): Scale {
  const candidates: [string, unknown][] = [
    ['deploy.replicas', isObj(svc.deploy) ? svc.deploy.replicas : undefined],
    ['scale', svc.scale],
  ];
  for (const [attr, v] of candidates) {
    if (typeof v === 'number') return { count: v, attr };
    if (typeof v === 'string') {
      if (/^\d+$/.test(v.trim())) return { count: Number(v), attr };
      if (RE_VAR.test(v)) return { variable: v, attr };
    }
  }
  return {};
}

/** Where the other services of an environment refer to `name` as a host or container. */
function referencesTo(env: Environment, name: string, except: string): string[] {
  const out: string[] = [];
  // the service name (and its hostname) still resolve without the container name
  if (name === except || serviceOf(env.merged, except)?.hostname === name) return out;
  for (const [svcName, svc] of Object.entries(servicesOf(env.merged))) {
    if (svcName === except) continue;
    if (svc.network_mode === `container:${name}`) out.push(`${svcName} (network_mode)`);
    for (const v of Array.isArray(svc.volumes_from) ? svc.volumes_from : [])
      if (v === `container:${name}` || (typeof v === 'string' && v.startsWith(`container:${name}:`))) out.push(`${svcName} (volumes_from)`);
    if (isObj(svc.environment))
      for (const [k, v] of Object.entries(svc.environment))
        if (typeof v === 'string' && hostTokens(v).includes(name)) out.push(`${svcName} (environment ${k})`);
    for (const key of ['command', 'entrypoint'])
      if (Array.isArray(svc[key]) && (svc[key] as unknown[]).some((a) => typeof a === 'string' && hostTokens(a).includes(name)))
        out.push(`${svcName} (${key})`);
  }
  return out;
}

const rule: Rule = {
  meta: {
    id: 'container-name-replicas',
    description: 'Remove container_name from services that run more than one replica',
    rationale:
      'Container names are unique per Docker host, so Compose refuses to scale a service that sets container_name; replicas are reached by the service name instead.',
    severity: 'error',
    fixable: 'safe',
    docs: 'docs/rules/container-name-replicas.md',
    kinds: {
      'variable-replicas': { severity: 'warning', description: 'the replica count is a variable: not taken as more than 1' },
      'name-in-use': { severity: 'error', description: 'other services reach the container by its fixed name: point them at the service name first' },
      'not-editable': { severity: 'warning', description: 'container_name is reached through an alias or `<<`, or the file to move it into cannot be edited in place' },
      'shared-name': { severity: 'warning', description: 'the name comes from a file environments that do not scale also use, and they have no file of their own to keep it in' },
      'own-name': { severity: 'warning', description: 'an override sets its own container_name that the shared file overrides' },
      'reset-target': { severity: 'warning', description: 'with --allow-reset: no file of the scaling environment can hold `container_name: !reset null`' },
      'reset-unsupported': { severity: 'warning', description: '--allow-reset ignored: the target Compose version has no `!reset`' },
    },
    options: [
      {
        name: 'allowReset',
        description:
          'When container_name comes from a file shared with environments that do not scale, unset it with `container_name: !reset null` in the scaling environment (needs Compose >= 2.24) instead of moving it into the other environments',
        type: 'boolean',
        default: false,
      },
    ],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    const allowReset = ctx.options.allowReset === true;
    const warned = new Set<string>();
    const warn = (kind: string, service: string, message: string, file?: string, severity: Severity = 'warning'): void => {
      if (warned.has(message)) return;
      warned.add(message);
      ctx.report({ kind, severity, service, message, file, ...(file ? { path: ['services', service, 'container_name'] } : {}) });
    };
    if (allowReset && !ctx.capabilities.resetTag)
      ctx.report({
        kind: 'reset-unsupported',
        message: `--allow-reset ignored: \`!reset\` needs Docker Compose >= 2.24.4 and the target is ${describeRuntime(ctx.runtime)}`,
      });
    const useReset = allowReset && ctx.capabilities.resetTag;

    const names = new Set<string>();
    for (const env of project.environments) for (const n of serviceOrder(env)) names.add(n);

    for (const service of names) {
      const scaling = new Map<Environment, Scale>();
      for (const env of project.environments) {
        const svc = serviceOf(env.merged, service);
        if (!svc || svc.container_name === undefined) continue;
        const sc = scaleOf(svc);
        if (sc.variable !== undefined) {
          warn(
            'variable-replicas',
            service,
            `${service}: ${sc.attr} is \`${sc.variable}\` in ${env.name}; not treated as more than 1. If it can be, container_name (${String(svc.container_name)}) must go`,
          );
        } else if (sc.count !== undefined && sc.count > 1) scaling.set(env, sc);
      }
      if (!scaling.size) continue;
      // other services that reach the container by its fixed name would lose it: a human first
      // points them at the service name (Compose refuses to scale the service meanwhile)
      const inUse = [...scaling.keys()].flatMap((env) => {
        const name = serviceOf(env.merged, service)!.container_name;
        return typeof name === 'string' ? referencesTo(env, name, service).map((r) => `${r} in ${env.name}`) : [];
      });
      if (inUse.length) {
        warn(
          'name-in-use',
          service,
          `${service} runs more than one replica, which Compose refuses with container_name, but ${[...new Set(inUse)].join(', ')} reach${inUse.length > 1 ? '' : 'es'} it by that name; point ${inUse.length > 1 ? 'them' : 'it'} at the service name ${service}, then rerun`,
          undefined,
          'error',
        );
        continue;
      }
      const isScaling = (e: Environment): boolean => scaling.has(e);
      const envsOf = (f: ComposeFile): Environment[] => envsUsing(project, f, service);
      const setsName = (f: ComposeFile): boolean => {
        const svc = serviceOf(f.model, service);
        return !!svc && svc.container_name !== undefined;
      };

      // files to delete from, and values to move into non-scaling environments
      const deletions = new Set<ComposeFile>();
      const moves = new Map<ComposeFile, { value: unknown; from: ComposeFile; envs: Environment[] }>();
      const resets = new Map<ComposeFile, { value: unknown; from: ComposeFile; envs: Environment[] }>();
      let blocked = false;
      for (const env of scaling.keys()) {
        for (const f of env.files.filter(setsName)) {
          if (deletions.has(f)) continue;
          const why = editBlocker(f, ['services', service, 'container_name']);
          if (why) {
            warn('not-editable', service, `${service}: cannot remove container_name from ${f.path}: ${why}`, f.path);
            blocked = true;
            continue;
          }
          const others = envsOf(f).filter((e) => !isScaling(e));
          const value = serviceOf(f.model, service)!.container_name;
          // non-scaling environments that would lose their name with this deletion
          const losing = others.filter((n) => {
            const idx = n.files.indexOf(f);
            return !n.files.slice(idx + 1).some((g) => setsName(g) && !deletions.has(g));
          });
          if (!losing.length) {
            deletions.add(f);
            continue;
          }
          if (useReset) {
            // unset the shared name in a file only scaling environments use
            const target = fileOnlyFor(project, env, isScaling, { service, except: f });
            const blocker = target && (exists(target, ['services', service]) ? editBlocker(target, ['services', service]) : 'the service is not in it');
            if (!target || blocker) {
              warn(
                'reset-target',
                service,
                target
                  ? `${service}: container_name comes from ${f.path}, which ${losing.map((e) => e.name).join(', ')} also ${losing.length > 1 ? 'use' : 'uses'} without scaling; cannot write \`container_name: !reset null\` into ${target.path} (${blocker}): add it by hand under services.${service}`
                  : `${service}: container_name comes from ${f.path}, which ${losing.map((e) => e.name).join(', ')} also ${losing.length > 1 ? 'use' : 'uses'} without scaling, and ${env.name} has no file of its own to reset it in; remove it by hand`,
                target?.path,
              );
              blocked = true;
              continue;
            }
            resets.set(target, { value, from: f, envs: [...(resets.get(target)?.envs ?? []), env] });
            continue;
          }
          // each losing environment needs a file of its own (used by no scaling environment)
          const targets = new Map<Environment, ComposeFile>();
          for (const n of losing) {
            const own = fileOnlyFor(project, n, (e) => !isScaling(e), { service, except: f });
            if (own) targets.set(n, own);
          }
          if (targets.size < losing.length) {
            const stuck = losing.filter((n) => !targets.has(n)).map((n) => n.name);
            warn(
              'shared-name',
              service,
              `${service}: container_name comes from ${f.path}, which ${stuck.join(', ')} also use${stuck.length > 1 ? '' : 's'} without scaling and without an override of ${stuck.length > 1 ? 'their' : 'its'} own to move it into; rerun with --allow-reset, or remove it by hand`,
              f.path,
            );
            blocked = true;
            continue;
          }
          for (const [n, own] of targets) {
            if (setsName(own)) {
              warn('own-name', service, `${service}: ${own.path} sets its own container_name for ${n.name}, which ${f.path} overrides; sort the names out by hand`, own.path);
              blocked = true;
              continue;
            }
            if (editBlocker(own, ['services', service]) || (exists(own, ['services']) && editBlocker(own, ['services']))) {
              warn('not-editable', service, `${service}: cannot add container_name to ${own.path}: ${editBlocker(own, ['services', service]) ?? editBlocker(own, ['services'])}`, own.path);
              blocked = true;
              continue;
            }
            const m = moves.get(own) ?? { value, from: f, envs: [] };
            m.envs.push(n);
            moves.set(own, m);
          }
          if (!blocked) deletions.add(f);
        }
      }
      if (blocked) continue;

      const why = [...scaling]
        .map(([e, sc]) => `${project.environments.length > 1 ? `${e.name} runs` : 'it runs'} ${sc.count} replicas (${sc.attr})`)
        .join(', ');
      // the finding: at the container_name the first scaling environment gets
      const [firstEnv] = scaling.keys();
      const owner = ownerOf(firstEnv, service, 'container_name');
      const name = serviceOf(firstEnv.merged, service)!.container_name;
      const fix = ctx.report({
        message: `${service} sets container_name (${String(name)}) but ${why}: Compose refuses to scale a service with a fixed container name`,
        file: owner,
        path: ['services', service, 'container_name'],
        service,
        environments: [...scaling.keys()].map((e) => e.name),
      });
      if (!fix) continue;
      const reason = `${why}; a container name is unique per host, so Compose refuses to scale a service that sets container_name (reach the replicas by the service name ${service})`;
      for (const f of deletions) {
        const value = serviceOf(f.model, service)!.container_name;
        fix.editor(f).deletePair(['services', service, 'container_name']);
        fix.note({ file: f.path, service, message: `removed container_name: ${String(value)}`, reason });
      }
      for (const [own, m] of moves) {
        const first = firstServiceKey(own, service);
        addToService(fix.editor(own), own, service, 'container_name', m.value, first ? { before: first } : {});
        fix.note({
          file: own.path,
          service,
          message: `moved container_name: ${String(m.value)} here from ${m.from.path}`,
          reason: `${m.envs.map((e) => e.name).join(', ')} ${m.envs.length > 1 ? 'do' : 'does'} not scale ${service} and keep${m.envs.length > 1 ? '' : 's'} the fixed name, while ${why}`,
        });
      }
      for (const [target, r] of resets) {
        const first = firstServiceKey(target, service);
        fix.editor(target).insertPair(['services', service], 'container_name', null, { tag: '!reset', ...(first ? { before: first } : {}) });
        fix.note({
          file: target.path,
          service,
          message: `unset container_name (${String(r.value)}, from ${r.from.path}) with \`container_name: !reset null\``,
          reason: `${why}; the name stays for the environments that share ${r.from.path} without scaling. !reset needs Docker Compose >= 2.24.4`,
        });
      }
      for (const env of scaling.keys()) fix.intend(containerNameRemoved({ env: env.name, service }));
    }
  },
};

export default rule;
