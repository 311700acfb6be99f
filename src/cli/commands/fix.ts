import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ComposemodError } from '../../core/errors.js';
import { formatDiff } from '../../core/diff.js';
import { writeChanges, changeKind, linkTarget, type FileChange } from '../../core/save.js';
import { fix, type FixReport, type ProjectRun } from '../../api.js';
import type { Finding, RuleMeta } from '../../rules/types.js';
import { maskSecrets, type FixResult } from '../../rules/engine.js';
import { describeRuntime } from '../../rules/settings.js';
import { useColor, type Io } from '../output.js';
import { checkCommand, runRequest } from './check.js';
import { SEVERITY_RANK } from '../formats/report.js';

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
  /** A config file instead of the one found from the project directory up. */
  config?: string;
  /** Rule options, by their camelCase names (see each rule's meta.options). */
  [ruleOption: string]: unknown;
}

export async function fixCommand(io: Io, paths: string[], opts: FixOptions): Promise<number> {
  const failOn = opts.failOn ?? 'warning';
  if (!(failOn in SEVERITY_RANK)) throw new ComposemodError(`invalid --fail-on "${opts.failOn}": expected error, warning or note`);
  // --check is `check` over the rules with a fix: the same findings, the same exit codes
  if (opts.check) return checkCommand(io, paths, { ...opts, format: opts.json ? 'json' : 'text', fixable: true });
  const report = await fix(runRequest(io, paths, opts));
  const results = report.projects;

  const masks = results.flatMap((r) => r.result.masks);
  const mask = (s: string) => maskSecrets(s, masks, 6);
  const changes = results.flatMap((r) => r.result.changes);
  const write = !opts.dryRun && !opts.patch;
  // a symlinked file is shown and patched as the file it points to
  const shown = await Promise.all(changes.map(async (c) => (c.before !== null && c.after !== null ? { ...c, path: await linkTarget(c.path) } : c)));
  if (write && changes.length && !opts.allowDirty) await refuseDirty(io, shown);
  if (write) await writeChanges(changes);
  if (opts.patch) await writePrivate(path.resolve(io.cwd, opts.patch), formatDiff(shown, { cwd: io.cwd }));

  if (opts.json) {
    io.stdout.write(mask(relText(io, JSON.stringify(jsonReport(io, report, write), null, 2))) + '\n');
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
  if (!opts.json) io.stderr.write(mask(relText(io, summary(io, report.rules, results, write, opts.patch))));
  return 0;
}

type Run = ProjectRun<FixResult>;

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

/** Not fixed and not suppressed: what the summary lists (needs a human, or a note under its rule). */
const open = (f: Finding & { fixed: boolean }): boolean => !f.fixed && !f.suppressed;
const needsHuman = (f: Finding & { fixed: boolean }): boolean => open(f) && (f.severity !== 'note' || !!f.afterFix);

function summary(io: Io, rules: readonly RuleMeta[], results: readonly Run[], wrote: boolean, patch: string | undefined): string {
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
    for (const r of rules) {
      const notes = result.notes.filter((n) => n.rule === r.id);
      out.push(`  ${r.id}: ${notes.length ? `${notes.length} change${notes.length > 1 ? 's' : ''}` : 'nothing to do'}`);
      for (const n of notes) out.push(`    ${where(io, n)}: ${n.message}\n      why: ${n.reason}`);
      for (const d of result.decisions.filter((x) => x.rule === r.id)) out.push(`    ${where(io, d) ? `${where(io, d)} ` : ''}${d.message} (${d.rule})`);
      for (const i of result.findings.filter((x) => x.rule === r.id && open(x) && !needsHuman(x)))
        out.push(`    ${where(io, i) ? `${where(io, i)} ` : ''}${i.message} (${i.id})`);
    }
    const human = result.findings.filter(needsHuman);
    if (human.length) {
      out.push('  needs a human:');
      for (const w of human) out.push(`    ! ${w.severity} ${where(io, w) ? `${where(io, w)}: ` : ''}${w.message} (${w.id})`);
    }
    const suppressed = result.findings.filter((f) => f.suppressed).length;
    if (suppressed) out.push(`  ${suppressed} finding${suppressed > 1 ? 's' : ''} suppressed by composemod-disable comments: not fixed`);
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

function jsonFinding(io: Io, f: Finding & { fixed: boolean }) {
  return { ...f, file: f.file ? rel(io, f.file) : undefined };
}

function jsonReport(io: Io, report: FixReport, wrote: boolean) {
  return {
    fixes: report.rules.map((r) => r.id),
    written: wrote,
    config: report.config ? rel(io, report.config) : null,
    projects: report.projects.map(({ target, settings, result }) => ({
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
      findings: result.findings.map((f) => jsonFinding(io, f)),
      decisions: result.decisions,
      intents: result.intents,
      files: result.changes.map((c) => ({ path: rel(io, c.path), kind: changeKind(c) })),
    })),
  };
}
