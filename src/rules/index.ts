/**
 * The one registry of rules. Each line is a rule id and the lazy import of its module (whose
 * default export is the Rule); a module is loaded only when a command needs it. The order is
 * the order `fix` applies them in: where fixes meet it matters (volumes before secrets, both
 * adding top-level sections; network-split after both; pin-images last). A new rule adds one
 * line here (docs/RULES.md).
 */
import type { Rule } from './types.js';

const registry: readonly (readonly [id: string, load: () => Promise<{ default: Rule }>])[] = [
  ['add-volumes', () => import('./add-volumes.js')],
  ['secrets', () => import('./secrets.js')],
  ['container-name-replicas', () => import('./container-name-replicas.js')],
  ['obsolete-version', () => import('./obsolete-version.js')],
  ['restart-policy', () => import('./restart-policy.js')],
  ['logging-rotation', () => import('./logging-rotation.js')],
  ['resource-limits', () => import('./resource-limits.js')],
  ['duplicate-host-port', () => import('./duplicate-host-port.js')],
  ['fixed-port-scaled', () => import('./fixed-port-scaled.js')],
  ['depends-on-disabled', () => import('./depends-on-disabled.js')],
  ['datastore-ports', () => import('./datastore-ports.js')],
  ['network-split', () => import('./network-split.js')],
  ['healthcheck', () => import('./healthcheck.js')],
  ['depends-on-healthy', () => import('./depends-on-healthy.js')],
  ['read-only', () => import('./read-only.js')],
  ['cap-drop', () => import('./cap-drop.js')],
  ['duplicate-entries', () => import('./duplicate-entries.js')],
  ['quote-ports', () => import('./quote-ports.js')],
  ['no-new-privileges', () => import('./no-new-privileges.js')],
  ['environment-value-types', () => import('./environment-value-types.js')],
  ['privileged', () => import('./privileged.js')],
  ['docker-socket', () => import('./docker-socket.js')],
  ['host-namespaces', () => import('./host-namespaces.js')],
  ['sensitive-host-paths', () => import('./sensitive-host-paths.js')],
  ['dangerous-devices', () => import('./dangerous-devices.js')],
  ['security-opt-disabled', () => import('./security-opt-disabled.js')],
  ['root-user', () => import('./root-user.js')],
  ['cap-add-dangerous', () => import('./cap-add-dangerous.js')],
  ['credentials-in-url', () => import('./credentials-in-url.js')],
  ['mount-propagation', () => import('./mount-propagation.js')],
  ['pin-images', () => import('./pin-images.js')],
  ['image-major-drift', () => import('./image-major-drift.js')],
  ['unused-suppression', async () => ({ default: (await import('./unused-suppression.js')).unusedSuppressionRule })],
];

/** Every rule id, in registry order (no module loaded). */
export const ruleIds: readonly string[] = registry.map(([id]) => id);

/** Loads the rules with these ids (every rule when omitted), in registry order. */
export async function loadRules(ids?: Iterable<string>): Promise<Rule[]> {
  const want = ids ? new Set(ids) : undefined;
  const picked = registry.filter(([id]) => !want || want.has(id));
  const rules = await Promise.all(picked.map(async ([id, load]) => {
    const rule = (await load()).default;
    if (rule.meta.id !== id) throw new Error(`rules/index.ts: ${id} loads a rule whose meta.id is ${rule.meta.id}`);
    return rule;
  }));
  return rules;
}

export type { Rule, RuleMeta, RuleContext, RuleOption, Finding, FindingInput, Fixer, FixEditor, Severity, Level, Fixability } from './types.js';
