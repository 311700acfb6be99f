/**
 * The engine's `fixProject` in the shape the fix suites read: `warnings` are the findings a
 * run leaves to a human (not fixed, not suppressed; those a fix leaves behind included),
 * `infos` the decisions rules explained.
 */
import { fixProject, type FixResult } from '../../src/rules/engine.js';
import type { ProjectTarget } from '../../src/core/targets.js';
import type { FixSettings } from '../../src/rules/settings.js';
import type { Finding, Rule } from '../../src/rules/types.js';

export type { ProjectTarget as FixTarget } from '../../src/core/targets.js';
export { maskSecrets } from '../../src/rules/engine.js';

export interface FixRun extends FixResult {
  warnings: (Finding & { fixed: boolean })[];
  infos: { rule: string; message: string; file?: string; service?: string }[];
}

export async function runFixes(target: ProjectTarget, rules: readonly Rule[], options: Record<string, unknown> = {}, settings?: FixSettings): Promise<FixRun> {
  const r = await fixProject(target, rules, { options, settings });
  return { ...r, warnings: r.findings.filter((f) => !f.fixed && !f.suppressed), infos: r.decisions };
}
