/**
 * `--format github`: GitHub Actions workflow commands, one per finding (`::error file=...,
 * line=...,col=...,endLine=...,endColumn=...,title=<rule>::<message>`; notes are `::notice`).
 * stdout carries only the annotations: the summary goes to stderr (the command does that).
 */
import type { Report } from './report.js';

/** Data of a workflow command: `%`, CR and LF escaped. */
const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** A property value: also `:` and `,`. */
const prop = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(r: Report): string {
  const out: string[] = [];
  for (const f of r.findings) {
    if (f.suppressed) continue;
    const cmd = f.severity === 'note' ? 'notice' : f.severity;
    const file = f.relFile ?? f.projectFile;
    const props = [
      ...(file ? [`file=${prop(file)}`] : []),
      ...(f.relFile && f.line ? [`line=${f.line}`, `col=${f.column ?? 1}`] : []),
      ...(f.relFile && f.endLine ? [`endLine=${f.endLine}`, `endColumn=${f.endColumn ?? 1}`] : []),
      `title=${prop(f.id)}`,
    ];
    const envs = f.multiEnv && f.environments.length ? ` [${f.environments.join(', ')}]` : '';
    out.push(`::${cmd} ${props.join(',')}::${data(f.message + envs)}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}
