/**
 * depends-on-disabled: a service that starts in an environment and needs another service
 * (`depends_on` without `required: false`, `links`, `network_mode: service:x`, `volumes_from`)
 * which a profile keeps off there, or which the environment does not define. Compose refuses
 * the whole project (`service "web" depends on undefined service "db": invalid compose
 * project`, also for `config`). Reported once per dependency, at the entry that declares it
 * (in the file that writes it: depends_on merges across files), with the environments where it
 * breaks. No fix: enabling the profile, giving the dependent service the same profile, or
 * `required: false` are choices about the environment.
 */
import type { Rule, RuleContext } from './types.js';
import type { ComposeFile, Environment } from './project.js';
import type { Path } from '../core/query.js';
import { isObj, strings, type Obj } from '../core/plain.js';
import { serviceOf, serviceOrder, servicesOf } from './lib/services.js';
import { activeProfiles, startsWith } from './lib/environments.js';

type Via = 'depends_on' | 'links' | 'network_mode' | 'volumes_from';

/** The services `svc` needs to exist, and through which key. */
function needs(svc: Obj): { dep: string; via: Via }[] {
  const out: { dep: string; via: Via }[] = [];
  if (isObj(svc.depends_on))
    for (const [dep, d] of Object.entries(svc.depends_on)) if (!(isObj(d) && d.required === false)) out.push({ dep, via: 'depends_on' });
  for (const l of strings(svc.links)) out.push({ dep: l.split(':')[0], via: 'links' });
  if (typeof svc.network_mode === 'string' && svc.network_mode.startsWith('service:')) out.push({ dep: svc.network_mode.slice(8), via: 'network_mode' });
  for (const v of strings(svc.volumes_from)) if (!v.startsWith('container:')) out.push({ dep: v.split(':')[0], via: 'volumes_from' });
  return out.filter((n) => !n.dep.includes('$'));
}

/** Where the dependency is written: the last file of the environment whose raw service names it under `via`. */
function declaration(env: Environment, service: string, dep: string, via: Via): { file: ComposeFile; path: Path } | undefined {
  for (let i = env.files.length - 1; i >= 0; i--) {
    const svc = serviceOf(env.files[i].model, service);
    const v = svc?.[via];
    if (v === undefined) continue;
    const base: Path = ['services', service, via];
    if (isObj(v) && dep in v) return { file: env.files[i], path: [...base, dep] };
    if (Array.isArray(v)) {
      const j = v.findIndex((x) => typeof x === 'string' && (x === dep || x.startsWith(`${dep}:`)));
      if (j >= 0) return { file: env.files[i], path: [...base, j] };
    }
    if (typeof v === 'string' && v === `service:${dep}`) return { file: env.files[i], path: base };
  }
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'depends-on-disabled',
    description: 'Report dependencies on services a profile disables (or that are missing) in an environment',
    rationale:
      'Compose refuses a project in which a started service depends on a service that is not there: a profile that keeps the database off in dev breaks every service that depends on it, unless the dependency says `required: false`.',
    severity: 'error',
    fixable: false,
    docs: 'docs/rules/depends-on-disabled.md',
    kinds: {
      'undefined-service': { severity: 'error', description: 'the dependency is not defined in the environment at all' },
    },
    options: [],
  },
  check(ctx: RuleContext): void {
    const active = activeProfiles(ctx);
    const found = new Map<string, { service: string; dep: string; via: Via; missing: boolean; profiles: string[]; envs: Environment[] }>();
    for (const env of ctx.project.environments) {
      const services = servicesOf(env.merged);
      for (const service of serviceOrder(env)) {
        if (!startsWith(services[service], active)) continue;
        for (const { dep, via } of needs(services[service])) {
          const target = services[dep];
          if (target && startsWith(target, active)) continue;
          const key = `${service}\0${dep}\0${via}\0${target ? 'off' : 'missing'}`;
          const f = found.get(key) ?? { service, dep, via, missing: !target, profiles: target ? strings(target.profiles) : [], envs: [] };
          f.envs.push(env);
          found.set(key, f);
        }
      }
    }
    for (const f of found.values()) {
      const at = declaration(f.envs[0], f.service, f.dep, f.via);
      const names = f.envs.map((e) => e.name);
      const how = f.via === 'depends_on' ? 'depends on' : f.via === 'links' ? 'links to' : f.via === 'network_mode' ? 'shares the network namespace of' : 'mounts the volumes of';
      const refusal = `Compose refuses the project (service "${f.service}" depends on undefined service "${f.dep}")`;
      ctx.report({
        ...(f.missing ? { kind: 'undefined-service' } : {}),
        service: f.service,
        ...(at ? { file: at.file, path: at.path } : {}),
        environments: names,
        message: f.missing
          ? `${f.service} ${how} ${f.dep}, which ${names.join(', ')} ${names.length > 1 ? 'do' : 'does'} not define: ${refusal}`
          : `${f.service} ${how} ${f.dep}, which the profile${f.profiles.length > 1 ? 's' : ''} ${f.profiles.join(', ')} keep${f.profiles.length > 1 ? '' : 's'} off in ${names.join(', ')}: ${refusal}; enable the profile (COMPOSE_PROFILES), give ${f.service} the same profile${f.via === 'depends_on' ? ', or mark the dependency `required: false`' : ''}`,
      });
    }
  },
};

export default rule;
