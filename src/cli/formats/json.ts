/** `--format json`: `{ findings: [...], summary: {...} }` (paths relative to the working directory). */
import type { Report } from './report.js';

export function formatJson(r: Report): string {
  const findings = r.findings.map((f) => ({
    rule: f.rule,
    id: f.id,
    severity: f.severity,
    message: f.message,
    file: f.relFile ?? null,
    line: f.line ?? null,
    column: f.column ?? null,
    endLine: f.endLine ?? null,
    endColumn: f.endColumn ?? null,
    service: f.service ?? null,
    environments: f.environments,
    fixable: f.fixable,
    suppressed: !!f.suppressed,
    ...(f.suppressed?.justification ? { justification: f.suppressed.justification } : {}),
  }));
  return JSON.stringify({ findings, summary: r.summary }, null, 2) + '\n';
}
