/**
 * host-namespaces: a service that shares a namespace of the host (`network_mode: host`,
 * `pid: host`, `ipc: host`, `userns_mode: host`, `uts: host`) sees and can act on that part of
 * the host. One kind per namespace, reported at the line that sets it, for the environments
 * whose merged service keeps it. Findings only.
 */
import type { Rule, Severity } from './types.js';
import { defaultNote, reportHits, resolver, type Hit } from './lib/security.js';

const NAMESPACES: readonly { attr: string; kind: string; severity: Severity; what: string }[] = [
  { attr: 'pid', kind: 'pid', severity: 'warning', what: 'sees and can signal every process of the host (and read their environment through /proc)' },
  { attr: 'network_mode', kind: 'network', severity: 'warning', what: 'shares the host network stack: it binds host ports directly, reaches services on localhost, and no network isolation applies' },
  { attr: 'ipc', kind: 'ipc', severity: 'warning', what: 'shares the host IPC namespace (shared memory, semaphores, message queues of host processes)' },
  { attr: 'userns_mode', kind: 'userns', severity: 'warning', what: 'runs outside user-namespace remapping: root in it is root on the host' },
  { attr: 'uts', kind: 'uts', severity: 'note', what: 'shares the host UTS namespace: it can change the host name of the machine' },
];

const rule: Rule = {
  meta: {
    id: 'host-namespaces',
    description: 'Report services that share a namespace of the host (network_mode, pid, ipc, userns_mode, uts: host)',
    rationale:
      'Namespaces are what isolates a container; sharing one with the host hands the container that part of the host (its processes, network stack, shared memory, users or host name).',
    severity: 'warning',
    fixable: false,
    options: [],
    kinds: Object.fromEntries(NAMESPACES.map((n) => [n.kind, { severity: n.severity, description: `\`${n.attr}: host\`` }])),
    docs: 'docs/rules/host-namespaces.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service, env) => {
      const resolve = resolver(ctx, env);
      const out: Hit[] = [];
      for (const n of NAMESPACES) {
        const v = svc[n.attr];
        if (typeof v !== 'string') continue;
        const r = resolve(v);
        if (r.value !== 'host') continue;
        out.push({ attr: n.attr, kind: n.kind, id: n.kind, message: `${service}: \`${n.attr}: host\`${defaultNote(r)}: it ${n.what}` });
      }
      return out;
    });
  },
};

export default rule;
