/**
 * Which rules a command runs. `check`: every rule that needs no network, plus those named
 * with `only`; `fix`: every rule with a safe fix that needs no network, plus fixable ones named
 * with `only` (network and behaviour-changing fixes run only when named). `skip` and a config
 * level `off` remove rules. Unknown ids are errors (exit 2).
 */
import { ComposemodError } from '../core/errors.js';
import { loadRules, ruleIds } from './index.js';
import type { Level, Rule } from './types.js';

export interface Selection {
  /** Comma-separated ids, or a list. */
  only?: string | readonly string[];
  skip?: string | readonly string[];
  /** Levels from the config file (`off` removes a rule). */
  levels?: Readonly<Record<string, Level>>;
}

const ids = (v: string | readonly string[] | undefined): string[] =>
  (typeof v === 'string' ? v.split(',') : (v ?? []).flatMap((x) => x.split(','))).map((x) => x.trim()).filter(Boolean);

export async function selectRules(mode: 'check' | 'fix', sel: Selection = {}): Promise<Rule[]> {
  const only = ids(sel.only);
  const skip = ids(sel.skip);
  const known = new Set(ruleIds);
  for (const n of [...only, ...skip])
    if (!known.has(n)) throw new ComposemodError(`unknown rule "${n}" (known: ${ruleIds.join(', ')}; see composemod list)`);
  const rules = await loadRules();
  if (mode === 'fix')
    for (const n of only) {
      const r = rules.find((x) => x.meta.id === n)!;
      if (!r.meta.fixable) throw new ComposemodError(`rule "${n}" has no fix (fixable rules: ${rules.filter((x) => x.meta.fixable).map((x) => x.meta.id).join(', ')})`);
    }
  return rules.filter((r) => {
    const id = r.meta.id;
    if (skip.includes(id) || sel.levels?.[id] === 'off') return false;
    if (only.length) return only.includes(id);
    if (r.meta.network) return false;
    return mode === 'check' || r.meta.fixable === 'safe';
  });
}
