/**
 * security-opt-disabled: `security_opt` entries that turn a confinement off: `seccomp:unconfined`
 * (every system call allowed), `apparmor:unconfined`, `label:disable` (no SELinux separation),
 * `systempaths=unconfined` (/proc and /sys no longer masked). Docker accepts `:` and `=` as the
 * separator; both are recognised. One kind per confinement, reported at the list item, for the
 * environments whose merged list has it. Findings only.
 */
import type { Rule, Severity } from './types.js';
import { reportHits, resolver, type Hit } from './lib/security.js';

const CONFINEMENTS: readonly { key: string; value: string; kind: string; severity: Severity; what: string }[] = [
  { key: 'seccomp', value: 'unconfined', kind: 'seccomp', severity: 'warning', what: 'the default seccomp profile no longer filters system calls (the kernel attack surface is fully exposed)' },
  { key: 'apparmor', value: 'unconfined', kind: 'apparmor', severity: 'warning', what: 'the AppArmor profile (docker-default) no longer confines the container' },
  { key: 'label', value: 'disable', kind: 'label', severity: 'warning', what: 'SELinux labeling is off: the container is not separated from the host and other containers by SELinux' },
  { key: 'systempaths', value: 'unconfined', kind: 'systempaths', severity: 'warning', what: '/proc and /sys paths Docker masks or makes read-only are exposed to the container' },
];

/** `key:value` or `key=value`, key and value as Docker reads them. */
export function splitOption(opt: string): [string, string] {
  const m = /^([^:=]+)[:=](.*)$/.exec(opt);
  return m ? [m[1].trim(), m[2].trim()] : [opt.trim(), ''];
}

const rule: Rule = {
  meta: {
    id: 'security-opt-disabled',
    description: 'Report security_opt entries that disable seccomp, AppArmor, SELinux labels or masked paths',
    rationale:
      'seccomp, AppArmor, SELinux and the masked /proc paths are the confinement that keeps a root process in a container from reaching the kernel and the host; `unconfined` / `disable` removes it.',
    severity: 'warning',
    fixable: false,
    options: [],
    kinds: Object.fromEntries(CONFINEMENTS.map((c) => [c.kind, { severity: c.severity, description: `\`${c.key}:${c.value}\` (or \`${c.key}=${c.value}\`)` }])),
    docs: 'docs/rules/security-opt-disabled.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service, env) => {
      const resolve = resolver(ctx, env);
      const out: Hit[] = [];
      for (const item of Array.isArray(svc.security_opt) ? svc.security_opt : []) {
        if (typeof item !== 'string') continue;
        const [key, value] = splitOption(resolve(item).value);
        const c = CONFINEMENTS.find((x) => x.key === key && x.value === value);
        if (c) out.push({ attr: 'security_opt', item, kind: c.kind, id: c.kind, message: `${service}: security_opt ${item}: ${c.what}` });
      }
      return out;
    });
  },
};

export default rule;
