/**
 * credentials-in-url: a URL with a literal password (`scheme://user:password@host`) in a
 * service's labels, command, entrypoint or healthcheck: the password is in the repository and
 * in `docker inspect`. The same in `environment` is the `secrets` rule's
 * (`secrets/credential-in-url`): one problem, one finding. A password that is only a variable reference
 * (`${DB_PASSWORD}`) is not reported. The password never appears in a message: it is masked
 * (registered with the engine, so diffs and reports mask it too). Reported at the value, once
 * per file that writes it. Findings only (the `secrets` rule moves whole values to secrets).
 */
import { isObj } from '../core/plain.js';
import type { Rule } from './types.js';
import { reportHits, type Hit } from './lib/security.js';

const URL_WITH_PASSWORD = /\b([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^\s:@/'"]*):([^\s@/'"]+)@/g;
const ONLY_VARIABLE = /^(\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*)$/;

/** The literal passwords of the URLs in `text`, with the text masked. */
export function urlPasswords(text: string): { passwords: string[]; masked: string } {
  const passwords: string[] = [];
  const masked = text.replace(URL_WITH_PASSWORD, (all, scheme: string, user: string, pw: string) => {
    if (ONLY_VARIABLE.test(pw)) return all;
    passwords.push(pw);
    return `${scheme}://${user}:****@`;
  });
  return { passwords, masked };
}

const rule: Rule = {
  meta: {
    id: 'credentials-in-url',
    description: 'Report URLs with a literal password (scheme://user:password@host) in labels, command, entrypoint or healthcheck',
    rationale:
      'A password written into a connection URL is committed with the compose file, shown by `docker inspect` and `docker compose config`, and logged by many clients when they fail to connect.',
    severity: 'warning',
    fixable: false,
    options: [],
    docs: 'docs/rules/credentials-in-url.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service) => {
      const out: Hit[] = [];
      const look = (text: unknown, where: string, hit: Omit<Hit, 'message'>): void => {
        if (typeof text !== 'string') return;
        const { passwords, masked } = urlPasswords(text);
        if (!passwords.length) return;
        for (const p of passwords) ctx.mask(p);
        out.push({ ...hit, id: `${where}\0${masked}`, message: `${service}: ${where} holds a URL with a literal password (${masked.length > 120 ? `${masked.slice(0, 117)}...` : masked}): read the password from a variable or a secret instead` });
      };
      for (const attr of ['labels'])
        if (isObj(svc[attr])) for (const [k, v] of Object.entries(svc[attr] as Record<string, unknown>)) look(v, `${attr}.${k}`, { attr, key: k });
      for (const attr of ['command', 'entrypoint']) {
        const v = svc[attr];
        look(Array.isArray(v) ? v.join(' ') : v, attr, { attr });
      }
      const hc = svc.healthcheck;
      if (isObj(hc) && Array.isArray(hc.test)) look(hc.test.join(' '), 'healthcheck.test', { attr: 'healthcheck', sub: ['test'] });
      return out;
    });
  },
};

export default rule;
