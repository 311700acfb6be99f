/**
 * Compose's knowledge about attributes, in one table (compose-go v2.9.1: override/merge.go,
 * override/uncity.go, transform/canonical.go, transform/defaults.go, paths/resolve.go,
 * loader/interpolate.go). Keyed by compose-go tree-path patterns (`*` matches any key or
 * sequence item); each row says, for that place in the model:
 *
 * - `merge`: how an override file's value merges onto the accumulated one, when not the
 *   generic rule (mapping -> deep, sequence -> append, scalar -> replace, null -> keep);
 * - `unique`: how entries of the sequence are keyed for de-duplication after each merge (a
 *   later entry with the same key replaces the earlier one in place);
 * - `canonical`: the short syntax rewritten to the long form after each file's merge;
 * - `defaults`: defaults filled in once all files are merged;
 * - `path`: how a relative path there is resolved against the project directory;
 * - `cast`: the type a string is cast to after interpolation;
 * - `normal`: extra rewriting in composemod's normal form (the comparison form of
 *   core/merge/normalize.ts, beyond Compose's own canonical form).
 *
 * The modules that apply these (core/merge/merge.ts, unique.ts, canonical.ts, normalize.ts;
 * core/loader/paths.ts, interpolate.ts) read this table and hold only the mechanics.
 */

export type MergeRule =
  /** replace wholesale, null included (command, entrypoint, healthcheck.test) */
  | 'override'
  /** both sides to a sequence (a mapping becomes sorted `K=V`), then append */
  | 'sequence'
  /** as `sequence`, dropping override entries equal to a base entry */
  | 'extraHosts'
  /** a string is `{context: s}`, then deep */
  | 'build'
  /** a list is a mapping of `{condition: service_started, required: true}`, then deep */
  | 'dependsOn'
  /** a list is a mapping of nulls, then deep */
  | 'nameMap'
  /** same driver (or either side without one) -> deep, else the override */
  | 'logging'
  /** an override mapping replaces, as compose-go's mergeUlimit does */
  | 'ulimit'
  /** compose-go's keyed-by-subnet merge, aliasing quirks included */
  | 'ipamConfig';

export type UniqueKey =
  /** text before `=` */
  | 'keyValue'
  | 'volume'
  | 'device'
  | 'expose'
  | 'port'
  | 'envFile'
  | 'secretMount'
  | 'configMount';

export type CanonicalRule =
  | 'service'
  | 'fileMount'
  | 'stringOrX'
  | 'keyValueMap'
  | 'dependsOn'
  | 'envFile'
  | 'stringOrList'
  | 'extends'
  | 'gpus'
  | 'nameMap'
  | 'volumeMount'
  | 'deviceMapping'
  | 'ports'
  | 'build'
  | 'ssh'
  | 'ulimits'
  | 'maybeExternal'
  | 'include';

export type DefaultRule = 'buildContext' | 'secretTarget' | 'port' | 'deviceRequest';

export type PathRule = 'context' | 'unixPath' | 'absPath' | 'extendsFile' | 'symlink' | 'volumeMount' | 'volumeDriverOpts';

export type CastRule = 'int' | 'int64' | 'float' | 'float32' | 'bool';

export type NormalRule =
  | 'envMap'
  | 'labelMap'
  | 'commandLine'
  | 'hosts'
  | 'ports'
  | 'volumes'
  | 'devices'
  | 'secrets'
  | 'envFiles'
  | 'dependsOn'
  | 'build'
  | 'healthcheck'
  | 'strings';

export interface AttributeRule {
  merge?: MergeRule;
  unique?: UniqueKey;
  canonical?: CanonicalRule;
  defaults?: DefaultRule;
  path?: PathRule;
  cast?: CastRule;
  normal?: NormalRule;
}

/** The table. `[]` in a pattern is a sequence item as interpolation names it; `*` matches it too. */
export const ATTRIBUTES: Readonly<Record<string, AttributeRule>> = {
  // top-level resources
  'networks.*': { canonical: 'maybeExternal' },
  'networks.*.labels': { merge: 'sequence', unique: 'keyValue', normal: 'labelMap' },
  'networks.*.ipam.config': { merge: 'ipamConfig' },
  'networks.*.ipam.options': { unique: 'keyValue' },
  'networks.*.external': { cast: 'bool' },
  'networks.*.internal': { cast: 'bool' },
  'networks.*.attachable': { cast: 'bool' },
  'networks.*.enable_ipv4': { cast: 'bool' },
  'networks.*.enable_ipv6': { cast: 'bool' },
  'volumes.*': { canonical: 'maybeExternal', path: 'volumeDriverOpts' },
  'volumes.*.labels': { merge: 'sequence', normal: 'labelMap' },
  'volumes.*.external': { cast: 'bool' },
  'secrets.*': { canonical: 'maybeExternal' },
  'secrets.*.file': { path: 'unixPath' },
  'secrets.*.external': { cast: 'bool' },
  'configs.*': { canonical: 'maybeExternal' },
  'configs.*.file': { path: 'unixPath' },
  'configs.*.external': { cast: 'bool' },
  'include.*': { canonical: 'include' },
  'include.path': { path: 'absPath' },
  'include.project_directory': { path: 'absPath' },
  'include.env_file': { path: 'absPath' },

  // services
  'services.*': { canonical: 'service' },
  'services.*.annotations': { merge: 'sequence', unique: 'keyValue', normal: 'labelMap' },
  'services.*.build': { merge: 'build', canonical: 'build', defaults: 'buildContext', normal: 'build' },
  'services.*.build.args': { merge: 'sequence', unique: 'keyValue', normal: 'envMap' },
  'services.*.build.additional_contexts': { merge: 'sequence', unique: 'keyValue', canonical: 'keyValueMap', normal: 'labelMap' },
  'services.*.build.additional_contexts.*': { path: 'context' },
  'services.*.build.context': { path: 'context' },
  'services.*.build.extra_hosts': { merge: 'extraHosts', normal: 'hosts' },
  'services.*.build.labels': { merge: 'sequence', unique: 'keyValue', normal: 'labelMap' },
  'services.*.build.platform': { unique: 'keyValue' },
  'services.*.build.provenance': { canonical: 'stringOrX' },
  'services.*.build.sbom': { canonical: 'stringOrX' },
  'services.*.build.secrets.*': { canonical: 'fileMount' },
  'services.*.build.ssh': { canonical: 'ssh' },
  'services.*.build.ssh.*': { path: 'unixPath' },
  'services.*.build.tags': { unique: 'keyValue' },
  'services.*.build.ulimits.*': { canonical: 'ulimits' },
  'services.*.cap_add': { unique: 'keyValue' },
  'services.*.cap_drop': { unique: 'keyValue' },
  'services.*.command': { merge: 'override', normal: 'commandLine' },
  'services.*.configs': { unique: 'configMount' },
  'services.*.configs.*': { canonical: 'fileMount' },
  'services.*.cpu_count': { cast: 'int64' },
  'services.*.cpu_percent': { cast: 'float' },
  'services.*.cpu_period': { cast: 'int64' },
  'services.*.cpu_quota': { cast: 'int64' },
  'services.*.cpu_rt_period': { cast: 'int64' },
  'services.*.cpu_rt_runtime': { cast: 'int64' },
  'services.*.cpus': { cast: 'float32' },
  'services.*.cpu_shares': { cast: 'int64' },
  'services.*.depends_on': { merge: 'dependsOn', canonical: 'dependsOn', normal: 'dependsOn' },
  'services.*.deploy.labels': { merge: 'sequence', unique: 'keyValue', normal: 'labelMap' },
  'services.*.deploy.replicas': { cast: 'int' },
  'services.*.deploy.update_config.parallelism': { cast: 'int' },
  'services.*.deploy.update_config.max_failure_ratio': { cast: 'float' },
  'services.*.deploy.rollback_config.parallelism': { cast: 'int' },
  'services.*.deploy.rollback_config.max_failure_ratio': { cast: 'float' },
  'services.*.deploy.restart_policy.max_attempts': { cast: 'int' },
  'services.*.deploy.placement.max_replicas_per_node': { cast: 'int' },
  'services.*.deploy.resources.reservations.devices.*': { defaults: 'deviceRequest' },
  'services.*.develop.watch.*.ignore': { canonical: 'stringOrList' },
  'services.*.develop.watch.*.include': { canonical: 'stringOrList' },
  'services.*.develop.watch.*.path': { path: 'symlink' },
  'services.*.devices': { unique: 'device', normal: 'devices' },
  'services.*.devices.*': { canonical: 'deviceMapping' },
  'services.*.dns': { merge: 'sequence', unique: 'keyValue', canonical: 'stringOrList', normal: 'strings' },
  'services.*.dns_opt': { merge: 'sequence', unique: 'keyValue', normal: 'strings' },
  'services.*.dns_search': { merge: 'sequence', unique: 'keyValue', normal: 'strings' },
  'services.*.entrypoint': { merge: 'override', normal: 'commandLine' },
  'services.*.env_file': { merge: 'sequence', unique: 'envFile', canonical: 'envFile', normal: 'envFiles' },
  'services.*.env_file.*.path': { path: 'absPath' },
  'services.*.environment': { merge: 'sequence', unique: 'keyValue', normal: 'envMap' },
  'services.*.expose': { unique: 'expose', normal: 'strings' },
  'services.*.extends': { canonical: 'extends' },
  'services.*.extends.file': { path: 'extendsFile' },
  'services.*.extra_hosts': { merge: 'extraHosts', normal: 'hosts' },
  'services.*.gpus': { canonical: 'gpus' },
  'services.*.gpus.*': { defaults: 'deviceRequest' },
  'services.*.healthcheck': { normal: 'healthcheck' },
  'services.*.healthcheck.test': { merge: 'override' },
  'services.*.healthcheck.retries': { cast: 'int' },
  'services.*.healthcheck.disable': { cast: 'bool' },
  'services.*.init': { cast: 'bool' },
  'services.*.label_file': { merge: 'sequence', canonical: 'stringOrList' },
  'services.*.label_file.*': { path: 'absPath' },
  'services.*.labels': { merge: 'sequence', unique: 'keyValue', normal: 'labelMap' },
  'services.*.links': { unique: 'keyValue' },
  'services.*.logging': { merge: 'logging' },
  'services.*.models': { merge: 'nameMap', canonical: 'nameMap' },
  'services.*.networks': { merge: 'nameMap', canonical: 'nameMap' },
  'services.*.networks.*.aliases': { unique: 'keyValue' },
  'services.*.networks.*.link_local_ips': { unique: 'keyValue' },
  'services.*.oom_kill_disable': { cast: 'bool' },
  'services.*.oom_score_adj': { cast: 'int64' },
  'services.*.pids_limit': { cast: 'int64' },
  'services.*.ports': { unique: 'port', canonical: 'ports', normal: 'ports' },
  'services.*.ports.*': { defaults: 'port' },
  'services.*.ports.[].target': { cast: 'int' },
  'services.*.privileged': { cast: 'bool' },
  'services.*.profiles': { unique: 'keyValue' },
  'services.*.read_only': { cast: 'bool' },
  'services.*.scale': { cast: 'int' },
  'services.*.secrets': { unique: 'secretMount', normal: 'secrets' },
  'services.*.secrets.*': { canonical: 'fileMount', defaults: 'secretTarget' },
  'services.*.stdin_open': { cast: 'bool' },
  'services.*.sysctls': { merge: 'sequence', unique: 'keyValue', normal: 'labelMap' },
  'services.*.tmpfs': { merge: 'sequence', unique: 'keyValue', normal: 'strings' },
  'services.*.tty': { cast: 'bool' },
  'services.*.ulimits.*': { merge: 'ulimit', canonical: 'ulimits', cast: 'int' },
  'services.*.ulimits.*.hard': { cast: 'int' },
  'services.*.ulimits.*.soft': { cast: 'int' },
  'services.*.volumes': { unique: 'volume', normal: 'volumes' },
  'services.*.volumes.*': { canonical: 'volumeMount', path: 'volumeMount' },
  'services.*.volumes.*.volume.labels': { merge: 'sequence' },
  'services.*.volumes.[].read_only': { cast: 'bool' },
  'services.*.volumes.[].volume.nocopy': { cast: 'bool' },
};

interface Compiled {
  parts: string[];
  rule: AttributeRule;
}

const BY_LENGTH: Compiled[][] = [];
for (const [pattern, rule] of Object.entries(ATTRIBUTES)) {
  const parts = pattern.split('.');
  (BY_LENGTH[parts.length] ??= []).push({ parts, rule });
}

/**
 * The rows whose pattern matches a tree path (parts: mapping keys, `[]` for sequence items;
 * a `*` in a pattern matches any part; a literal `[]` in a pattern matches only `[]`).
 */
export function attributeRules(path: readonly string[]): AttributeRule[] {
  const rows = BY_LENGTH[path.length];
  if (!rows) return [];
  const out: AttributeRule[] = [];
  for (const row of rows) {
    let ok = true;
    for (let i = 0; i < path.length && ok; i++) ok = row.parts[i] === '*' || row.parts[i] === path[i];
    if (ok) out.push(row.rule);
  }
  return out;
}

/** The `role` of the first row matching `path` that has one. */
export function attribute<K extends keyof AttributeRule>(path: readonly string[], role: K): AttributeRule[K] | undefined {
  for (const rule of attributeRules(path)) if (rule[role] !== undefined) return rule[role];
  return undefined;
}
