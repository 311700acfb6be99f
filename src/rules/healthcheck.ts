/**
 * healthcheck: a service without a healthcheck is "running" the moment its process starts,
 * so nothing (`depends_on: condition: service_healthy`, `docker compose up --wait`, an
 * orchestrator, a human reading `ps`) can tell a database that accepts connections from one
 * still initialising or wedged. For images whose readiness probe is known (data/images.ts)
 * the fix adds one; other images are reported without a fix.
 *
 * Rules:
 * - Judged per environment on the merged model: a service with any `healthcheck` (including
 *   `disable: true`) or built from a Dockerfile (`build:`, which may declare HEALTHCHECK) is
 *   left alone.
 * - The probe may depend on the environment (a redis password in one environment only): each
 *   environment gets the probe its own configuration needs.
 * - The healthcheck goes into the file that sets the service's image when every environment
 *   loading it needs that same probe; else into a file only the environments needing it load
 *   (lib/env-placement.ts). An environment that already has a healthcheck is never reached:
 *   merged mappings would mix its keys with the new ones.
 */
import type { Rule, RuleContext } from './types.js';
import type { Environment } from './project.js';
import { attributeContains } from './intent/deltas.js';
import { knownImage, type HealthProbe, type ServiceContext } from './data/images.js';
import { isObj, strings } from '../core/plain.js';
import { serviceOrder, servicesOf } from './lib/services.js';
import { placePerEnvironment } from './lib/env-placement.js';
import { Unfixed } from './lib/unfixed.js';
import { addToService, editBlocker } from './place.js';
import { interpolate, UNKNOWN } from './util/interpolation.js';
import { variableLookup } from './intent/view.js';
import path from 'node:path';

/** The healthcheck the fix writes for a probe (keys in the order users write them). */
export function healthcheckFor(probe: Extract<HealthProbe, { kind: 'probe' }>): Record<string, unknown> {
  return { test: probe.test, interval: '10s', timeout: '5s', retries: 5, start_period: probe.startPeriod ?? '30s' };
}

/** What a service runs, for the image tables (merged model, normal form). */
export function serviceContext(svc: Record<string, unknown>): { entry: ReturnType<typeof knownImage>; ctx?: ServiceContext } {
  const hit = knownImage(svc.image);
  if (!hit) return { entry: undefined };
  const environment = isObj(svc.environment) ? (svc.environment as Record<string, string | null>) : {};
  return { entry: hit, ctx: { ref: hit.ref, command: Array.isArray(svc.command) ? strings(svc.command) : undefined, environment } };
}

/** Has the merged service a healthcheck of its own (enabled or disabled)? */
export const hasHealthcheck = (svc: Record<string, unknown>): boolean => svc.healthcheck !== undefined && svc.healthcheck !== null;

/** Is the merged service's healthcheck one that runs (a test, not disabled, not NONE)? */
export function healthcheckRuns(svc: Record<string, unknown>): boolean {
  const hc = svc.healthcheck;
  if (!isObj(hc) || hc.disable === true) return false;
  const test = Array.isArray(hc.test) ? strings(hc.test) : [];
  return test.length > 0 && test[0] !== 'NONE';
}

type Probe = Extract<HealthProbe, { kind: 'probe' }>;

/**
 * redis/valkey started with a configuration file or an ACL file: a password set there makes
 * `ping` answer NOAUTH. The file is read when it is bind-mounted from the project; a
 * `requirepass` in it, an ACL file, or a file that cannot be read means no probe.
 */
function configuredAuth(ctx: RuleContext, env: Environment, id: string, svc: Record<string, unknown>, sctx: ServiceContext): HealthProbe | undefined {
  if (id !== 'redis' && id !== 'valkey') return undefined;
  const args = sctx.command ?? [];
  if (args.some((a) => a === '--aclfile' || a.startsWith('--aclfile='))) return { kind: 'unknown', why: 'users and passwords come from its ACL file' };
  const conf = args.find((a) => /\.conf$/.test(a) && !a.startsWith('-'));
  if (!conf) return undefined;
  const mount = (Array.isArray(svc.volumes) ? svc.volumes : []).find((v): v is Record<string, unknown> => isObj(v) && v.target === conf && v.type === 'bind');
  const text = mount && typeof mount.source === 'string' ? ctx.readFile(path.resolve(path.dirname(path.resolve(env.files[0].path)), mount.source)) : null;
  if (text === null) return { kind: 'unknown', why: `its configuration file ${conf} may set a password (requirepass) composemod cannot read` };
  if (/^\s*(requirepass|aclfile)\s/m.test(text)) return { kind: 'unknown', why: `its configuration file ${conf} sets a password (requirepass or aclfile)` };
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'healthcheck',
    description: 'Add a healthcheck to services of known images (postgres, mysql, redis, mongo, rabbitmq...)',
    rationale:
      'Without a healthcheck a container counts as ready the moment its process starts: services that depend on it start too early, `up --wait` and `ps` cannot tell a database still initialising (or wedged) from one that serves.',
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/healthcheck.md',
    kinds: {
      'unknown-image': { severity: 'note', description: 'a service without a healthcheck whose image composemod has no probe for' },
      'no-probe': { severity: 'note', description: 'a known image without a healthcheck, but no probe works as configured (says what to change)' },
      'not-editable': { severity: 'warning', description: 'the place to add the healthcheck cannot be edited in place (alias, `<<`)' },
      'shared-files': { severity: 'warning', description: 'every file of the environment is shared with one that has a different healthcheck' },
    },
    options: [],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    const needs = new Map<string, Map<Environment, Probe>>();
    // findings without a fix: one per service, message and owning file
    const unfixed = new Unfixed();
    for (const env of project.environments) {
      const services = servicesOf(env.merged);
      for (const name of serviceOrder(env)) {
        const svc = services[name];
        if (svc.build !== undefined || hasHealthcheck(svc) || typeof svc.image !== 'string') continue;
        const { entry, ctx: sctx } = serviceContext(svc);
        if (!entry || !sctx) {
          unfixed.add('unknown-image', name, `${name} has no healthcheck, and composemod knows no probe for ${svc.image}; add one that checks it serves`, env);
          continue;
        }
        const probe = configuredAuth(ctx, env, entry.entry.id, svc, sctx) ??
          entry.entry.health?.(sctx) ?? { kind: 'unknown' as const, why: entry.entry.noHealth ?? 'the image offers nothing to probe with' };
        if (probe.kind === 'unknown') {
          unfixed.add('no-probe', name, `${name} (${entry.entry.id}) has no healthcheck, and none is added: ${probe.why}`, env);
          continue;
        }
        if (!needs.has(name)) needs.set(name, new Map());
        needs.get(name)!.set(env, probe);
      }
    }
    unfixed.report(ctx);

    for (const [service, byEnv] of needs) {
      const placements = placePerEnvironment(project, service, byEnv, (p) => JSON.stringify(p.test), (env) =>
        ctx.report({
          kind: 'shared-files',
          service,
          environments: [env.name],
          message: `${service} has no healthcheck in environment ${env.name}, but every file of it is shared with an environment that has another one; add it by hand`,
        }),
      );
      for (const p of placements) {
        const svcPath = ['services', service];
        const blocker = editBlocker(p.file, [...svcPath, 'healthcheck']) ?? editBlocker(p.file, svcPath);
        const envNames = p.envs.map((e) => e.name);
        if (blocker) {
          ctx.report({ kind: 'not-editable', file: p.file, path: svcPath, service, environments: envNames, message: `${service} has no healthcheck, but ${blocker}; add it by hand` });
          continue;
        }
        const fix = ctx.report({
          message: `${service} has no healthcheck: nothing can tell when it is ready (${p.want.why})`,
          file: p.file,
          path: svcPath,
          service,
          environments: envNames,
        });
        if (!fix) continue;
        const value = healthcheckFor(p.want);
        addToService(fix.editor(p.file), p.file, service, 'healthcheck', value);
        // what the container gets: Compose's interpolation of what is written ($$ -> $)
        for (const e of p.envs) {
          const lookup = variableLookup(path.dirname(path.resolve(e.files[0].path)), e.envFiles, (f) => ctx.readFile(f));
          // a part that depends on a variable the run cannot see (the shell's) is not declared
          const test = p.want.test.map((t) => interpolate(t, lookup)).filter((t) => !t.includes(UNKNOWN));
          fix.intend(attributeContains({ env: e.name, service }, 'healthcheck', { test, retries: 5 }));
        }
        fix.note({
          file: p.file.path,
          service,
          message: `added a healthcheck: ${p.want.test.slice(1).join(' ')}${project.environments.length > 1 ? ` (environments: ${envNames.join(', ')})` : ''}`,
          reason: p.want.why,
        });
      }
    }
  },
};

export default rule;
