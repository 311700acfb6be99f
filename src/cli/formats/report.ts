/**
 * What every output format of `composemod check` renders: the findings of every project, with
 * paths relative to the working directory, the rules' metadata, and the counts. Secret values
 * registered by rules are masked in every message before anything is rendered.
 */
import path from 'node:path';
import type { CheckReport } from '../../api.js';
import type { CheckFinding } from '../../rules/engine.js';
import { maskSecrets } from '../../rules/engine.js';
import type { RuleMeta, Severity } from '../../rules/types.js';

export const SEVERITY_RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

export interface ReportFinding extends CheckFinding {
  /** Relative to the working directory, `/`-separated. */
  relFile?: string;
  /** The first compose file of the project (relative): where a project-level finding is shown in SARIF/GitHub. */
  projectFile?: string;
  /** The project has more than one environment (text output names them). */
  multiEnv: boolean;
}

export interface Summary {
  errors: number;
  warnings: number;
  notes: number;
  /** Findings with a fix (not suppressed). */
  fixable: number;
  suppressed: number;
  /** Findings at or above the --fail-on severity (not suppressed). */
  failing: number;
  files: number;
}

export interface Report {
  cwd: string;
  version: string;
  findings: ReportFinding[];
  rules: RuleMeta[];
  failOn: Severity;
  summary: Summary;
}

export function rel(cwd: string, p: string): string {
  return (path.relative(cwd, p) || path.basename(p)).split(path.sep).join('/');
}

export function buildReport(cwd: string, version: string, check: CheckReport, failOn: Severity): Report {
  const findings: ReportFinding[] = [];
  for (const { target, result } of check.projects) {
    const first = target.environments[0]?.files[0];
    // prose only (ids, paths and names are not values): rules never write a value into a
    // message by construction, this is the safety net, with the summaries' 6-character floor
    const mask = (text: string) => maskSecrets(text, result.masks, 6);
    for (const f of result.findings)
      findings.push({
        ...f,
        // rules name files by absolute path in their prose: relative to the working directory, as the user typed them
        message: mask(f.message.split(cwd + path.sep).join('')),
        ...(f.suppressed?.justification ? { suppressed: { ...f.suppressed, justification: mask(f.suppressed.justification) } } : {}),
        ...(f.file ? { relFile: rel(cwd, f.file) } : {}),
        ...(first ? { projectFile: rel(cwd, first) } : {}),
        multiEnv: target.environments.length > 1,
      });
  }
  const open = findings.filter((f) => !f.suppressed);
  const summary: Summary = {
    errors: open.filter((f) => f.severity === 'error').length,
    warnings: open.filter((f) => f.severity === 'warning').length,
    notes: open.filter((f) => f.severity === 'note').length,
    fixable: open.filter((f) => f.fixable).length,
    suppressed: findings.length - open.length,
    failing: open.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]).length,
    files: new Set(check.projects.flatMap((p) => p.target.environments.flatMap((e) => e.files))).size,
  };
  return { cwd, version, findings, rules: check.rules, failOn, summary };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line: `3 findings (1 error, 2 warnings, 0 notes) in 4 files; 2 fixable with \`composemod fix\`; 1 suppressed`. */
export function summaryLine(r: Report): string {
  const s = r.summary;
  const total = s.errors + s.warnings + s.notes;
  if (!total) return `no findings in ${plural(s.files, 'file')}${s.suppressed ? ` (${s.suppressed} suppressed)` : ''}`;
  return (
    `${plural(total, 'finding')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.notes, 'note')}) in ${plural(s.files, 'file')}` +
    (s.fixable ? `; ${s.fixable} fixable with \`composemod fix\`` : '') +
    (s.suppressed ? `; ${s.suppressed} suppressed` : '')
  );
}
