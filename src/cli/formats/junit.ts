/**
 * `--format junit`: one testsuite per file, one testcase per finding; findings at or above
 * --fail-on are failures, the others pass with the finding as their output. A file without
 * findings is one passing testcase, so CI dashboards count what was checked.
 */
import { SEVERITY_RANK, type Report } from './report.js';

const xml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // characters XML 1.0 cannot carry
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function formatJunit(r: Report, files: readonly string[]): string {
  const byFile = new Map<string, typeof r.findings>();
  for (const f of files) byFile.set(f, []);
  for (const f of r.findings) {
    if (f.suppressed) continue;
    const key = f.relFile ?? f.projectFile ?? '(project)';
    byFile.set(key, [...(byFile.get(key) ?? []), f]);
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const [file, list] of byFile) {
    const cases: string[] = [];
    let fails = 0;
    if (!list.length) cases.push(`    <testcase classname="${xml(file)}" name="composemod check"/>`);
    for (const f of list) {
      const where = f.relFile && f.line ? `${file}:${f.line}:${f.column ?? 1}` : file;
      const name = `${f.id} ${where}`;
      const text = `${where}: ${f.severity}: ${f.message} (${f.id})${f.environments.length ? ` [${f.environments.join(', ')}]` : ''}`;
      if (SEVERITY_RANK[f.severity] >= SEVERITY_RANK[r.failOn]) {
        fails++;
        cases.push(`    <testcase classname="${xml(file)}" name="${xml(name)}">\n      <failure type="${f.severity}" message="${xml(f.message)}">${xml(text)}</failure>\n    </testcase>`);
      } else cases.push(`    <testcase classname="${xml(file)}" name="${xml(name)}">\n      <system-out>${xml(text)}</system-out>\n    </testcase>`);
    }
    const count = Math.max(1, list.length);
    tests += count;
    failures += fails;
    suites.push(`  <testsuite name="${xml(file)}" tests="${count}" failures="${fails}" errors="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="composemod check" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
