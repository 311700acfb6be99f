/**
 * mount-propagation: a bind mount with `shared` or `rshared` propagation (`:rshared` in the
 * short syntax, `bind.propagation` in the long one). Mounts the container makes under it appear
 * on the host (and the other way round): a container that can mount (SYS_ADMIN, privileged) can
 * change the host's mount table. Reported at the volume item, for the environments whose merged
 * service has it. Findings only: some agents (CSI drivers, node exporters) need it.
 */
import { isObj } from '../core/plain.js';
import type { Rule } from './types.js';
import { reportHits, type Hit } from './lib/security.js';

const rule: Rule = {
  meta: {
    id: 'mount-propagation',
    description: 'Report bind mounts with shared (rshared) mount propagation',
    rationale:
      'With shared propagation, mounts made inside the container under that path propagate to the host: a container that can mount can change what the host (and every other container using the path) sees.',
    severity: 'warning',
    fixable: false,
    options: [],
    docs: 'docs/rules/mount-propagation.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service) => {
      const out: Hit[] = [];
      for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
        if (!isObj(v) || v.type !== 'bind' || !isObj(v.bind)) continue;
        const p = v.bind.propagation;
        if (p !== 'shared' && p !== 'rshared') continue;
        out.push({ attr: 'volumes', item: v, message: `${service} mounts ${String(v.source)} at ${String(v.target)} with ${p} propagation: mounts made in the container appear on the host; use rslave (or the default rprivate) unless it must publish mounts` });
      }
      return out;
    });
  },
};

export default rule;
