/**
 * image-major-drift: the same service runs the same image repository at different major
 * versions in different environments (postgres 16 in dev, 18 in prod). What is tested is not
 * what runs: data formats, defaults and removed features differ between majors.
 *
 * Rules:
 * - Per service, the merged `image` of every environment; only tags whose major is known
 *   (`16`, `16.4-alpine`, `v2.11`) count: `latest`, variables without default, digests alone
 *   are not judged.
 * - The environments are grouped by major; the largest group (the first in environment order
 *   on a tie) is the reference, and each other group is reported once, at the `image:` line of
 *   the file that sets it for those environments.
 * - No fix: which major is right is a decision (and a data migration), not an edit.
 */
import type { Rule, RuleContext } from './types.js';
import type { ComposeFile, Environment } from './project.js';
import { imageName, tagMajor } from './util/image-ref.js';
import { serviceOrder, servicesOf } from './lib/services.js';
import { ownerOf } from './place.js';

const rule: Rule = {
  meta: {
    id: 'image-major-drift',
    description: 'Report a service whose image is at different major versions across environments',
    rationale:
      'An image at another major version in another environment (postgres 16 in dev, 18 in prod) means what is developed and tested is not what runs: data formats, defaults and removed features differ between majors.',
    severity: 'warning',
    fixable: false,
    docs: 'docs/rules/image-major-drift.md',
    options: [],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    if (project.environments.length < 2) return;
    // service -> repository -> major -> environments
    const seen = new Map<string, Map<string, Map<number, Environment[]>>>();
    const order: string[] = [];
    for (const env of project.environments) {
      const services = servicesOf(env.merged);
      for (const name of serviceOrder(env)) {
        const ref = imageName(services[name].image);
        if (!ref || ref.tagUnresolved) continue;
        const major = tagMajor(ref.tag);
        if (major === null) continue;
        if (!seen.has(name)) {
          seen.set(name, new Map());
          order.push(name);
        }
        const byRepo = seen.get(name)!;
        if (!byRepo.has(ref.repository)) byRepo.set(ref.repository, new Map());
        const byMajor = byRepo.get(ref.repository)!;
        byMajor.set(major, [...(byMajor.get(major) ?? []), env]);
      }
    }
    for (const service of order)
      for (const [repository, byMajor] of seen.get(service)!) {
        if (byMajor.size < 2) continue;
        const groups = [...byMajor].sort((a, b) => b[1].length - a[1].length || project.environments.indexOf(a[1][0]) - project.environments.indexOf(b[1][0]));
        const [refMajor, refEnvs] = groups[0];
        const names = (envs: Environment[]): string => envs.map((e) => e.name).join(', ');
        for (const [major, envs] of groups.slice(1)) {
          // one finding per file that sets the odd image
          const byFile = new Map<ComposeFile | undefined, Environment[]>();
          for (const e of envs) {
            const f = ownerOf(e, service, 'image');
            byFile.set(f, [...(byFile.get(f) ?? []), e]);
          }
          for (const [file, list] of byFile)
            ctx.report({
              message: `${service} runs ${repository} ${major} in ${names(list)} but ${refMajor} in ${names(refEnvs)}: what is tested is not what runs; use one major version everywhere (a major upgrade may need a data migration)`,
              service,
              environments: list.map((e) => e.name),
              ...(file ? { file, path: ['services', service, 'image'] } : {}),
            });
        }
      }
  },
};

export default rule;
