/**
 * duplicate-entries: the same variable or label twice in one list-form `environment` or
 * `labels` (`- TZ=UTC` ... `- TZ=UTC`, `- LOG_LEVEL=debug` ... `- LOG_LEVEL=info`). Docker
 * Compose keeps the last entry of each key (checked with Compose 2.40.3 and podman-compose 1.6),
 * so the earlier ones only mislead a reader: a reviewer changes the first `LOG_LEVEL` and nothing
 * happens. The fix deletes every entry but the last of each key (with its comment lines), so
 * what every container gets is exactly what it got.
 *
 * About text, not the merged model: each list is judged in the file that holds it (the same key
 * in a base and an override is an override, not a duplicate), reported once at the first
 * duplicate entry, for the environments that load that file and have the service. Values are
 * never printed (an environment value may be a secret).
 */
import type { Node } from 'yaml';
import type { Rule } from './types.js';
import { isObj } from '../core/plain.js';
import { nodeAt } from '../core/query.js';
import { editBlocker, envsUsing } from './place.js';

const LISTS = ['environment', 'labels'] as const;

/** `KEY=value` / `KEY` -> KEY; undefined for an entry whose key is interpolated or not a string. */
function entryKey(entry: unknown): string | undefined {
  if (typeof entry !== 'string') return undefined;
  const key = entry.split('=', 1)[0];
  return key && !key.includes('$') ? key : undefined;
}

const rule: Rule = {
  meta: {
    id: 'duplicate-entries',
    description: 'Remove repeated keys from list-form environment and labels (Compose keeps only the last)',
    rationale:
      'Compose keeps the last entry of a key in a list-form environment or labels; earlier entries are dead text that a reader takes for the value (changing the first LOG_LEVEL changes nothing).',
    severity: 'warning',
    fixable: 'safe',
    network: false,
    options: [],
    kinds: {
      redundant: { severity: 'note', description: 'the same entry twice, with the same value' },
      'not-editable': { severity: 'warning', description: 'repeated keys in a list the fix cannot edit (an alias or a shared anchor)' },
    },
    docs: 'docs/rules/duplicate-entries.md',
  },

  check(ctx) {
    for (const file of ctx.project.files) {
      const seen = new Set<Node>();
      const services = isObj(file.model) && isObj(file.model.services) ? file.model.services : {};
      for (const [service, svc] of Object.entries(services)) {
        if (!isObj(svc)) continue;
        for (const attr of LISTS) {
          const list = svc[attr];
          if (!Array.isArray(list)) continue;
          const listPath = ['services', service, attr];
          const node = nodeAt(file.source, listPath)?.node as Node | undefined;
          // a list two services reach through one anchor is one place
          if (!node || seen.has(node)) continue;
          seen.add(node);
          const byKey = new Map<string, number[]>();
          list.forEach((entry, i) => {
            const key = entryKey(entry);
            if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), i]);
          });
          const environments = envsUsing(ctx.project, file, service).map((e) => e.name);
          if (!environments.length) continue;
          for (const [key, at] of byKey) {
            if (at.length < 2) continue;
            const earlier = at.slice(0, -1);
            const same = at.every((i) => list[i] === list[at[0]]);
            const what = `${service}: ${attr} sets ${key} ${at.length} times${same ? ' (the same entry)' : ' with different values'}; Compose keeps the last one (entry ${at[at.length - 1] + 1})`;
            const first = [...listPath, earlier[0]];
            const blocked = earlier.map((i) => editBlocker(file, [...listPath, i])).find(Boolean);
            if (blocked) {
              ctx.report({ kind: 'not-editable', message: `${what}; remove the earlier ones by hand (${blocked})`, file: file.path, path: first, service, environments });
              continue;
            }
            const fix = ctx.report({
              ...(same ? { kind: 'redundant' } : {}),
              message: `${what}; the earlier ${earlier.length > 1 ? 'ones are' : 'one is'} dead text`,
              file: file.path,
              path: first,
              service,
              environments,
            });
            if (!fix) continue;
            // from the end, so each index still names its entry
            for (const i of [...earlier].reverse()) fix.editor(file).deleteItem([...listPath, i]);
            fix.note({
              file: file.path,
              service,
              message: `removed ${earlier.length} earlier ${attr} entr${earlier.length > 1 ? 'ies' : 'y'} for ${key}`,
              reason: 'Compose keeps only the last entry of a key; the container gets the same value',
            });
          }
        }
      }
    }
  },
};

export default rule;
