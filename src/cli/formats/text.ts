/** `--format text`: `file:line:col  severity  message  rule-id  [environments]`, grouped per file, and a summary. */
import { summaryLine, type Report } from './report.js';

export function formatText(r: Report, opts: { color?: boolean } = {}): string {
  const paint = (code: string, s: string): string => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sev = { error: paint('31', 'error  '), warning: paint('33', 'warning'), note: paint('36', 'note   ') };
  const groups = new Map<string, typeof r.findings>();
  for (const f of r.findings) {
    if (f.suppressed) continue;
    const key = f.relFile ?? '';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const out: string[] = [];
  for (const [file, list] of groups) {
    out.push(paint('4', file || '(project)'));
    for (const f of list) {
      const where = file ? `${file}:${f.line ?? 1}:${f.column ?? 1}` : '(project)';
      const envs = f.multiEnv && f.environments.length ? `  [${f.environments.join(', ')}]` : '';
      out.push(`  ${where}  ${sev[f.severity]}  ${f.message}  ${paint('2', f.id)}${envs}`);
    }
    out.push('');
  }
  out.push(summaryLine(r));
  return out.join('\n') + '\n';
}
