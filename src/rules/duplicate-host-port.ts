/**
 * duplicate-host-port: two services of one environment (or two entries of one service) that
 * publish the same host port, protocol and address (or one of them on every interface). The
 * stack does not start as written: the second container fails with "port is already
 * allocated". Reported once per clash, at the port item of the service met second, with every
 * environment that has the clash. No fix: which one moves is a human's choice.
 */
import type { Rule, RuleContext } from './types.js';
import { serviceOrder, servicesOf } from './lib/services.js';
import { activeProfiles, startsWith } from './lib/environments.js';
import { clash, describePort, portOrigin, publishedPorts, type PublishedPort } from './lib/ports.js';
import type { Environment } from './project.js';

interface Clash {
  first: { service: string; port: PublishedPort };
  second: { service: string; port: PublishedPort };
  envs: Environment[];
}

const rule: Rule = {
  meta: {
    id: 'duplicate-host-port',
    description: 'Report host ports published twice in one environment',
    rationale: 'A host port can be bound once: when two services publish it, the second container fails to start ("port is already allocated").',
    severity: 'error',
    fixable: false,
    docs: 'docs/rules/duplicate-host-port.md',
    options: [],
  },
  check(ctx: RuleContext): void {
    const active = activeProfiles(ctx);
    const clashes = new Map<string, Clash>();
    for (const env of ctx.project.environments) {
      const services = servicesOf(env.merged);
      const all = serviceOrder(env)
        .filter((name) => startsWith(services[name], active))
        .flatMap((service) => publishedPorts(services[service]).map((port) => ({ service, port })));
      for (let j = 0; j < all.length; j++)
        for (let i = 0; i < j; i++) {
          if (!clash(all[i].port, all[j].port)) continue;
          const key = [all[i].service, describePort(all[i].port), all[j].service, describePort(all[j].port)].join('\0');
          const c = clashes.get(key) ?? { first: all[i], second: all[j], envs: [] };
          c.envs.push(env);
          clashes.set(key, c);
        }
    }
    for (const { first, second, envs } of clashes.values()) {
      const origin = portOrigin(envs[0], second.service, second.port);
      const names = envs.map((e) => e.name);
      const what = first.service === second.service ? `${second.service} publishes ${describePort(second.port)} and ${describePort(first.port)}` : `${second.service} publishes ${describePort(second.port)}, and ${first.service} publishes ${describePort(first.port)}`;
      ctx.report({
        service: second.service,
        ...(origin ? { file: origin.file, path: origin.path } : {}),
        environments: names,
        message: `${what} in ${names.join(', ')}: the host port is bound twice, so the second container fails to start (port is already allocated); publish one of them on another host port`,
      });
    }
  },
};

export default rule;
