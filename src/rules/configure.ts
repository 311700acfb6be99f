/**
 * From a config file to what the engine takes: levels per rule / kind, options per rule, the
 * runtime target, environments and exclude globs. Rule ids, kinds and options are checked
 * against the rules' metadata here (the JSON schema cannot know them: a new rule adds no
 * schema line), with the config's `file:line:col` in the error.
 */
import path from 'node:path';
import type { ComposemodConfig, ConfigFile } from '../core/config-file.js';
import type { Level, RuleMeta } from './types.js';

export interface Configured {
  /** The config file, when one was found. */
  file: string | null;
  levels: Record<string, Level>;
  ruleOptions: Record<string, Record<string, unknown>>;
  runtime?: string;
  composeVersion?: string;
  /** Name -> absolute file list. */
  environments?: { name: string; files: string[] }[];
  /** Globs, relative to `excludeBase`. */
  exclude: string[];
  excludeBase: string;
}

export const NO_CONFIG: Configured = { file: null, levels: {}, ruleOptions: {}, exclude: [], excludeBase: '/' };

/** Resolves a loaded config against the rules' metadata (every rule, for ids). */
export function configure(cfg: ConfigFile | null, metas: readonly RuleMeta[]): Configured {
  if (!cfg) return NO_CONFIG;
  const c: ComposemodConfig = cfg.config;
  const dir = path.dirname(cfg.file);
  const byId = new Map(metas.map((m) => [m.id, m]));
  const levels: Record<string, Level> = {};
  const ruleOptions: Record<string, Record<string, unknown>> = {};
  const add = (rule: string, opts: Record<string, unknown>): void => {
    ruleOptions[rule] = { ...(ruleOptions[rule] ?? {}), ...opts };
  };

  // the top-level conveniences first; `rules: {id: [level, options]}` wins over them
  if (c.pins) add('pin-images', { pin: Object.entries(c.pins).map(([k, v]) => `${k}=${v}`) });
  if (c.lockFile) add('pin-images', { pinLock: path.resolve(dir, c.lockFile) });
  if (c.networks) {
    const n = c.networks;
    add('network-split', {
      ...(n.frontend ? { frontendNetwork: n.frontend } : {}),
      ...(n.backend ? { backendNetwork: n.backend } : {}),
      ...(n.internalBackend !== undefined ? { internalBackend: n.internalBackend } : {}),
    });
  }
  if (c.secrets) {
    const s = c.secrets;
    add('secrets', {
      ...(s.allow ? { secretsAllow: s.allow } : {}),
      ...(s.deny ? { secretsDeny: s.deny } : {}),
      ...(s.devSecrets ? { devSecrets: s.devSecrets } : {}),
      ...(s.assumeFileSupport !== undefined ? { assumeFileSupport: s.assumeFileSupport } : {}),
    });
  }

  for (const [id, value] of Object.entries(c.rules ?? {})) {
    const [rule, kind] = id.split('/');
    const meta = byId.get(rule);
    if (!meta) throw cfg.error(`rules.${id}: unknown rule (known: ${[...byId.keys()].join(', ')})`, ['rules', id]);
    if (kind !== undefined && !meta.kinds?.[kind])
      throw cfg.error(`rules.${id}: ${rule} has no finding of kind ${kind} (its kinds: ${Object.keys(meta.kinds ?? {}).join(', ') || 'none'})`, ['rules', id]);
    const [level, opts] = typeof value === 'string' ? [value, undefined] : value;
    levels[id] = level;
    if (opts === undefined) continue;
    if (kind !== undefined) throw cfg.error(`rules.${id}: options belong to the rule (${rule}), not to a kind of finding`, ['rules', id, 1]);
    for (const [name, v] of Object.entries(opts)) {
      const o = meta.options.find((x) => x.name === name);
      if (!o) throw cfg.error(`rules.${id}: unknown option ${name} (options: ${meta.options.map((x) => x.name).join(', ') || 'none'})`, ['rules', id, 1, name]);
      const ok =
        o.type === 'boolean' ? typeof v === 'boolean' : o.type === 'string' ? typeof v === 'string' && (!o.values || o.values.includes(v)) : Array.isArray(v) && v.every((x) => typeof x === 'string');
      if (!ok)
        throw cfg.error(
          `rules.${id}: option ${name} must be ${o.type === 'list' ? 'a list of strings' : o.values ? `one of ${o.values.join(', ')}` : `a ${o.type}`}`,
          ['rules', id, 1, name],
        );
    }
    add(rule, rule === 'pin-images' && typeof opts.pinLock === 'string' ? { ...opts, pinLock: path.resolve(dir, opts.pinLock) } : opts);
  }

  return {
    file: cfg.file,
    levels,
    ruleOptions,
    runtime: c.runtime,
    composeVersion: c.composeVersion,
    environments: c.environments ? Object.entries(c.environments).map(([name, files]) => ({ name, files: files.map((f) => path.resolve(dir, f)) })) : undefined,
    exclude: c.exclude ?? [],
    excludeBase: dir,
  };
}
