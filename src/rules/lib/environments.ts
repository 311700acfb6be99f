/**
 * What an environment is for, as far as operational rules care: `local` (a developer's
 * machine, CI: dev, local, test...), `deployed` (a server: prod, staging, qa...) or `unknown`
 * (a lone compose.yaml, called `default`: it may be either). The names come from discovery
 * (core/discover.ts `isDevName`, which the secrets rule uses too) or from the config file's
 * `environments:`; the rule option `deployedEnvironments` names the deployed ones outright.
 */
import { isDevName } from '../../core/discover.js';
import { stringList } from '../../core/plain.js';
import type { Environment } from '../project.js';
import type { RuleContext, RuleOption } from '../types.js';

export type EnvironmentRole = 'local' | 'deployed' | 'unknown';

/** Names that never mean a server, besides the dev names. */
const LOCAL_NAMES = new Set(['test', 'tests', 'testing', 'ci', 'e2e']);
/** Names that say nothing about where it runs. */
const UNKNOWN_NAMES = new Set(['default', 'base', 'compose', 'docker-compose']);

/** The shared option of the rules that treat deployed environments apart. */
export const deployedEnvironmentsOption: RuleOption = {
  name: 'deployedEnvironments',
  description:
    'Environments that run on servers (default: every environment not named dev, local, test or ci; a lone compose.yaml is neither unless named here, e.g. `default`)',
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
