/**
 * The end-of-batch summary, built incrementally from the records as they stream by (bounded
 * memory whatever the number of repositories): counts per status (repositories and projects),
 * findings per rule, the slowest repositories, errors grouped by message.
 */
import { STATUSES, type RepoRecord, type RunCommand, type Status } from './types.js';

const SLOWEST = 10;
const ERROR_GROUPS = 50;
const EXAMPLES = 3;

export interface SummaryJson {
  run: RunCommand;
  repositories: number;
  /** Records taken over from the --resume report (counted in every figure below). */
  resumed: number;
  statuses: Record<Status, number>;
  projects: Record<Status, number>;
  filesChanged: number;
  rules: Record<string, number>;
  slowest: { repo: string; ms: number }[];
  errors: { message: string; count: number; repos: string[] }[];
  /** Error records whose message fell outside the first groups. */
  otherErrors: number;
  /** Repositories of this shard not run: the batch stopped (`stopped` says why). */
  notRun: number;
  stopped?: 'fail-fast' | 'interrupted';
  shard?: string;
  report?: string;
  patches?: string;
  seconds: number;
  exitCode: number;
}

const zero = (): Record<Status, number> => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;

export class Summary {
  private repositories = 0;
  private resumed = 0;
  private readonly statuses = zero();
  private readonly projects = zero();
  private filesChanged = 0;
  private readonly rules = new Map<string, number>();
  private slowest: { repo: string; ms: number }[] = [];
  private readonly errors = new Map<string, { count: number; repos: string[] }>();
  private otherErrors = 0;

  add(r: RepoRecord, resumed = false): void {
    this.repositories++;
    if (resumed) this.resumed++;
    this.statuses[r.status]++;
    for (const p of r.projects ?? []) if (p.status in this.projects) this.projects[p.status]++;
    this.filesChanged += r.files?.length ?? 0;
    for (const [rule, n] of Object.entries(r.rules ?? {})) this.rules.set(rule, (this.rules.get(rule) ?? 0) + n);
    if (typeof r.ms === 'number' && (this.slowest.length < SLOWEST || r.ms > this.slowest[this.slowest.length - 1].ms)) {
      this.slowest.push({ repo: r.repo, ms: r.ms });
      this.slowest.sort((a, b) => b.ms - a.ms);
      this.slowest.length = Math.min(this.slowest.length, SLOWEST);
    }
    if (r.status === 'error') {
      const message = r.error?.message ?? 'unknown error';
      const group = this.errors.get(message);
      if (group) {
        group.count++;
        if (group.repos.length < EXAMPLES) group.repos.push(r.repo);
      } else if (this.errors.size < ERROR_GROUPS) this.errors.set(message, { count: 1, repos: [r.repo] });
      else this.otherErrors++;
    }
  }

  get errorCount(): number {
    return this.statuses.error;
  }

  /** Something to change or report: changed repositories or findings. */
  get actionable(): number {
    return this.statuses.changed + this.statuses.findings;
  }

  toJSON(extra: Pick<SummaryJson, 'run' | 'notRun' | 'stopped' | 'seconds' | 'exitCode' | 'shard' | 'report' | 'patches'>): SummaryJson {
    return {
      run: extra.run,
      repositories: this.repositories,
      resumed: this.resumed,
      statuses: { ...this.statuses },
      projects: { ...this.projects },
      filesChanged: this.filesChanged,
      rules: Object.fromEntries([...this.rules].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
      slowest: this.slowest.map((s) => ({ ...s })),
      errors: [...this.errors].map(([message, g]) => ({ message, count: g.count, repos: [...g.repos] })).sort((a, b) => b.count - a.count),
      otherErrors: this.otherErrors,
      notRun: extra.notRun,
      ...(extra.stopped ? { stopped: extra.stopped } : {}),
      ...(extra.shard ? { shard: extra.shard } : {}),
      ...(extra.report ? { report: extra.report } : {}),
      ...(extra.patches ? { patches: extra.patches } : {}),
      seconds: extra.seconds,
      exitCode: extra.exitCode,
    };
  }
}

/** The summary as text (stderr). */
export function summaryText(s: SummaryJson, written: boolean): string {
  const out: string[] = [];
  const counts = (c: Record<Status, number>) =>
    STATUSES.filter((st) => c[st])
      .map((st) => `${c[st]} ${st}`)
      .join(', ') || 'none';
  out.push(
    `composemod batch --run ${s.run}${s.shard ? ` (shard ${s.shard})` : ''}: ${s.repositories} ${s.repositories === 1 ? 'repository' : 'repositories'} in ${s.seconds.toFixed(1)} s` +
      (s.resumed ? ` (${s.resumed} from the earlier report)` : ''),
  );
  out.push(`  repositories: ${counts(s.statuses)}`);
  const projects = STATUSES.reduce((n, st) => n + s.projects[st], 0);
  if (projects) out.push(`  projects:     ${counts(s.projects)}`);
  if (s.filesChanged) out.push(`  files ${written ? 'changed' : 'to change'}: ${s.filesChanged}`);
  const rules = Object.entries(s.rules);
  if (rules.length) out.push(`  findings per rule: ${rules.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  if (s.slowest.length) out.push(`  slowest: ${s.slowest.slice(0, 5).map((x) => `${x.repo} ${(x.ms / 1000).toFixed(1)} s`).join(', ')}`);
  if (s.errors.length) {
    out.push('  errors:');
    for (const e of s.errors)
      out.push(`    ${e.count} x ${e.message}  (${e.repos.join(', ')}${e.count > e.repos.length ? ', ...' : ''})`);
    if (s.otherErrors) out.push(`    ${s.otherErrors} more with other messages (see the report)`);
  }
  if (s.notRun)
    out.push(
      `  not run: ${s.notRun} (${s.stopped === 'interrupted' ? 'interrupted' : '--fail-fast stopped at the first error'}; --resume ${s.report ?? 'REPORT'} continues)`,
    );
  if (!s.repositories) out.push('  no repositories: none of the directories under the root is a git work tree (or name them with --repos)');
  if (s.report) out.push(`  report: ${s.report}`);
  if (s.patches) out.push(`  patches: ${s.patches}`);
  return out.join('\n') + '\n';
}
