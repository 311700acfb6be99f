/**
 * root-user: `user:` set explicitly to root (`root`, `0`, `0:0`, `root:root`, `0:<group>`...),
 * after interpolation in each environment. Images that ship a non-root user are overridden by
 * it; images that run as root anyway are only made explicit. Reported at the `user:` line,
 * for the environments whose merged service keeps it. Findings only.
 */
import type { Rule } from './types.js';
import { defaultNote, reportHits, resolver, type Hit } from './lib/security.js';

export const isRootUser = (user: string): boolean => /^(root|0)(:.*)?$/.test(user.trim());

const rule: Rule = {
  meta: {
    id: 'root-user',
    description: 'Report services whose `user:` is root (root, 0, 0:0)',
    rationale:
      'A process running as root in the container owns every file of the image and every mount it gets, and is one kernel bug or one misconfiguration (a mounted socket, a capability) away from root on the host; `user: root` also overrides an image that was built to run unprivileged.',
    severity: 'warning',
    fixable: false,
    options: [],
    docs: 'docs/rules/root-user.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service, env) => {
      const user = typeof svc.user === 'number' ? String(svc.user) : svc.user;
      if (typeof user !== 'string') return [];
      const r = resolver(ctx, env)(user);
      if (!isRootUser(r.value)) return [];
      const hit: Hit = { attr: 'user', id: 'root', message: `${service} runs as root (user: ${r.value}${defaultNote(r)}): set a non-root uid:gid the image supports` };
      return [hit];
    });
  },
};

export default rule;
