/**
 * unused-suppression: a `# composemod-disable...` comment that silences nothing, or names a
 * rule composemod does not have. It hides nothing today, but it would silently hide the next
 * real finding on that line, and a misspelt id suppresses nothing at all. The engine judges
 * the directives after every other rule ran (`check` only), and only for ids whose rule ran.
 */
import type { ComposeFile } from './project.js';
import type { Directive } from './suppressions.js';
import type { Finding, Rule } from './types.js';

export const unusedSuppressionRule: Rule = {
  meta: {
    id: 'unused-suppression',
    description: 'Report `# composemod-disable...` comments that silence no finding or name an unknown rule',
    rationale:
      'A suppression that silences nothing would hide the next real finding on its line without anyone deciding so; one that names an unknown rule (a typo) suppresses nothing.',
    severity: 'warning',
    fixable: false,
    options: [],
    docs: 'docs/rules/unused-suppression.md',
  },
  check() {
    // judged by the engine once every other rule has reported (see engine.ts)
  },
};

/** The findings for one file's directives: `ran` are the rules that ran, `known` every rule id. */
export function unusedSuppressions(file: ComposeFile, directives: readonly Directive[], ran: ReadonlySet<string>, known: ReadonlySet<string>): Omit<Finding, 'severity' | 'environments'>[] {
  const out: Omit<Finding, 'severity' | 'environments'>[] = [];
  for (const d of directives) {
    const unknown = d.ids.filter((id) => !known.has(id.split('/')[0]));
    const unused = d.ids.filter((id) => known.has(id.split('/')[0]) && ran.has(id.split('/')[0]) && !d.used.has(id));
    const what = d.scope === 'file' ? 'composemod-disable' : `composemod-disable-${d.scope}`;
    const problems = [
      ...(d.ids.length ? [] : ['names no rule']),
      ...(unknown.length ? [`names ${unknown.join(', ')}, which composemod does not have (composemod list)`] : []),
      ...(unused.length ? [`silences no finding of ${unused.join(', ')}${d.scope === 'file' ? ' in this file' : d.target ? ` on line ${d.target}` : ' (no line follows it)'}`] : []),
    ];
    if (!problems.length) continue;
    out.push({
      rule: unusedSuppressionRule.meta.id,
      id: unusedSuppressionRule.meta.id,
      message: `${what} ${problems.join('; ')}: remove it${unknown.length ? ' or fix the id' : ''}`,
      file: file.path,
      line: d.line,
      column: d.column,
      endLine: d.line,
      endColumn: d.column + 1,
      fixable: false,
    });
  }
  return out;
}
