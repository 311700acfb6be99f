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
    `${ctx.written ? 'extracted' : 'would extract'} a shared base ${rel(ctx.cwd, r.base!)} (${baseChoice(r)}), layout ${r.layout}:`,
  );
  for (const e of r.environments) {
    out.push(`  ${e.name}:`);
    out.push(`    before: ${e.commandBefore}  (${e.linesBefore} lines)`);
    out.push(`    after:  ${e.commandAfter}  (${e.linesAfter} lines${e.verified ? ', same config: verified' : ''})`);
  }
  for (const l of r.layers)
    out.push(`layer: ${rel(ctx.cwd, l.path)}, shared by ${l.envs.join(', ')} (cut from ${l.from}'s file), loaded between the base and their own file`);
  const disabled = r.environments.filter((e) => e.disabled.length);
  for (const e of disabled)
    out.push(`profiles: ${e.name} lacks ${e.disabled.join(', ')}: the base has ${e.disabled.length > 1 ? 'them' : 'it'}, disabled for ${e.name} by \`profiles: [${r.profile}]\``);
  if (disabled.length)
    out.push(
      `profiles: \`docker compose config\` and \`up\` are unchanged; what changes there: \`docker compose run <service>\`, \`up <service>\` or --profile ${r.profile} (or "*") can start such a service, and --all-resources lists the volumes and networks only it uses (--no-profiles to avoid)`,
    );
  const removed = r.linesBefore - r.linesAfter;
  out.push(
    `lines: ${r.linesBefore} before, ${r.linesAfter} after (${removed >= 0 ? `${removed} duplicated lines removed` : `${-removed} lines added`})`,
  );
  for (const w of r.warnings) out.push(`warning: ${w}`);
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
  } else if (ctx.allowReset && !r.notes.some((n) => n.startsWith('--allow-reset')))
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

/** Which file the base was cut from, and why (the totals of the other choices). */
function baseChoice(r: ExtractResult): string {
  const others = (r.baseOptions ?? []).filter((o) => o.env !== r.baseFrom);
  const own = (r.baseOptions ?? []).find((o) => o.env === r.baseFrom);
  if (!own || !others.length) return `cut from ${r.baseFrom}'s file`;
  const measured = others
    .filter((o) => o.lines !== undefined)
    .map((o) => `from ${o.env}'s: ${o.lines}${o.homeless && !own.homeless ? ` but comments of one environment would have to stay in the base` : ''}`);
  const longer = others.filter((o) => o.lines === undefined).map((o) => o.env);
  if (longer.length) measured.push(`from ${longer.map((e) => `${e}'s`).join(' or ')}: longer (estimated)`);
  return `cut from ${r.baseFrom}'s file, ${own.lines} lines in all; ${measured.join(', ')}`;
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
    baseOptions: r.baseOptions ?? [],
    layers: r.layers.map((l) => ({ name: l.name, file: rel(ctx.cwd, l.path), envs: l.envs, from: l.from })),
    profile: r.profile ?? null,
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
      disabled: e.disabled,
    })),
    files: { modified: files('modify'), created: files('create'), deleted: files('delete') },
    written: ctx.written && r.status === 'extracted',
    lines: { before: r.linesBefore, after: r.linesAfter, removed: r.linesBefore - r.linesAfter },
    verification: {
      ok: r.status === 'extracted',
      environments: r.environments.map((e) => ({ name: e.name, ok: e.verified, ...(e.problem ? { problem: e.problem } : {}) })),
    },
    notes: r.notes,
    warnings: r.warnings,
    requires: r.usesReset ? 'Docker Compose >= 2.24.4' : null,
  };
}
