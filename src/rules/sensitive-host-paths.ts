/**
 * sensitive-host-paths: bind mounts of host system directories (`/`, `/etc`, `/proc`, `/sys`,
 * `/boot`, `/dev`, `/root`, `/var/lib/docker`...) and of credential directories in home
 * directories (`~/.ssh`, `~/.aws`...). Relative sources resolve against the project directory;
 * interpolated sources are judged with each environment's values. A read-only mount is its own
 * kind (it still discloses the host). Engine sockets are docker-socket's. Findings only.
 */
import type { Rule } from './types.js';
import { bindMounts, defaultNote, reportHits, resolver, type Hit } from './lib/security.js';

/** Sensitive when mounted exactly (a file below them, like /etc/localtime, is not reported). */
const EXACT = new Set(['/', '/etc', '/var', '/var/run', '/run', '/usr', '/lib', '/lib64', '/bin', '/sbin', '/home', '/var/log']);
/** Sensitive, and so is anything below them. */
const TREES = ['/proc', '/sys', '/boot', '/dev', '/root', '/var/lib/docker', '/var/lib/containers', '/var/lib/kubelet', '/etc/kubernetes', '/etc/docker', '/etc/ssh', '/etc/sudoers.d', '/etc/pki', '/etc/ssl/private'];
/** Sensitive files. */
const FILES = new Set(['/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/etc/passwd', '/etc/group']);
/** Credential directories in a home directory. */
const CREDENTIALS = /^(~|\/home\/[^/]+|\/root)\/\.(ssh|aws|kube|gnupg|docker|config\/gcloud|azure)(\/|$)/;
const SOCKETS = /\.sock$/;

export function sensitiveHostPath(host: string): 'system' | 'credentials' | undefined {
  if (SOCKETS.test(host)) return undefined;
  if (CREDENTIALS.test(host)) return 'credentials';
  if (EXACT.has(host) || FILES.has(host) || TREES.some((t) => host === t || host.startsWith(`${t}/`))) return 'system';
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'sensitive-host-paths',
    description: 'Report bind mounts of sensitive host paths (/, /etc, /proc, /sys, /var/lib/docker, ~/.ssh...)',
    rationale:
      'A container that can write a host system directory can take over the host (cron, systemd units, kernel modules, other containers\' data); one that can read it sees secrets (keys, shadow, credentials) that were never meant for it.',
    severity: 'warning',
    fixable: false,
    options: [],
    kinds: {
      'read-only': { severity: 'note', description: 'a sensitive host path mounted read-only: it still discloses the host' },
      credentials: { severity: 'warning', description: 'a credential directory of a home directory (~/.ssh, ~/.aws, ~/.kube...) is mounted' },
    },
    docs: 'docs/rules/sensitive-host-paths.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service, env) => {
      const out: Hit[] = [];
      for (const m of bindMounts(svc, env, resolver(ctx, env))) {
        const kind = sensitiveHostPath(m.host);
        if (!kind) continue;
        const what = `${m.host}${defaultNote(m.r)} at ${m.target}`;
        if (kind === 'credentials')
          out.push({ attr: 'volumes', item: m.item, kind: 'credentials', message: `${service} mounts the credential directory ${what}${m.readOnly ? ' (read-only)' : ''}: mount only the one file it needs, or use a secret` });
        else if (m.readOnly)
          out.push({ attr: 'volumes', item: m.item, kind: 'read-only', message: `${service} mounts the host path ${what} read-only: it can read what the host keeps there` });
        else out.push({ attr: 'volumes', item: m.item, message: `${service} mounts the host path ${what} writable: it can change the host; mount only what it needs, read-only` });
      }
      return out;
    });
  },
};

export default rule;
