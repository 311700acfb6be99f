/**
 * quote-ports: a short-syntax port written plain, such as `- 22:22`, is the string "22:22" to
 * Docker Compose (YAML 1.2) but a base-60 number to a YAML 1.1 reader: podman-compose (PyYAML)
 * reads `22:22` as 1342 and publishes `-p 1342` (checked with podman-compose 1.6). The fix
 * quotes the entry in place, in the file that holds it: Compose gets the same string, and every
 * YAML 1.1 tool now gets it too.
 *
 * The finding is about text, not the merged model: each plain entry is reported once, in its
 * file, for the environments that load that file and have the service.
 */
import { isScalar, Scalar } from 'yaml';
import type { Rule } from './types.js';
import { isObj } from '../core/plain.js';
import { nodeAt } from '../core/query.js';
import { editBlocker, envsUsing } from './place.js';

/** YAML 1.1's base-60 integer and float forms (`22:22`, `1:30:00`, `1:30.5`). */
const SEXAGESIMAL_INT = /^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$/;
const SEXAGESIMAL_FLOAT = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*$/;

/** The number a YAML 1.1 reader makes of `s`, or undefined when it reads a string. */
export function yaml11Sexagesimal(s: string): number | undefined {
  if (!SEXAGESIMAL_INT.test(s) && !SEXAGESIMAL_FLOAT.test(s)) return undefined;
  const sign = s.startsWith('-') ? -1 : 1;
  const parts = s.replace(/^[-+]/, '').replace(/_/g, '').split(':');
  let n = 0;
  for (const p of parts) n = n * 60 + Number(p);
  return sign * n;
}

const rule: Rule = {
  meta: {
    id: 'quote-ports',
    description: 'Quote short-syntax ports that YAML 1.1 reads as base-60 numbers (22:22)',
    rationale:
      'Docker Compose reads a plain `22:22` as the string "22:22", but YAML 1.1 readers such as podman-compose (PyYAML) read it as the base-60 number 1342 and publish the wrong port. Quoting it means the same to every tool.',
    severity: 'warning',
    fixable: 'safe',
    network: false,
    options: [],
    kinds: {
      'not-editable': { severity: 'warning', description: 'a plain port YAML 1.1 misreads, in a place the fix cannot edit (an alias or a shared anchor): quote it by hand' },
    },
    docs: 'docs/rules/quote-ports.md',
  },

  check(ctx) {
    for (const file of ctx.project.files) {
      // one finding per physical entry: an anchored list that several services alias is one place
      const entries = new Map<Scalar, { path: (string | number)[]; services: string[] }>();
      const services = isObj(file.model) && isObj(file.model.services) ? file.model.services : {};
      for (const [service, svc] of Object.entries(services)) {
        if (!isObj(svc) || !Array.isArray(svc.ports)) continue;
        svc.ports.forEach((_, i) => {
          const path = ['services', service, 'ports', i];
          const node = nodeAt(file.source, path)?.node;
          if (!isScalar(node) || node.type !== Scalar.PLAIN || typeof node.value !== 'string') return;
          if (yaml11Sexagesimal(node.value) === undefined) return;
          const seen = entries.get(node);
          if (seen) seen.services.push(service);
          else entries.set(node, { path, services: [service] });
        });
      }
      for (const [node, { path, services: names }] of entries) {
        const value = node.value as string;
        const read = yaml11Sexagesimal(value)!;
        const environments = [...new Set(names.flatMap((n) => envsUsing(ctx.project, file, n).map((e) => e.name)))];
        if (!environments.length) continue;
        const service = names[0];
        const what = `${names.join(', ')} publish${names.length > 1 ? '' : 'es'} ${value} unquoted: YAML 1.1 readers (podman-compose) read it as the number ${read} and publish port ${read}`;
        const blocked = editBlocker(file, path);
        if (blocked) {
          ctx.report({ kind: 'not-editable', message: `${what}; quote it by hand (${blocked})`, file: file.path, path, service, environments });
          continue;
        }
        const fix = ctx.report({ message: `${what}; quote it`, file: file.path, path, service, environments });
        if (!fix) continue;
        fix.editor(file).replaceScalar(path, value);
        fix.note({
          file: file.path,
          service,
          message: `quoted ports entry ${value}`,
          reason: `YAML 1.1 readers such as podman-compose read ${value} as ${read}; Docker Compose gets the same string as before`,
        });
      }
    }
  },
};

export default rule;
