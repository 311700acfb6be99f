/** Summary lines and JSON of the references found and updated. */
import path from 'node:path';
import type { Reference, RefStatus, UpdateResult } from './update.js';

const rel = (cwd: string, f: string): string => path.relative(cwd, f).split(path.sep).join('/') || '.';

const FINDINGS: RefStatus[] = ['computed', 'unmatched', 'unverified'];
const WORDS: Record<RefStatus, string> = {
  updated: 'updated',
  current: 'already right',
  computed: 'computed (left as is)',
  unmatched: 'matching no environment',
  unverified: 'not updated (could not verify)',
  unrelated: 'naming other files',
};

export function countByStatus(refs: readonly Reference[]): Map<RefStatus, number> {
  const m = new Map<RefStatus, number>();
  for (const r of refs) m.set(r.status, (m.get(r.status) ?? 0) + 1);
  return m;
}

/** `references: 9 found: 7 updated, …` and one line per updated reference and per finding. */
export function referencesSummary(r: UpdateResult, cwd: string, written: boolean): string {
  const refs = r.references;
  const where = r.git ? 'git-tracked files' : 'files';
  if (!refs.length) return `references: none found in the ${where} of ${rel(cwd, r.root)}\n`;
  const counts = countByStatus(refs);
  const parts = (Object.keys(WORDS) as RefStatus[]).filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${WORDS[s]}`);
  const out = [`references to compose files: ${refs.length} found in the ${where} of ${rel(cwd, r.root)}: ${parts.join(', ')}`];
  for (const x of refs) {
    const at = `${rel(cwd, x.file)}:${x.line}`;
    if (x.status === 'updated')
      out.push(`  ${written ? 'updated' : 'would update'} ${at} (${x.where}${x.environment ? `, ${x.environment}` : ''}): ${x.before?.length ? x.before.join(' ') : '(default files)'} -> ${x.after!.join(' ')}`);
    else if (FINDINGS.includes(x.status)) out.push(`  left ${at} (${x.where}): ${x.text ? `${x.text}: ` : ''}${x.reason}`);
  }
  return out.join('\n') + '\n';
}

export function referencesJson(r: UpdateResult, cwd: string): unknown[] {
  return r.references.map((x) => ({
    file: rel(cwd, x.file),
    line: x.line,
    col: x.col,
    kind: x.kind,
    where: x.where,
    text: x.text,
    dir: x.dir ? rel(cwd, x.dir) : null,
    environment: x.environment ?? null,
    before: x.before,
    after: x.after ?? null,
    status: x.status,
    reason: x.reason ?? null,
  }));
}
