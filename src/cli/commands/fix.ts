import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ComposemodError } from '../../core/errors.js';
import { formatDiff } from '../../core/diff.js';
import { writeChanges, changeKind, linkTarget, type FileChange } from '../../core/save.js';
import { detectProject, parseComposeName, parseEnvSpec, type Environment as EnvSpec } from '../../core/discover.js';
import { transforms } from '../../transforms/index.js';
import type { Severity, Transform, Warning } from '../../transforms/types.js';
import { runFixes, maskSecrets, type FixResult, type FixTarget } from '../../transforms/runner.js';
import { detectRuntime, describeRuntime, resolveSettings, type FixSettings } from '../../transforms/settings.js';
import { useColor, type Io } from '../output.js';

export interface FixOptions {
  only?: string;
  skip?: string;
  env?: string[];
  /** `--env-file [NAME=]FILE`: interpolation files, for one environment or all. */
  envFile?: string[];
  dryRun?: boolean;
  check?: boolean;
  json?: boolean;
  color?: boolean;
  /** Write the exact (unmasked) patch to this file instead of changing the project. */
  patch?: string;
  /** Write even when git has uncommitted changes to the files. */
  allowDirty?: boolean;
  /** `--check` exits 1 on findings at or above this severity (default warning). */
  failOn?: string;
  runtime?: string;
  composeVersion?: string;
  /** Fix options, by their camelCase names (see each fix's meta.options). */
  [fixOption: string]: unknown;
}

const SEVERITY_RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

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

/**
 * The other environments of the project in `dir`, beside the `named` ones: what detection
 * finds, or, when the layout is ambiguous, every other compose file layered on the base the
 * named environments share (or alone). A fix edits shared files, so every one is fixed and checked.
 */
async function discoverOthers(dir: string, named: readonly EnvSpec[]): Promise<EnvSpec[]> {
  const same = (a: EnvSpec, b: EnvSpec) => a.files.length === b.files.length && a.files.every((f, i) => f === b.files[i]);
  const names = new Set(named.map((e) => e.name));
  let found: EnvSpec[];
  try {
    found = (await detectProject(dir)).environments;
  } catch (e) {
    if (!(e instanceof ComposemodError)) throw e;
    const claimed = new Set(named.flatMap((e) => e.files));
    const firsts = new Set(named.map((e) => e.files[0]));
    const base = firsts.size === 1 && named.every((e) => e.files.length > 1) ? [...firsts][0] : undefined;
    found = [];
    for (const n of (await fs.readdir(dir)).sort()) {
      const parsed = parseComposeName(n);
      const f = path.join(dir, n);
      if (!parsed || claimed.has(f)) continue;
      found.push({ name: parsed.env ?? n, files: base ? [base, f] : [f] });
    }
  }
  return found.filter((e) => !names.has(e.name) && !named.some((n) => same(n, e)));
}

/** `--env-file [NAME=]FILE`: FILE for environment NAME, or for every environment. */
function applyEnvFiles(environments: FixTarget['environments'], specs: readonly string[] | undefined, dir: string): void {
  for (const spec of specs ?? []) {
    const eq = spec.indexOf('=');
    const named = eq > 0 && environments.some((e) => e.name === spec.slice(0, eq));
    const file = path.resolve(dir, named ? spec.slice(eq + 1) : spec);
    const envs = named ? environments.filter((e) => e.name === spec.slice(0, eq)) : environments;
    for (const e of envs) e.envFiles = [...(e.envFiles ?? []), file];
  }
}

/** Turns `fix` paths and `--env` specs into fix targets (one per directory). */
export async function resolveTargets(io: Io, paths: string[], envSpecs: string[] | undefined, envFiles?: string[]): Promise<FixTarget[]> {
  if (envSpecs?.length) {
    // --env files are relative to the project directory (the first path, or its directory)
    let dir = paths[0] ? path.resolve(io.cwd, paths[0]) : io.cwd;
    if (paths[0] && (await fs.stat(dir).catch(() => undefined))?.isFile()) dir = path.dirname(dir);
    const named = envSpecs.map((s) => parseEnvSpec(s, dir));
    const environments = [...named, ...(await discoverOthers(dir, named)).map((e) => ({ ...e, discovered: true }))];
    applyEnvFiles(environments, envFiles, dir);
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
    let target: FixTarget;
    if (stat.isDirectory()) {
      const project = await detectProject(abs);
      if (!project.environments.length)
        throw new ComposemodError('no compose files found (looked for compose.yaml, docker-compose.yml, ...)', { file: p });
      target = { dir: abs, environments: project.environments };
    } else {
      const dir = path.dirname(abs);
      const own = { name: path.basename(abs), files: [abs] };
      // environments of the directory that also load this file: its edits reach them
      const others = parseComposeName(path.basename(abs)) ? (await discoverOthers(dir, [own])).filter((e) => e.files.includes(abs)) : [];
      target = { dir, environments: [own, ...others.map((e) => ({ ...e, discovered: true }))] };
    }
    applyEnvFiles(target.environments, envFiles, target.dir);
    targets.push(target);
  }
  return targets;
}

export async function fixCommand(io: Io, paths: string[], opts: FixOptions): Promise<number> {
  const failOn = (opts.failOn ?? 'warning') as Severity;
  if (!(failOn in SEVERITY_RANK)) throw new ComposemodError(`invalid --fail-on "${opts.failOn}": expected error, warning or note`);
  const selected = selectTransforms(opts.only, opts.skip);
  const targets = await resolveTargets(io, paths, opts.env, opts.envFile);
  const results: Run[] = [];
  for (const target of targets) {
    const settings = resolveSettings(opts, opts.runtime ? undefined : detectRuntime(target.dir));
    results.push({ target, settings, result: await runFixes(target, selected, opts, settings) });
  }

  const masks = results.flatMap((r) => r.result.masks);
  const mask = (s: string) => maskSecrets(s, masks, 6);
  const changes = results.flatMap((r) => r.result.changes);
  const write = !opts.dryRun && !opts.check && !opts.patch;
  // a symlinked file is shown and patched as the file it points to
  const shown = await Promise.all(changes.map(async (c) => (c.before !== null && c.after !== null ? { ...c, path: await linkTarget(c.path) } : c)));
  if (write && changes.length && !opts.allowDirty) await refuseDirty(io, shown);
  if (write) await writeChanges(changes);
  if (opts.patch) await writePrivate(path.resolve(io.cwd, opts.patch), formatDiff(shown, { cwd: io.cwd }));

  if (opts.json) {
    io.stdout.write(mask(relText(io, JSON.stringify(jsonReport(io, selected, results, write), null, 2))) + '\n');
  } else if (opts.dryRun) {
    const diff = formatDiff(shown, { cwd: io.cwd, color: useColor(io, opts.color) });
    const masked = maskSecrets(diff, masks);
    if (masked !== diff)
      io.stdout.write(
        '# composemod: secret values in this diff are masked as ********, so it does not apply as is;\n' +
          '# `composemod fix --patch FILE` writes the exact patch (mode 0600) for `git apply FILE`.\n',
      );
    io.stdout.write(masked);
  }
  if (!opts.json) io.stderr.write(mask(relText(io, summary(io, selected, results, write, opts.patch))));
  if (opts.check) return findings(results).some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
  return 0;
}

interface Run {
  target: FixTarget;
  settings: FixSettings;
  result: FixResult;
}

/** What `--check` judges: every change a fix would make (warning), every finding with its severity. */
function findings(results: readonly Run[]): { severity: Severity }[] {
  return results.flatMap((r) => [
    ...r.result.notes.map(() => ({ severity: 'warning' as Severity })),
    ...r.result.warnings,
    ...r.result.infos,
  ]);
}

/** In a git work tree, refuse to overwrite files with uncommitted changes (untracked ones included). */
async function refuseDirty(io: Io, changes: readonly FileChange[]): Promise<void> {
  const byRepo = new Map<string, string[]>();
  for (const c of changes) {
    if (c.before === null) continue;
    const dir = path.dirname(c.path);
    const top = await git(dir, ['rev-parse', '--show-toplevel']);
    if (top === null) continue;
    const root = top.trim();
    byRepo.set(root, [...(byRepo.get(root) ?? []), c.path]);
  }
  const dirty: string[] = [];
  for (const [root, files] of byRepo) {
    const out = await git(root, ['status', '--porcelain', '-z', '--', ...files.map((f) => path.relative(root, f))]);
    if (!out) continue;
    for (const entry of out.split('\0').filter(Boolean)) dirty.push(path.relative(io.cwd, path.join(root, entry.slice(3))) || entry.slice(3));
  }
  if (dirty.length)
    throw new ComposemodError(
      `refusing to write: git has uncommitted changes to ${dirty.join(', ')}; commit or stash them first (so the fix is its own reviewable diff), or pass --allow-dirty`,
      { exitCode: 2 },
    );
}

/** stdout of `git -C dir ...`, or null when dir is not in a work tree (or git is missing). */
function git(dir: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => resolve(err ? null : stdout));
  });
}

/** Writes a file readable by its owner only (a patch holds secret values), atomically. */
async function writePrivate(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.composemod-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temp, text, { mode: 0o600, flag: 'wx' });
    await fs.chmod(temp, 0o600);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw new ComposemodError(`cannot write the patch: ${(e as Error).message}`, { file });
  }
}

function rel(io: Io, p: string): string {
  return path.relative(io.cwd, path.resolve(io.cwd, p)) || p;
}

/** Fixes name files by absolute path in their prose; show them relative to the working directory. */
function relText(io: Io, s: string): string {
  return s.split(io.cwd + path.sep).join('');
}

function where(io: Io, w: { file?: string; line?: number; service?: string }): string {
  const file = w.file ? `${rel(io, w.file)}${w.line ? `:${w.line}` : ''}` : '';
  return [file, w.service ? `[${w.service}]` : ''].filter(Boolean).join(' ');
}

function summary(io: Io, selected: Transform[], results: readonly Run[], wrote: boolean, patch: string | undefined): string {
  const out: string[] = [];
  for (const { target, settings, result } of results) {
    const envs = (discovered: boolean) =>
      target.environments
        .filter((e) => !!e.discovered === discovered)
        .map((e) => `${e.name} (${e.files.map((f) => rel(io, f)).join(' + ')})`)
        .join(', ');
    out.push(`${rel(io, target.dir)}: ${envs(false)}`);
    if (target.environments.some((e) => e.discovered)) out.push(`  also fixed and checked (found in the directory): ${envs(true)}`);
    out.push(`  runtime: ${describeRuntime(settings.runtime)}`);
    for (const t of selected) {
      const notes = result.notes.filter((n) => n.fix === t.meta.name);
      out.push(`  ${t.meta.name}: ${notes.length ? `${notes.length} change${notes.length > 1 ? 's' : ''}` : 'nothing to do'}`);
      for (const n of notes) out.push(`    ${where(io, n)}: ${n.message}\n      why: ${n.reason}`);
      for (const i of result.infos.filter((x) => x.fix === t.meta.name)) out.push(`    ${where(io, i) ? `${where(io, i)} ` : ''}${i.message} (${i.id})`);
    }
    if (result.warnings.length) {
      out.push('  needs a human:');
      for (const w of result.warnings) out.push(`    ! ${w.severity} ${where(io, w) ? `${where(io, w)}: ` : ''}${w.message} (${w.id})`);
    }
    if (result.intents.length)
      out.push(
        `  checked ${result.environmentsChecked} environment${result.environmentsChecked > 1 ? 's' : ''}: what every container gets changes only as declared (${result.intents.length} change${result.intents.length > 1 ? 's' : ''})`,
      );
  }
  const changes = results.flatMap((r) => r.result.changes);
  const verb = wrote ? 'changed' : 'would change';
  out.push(
    changes.length
      ? `${changes.length} file${changes.length > 1 ? 's' : ''} ${verb}: ${changes.map((c) => `${rel(io, c.path)} (${changeKind(c)})`).join(', ')}`
      : 'nothing to change',
  );
  if (patch && changes.length) out.push(`patch written to ${rel(io, path.resolve(io.cwd, patch))} (mode 0600; apply with \`git apply ${patch}\`)`);
  return out.join('\n') + '\n';
}

function jsonFinding(io: Io, w: Warning) {
  return { ...w, file: w.file ? rel(io, w.file) : undefined };
}

function jsonReport(io: Io, selected: Transform[], results: readonly Run[], wrote: boolean) {
  return {
    fixes: selected.map((t) => t.meta.name),
    written: wrote,
    projects: results.map(({ target, settings, result }) => ({
      dir: rel(io, target.dir),
      runtime: settings.runtime,
      environments: target.environments.map((e) => ({
        name: e.name,
        files: e.files.map((f) => rel(io, f)),
        ...(e.envFiles ? { envFiles: e.envFiles.map((f) => rel(io, f)) } : {}),
        discovered: !!e.discovered,
      })),
      counts: result.counts,
      changes: result.notes,
      warnings: result.warnings.map((w) => jsonFinding(io, w)),
      info: result.infos.map((w) => jsonFinding(io, w)),
      intents: result.intents,
      files: result.changes.map((c) => ({ path: rel(io, c.path), kind: changeKind(c) })),
    })),
  };
}
