/**
 * The inputs of every merge rule test (test/merge/rules.test.ts), recorded as they run, so
 * test/reference/config-rules.test.ts can run the same files through docker compose.
 */
export const ruleInputs: string[][] = [];

export function recordRuleInput(texts: readonly string[]): void {
  if (!ruleInputs.some((r) => r.length === texts.length && r.every((t, i) => t === texts[i]))) ruleInputs.push([...texts]);
}
