/**
 * resource-limits: in a deployed environment (lib/environments.ts), a service that starts
 * with no memory limit (`mem_limit` or `deploy.resources.limits.memory`). One leaking or
 * overloaded container can take the host's memory, and the kernel's OOM killer then picks
 * any process on the host, not only the culprit.
 *
 * No limit fits every service, so the fix writes only the sizes the config gives (option
 * `memoryLimit`: `SERVICE=SIZE`, `*=SIZE` for every service): `mem_limit: SIZE`, or
 * `memory: SIZE` under the `deploy.resources.limits` the file already has, in a file that only
 * the deployed environments load. Without a size, the finding says which option to set.
 */
import type { Rule, RuleContext } from './types.js';
import type { Environment } from './project.js';
import { isObj, stringList } from '../core/plain.js';
import { attributeSet } from './intent/deltas.js';
import { serviceOrder, servicesOf } from './lib/services.js';
import { addToService, editBlocker, exists } from './place.js';
import { activeProfiles, deployedEditKinds, deployedEnvironmentsOption, deployedFiles, rolesOf, startsWith } from './lib/environments.js';

const SIZE = /^\d+(\.\d+)?\s*([bkmgt]i?b?)?$/i;

const hasMemoryLimit = (svc: Record<string, unknown>): boolean =>
  svc.mem_limit !== undefined ||
  (isObj(svc.deploy) && isObj(svc.deploy.resources) && isObj(svc.deploy.resources.limits) && svc.deploy.resources.limits.memory !== undefined);

const rule: Rule = {
  meta: {
    id: 'resource-limits',
    description: 'Give services of deployed environments a memory limit',
    rationale:
      "Without a memory limit one leaking or overloaded container can use all of the host's memory; the kernel's OOM killer then kills whatever it picks on the host, not only that container.",
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/resource-limits.md',
    kinds: {
      'invalid-option': { severity: 'error', description: 'a memoryLimit value is not SERVICE=SIZE with a size such as 512m or 1g' },
      ...deployedEditKinds('the limit'),
    },
    options: [
      { name: 'memoryLimit', description: 'Memory limit the fix writes for a service (`*` for every service), e.g. api=512m', type: 'list', placeholder: 'SERVICE=SIZE' },
      deployedEnvironmentsOption,
    ],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    const sizes = new Map<string, string>();
    for (const item of stringList(ctx.options.memoryLimit)) {
      const eq = item.indexOf('=');
      const [service, size] = eq > 0 ? [item.slice(0, eq).trim(), item.slice(eq + 1).trim()] : ['', ''];
      if (!service || !SIZE.test(size)) {
        ctx.report({ kind: 'invalid-option', message: `memoryLimit "${item}" ignored: expected SERVICE=SIZE (SIZE like 512m, 1g, 268435456)` });
        continue;
      }
      sizes.set(service, size);
    }
    const roles = rolesOf(ctx);
    const active = activeProfiles(ctx);
    const needs = new Map<string, Set<Environment>>();
    for (const env of project.environments) {
      if (roles.get(env) !== 'deployed') continue;
      const services = servicesOf(env.merged);
      for (const name of serviceOrder(env)) {
        const svc = services[name];
        if (!startsWith(svc, active) || hasMemoryLimit(svc)) continue;
        if (!needs.has(name)) needs.set(name, new Set());
        needs.get(name)!.add(env);
      }
    }
    for (const [service, want] of needs) {
      const size = sizes.get(service) ?? sizes.get('*');
      const all = [...want].map((e) => e.name);
      if (!size) {
        ctx.report({
          service,
          environments: all,
          message: `${service} has no memory limit in ${all.join(', ')}; set one (mem_limit), or give the size to the fix: --memory-limit ${service}=SIZE (rules: {resource-limits: [warning, {memoryLimit: ["${service}=512m"]}]})`,
        });
        continue;
      }
      const files = deployedFiles(ctx, service, want, { problem: 'has no memory limit', remedy: `add \`mem_limit: ${size}\`` });
      if (!files) continue;
      const names = [...files.values()].flat().map((e) => e.name);
      const fix = ctx.report({ service, environments: names, message: `${service} has no memory limit in ${names.join(', ')}: it can take all of the host's memory` });
      if (!fix) continue;
      for (const [file, reached] of files) {
        const limits = ['services', service, 'deploy', 'resources', 'limits'];
        const inDeploy = exists(file, limits) && !editBlocker(file, limits);
        if (inDeploy) fix.editor(file).insertPair(limits, 'memory', size);
        else addToService(fix.editor(file), file, service, 'mem_limit', size);
        const path = inDeploy ? ['deploy', 'resources', 'limits', 'memory'] : ['mem_limit'];
        for (const e of reached) fix.intend(attributeSet({ env: e.name, service }, path, size));
        fix.note({
          file: file.path,
          service,
          message: `added ${inDeploy ? 'deploy.resources.limits.memory' : 'mem_limit'}: ${size}`,
          reason: `${reached.map((e) => e.name).join(', ')} ${reached.length > 1 ? 'are' : 'is'} deployed; the size comes from the memoryLimit option`,
        });
      }
    }
  },
};

export default rule;
