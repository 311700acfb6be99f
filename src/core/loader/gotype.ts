/**
 * compose-go's Go types (types/*.go in compose-go v2.9.1), as data: the loader decodes the
 * final model into these shapes (as mapstructure does) and prints them as Go's yaml.v3 and
 * encoding/json print the structs. Field order, tag names and `omitempty` flags are exactly
 * those of the Go structs, because they decide the bytes `docker compose config` prints.
 */

export type GoType =
  | { kind: 'string' }
  | { kind: 'bool' }
  /** int, int64 (signed) or uint16/uint32/uint64 (unsigned) */
  | { kind: 'int'; unsigned?: boolean; bits: 16 | 32 | 64 }
  | { kind: 'float'; bits: 32 | 64 }
  | { kind: 'ptr'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'map'; elem: GoType }
  | { kind: 'struct'; name: string; fields: GoField[] }
  /** interface{} (`x-` extensions): the decoded YAML value as is */
  | { kind: 'any' }
  /** a named type with its own DecodeMapstructure / MarshalYAML / MarshalJSON */
  | { kind: 'named'; name: NamedType };

export type NamedType =
  | 'Duration'
  | 'UnitBytes'
  | 'ShellCommand'
  | 'HealthCheckTest'
  | 'MappingWithEquals'
  | 'Mapping'
  | 'Labels'
  | 'Options'
  | 'MultiOptions'
  | 'StringList'
  | 'StringOrNumberList'
  | 'HostsList'
  | 'SSHConfig'
  | 'DeviceCount'
  | 'NanoCPUs'
  | 'FileMode'
  | 'UlimitsConfig'
  | 'EnvFile'
  | 'External'
  | 'SecretConfig'
  | 'ConfigObjConfig'
  | 'ServiceConfig';

export interface GoField {
  /** Go field name (for fields without a yaml tag and for JSON names without a tag). */
  go: string;
  /** yaml tag name; '' for the inline extensions map; null: `yaml:"-"` */
  yaml: string | null;
  yamlOmitEmpty: boolean;
  /** json tag name; null: `json:"-"` */
  json: string | null;
  jsonOmitEmpty: boolean;
  type: GoType;
  /** `,inline` map (Extensions) */
  inline?: boolean;
}

const string: GoType = { kind: 'string' };
const bool: GoType = { kind: 'bool' };
const int: GoType = { kind: 'int', bits: 64 };
const int64: GoType = int;
const uint16: GoType = { kind: 'int', unsigned: true, bits: 16 };
const uint32: GoType = { kind: 'int', unsigned: true, bits: 32 };
const uint64: GoType = { kind: 'int', unsigned: true, bits: 64 };
const float32: GoType = { kind: 'float', bits: 32 };
const named = (name: NamedType): GoType => ({ kind: 'named', name });
const ptr = (elem: GoType): GoType => ({ kind: 'ptr', elem });
const slice = (elem: GoType): GoType => ({ kind: 'slice', elem });
const map = (elem: GoType): GoType => ({ kind: 'map', elem });
const strings = slice(string);
const anyType: GoType = { kind: 'any' };

/**
 * `f('name', type)` is `yaml:"name,omitempty" json:"name,omitempty"`. Options: `json` (other
 * json name or null for "-"), `jsonKeep` (no json omitempty), `yamlKeep` (no yaml omitempty),
 * `yaml: null` (yaml "-"), `noTag` (no tags: yaml lowercased Go name, json Go name).
 */
function f(
  name: string,
  type: GoType,
  o: { go?: string; json?: string | null; jsonKeep?: boolean; yamlKeep?: boolean; yaml?: null; noTag?: boolean } = {},
): GoField {
  const go = o.go ?? name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
  if (o.noTag) return { go, yaml: go.toLowerCase(), yamlOmitEmpty: false, json: go, jsonOmitEmpty: false, type };
  return {
    go,
    yaml: o.yaml === null ? null : name,
    yamlOmitEmpty: !o.yamlKeep,
    json: o.json === undefined ? name : o.json,
    jsonOmitEmpty: !o.jsonKeep,
    type,
  };
}

/** `Extensions Extensions yaml:"#extensions,inline,omitempty" json:"-"` */
const ext: GoField = { go: 'Extensions', yaml: '', yamlOmitEmpty: true, json: null, jsonOmitEmpty: true, type: map(anyType), inline: true };

function struct(name: string, fields: GoField[]): GoType {
  return { kind: 'struct', name, fields };
}

const extendsConfig = struct('ExtendsConfig', [f('file', string), f('service', string)]);

export const ServiceHook = struct('ServiceHook', [
  f('command', named('ShellCommand'), { jsonKeep: true }),
  f('user', string),
  f('privileged', bool),
  f('working_dir', string),
  f('environment', named('MappingWithEquals')),
  ext,
]);

const trigger = struct('Trigger', [
  f('path', string, { yamlKeep: true, jsonKeep: true }),
  f('action', string, { yamlKeep: true, jsonKeep: true }),
  f('target', string),
  f('exec', ServiceHook),
  f('include', strings),
  f('ignore', strings),
  f('initial_sync', bool),
  ext,
]);

const deviceRequest = struct('DeviceRequest', [
  f('capabilities', strings),
  f('driver', string),
  f('count', named('DeviceCount')),
  f('device_ids', strings, { go: 'IDs' }),
  f('options', named('Mapping')),
]);

const fileReference = (name: string) =>
  struct(name, [f('source', string), f('target', string), f('uid', string, { go: 'UID' }), f('gid', string, { go: 'GID' }), f('mode', ptr(named('FileMode'))), ext]);
const serviceSecret = fileReference('ServiceSecretConfig');
const serviceConfigObj = fileReference('ServiceConfigObjConfig');

const weightDevice = struct('WeightDevice', [f('path', string, { noTag: true, go: 'Path' }), f('weight', uint16, { noTag: true, go: 'Weight' }), ext]);
const throttleDevice = struct('ThrottleDevice', [f('path', string, { noTag: true, go: 'Path' }), f('rate', named('UnitBytes'), { noTag: true, go: 'Rate' }), ext]);

const updateConfig = struct('UpdateConfig', [
  f('parallelism', ptr(uint64)),
  f('delay', named('Duration')),
  f('failure_action', string),
  f('monitor', named('Duration')),
  f('max_failure_ratio', float32),
  f('order', string),
  ext,
]);

const discreteGenericResource = struct('DiscreteGenericResource', [
  { go: 'Kind', yaml: 'kind', yamlOmitEmpty: false, json: 'kind', jsonOmitEmpty: false, type: string },
  { go: 'Value', yaml: 'value', yamlOmitEmpty: false, json: 'value', jsonOmitEmpty: false, type: int64 },
  ext,
]);

const resource = struct('Resource', [
  f('cpus', named('NanoCPUs'), { go: 'NanoCPUs' }),
  f('memory', named('UnitBytes'), { go: 'MemoryBytes' }),
  f('pids', int64),
  f('devices', slice(deviceRequest)),
  f('generic_resources', slice(struct('GenericResource', [f('discrete_resource_spec', ptr(discreteGenericResource)), ext]))),
  ext,
]);

const deployConfig = struct('DeployConfig', [
  f('mode', string),
  f('replicas', ptr(int)),
  f('labels', named('Labels')),
  f('update_config', ptr(updateConfig)),
  f('rollback_config', ptr(updateConfig)),
  f('resources', struct('Resources', [f('limits', ptr(resource)), f('reservations', ptr(resource)), ext])),
  f('restart_policy', ptr(struct('RestartPolicy', [f('condition', string), f('delay', ptr(named('Duration'))), f('max_attempts', ptr(uint64)), f('window', ptr(named('Duration'))), ext]))),
  f('placement', struct('Placement', [f('constraints', strings), f('preferences', slice(struct('PlacementPreferences', [f('spread', string), ext]))), f('max_replicas_per_node', uint64, { go: 'MaxReplicas' }), ext])),
  f('endpoint_mode', string),
  ext,
]);

export const BuildConfig = struct('BuildConfig', [
  f('context', string),
  f('dockerfile', string),
  f('dockerfile_inline', string),
  f('entitlements', strings),
  f('args', named('MappingWithEquals')),
  f('provenance', string),
  f('sbom', string, { go: 'SBOM' }),
  f('ssh', named('SSHConfig'), { go: 'SSH' }),
  f('labels', named('Labels')),
  f('cache_from', named('StringList')),
  f('cache_to', named('StringList')),
  f('no_cache', bool),
  f('additional_contexts', named('Mapping')),
  f('pull', bool),
  f('extra_hosts', named('HostsList')),
  f('isolation', string),
  f('network', string),
  f('target', string),
  f('secrets', slice(serviceSecret)),
  f('shm_size', named('UnitBytes')),
  f('tags', named('StringList')),
  f('ulimits', map(ptr(named('UlimitsConfig')))),
  f('platforms', named('StringList')),
  f('privileged', bool),
  ext,
]);

const healthCheck = struct('HealthCheckConfig', [
  f('test', named('HealthCheckTest')),
  f('timeout', ptr(named('Duration'))),
  f('interval', ptr(named('Duration'))),
  f('retries', ptr(uint64)),
  f('start_period', ptr(named('Duration'))),
  f('start_interval', ptr(named('Duration'))),
  f('disable', bool),
  ext,
]);

const serviceNetwork = struct('ServiceNetworkConfig', [
  f('aliases', strings),
  f('driver_opts', named('Options')),
  f('gw_priority', int, { go: 'GatewayPriority' }),
  f('interface_name', string),
  f('ipv4_address', string),
  f('ipv6_address', string),
  f('link_local_ips', strings, { go: 'LinkLocalIPs' }),
  f('mac_address', string),
  f('priority', int),
  ext,
]);

export const ServicePortConfig = struct('ServicePortConfig', [
  f('name', string),
  f('mode', string),
  f('host_ip', string, { go: 'HostIP' }),
  f('target', uint32),
  f('published', string),
  f('protocol', string),
  f('app_protocol', string),
  ext,
]);

export const ServiceVolumeConfig = struct('ServiceVolumeConfig', [
  f('type', string),
  f('source', string),
  f('target', string),
  f('read_only', bool),
  f('consistency', string),
  f('bind', ptr(struct('ServiceVolumeBind', [f('selinux', string, { go: 'SELinux' }), f('propagation', string), f('create_host_path', bool), f('recursive', string), ext]))),
  f('volume', ptr(struct('ServiceVolumeVolume', [f('labels', named('Mapping')), f('nocopy', bool, { go: 'NoCopy' }), f('subpath', string), ext]))),
  f('tmpfs', ptr(struct('ServiceVolumeTmpfs', [f('size', named('UnitBytes')), f('mode', uint32), ext]))),
  f('image', ptr(struct('ServiceVolumeImage', [f('subpath', string, { go: 'SubPath' }), ext]))),
  ext,
]);

const serviceDependency = struct('ServiceDependency', [
  f('condition', string),
  f('restart', bool),
  ext,
  f('required', bool, { yamlKeep: true, jsonKeep: true }),
]);

export const ServiceConfigStruct = struct('ServiceConfig', [
  f('name', string, { json: null }),
  f('profiles', strings),
  f('annotations', named('Mapping')),
  f('attach', ptr(bool)),
  f('build', ptr(BuildConfig)),
  f('develop', ptr(struct('DevelopConfig', [f('watch', slice(trigger)), ext]))),
  f('blkio_config', ptr(struct('BlkioConfig', [
    f('weight', uint16),
    f('weight_device', slice(weightDevice)),
    f('device_read_bps', slice(throttleDevice)),
    f('device_read_iops', slice(throttleDevice), { go: 'DeviceReadIOps' }),
    f('device_write_bps', slice(throttleDevice)),
    f('device_write_iops', slice(throttleDevice), { go: 'DeviceWriteIOps' }),
    ext,
  ]))),
  f('cap_add', strings),
  f('cap_drop', strings),
  f('cgroup_parent', string),
  f('cgroup', string),
  f('cpu_count', int64, { go: 'CPUCount' }),
  f('cpu_percent', float32, { go: 'CPUPercent' }),
  f('cpu_period', int64, { go: 'CPUPeriod' }),
  f('cpu_quota', int64, { go: 'CPUQuota' }),
  f('cpu_rt_period', int64, { go: 'CPURTPeriod' }),
  f('cpu_rt_runtime', int64, { go: 'CPURTRuntime' }),
  f('cpus', float32, { go: 'CPUS' }),
  f('cpuset', string, { go: 'CPUSet' }),
  f('cpu_shares', int64, { go: 'CPUShares' }),
  f('command', named('ShellCommand'), { jsonKeep: true }),
  f('configs', slice(serviceConfigObj)),
  f('container_name', string),
  f('credential_spec', ptr(struct('CredentialSpecConfig', [f('config', string), f('file', string), f('registry', string), ext]))),
  f('depends_on', map(serviceDependency)),
  f('deploy', ptr(deployConfig)),
  f('device_cgroup_rules', strings),
  f('devices', slice(struct('DeviceMapping', [f('source', string), f('target', string), f('permissions', string), ext]))),
  f('dns', named('StringList'), { go: 'DNS' }),
  f('dns_opt', strings, { go: 'DNSOpts' }),
  f('dns_search', named('StringList'), { go: 'DNSSearch' }),
  f('dockerfile', string),
  f('domainname', string, { go: 'DomainName' }),
  f('entrypoint', named('ShellCommand'), { jsonKeep: true }),
  f('provider', ptr(struct('ServiceProviderConfig', [f('type', string), f('options', named('MultiOptions')), ext]))),
  f('environment', named('MappingWithEquals')),
  f('env_file', slice(named('EnvFile')), { go: 'EnvFiles' }),
  f('expose', named('StringOrNumberList')),
  f('extends', ptr(extendsConfig)),
  f('external_links', strings),
  f('extra_hosts', named('HostsList')),
  f('group_add', strings),
  f('gpus', slice(deviceRequest)),
  f('hostname', string),
  f('healthcheck', ptr(healthCheck), { go: 'HealthCheck' }),
  f('image', string),
  f('init', ptr(bool)),
  f('ipc', string),
  f('isolation', string),
  f('labels', named('Labels')),
  f('label_file', strings, { go: 'LabelFiles' }),
  f('links', strings),
  f('logging', ptr(struct('LoggingConfig', [f('driver', string), f('options', named('Options')), ext]))),
  f('log_driver', string),
  f('log_opt', map(string)),
  f('mem_limit', named('UnitBytes')),
  f('mem_reservation', named('UnitBytes')),
  f('memswap_limit', named('UnitBytes'), { go: 'MemSwapLimit' }),
  f('mem_swappiness', named('UnitBytes')),
  f('mac_address', string),
  f('models', map(ptr(struct('ServiceModelConfig', [f('endpoint_var', string, { go: 'EndpointVariable' }), f('model_var', string, { go: 'ModelVariable' }), ext])))),
  f('net', string),
  f('network_mode', string),
  f('networks', map(ptr(serviceNetwork))),
  f('oom_kill_disable', bool),
  f('oom_score_adj', int64),
  f('pid', string),
  f('pids_limit', int64),
  f('platform', string),
  f('ports', slice(ServicePortConfig)),
  f('privileged', bool),
  f('pull_policy', string),
  f('read_only', bool),
  f('restart', string),
  f('runtime', string),
  f('scale', ptr(int)),
  f('secrets', slice(serviceSecret)),
  f('security_opt', strings),
  f('shm_size', named('UnitBytes')),
  f('stdin_open', bool),
  f('stop_grace_period', ptr(named('Duration'))),
  f('stop_signal', string),
  f('storage_opt', map(string)),
  f('sysctls', named('Mapping')),
  f('tmpfs', named('StringList')),
  f('tty', bool),
  f('ulimits', map(ptr(named('UlimitsConfig')))),
  f('use_api_socket', bool, { go: 'UseAPISocket' }),
  f('user', string),
  f('userns_mode', string, { go: 'UserNSMode' }),
  f('uts', string),
  f('volume_driver', string),
  f('volumes', slice(ServiceVolumeConfig)),
  f('volumes_from', strings),
  f('working_dir', string),
  f('post_start', slice(ServiceHook)),
  f('pre_stop', slice(ServiceHook)),
  ext,
]);

const ipamPool = struct('IPAMPool', [
  f('subnet', string),
  f('gateway', string),
  f('ip_range', string, { go: 'IPRange' }),
  f('aux_addresses', named('Mapping'), { go: 'AuxiliaryAddresses' }),
  // `yaml:",inline"` without omitempty
  { go: 'Extensions', yaml: '', yamlOmitEmpty: false, json: null, jsonOmitEmpty: true, type: map(anyType), inline: true },
]);

export const NetworkConfig = struct('NetworkConfig', [
  f('name', string),
  f('driver', string),
  f('driver_opts', named('Options')),
  f('ipam', struct('IPAMConfig', [f('driver', string), f('config', slice(ptr(ipamPool))), ext])),
  f('external', named('External')),
  f('internal', bool),
  f('attachable', bool),
  f('labels', named('Labels')),
  f('enable_ipv4', ptr(bool), { go: 'EnableIPv4' }),
  f('enable_ipv6', ptr(bool), { go: 'EnableIPv6' }),
  ext,
]);

export const VolumeConfig = struct('VolumeConfig', [
  f('name', string),
  f('driver', string),
  f('driver_opts', named('Options')),
  f('external', named('External')),
  f('labels', named('Labels')),
  ext,
]);

/** FileObjectConfig (SecretConfig, ConfigObjConfig). `content` is printed per their MarshalYAML. */
export const FileObjectConfig = struct('FileObjectConfig', [
  f('name', string),
  f('file', string),
  f('environment', string),
  f('content', string),
  f('external', named('External')),
  f('labels', named('Labels')),
  f('driver', string),
  f('driver_opts', map(string)),
  f('template_driver', string),
  ext,
]);

export const ModelConfig = struct('ModelConfig', [f('name', string), f('model', string), f('context_size', int), f('runtime_flags', strings), ext]);

/** The Project as printed (`yaml:"-"` fields left out). */
export const ProjectStruct = struct('Project', [
  f('name', string),
  f('services', map(named('ServiceConfig')), { yamlKeep: true, jsonKeep: true }),
  f('networks', map(NetworkConfig)),
  f('volumes', map(VolumeConfig)),
  f('secrets', map(named('SecretConfig'))),
  f('configs', map(named('ConfigObjConfig'))),
  f('models', map(ModelConfig)),
  ext,
]);

export const ExtendsConfigStruct = extendsConfig;
