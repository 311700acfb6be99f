/** Human summary and JSON report of an extract run. */
import path from 'node:path';
import { changeKind } from '../core/save.js';
import type { ExtractResult } from './extract.js';

export interface ReportContext {
  cwd: string;
  /** What was detected (discovery notes or "environments given with --env"). */
  detected: string[];
  /** The files were written (false for --dry-run / --check). */
  written: boolean;
  allowReset?: boolean;
}

const rel = (cwd: string, f: string): string => path.relative(cwd, f).split(path.sep).join('/') || f;

export function summaryText(r: ExtractResult, ctx: ReportContext): string {
  const out: string[] = [];
  for (const d of ctx.detected) out.push(`detected: ${d}`);
  if (r.status !== 'extracted') {
    out.push(r.status === 'nothing-to-do' ? `nothing to do: ${r.reason}` : `not extracted: ${r.reason}`);
    if (r.status === 'refused') out.push('nothing was written');
    return out.join('\n') + '\n';
  }
  out.push(
    `${ctx.written ? 'extracted' : 'would extract'} a shared base ${rel(ctx.cwd, r.base!)} (from ${r.baseFrom}), layout ${r.layout}:`,
  );
  for (const e of r.environments) {
    out.push(`  ${e.name}:`);
    out.push(`    before: ${e.commandBefore}  (${e.linesBefore} lines)`);
    out.push(`    after:  ${e.commandAfter}  (${e.linesAfter} lines${e.verified ? ', same config: verified' : ''})`);
  }
  const removed = r.linesBefore - r.linesAfter;
  out.push(
    `lines: ${r.linesBefore} before, ${r.linesAfter} after (${removed >= 0 ? `${removed} duplicated lines removed` : `${-removed} lines added`})`,
  );
  for (const n of r.notes) out.push(`note: ${n}`);
  const marked = r.environments.filter((e) => e.markers.length);
  if (marked.length) {
    const seen = new Set<string>();
    for (const e of marked) {
      const file = e.after[e.after.length - 1 - e.layers.length];
      if (seen.has(file)) continue;
      seen.add(file);
      const by = (tag: string) => e.markers.filter((m) => m.tag === tag).map((m) => m.path);
      const parts = (['!reset', '!override'] as const).filter((t) => by(t).length).map((t) => `${t} ${by(t).join(', ')}`);
      out.push(`note: ${rel(ctx.cwd, file)} uses ${parts.join('; ')}`);
    }
    out.push('note: !reset and !override need Docker Compose >= 2.24.4 (not docker-compose v1, not podman-compose)');
  } else if (ctx.allowReset)
    out.push('note: --allow-reset: no !reset/!override was needed; the files work with any Compose v2 and podman-compose');
  const verb = ctx.written ? '' : 'would be ';
  out.push(
    `files ${verb}changed: ${r.changes
      .filter((c) => changeKind(c) !== 'none')
      .map((c) => `${rel(ctx.cwd, c.path)} (${kindWord(changeKind(c))})`)
      .join(', ')}`,
  );
  return out.join('\n') + '\n';
}

function kindWord(k: string): string {
  return k === 'create' ? 'created' : k === 'delete' ? 'deleted' : 'modified';
}

export function jsonReport(r: ExtractResult, ctx: ReportContext): unknown {
  const files = (kind: string) => r.changes.filter((c) => changeKind(c) === kind).map((c) => rel(ctx.cwd, c.path));
  return {
    status: r.status,
    reason: r.reason ?? null,
    detected: ctx.detected,
    layout: r.layout ?? null,
    base: r.base ? rel(ctx.cwd, r.base) : null,
    baseFrom: r.baseFrom ?? null,
    environments: r.environments.map((e) => ({
      name: e.name,
      before: e.before.map((f) => rel(ctx.cwd, f)),
      after: e.after.map((f) => rel(ctx.cwd, f)),
      commandBefore: e.commandBefore,
      commandAfter: e.commandAfter,
      linesBefore: e.linesBefore,
      linesAfter: e.linesAfter,
      verified: e.verified,
      ...(e.problem ? { problem: e.problem } : {}),
      markers: e.markers,
    })),
    files: { modified: files('modify'), created: files('create'), deleted: files('delete') },
    written: ctx.written && r.status === 'extracted',
    lines: { before: r.linesBefore, after: r.linesAfter, removed: r.linesBefore - r.linesAfter },
    verification: {
      ok: r.status === 'extracted',
      environments: r.environments.map((e) => ({ name: e.name, ok: e.verified, ...(e.problem ? { problem: e.problem } : {}) })),
    },
    notes: r.notes,
    requires: r.usesReset ? 'Docker Compose >= 2.24.4' : null,
  };
}
