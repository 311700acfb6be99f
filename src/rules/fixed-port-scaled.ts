/**
 * fixed-port-scaled: a service that runs more than one replica (`deploy.replicas` or `scale`)
 * and publishes a fixed host port. Every replica binds the same host port, so the second one
 * fails to start ("port is already allocated"); a host port range at least as wide as the
 * replica count is fine (Compose hands one port to each). Reported once per port, at the
 * `ports` item (in the file that adds it), with the environments that scale. No fix: publish
 * a range, only the target port (`"80"`: a random host port each), or put a proxy in front.
 * container-name-replicas is the same problem for `container_name`.
 */
import type { Rule, RuleContext } from './types.js';
import type { Environment } from './project.js';
import { serviceOrder, servicesOf } from './lib/services.js';
import { activeProfiles, startsWith } from './lib/environments.js';
import { describePort, portOrigin, publishedPorts, type PublishedPort } from './lib/ports.js';
import { scaleOf } from './container-name-replicas.js';

const rule: Rule = {
  meta: {
    id: 'fixed-port-scaled',
    description: 'Report fixed host ports on services that run more than one replica',
    rationale: 'Every replica of a service binds the host ports it publishes: with a fixed host port, the second replica fails to start ("port is already allocated").',
    severity: 'error',
    fixable: false,
    docs: 'docs/rules/fixed-port-scaled.md',
    options: [],
  },
  check(ctx: RuleContext): void {
    const active = activeProfiles(ctx);
    const found = new Map<string, { service: string; port: PublishedPort; envs: { env: Environment; count: number; attr: string }[] }>();
    for (const env of ctx.project.environments) {
      const services = servicesOf(env.merged);
      for (const service of serviceOrder(env)) {
        const svc = services[service];
        if (!startsWith(svc, active)) continue;
        const { count, attr } = scaleOf(svc);
        if (count === undefined || count < 2) continue;
        for (const port of publishedPorts(svc)) {
          if (port.to - port.from + 1 >= count) continue;
          const key = `${service}\0${describePort(port)}`;
          const f = found.get(key) ?? { service, port, envs: [] };
          f.envs.push({ env, count, attr: attr ?? 'scale' });
          found.set(key, f);
        }
      }
    }
    for (const { service, port, envs } of found.values()) {
      const origin = portOrigin(envs[0].env, service, port);
      const names = envs.map((e) => e.env.name);
      const why = envs.map((e) => `${e.count} replicas in ${e.env.name} (${e.attr})`).join(', ');
      const fixed = port.from === port.to;
      ctx.report({
        service,
        ...(origin ? { file: origin.file, path: origin.path } : {}),
        environments: names,
        message: `${service} publishes ${fixed ? 'the fixed host port' : 'the host port range'} ${describePort(port)} but runs ${why}: ${fixed ? 'the second replica' : 'a replica beyond the range'} fails to start (port is already allocated); publish a range as wide as the replicas, only the container port, or put a proxy in front`,
      });
    }
  },
};

export default rule;
