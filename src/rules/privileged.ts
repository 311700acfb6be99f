/**
 * privileged: `privileged: true` gives the container every capability and every host device,
 * and lifts the seccomp/AppArmor confinement: root in it is root on the host. Reported at the
 * line that sets it (base or override), for the environments whose merged service keeps it.
 * Findings only: what the service really needs (a capability, a device) is a human's call.
 */
import type { Rule } from './types.js';
import { defaultNote, isTrue, reportHits, resolver, type Hit } from './lib/security.js';

const rule: Rule = {
  meta: {
    id: 'privileged',
    description: 'Report services that run privileged (`privileged: true`)',
    rationale:
      'A privileged container has every capability and every host device, without seccomp or AppArmor: a process that breaks out of the application is root on the host.',
    severity: 'error',
    fixable: false,
    options: [],
    docs: 'docs/rules/privileged.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service, env) => {
      const r = isTrue(svc.privileged, resolver(ctx, env));
      if (!r) return [];
      const hit: Hit = {
        attr: 'privileged',
        id: 'privileged',
        message: `${service} runs privileged${defaultNote(r)}: it has every capability and host device, so escaping it means root on the host; grant only what it needs (cap_add, devices) instead`,
      };
      return [hit];
    });
  },
};

export default rule;
