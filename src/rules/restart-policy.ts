/**
 * restart-policy: in a deployed environment (lib/environments.ts), a long-running service
 * with neither `restart` nor `deploy.restart_policy` is not started again when it crashes or
 * when the host reboots (Compose's default is `restart: "no"`).
 *
 * One-shot services are left alone: a service another one waits for with
 * `condition: service_completed_successfully` is meant to exit (restarting it would run the
 * migration again, forever); one named like a one-shot job (migrate, init, setup, seed...) is
 * reported as a note without a fix, for a human to decide.
 *
 * The fix adds `restart: unless-stopped` (option `restartPolicy`) in a file that only the
 * environments that need it load (a deployed override), so local environments keep Compose's
 * default; when a deployed environment has no file of its own, a kind says so.
 */
import type { Rule, RuleContext } from './types.js';
import type { Environment } from './project.js';
import { isObj } from '../core/plain.js';
import { attributeSet } from './intent/deltas.js';
import { serviceOrder, servicesOf } from './lib/services.js';
import { addToService } from './place.js';
import { activeProfiles, deployedEditKinds, deployedEnvironmentsOption, deployedFiles, rolesOf, startsWith } from './lib/environments.js';

const POLICIES = ['unless-stopped', 'always', 'on-failure'] as const;

/** Names of jobs that run once and exit. */
const ONE_SHOT_NAME = /(^|[-_.])(migrat\w*|init\w*|setup|seed\w*|bootstrap|provision\w*|create[-_]?\w*|install\w*|fixtures?|load[-_]?data|prepare)([-_.]|$)/i;

/** Services some other service waits for to complete: one-shot by design. */
function awaitedCompletions(services: Record<string, Record<string, unknown>>): Set<string> {
  const out = new Set<string>();
  for (const svc of Object.values(services))
    if (isObj(svc.depends_on))
      for (const [dep, d] of Object.entries(svc.depends_on)) if (isObj(d) && d.condition === 'service_completed_successfully') out.add(dep);
  return out;
}

const rule: Rule = {
  meta: {
    id: 'restart-policy',
    description: 'Give long-running services of deployed environments a restart policy',
    rationale:
      "Compose's default is `restart: \"no\"`: in a deployed environment a service that crashes, or every service after a host reboot or a Docker upgrade, stays down until someone runs `docker compose up` again.",
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/restart-policy.md',
    kinds: {
      'maybe-one-shot': { severity: 'note', description: 'the service is named like a one-shot job: no restart policy added; add one if it runs continuously' },
      ...deployedEditKinds('the restart policy'),
    },
    options: [
      { name: 'restartPolicy', description: 'The restart policy the fix writes', type: 'string', values: POLICIES, default: 'unless-stopped' },
      deployedEnvironmentsOption,
    ],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    const policy = typeof ctx.options.restartPolicy === 'string' ? ctx.options.restartPolicy : 'unless-stopped';
    const roles = rolesOf(ctx);
    const active = activeProfiles(ctx);
    const needs = new Map<string, Set<Environment>>();
    const oneShot = new Map<string, Set<Environment>>();
    const order: string[] = [];
    for (const env of project.environments) {
      if (roles.get(env) !== 'deployed') continue;
      const services = servicesOf(env.merged);
      const awaited = awaitedCompletions(services);
      for (const name of serviceOrder(env)) {
        const svc = services[name];
        if (!startsWith(svc, active) || svc.restart !== undefined) continue;
        if (isObj(svc.deploy) && svc.deploy.restart_policy !== undefined) continue;
        if (awaited.has(name)) {
          ctx.explain(`${name}: no restart policy added in ${env.name}: another service waits for it to complete (a one-shot job)`, { service: name });
          continue;
        }
        const target = ONE_SHOT_NAME.test(name) ? oneShot : needs;
        if (!needs.has(name) && !oneShot.has(name)) order.push(name);
        if (!target.has(name)) target.set(name, new Set());
        target.get(name)!.add(env);
      }
    }
    for (const service of order) {
      const maybe = oneShot.get(service);
      if (maybe)
        ctx.report({
          kind: 'maybe-one-shot',
          service,
          environments: [...maybe].map((e) => e.name),
          message: `${service} has no restart policy in ${[...maybe].map((e) => e.name).join(', ')}; its name says it may be a one-shot job, so none is added: if it runs continuously, add \`restart: ${policy}\``,
        });
      const want = needs.get(service);
      if (!want) continue;
      const files = deployedFiles(ctx, service, want, { problem: 'has no restart policy', remedy: `add \`restart: ${policy}\`` });
      if (!files) continue;
      const names = [...files.values()].flat().map((e) => e.name);
      const fix = ctx.report({
        service,
        environments: names,
        message: `${service} has no restart policy in ${names.join(', ')}: it stays down after a crash or a host reboot`,
      });
      if (!fix) continue;
      for (const [file, reached] of files) {
        addToService(fix.editor(file), file, service, 'restart', policy);
        for (const e of reached) fix.intend(attributeSet({ env: e.name, service }, ['restart'], policy));
        fix.note({
          file: file.path,
          service,
          message: `added restart: ${policy}`,
          reason: `${reached.map((e) => e.name).join(', ')} ${reached.length > 1 ? 'are' : 'is'} deployed; without a restart policy the service stays down after a crash or a reboot`,
        });
      }
    }
  },
};

export default rule;
