/**
 * What an environment is for, as far as operational rules care: `local` (a developer's
 * machine, CI: dev, local, test...), `deployed` (a server: prod, staging, qa...) or `unknown`
 * (`default`, `base`: a name that says nothing; discovery names a lone compose file `dev`). The names come from discovery
 * (core/discover.ts `isDevName`, which the secrets rule uses too) or from the config file's
 * `environments:`; the rule option `deployedEnvironments` names the deployed ones outright.
 */
import { isDevName } from '../../core/discover.js';
import { stringList, strings, type Obj } from '../../core/plain.js';
import { parseDotenv } from '../util/dotenv.js';
import type { ComposeFile, Environment, Project } from '../project.js';
import type { FindingKind, RuleContext, RuleOption } from '../types.js';
import type { Path } from '../../core/query.js';
import { editBlocker, exists } from '../place.js';

export type EnvironmentRole = 'local' | 'deployed' | 'unknown';

/** Names that never mean a server, besides the dev names. */
const LOCAL_NAMES = new Set(['test', 'tests', 'testing', 'ci', 'e2e']);
/** Names that say nothing about where it runs. */
const UNKNOWN_NAMES = new Set(['default', 'base', 'compose', 'docker-compose']);

/** The shared option of the rules that treat deployed environments apart. */
export const deployedEnvironmentsOption: RuleOption = {
  name: 'deployedEnvironments',
  description:
    'Environments that run on servers (default: every environment not named dev, local, test or ci; discovery names a lone compose file `dev`: name it here, e.g. `dev`, when it runs on a server)',
  type: 'list',
  placeholder: 'ENV',
};

export function environmentRole(env: Environment, deployed?: readonly string[]): EnvironmentRole {
  if (deployed?.length) return deployed.includes(env.name) ? 'deployed' : 'local';
  const name = env.name.toLowerCase();
  if (isDevName(name) || LOCAL_NAMES.has(name)) return 'local';
  if (UNKNOWN_NAMES.has(name)) return 'unknown';
  return 'deployed';
}

/** The role of each environment of the run, from the rule's `deployedEnvironments` option. */
export function rolesOf(ctx: RuleContext): Map<Environment, EnvironmentRole> {
  const deployed = stringList(ctx.options.deployedEnvironments);
  return new Map(ctx.project.environments.map((e) => [e, environmentRole(e, deployed)]));
}

/** The profiles `.env` enables (COMPOSE_PROFILES): a service with other profiles does not start. */
export function activeProfiles(ctx: Pick<RuleContext, 'readFile'>): Set<string> {
  const v = parseDotenv(ctx.readFile('.env') ?? '').get('COMPOSE_PROFILES')?.value;
  return new Set((v ?? '').split(',').map((p) => p.trim()).filter(Boolean));
}

/** Does the service start in an environment where `active` profiles are enabled? */
export function startsWith(svc: Obj, active: ReadonlySet<string>): boolean {
  const profiles = strings(svc.profiles);
  return !profiles.length || profiles.some((p) => active.has(p));
}

/**
 * Files to edit so that exactly the environments of `want` get a change: each chosen file is
 * loaded by environments of `want` only, and every environment of `want` loads one of them.
 * Prefers the file that reaches the most of them (a prod override shared by prod and
 * staging), then the last one. `uncovered`: environments with no file of their own.
 */
export function filesOnlyFor(
  project: Project,
  want: ReadonlySet<Environment>,
): { files: Map<ComposeFile, Environment[]>; uncovered: Environment[] } {
  const files = new Map<ComposeFile, Environment[]>();
  const uncovered: Environment[] = [];
  const covered = new Set<Environment>();
  for (const env of project.environments) {
    if (!want.has(env) || covered.has(env)) continue;
    let best: { file: ComposeFile; envs: Environment[] } | undefined;
    for (const f of [...env.files].reverse()) {
      const loaders = project.environments.filter((e) => e.files.includes(f));
      if (!loaders.every((e) => want.has(e))) continue;
      if (!best || loaders.length > best.envs.length) best = { file: f, envs: loaders };
    }
    if (!best) {
      uncovered.push(env);
      continue;
    }
    files.set(best.file, best.envs);
    for (const e of best.envs) covered.add(e);
  }
  return { files, uncovered };
}

/** The kinds of a rule that edits deployed environments through `deployedFiles`. */
export const deployedEditKinds = (what: string): Record<string, FindingKind> => ({
  'no-own-file': { severity: 'warning', description: `the deployed environment shares all its files with local environments: add ${what} by hand (or an override of its own)` },
  'not-editable': { severity: 'warning', description: 'the service is reached through an alias or `<<`, or inside an anchor used elsewhere, in the file to edit' },
});

/** Why the service (or `deeper` paths under it, the first one the file has) cannot be edited in `file`, or null. */
export function serviceEditBlocker(file: ComposeFile, service: string, deeper: readonly Path[] = []): string | null {
  for (const p of [...deeper, ['services', service], ['services']]) if (exists(file, p)) return editBlocker(file, p);
  return null;
}

/**
 * The files to edit for `service` so that exactly the environments of `want` change
 * (`filesOnlyFor`), or null after reporting why not: `no-own-file` for environments that share
 * all their files with others (`problem`: what is wrong there, `remedy`: what to add by hand),
 * `not-editable` when a file cannot be edited in place.
 */
export function deployedFiles(
  ctx: RuleContext,
  service: string,
  want: ReadonlySet<Environment>,
  text: { problem: string; remedy: string },
  opts: { at?: { file: ComposeFile; path: Path }; deeper?: readonly Path[] } = {},
): Map<ComposeFile, Environment[]> | null {
  const { files, uncovered } = filesOnlyFor(ctx.project, want);
  const at = opts.at ?? {};
  const names = (envs: readonly Environment[]): string => envs.map((e) => e.name).join(', ');
  if (uncovered.length) {
    const many = uncovered.length > 1;
    ctx.report({
      kind: 'no-own-file',
      service,
      ...at,
      environments: uncovered.map((e) => e.name),
      message: `${service} ${text.problem} in ${names(uncovered)}, and every file of ${many ? 'those environments' : 'that environment'} is shared with a local one: ${text.remedy} in an override only ${many ? 'they load' : 'it loads'}`,
    });
  }
  if (!files.size) return null;
  const reached = [...files.values()].flat();
  const blocked = [...files.keys()].map((f) => serviceEditBlocker(f, service, opts.deeper)).find(Boolean);
  if (blocked) {
    ctx.report({ kind: 'not-editable', service, ...at, environments: reached.map((e) => e.name), message: `${service} ${text.problem} in ${names(reached)}, but cannot be edited in place: ${blocked}` });
    return null;
  }
  return files;
}
