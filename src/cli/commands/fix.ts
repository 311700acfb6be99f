import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ComposemodError } from '../../core/errors.js';
import { formatDiff } from '../../core/diff.js';
import { writeChanges, changeKind } from '../../core/save.js';
import { detectProject, parseEnvSpec } from '../../core/discover.js';
import { transforms } from '../../transforms/index.js';
import type { Transform } from '../../transforms/types.js';
import { runFixes, maskSecrets, type FixResult, type FixTarget } from '../../transforms/runner.js';
import { useColor, type Io } from '../output.js';

export interface FixOptions {
  only?: string;
  skip?: string;
  env?: string[];
  dryRun?: boolean;
  check?: boolean;
  json?: boolean;
  color?: boolean;
  /** Fix options, by their camelCase names (see each fix's meta.options). */
  [fixOption: string]: unknown;
}

/** Which fixes run: `--only` (any, network ones included) or all offline ones, minus `--skip`. */
export function selectTransforms(only: string | undefined, skip: string | undefined): Transform[] {
  const names = (s: string | undefined) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const known = new Set(transforms.map((t) => t.meta.name));
  for (const n of [...names(only), ...names(skip)])
    if (!known.has(n))
      throw new ComposemodError(`unknown fix "${n}" (known: ${[...known].join(', ')}; see composemod list)`);
  const onlySet = new Set(names(only));
  const skipSet = new Set(names(skip));
  return transforms.filter(
    (t) => (onlySet.size ? onlySet.has(t.meta.name) : !t.meta.network) && !skipSet.has(t.meta.name),
  );
}

/** Turns `fix` paths and `--env` specs into fix targets (one per directory). */
export async function resolveTargets(io: Io, paths: string[], envSpecs: string[] | undefined): Promise<FixTarget[]> {
  if (envSpecs?.length) {
    // --env files are relative to the project directory (the first path, or its directory)
    let dir = paths[0] ? path.resolve(io.cwd, paths[0]) : io.cwd;
    if (paths[0] && (await fs.stat(dir).catch(() => undefined))?.isFile()) dir = path.dirname(dir);
    const environments = envSpecs.map((s) => parseEnvSpec(s, dir));
    return [{ dir, environments }];
  }
  const targets: FixTarget[] = [];
  for (const p of paths.length ? paths : ['.']) {
    const abs = path.resolve(io.cwd, p);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch {
      throw new ComposemodError('no such file or directory', { file: p });
    }
    if (stat.isDirectory()) {
      const project = await detectProject(abs);
      if (!project.environments.length)
        throw new ComposemodError('no compose files found (looked for compose.yaml, docker-compose.yml, ...)', { file: p });
      targets.push({ dir: abs, environments: project.environments });
    } else {
      targets.push({ dir: path.dirname(abs), environments: [{ name: path.basename(abs), files: [abs] }] });
    }
  }
  return targets;
}

export async function fixCommand(io: Io, paths: string[], opts: FixOptions): Promise<number> {
  const selected = selectTransforms(opts.only, opts.skip);
  const targets = await resolveTargets(io, paths, opts.env);
  const results: { target: FixTarget; result: FixResult }[] = [];
  for (const target of targets) results.push({ target, result: await runFixes(target, selected, opts) });

  const masks = results.flatMap((r) => r.result.masks);
  const mask = (s: string) => maskSecrets(s, masks, 6);
  const maskDiff = (s: string) => maskSecrets(s, masks);
  const changes = results.flatMap((r) => r.result.changes);
  const write = !opts.dryRun && !opts.check;
  if (write) await writeChanges(changes);

  if (opts.json) {
    io.stdout.write(mask(relText(io, JSON.stringify(jsonReport(io, selected, results, write), null, 2))) + '\n');
  } else {
    if (opts.dryRun) io.stdout.write(maskDiff(formatDiff(changes, { cwd: io.cwd, color: useColor(io, opts.color) })));
    io.stdout.write(mask(relText(io, summary(io, selected, results, write))));
  }
  if (opts.check) return changes.length ? 1 : 0;
  return 0;
}

function rel(io: Io, p: string): string {
  return path.relative(io.cwd, path.resolve(io.cwd, p)) || p;
}

/** Fixes name files by absolute path in their prose; show them relative to the working directory. */
function relText(io: Io, s: string): string {
  return s.split(io.cwd + path.sep).join('');
}

function summary(io: Io, selected: Transform[], results: { target: FixTarget; result: FixResult }[], wrote: boolean): string {
  const out: string[] = [];
  for (const { target, result } of results) {
    out.push(
      `${rel(io, target.dir)}: ${target.environments.map((e) => `${e.name} (${e.files.map((f) => rel(io, f)).join(' + ')})`).join(', ')}`,
    );
    for (const t of selected) {
      const notes = result.notes.filter((n) => n.fix === t.meta.name);
      out.push(`  ${t.meta.name}: ${notes.length ? `${notes.length} change${notes.length > 1 ? 's' : ''}` : 'nothing to do'}`);
      for (const n of notes)
        out.push(`    ${rel(io, n.file)}${n.service ? ` [${n.service}]` : ''}: ${n.message}\n      why: ${n.reason}`);
      for (const i of result.infos.filter((x) => x.fix === t.meta.name))
        out.push(`    ${i.file ? `${rel(io, i.file)}: ` : ''}${i.service ? `[${i.service}] ` : ''}${i.message}`);
    }
    if (result.warnings.length) {
      out.push('  needs a human:');
      for (const w of result.warnings)
        out.push(`    ! ${w.fix}${w.file ? ` ${rel(io, w.file)}` : ''}${w.service ? ` [${w.service}]` : ''}: ${w.message}`);
    }
  }
  const changes = results.flatMap((r) => r.result.changes);
  const verb = wrote ? 'changed' : 'would change';
  out.push(
    changes.length
      ? `${changes.length} file${changes.length > 1 ? 's' : ''} ${verb}: ${changes.map((c) => `${rel(io, c.path)} (${changeKind(c)})`).join(', ')}`
      : 'nothing to change',
  );
  return out.join('\n') + '\n';
}

function jsonReport(io: Io, selected: Transform[], results: { target: FixTarget; result: FixResult }[], wrote: boolean) {
  return {
    fixes: selected.map((t) => t.meta.name),
    written: wrote,
    projects: results.map(({ target, result }) => ({
      dir: rel(io, target.dir),
      environments: target.environments.map((e) => ({ name: e.name, files: e.files.map((f) => rel(io, f)) })),
      counts: result.counts,
      changes: result.notes,
      warnings: result.warnings,
      info: result.infos,
      files: result.changes.map((c) => ({ path: rel(io, c.path), kind: changeKind(c) })),
    })),
  };
}
