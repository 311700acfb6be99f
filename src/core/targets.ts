/**
 * From what a user names (paths, `--env NAME=FILE[,FILE...]`, `--env-file`) to projects: one
 * target per project directory, with every environment of it. A fix edits shared files, so the
 * environments found in the directory beside the named ones are fixed and checked too.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { ComposemodError } from './errors.js';
import { detectProject, parseComposeName, parseEnvSpec, type Environment as EnvSpec } from './discover.js';

/** An environment as named or detected: the ordered files Compose gets with `-f`. */
export interface EnvironmentSpec {
  name: string;
  /** Absolute paths, in `-f` order. */
  files: string[];
  /** `--env-file`s for interpolation (absolute); none: the project's `.env`. */
  envFiles?: string[];
  /** Found in the project directory rather than named (fixed and checked all the same). */
  discovered?: boolean;
}

/** What to check or fix: one project directory and its environments (a file may be in several). */
export interface ProjectTarget {
  dir: string;
  environments: EnvironmentSpec[];
}

export interface TargetRequest {
  /** Compose files or directories (default: the working directory). */
  paths?: readonly string[];
  /** `NAME=FILE[,FILE...]`, relative to the first path (or its directory). */
  env?: readonly string[];
  /** `[NAME=]FILE`: interpolation files for environment NAME, or for all. */
  envFile?: readonly string[];
  /** Environments from the config file (absolute files), used for a directory when no --env is given. */
  configEnvironments?: readonly { name: string; files: string[] }[];
  /** Globs of compose files never checked or fixed, relative to `excludeBase`. */
  exclude?: readonly string[];
  excludeBase?: string;
}

/**
 * The other environments of the project in `dir`, beside the `named` ones: what detection
 * finds, or, when the layout is ambiguous, every other compose file layered on the base the
 * named environments share (or alone).
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
function applyEnvFiles(environments: EnvironmentSpec[], specs: readonly string[] | undefined, dir: string): void {
  for (const spec of specs ?? []) {
    const eq = spec.indexOf('=');
    const named = eq > 0 && environments.some((e) => e.name === spec.slice(0, eq));
    const file = path.resolve(dir, named ? spec.slice(eq + 1) : spec);
    const envs = named ? environments.filter((e) => e.name === spec.slice(0, eq)) : environments;
    for (const e of envs) e.envFiles = [...(e.envFiles ?? []), file];
  }
}

/** Turns paths and `--env` specs into targets (one per project directory); `cwd` resolves relative paths. */
export async function resolveTargets(cwd: string, req: TargetRequest = {}): Promise<ProjectTarget[]> {
  const paths = req.paths ?? [];
  const excluded = excluder(req.exclude, req.excludeBase ?? cwd);
  const keep = (t: ProjectTarget): ProjectTarget => ({ ...t, environments: t.environments.filter((e) => !e.files.some(excluded)) });
  if (req.env?.length) {
    // --env files are relative to the project directory (the first path, or its directory)
    let dir = paths[0] ? path.resolve(cwd, paths[0]) : cwd;
    if (paths[0] && (await fs.stat(dir).catch(() => undefined))?.isFile()) dir = path.dirname(dir);
    const named = req.env.map((s) => parseEnvSpec(s, dir));
    const environments: EnvironmentSpec[] = [...named, ...(await discoverOthers(dir, named)).map((e) => ({ ...e, discovered: true }))];
    applyEnvFiles(environments, req.envFile, dir);
    return [keep({ dir, environments })];
  }
  const targets: ProjectTarget[] = [];
  for (const p of paths.length ? paths : ['.']) {
    const abs = path.resolve(cwd, p);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch {
      throw new ComposemodError('no such file or directory', { file: p });
    }
    let target: ProjectTarget;
    if (stat.isDirectory()) {
      if (req.configEnvironments?.length) target = { dir: abs, environments: req.configEnvironments.map((e) => ({ name: e.name, files: [...e.files] })) };
      else {
        const project = await detectProject(abs);
        if (!project.environments.length)
          throw new ComposemodError('no compose files found (looked for compose.yaml, docker-compose.yml, ...)', { file: p });
        target = { dir: abs, environments: project.environments };
      }
    } else {
      if (excluded(abs)) continue;
      const dir = path.dirname(abs);
      const own = { name: path.basename(abs), files: [abs] };
      // environments of the directory that also load this file: its edits reach them
      const others = parseComposeName(path.basename(abs)) ? (await discoverOthers(dir, [own])).filter((e) => e.files.includes(abs)) : [];
      target = { dir, environments: [own, ...others.map((e) => ({ ...e, discovered: true }))] };
    }
    applyEnvFiles(target.environments, req.envFile, target.dir);
    const kept = keep(target);
    if (kept.environments.length) targets.push(kept);
  }
  return targets;
}

/** A predicate for the exclude globs (none: nothing is excluded). */
function excluder(globs: readonly string[] | undefined, base: string): (file: string) => boolean {
  if (!globs?.length) return () => false;
  const match = picomatch([...globs], { dot: true });
  return (file) => {
    const rel = path.relative(base, file).split(path.sep).join('/');
    return match(rel) || match(path.basename(file));
  };
}
