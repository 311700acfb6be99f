/**
 * `check` and `fix` as library functions: a project in (paths, or named environments, as on
 * the command line), findings or changes out. The CLI commands are these plus output. Nothing
 * is written: `fix` returns FileChanges (write them with `writeChanges`).
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { loadConfigFile } from './core/config-file.js';
import { resolveTargets, type ProjectTarget } from './core/targets.js';
import { loadRules } from './rules/index.js';
import { selectRules } from './rules/select.js';
import { configure, type Configured } from './rules/configure.js';
import { checkProject, fixProject, type CheckResult, type FixResult } from './rules/engine.js';
import { detectRuntime, resolveSettings, type FixSettings } from './rules/settings.js';
import type { RuleMeta } from './rules/types.js';

export interface RunRequest {
  /** Relative paths resolve against it (default: process.cwd()). */
  cwd?: string;
  /** Compose files or project directories (default: cwd). */
  paths?: readonly string[];
  /** Environments `NAME=FILE[,FILE...]`, relative to the first path. */
  env?: readonly string[];
  /** `[NAME=]FILE`: interpolation files. */
  envFile?: readonly string[];
  /** A config file (relative to cwd); false: none, not even a found one. Default: search from the project directory up. */
  config?: string | false;
  /** Rule ids (comma-separated or a list): run only these. */
  only?: string | readonly string[];
  skip?: string | readonly string[];
  /** Rule options by their camelCase names (command-line flags); they win over the config. */
  options?: Readonly<Record<string, unknown>>;
  runtime?: string;
  composeVersion?: string;
}

export interface CheckRequest extends RunRequest {
  /** Only rules with a fix (what `fix --check` judges: the same findings `fix` would act on). */
  fixable?: boolean;
  /** Compute the change each fixable finding proposes (`proposed`, as SARIF `fixes`). */
  proposeFixes?: boolean;
}

export interface ProjectRun<R> {
  target: ProjectTarget;
  settings: FixSettings;
  result: R;
}

export interface CheckReport {
  projects: ProjectRun<CheckResult>[];
  /** Every rule composemod has (metadata), for reports (SARIF `rules`). */
  rules: RuleMeta[];
  /** The config file used, if any. */
  config: string | null;
}

export interface FixReport {
  projects: ProjectRun<FixResult>[];
  /** The rules that ran, in order. */
  rules: RuleMeta[];
  config: string | null;
}

interface Prepared {
  cwd: string;
  configured: Configured;
  targets: ProjectTarget[];
  all: RuleMeta[];
}

async function prepare(req: RunRequest): Promise<Prepared> {
  const cwd = req.cwd ?? process.cwd();
  let searchFrom = req.paths?.[0] ? path.resolve(cwd, req.paths[0]) : cwd;
  if (req.paths?.[0] && (await stat(searchFrom).catch(() => undefined))?.isFile()) searchFrom = path.dirname(searchFrom);
  const all = (await loadRules()).map((r) => r.meta);
  const cfg = req.config === false ? null : await loadConfigFile(searchFrom, req.config, cwd);
  const configured = configure(cfg, all);
  const targets = await resolveTargets(cwd, {
    paths: req.paths,
    env: req.env,
    envFile: req.envFile,
    configEnvironments: configured.environments,
    exclude: configured.exclude,
    excludeBase: configured.excludeBase,
  });
  return { cwd, configured, targets, all };
}

function settingsFor(req: RunRequest, configured: Configured, target: ProjectTarget, detected: Map<string, ReturnType<typeof detectRuntime>>): FixSettings {
  const runtime = req.runtime ?? configured.runtime;
  // detection reads the directory's scripts: once per directory (many files of one directory are many targets)
  if (!runtime && !detected.has(target.dir)) detected.set(target.dir, detectRuntime(target.dir));
  return resolveSettings({ runtime, composeVersion: req.composeVersion ?? configured.composeVersion }, runtime ? undefined : detected.get(target.dir));
}

/** Runs every selected rule over each project and reports what they find. */
export async function check(req: CheckRequest = {}): Promise<CheckReport> {
  const p = await prepare(req);
  const rules = await selectRules(req.fixable ? 'fix' : 'check', { only: req.only, skip: req.skip, levels: p.configured.levels });
  const projects: ProjectRun<CheckResult>[] = [];
  const detected = new Map<string, ReturnType<typeof detectRuntime>>();
  for (const target of p.targets) {
    const settings = settingsFor(req, p.configured, target, detected);
    const result = await checkProject(target, rules, {
      options: req.options,
      ruleOptions: p.configured.ruleOptions,
      levels: p.configured.levels,
      settings,
      knownRules: p.all.map((m) => m.id),
      proposeFixes: req.proposeFixes,
    });
    projects.push({ target, settings, result });
  }
  return { projects, rules: p.all, config: p.configured.file };
}

/** Applies the fixes of every selected fixable rule to each project; returns the changes (nothing written). */
export async function fix(req: RunRequest = {}): Promise<FixReport> {
  const p = await prepare(req);
  const rules = await selectRules('fix', { only: req.only, skip: req.skip, levels: p.configured.levels });
  const projects: ProjectRun<FixResult>[] = [];
  const detected = new Map<string, ReturnType<typeof detectRuntime>>();
  for (const target of p.targets) {
    const settings = settingsFor(req, p.configured, target, detected);
    const result = await fixProject(target, rules, { options: req.options, ruleOptions: p.configured.ruleOptions, levels: p.configured.levels, settings });
    projects.push({ target, settings, result });
  }
  return { projects, rules: rules.map((r) => r.meta), config: p.configured.file };
}

/** Every rule's metadata, in registry order. */
export async function listRules(): Promise<RuleMeta[]> {
  return (await loadRules()).map((r) => r.meta);
}
