/**
 * cap-add-dangerous: `cap_add` entries that hand the container host-level powers. `ALL` is its
 * own kind; SYS_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO, DAC_READ_SEARCH, BPF... are the main
 * finding; NET_ADMIN (common for VPN and firewall containers) is a note. Names are compared as
 * Docker does (case-insensitive, `CAP_` prefix optional). Reported at the list item, for the
 * environments whose merged list has it. Findings only.
 */
import type { Rule, Severity } from './types.js';
import { reportHits, resolver, type Hit } from './lib/security.js';

/** Capability -> what it allows (the main finding). */
const DANGEROUS: Readonly<Record<string, string>> = {
  SYS_ADMIN: 'mount filesystems, use many kernel interfaces and escape the container in several known ways',
  SYS_MODULE: 'load kernel modules into the host kernel',
  SYS_PTRACE: 'trace and inject code into processes it can see',
  SYS_RAWIO: 'do raw I/O on devices and ports',
  DAC_READ_SEARCH: 'read any file through open_by_handle_at (a known container escape)',
  SYS_BOOT: 'reboot the host',
  BPF: 'load eBPF programs into the host kernel',
  PERFMON: 'observe the host kernel through perf',
  MAC_ADMIN: 'change the mandatory access control (AppArmor, SELinux) policy',
  MAC_OVERRIDE: 'bypass mandatory access control',
  SYS_TIME: 'set the host clock',
  SYSLOG: 'read and clear the host kernel log',
};

const NOTES: Readonly<Record<string, { kind: string; severity: Severity; what: string }>> = {
  ALL: { kind: 'all', severity: 'warning', what: 'every capability (close to privileged)' },
  NET_ADMIN: { kind: 'net-admin', severity: 'note', what: 'configure interfaces, routes and firewall rules of its network namespace (of the host with network_mode: host)' },
};

export const capName = (c: string): string => c.trim().toUpperCase().replace(/^CAP_/, '');

const rule: Rule = {
  meta: {
    id: 'cap-add-dangerous',
    description: 'Report cap_add entries that give host-level powers (ALL, SYS_ADMIN, SYS_MODULE, SYS_PTRACE, BPF...)',
    rationale:
      'Docker drops every capability a container does not need to run as root safely; adding one of these back gives the container a way to reach the host kernel or other processes.',
    severity: 'warning',
    fixable: false,
    options: [],
    kinds: Object.fromEntries(Object.values(NOTES).map((n) => [n.kind, { severity: n.severity, description: `cap_add ${n.kind === 'all' ? 'ALL' : 'NET_ADMIN'}: ${n.what}` }])),
    docs: 'docs/rules/cap-add-dangerous.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service, env) => {
      const resolve = resolver(ctx, env);
      const out: Hit[] = [];
      for (const item of Array.isArray(svc.cap_add) ? svc.cap_add : []) {
        if (typeof item !== 'string') continue;
        const cap = capName(resolve(item).value);
        const note = NOTES[cap];
        if (note) out.push({ attr: 'cap_add', item, kind: note.kind, id: note.kind, message: `${service} adds ${cap}: ${note.what}` });
        else if (DANGEROUS[cap]) out.push({ attr: 'cap_add', item, id: cap, message: `${service} adds ${cap}: it can ${DANGEROUS[cap]}` });
      }
      return out;
    });
  },
};

export default rule;
