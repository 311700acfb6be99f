import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ComposemodError } from '../../core/errors.js';
import { formatDiff } from '../../core/diff.js';
import { writeChanges } from '../../core/save.js';
import { loadSource, type ComposeSource } from '../../core/source.js';
import { resolveExtendsFile } from '../../core/project.js';
import { detectProject, parseComposeName, parseEnvSpecs, type Environment, type Family } from '../../core/discover.js';
import { extract, type ExtractResult, type LayerSpec, type Layout } from '../../extract/extract.js';
import { jsonReport, summaryText } from '../../extract/report.js';
import { useColor, type Io } from '../output.js';

export interface ExtractOptions {
  /** Project directory (the positional argument; default: the current directory). */
  dir?: string;
  /** `NAME=FILE[,FILE...]`, repeatable. */
  env?: string[];
  layout?: Layout;
  /** Path of the base file. */
  base?: string;
  /** `ENV=FILE`, repeatable: the file an environment's override is written to. */
  name?: string[];
  /** `NAME=ENV,ENV...`, repeatable: a shared layer for a group of environments. */
  layer?: string[];
  /** false (`--no-layers`): no shared layers unless named with --layer. */
  layers?: boolean;
  /** false (`--no-profiles`): never disable a service with a profile. */
  profiles?: boolean;
  /** `--min-saving <percent>`: extract only when it removes at least this share of the lines. */
  minSaving?: string | number;
  allowReset?: boolean;
  /** false with --no-update-refs: leave scripts, CI, docs… naming the old file lists alone. */
  updateRefs?: boolean;
  dryRun?: boolean;
  check?: boolean;
  json?: boolean;
  color?: boolean;
}

/**
 * `composemod extract [dir]`: one shared base plus one override per environment.
 * Exit codes: 0 done or nothing to do, 1 with --check when a migration is possible,
 * 2 bad input or a migration that cannot be done safely (nothing written).
 */
export async function extractCommand(io: Io, opts: ExtractOptions): Promise<number> {
  const { result, detected, after } = await extractProject(io, opts);
  return finish(io, opts, result, detected, after);
}

/**
 * Detects (or takes from `--env`) the project's environments and plans the extraction; writes
 * nothing. `extract` and `batch --run extract` share it.
 */
export async function extractProject(io: Io, opts: ExtractOptions): Promise<{ result: ExtractResult; detected: string[]; after?: After }> {
  if (opts.layout !== undefined && opts.layout !== 'override' && opts.layout !== 'per-env')
    throw new ComposemodError(`invalid --layout "${String(opts.layout)}": use override or per-env`);
  const dir = path.resolve(io.cwd, opts.dir ?? '.');
  let environments: Environment[];
  let family: Family;
  let ext: '.yml' | '.yaml';
  let loaded: ReadonlyMap<string, ComposeSource> | undefined;
  const detected: string[] = [];
  if (opts.env?.length) {
    environments = parseEnvSpecs(opts.env, dir); // files are relative to the project directory
    const named = environments.flatMap((e) => e.files).map((f) => parseComposeName(path.basename(f)));
    const def = named.find((n) => n?.role === 'default');
    family = def?.family ?? named.find((n) => n)?.family ?? (environments[0].files[0].includes('docker-compose') ? 'docker-compose' : 'compose');
    ext = def?.ext ?? named.find((n) => n)?.ext ?? (environments[0].files[0].endsWith('.yml') ? '.yml' : '.yaml');
    detected.push(`environments from --env: ${environments.map((e) => `${e.name} (${e.files.map((f) => rel(io, f)).join(' + ')})`).join(', ')}`);
  } else {
    const project = await detectProject(dir);
    detected.push(...project.notes);
    if (project.kind !== 'per-env') {
      const reason =
        project.kind === 'base+override'
          ? 'the files are already a base+override layout; leaving them alone'
          : project.kind === 'single'
            ? 'a single environment: nothing to share'
            : `no compose files in ${rel(io, dir)} (looked for compose.yaml, docker-compose.yml, compose.<env>.yaml, ...)`;
      return { result: { status: 'nothing-to-do', reason, environments: [], layers: [], changes: [], linesBefore: 0, linesAfter: 0, notes: [], warnings: [] }, detected };
    }
    environments = project.environments;
    loaded = project.sources;
    family = project.family;
    ext = project.ext;
  }
  const sources = new Map<string, ComposeSource>();
  // files detection already parsed are not read again
  for (const e of environments) for (const f of e.files) if (!sources.has(f)) sources.set(f, loaded?.get(f) ?? (await loadSource(f)));
  const projectDir = opts.env?.length ? commonDir(environments, dir) : dir;
  const result = extract({
    dir: projectDir,
    environments,
    sources,
    family,
    ext,
    layout: opts.layout,
    base: opts.base ? path.resolve(io.cwd, opts.base) : undefined,
    names: parseNames(opts.name ?? [], projectDir),
    layers: (opts.layer ?? []).map(parseLayer),
    autoLayers: opts.layers !== false,
    profiles: opts.profiles !== false,
    minSaving: parseMinSaving(opts.minSaving),
    exists: existsSync,
    ignored: (file) => gitIgnored(file),
    resolveExtendsFile,
    allowReset: opts.allowReset,
  });
  // src/refs: references to the old file lists follow the new ones; prettier keeps formatting
  const after = await (await import('../../refs/extract.js')).afterExtract(result, { updateRefs: opts.updateRefs });
  return { result: after.result, detected, after };
}

type After = { summary(cwd: string, written: boolean): string; json(cwd: string): Record<string, unknown> };

async function finish(io: Io, opts: ExtractOptions, result: ExtractResult, detected: string[], after?: After): Promise<number> {
  const write = result.status === 'extracted' && !opts.dryRun && !opts.check;
  if (write) await writeChanges(result.changes);
  const ctx = { cwd: io.cwd, detected, written: write, allowReset: opts.allowReset };
  if (opts.json) io.stdout.write(JSON.stringify({ ...(jsonReport(result, ctx) as object), ...after?.json(io.cwd) }, null, 2) + '\n');
  else {
    if (opts.dryRun && result.status === 'extracted')
      io.stdout.write(formatDiff(result.changes, { cwd: io.cwd, color: useColor(io, opts.color) }));
    const text = summaryText(result, ctx) + (after?.summary(io.cwd, write) ?? '');
    if (result.status === 'refused') io.stderr.write(text.replace(/^(?=not extracted)/m, 'composemod: '));
    else io.stdout.write(text);
  }
  if (result.status === 'refused') return 2;
  if (opts.check) return result.status === 'extracted' ? 1 : 0;
  return 0;
}

function rel(io: Io, p: string): string {
  return path.relative(io.cwd, p).split(path.sep).join('/') || p;
}

/** `--name ENV=FILE`: files relative to the project directory. */
function parseNames(specs: string[], dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const env = eq > 0 ? spec.slice(0, eq).trim() : '';
    const file = eq > 0 ? spec.slice(eq + 1).trim() : '';
    if (!env || !file || !/\.ya?ml$/.test(file))
      throw new ComposemodError(`invalid --name "${spec}": expected ENV=FILE with a .yml or .yaml file (e.g. prod=compose.production.yaml)`);
    if (out.has(env)) throw new ComposemodError(`--name ${env} is given twice`);
    out.set(env, path.resolve(dir, file));
  }
  return out;
}

/** `--min-saving 5` (percent of the lines) -> 0.05. */
function parseMinSaving(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(String(value).replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new ComposemodError(`invalid --min-saving "${value}": a percentage from 0 to 100`);
  return n / 100;
}

/** `--layer NAME=ENV,ENV...`. */
function parseLayer(spec: string): LayerSpec {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq).trim() : '';
  const envs = eq > 0 ? spec.slice(eq + 1).split(',').map((e) => e.trim()).filter(Boolean) : [];
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || envs.length < 2)
    throw new ComposemodError(`invalid --layer "${spec}": expected NAME=ENV,ENV[,ENV...] (e.g. deploy=staging,prod)`);
  return { name, envs };
}

/**
 * Would git ignore this file (`git check-ignore`)? False outside a git work tree or without
 * git: nothing to warn about then.
 */
export function gitIgnored(file: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', '--', path.basename(file)], {
      cwd: path.dirname(file),
      stdio: 'ignore',
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** With --env, new files go beside the environment files (their common directory). */
function commonDir(envs: Environment[], fallback: string): string {
  const dirs = new Set(envs.flatMap((e) => e.files.map((f) => path.dirname(f))));
  return dirs.size === 1 ? [...dirs][0] : fallback;
}
