/**
 * Project discovery: which compose files in a directory make up which environments.
 * Shared by `extract` and `fix`.
 *
 * Names (case-sensitive, `.yml` or `.yaml`):
 *   default   compose.yaml, docker-compose.yml                 (what `docker compose` loads)
 *   override  compose.override.yaml, docker-compose.override.yml (auto-loaded after the default)
 *   env       compose.<env>.yaml, docker-compose.<env>.yml, docker-compose-<env>.yml,
 *             compose-<env>.yml, <env>.compose.yml, <env>.docker-compose.yml
 *
 * Classification of the named files, by content (`classifyFiles`, pure):
 *   - An `override` file beside the default file is a base+override layout (Compose's own).
 *   - An env file is *override-like* when it uses `!reset` / `!override`, or when a service it shares
 *     with the default file cannot run alone (no image, build or extends of its own), when it
 *     shares no service with the default file (it only adds services: a layer), or when
 *     at most 20% of its leaf values restate the default file's values at the same path and
 *     it has less than half as many values, or restates less than half of the attributes the
 *     default file gives the services they share (an override states a few deltas; a
 *     per-environment copy repeats most of the base, or is as large as it).
 *   - Every env file is override-like when the default file itself cannot run alone (one of its
 *     services has no image, build or extends): the default file is then a base.
 *   - It is a *full* file when every service can run alone and at least half of its values
 *     repeat the default file, or it is at least half as large as the default file.
 *   - In a project that evidently layers (an override file beside the default file, or one env
 *     file that is clearly an override), an env file that only weakly looks full (it repeats
 *     less than half of the default file's values) or is unclear is a layer too.
 *   - Anything in between is ambiguous, and so is a mix of full and override-like files:
 *     `detectProject` then throws a ComposemodError that asks for `--env`.
 * An env file whose header comment names its file list (`# Use with: docker compose -f
 * docker-compose.yml -f docker-compose.deploy.yml -f docker-compose.prod.yml`, see
 * `declaredFiles`) is an override with that list; the files in the middle are shared layers,
 * not environments.
 * In a base+override layout without an auto-loaded override file, the base alone counts as an
 * environment (plain `docker compose` runs it) unless one of the layers is the dev one
 * (`docker-compose.dev.yml`): then dev is `-f base -f dev` and nobody runs the base alone.
 * Results: `per-env` (every file is a full environment, the default file included),
 * `base+override` (every env file layers on the default file: nothing to extract),
 * `single` (one environment) or `none` (no compose file).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ComposemodError } from './errors.js';
import { loadSource, type ComposeSource } from './source.js';
import { toModel, isReset, isOverride } from './model.js';

export type Family = 'docker-compose' | 'compose';
export type LayoutKind = 'per-env' | 'base+override' | 'single' | 'none';

export interface Environment {
  name: string;
  /** Files in the order Compose gets them (absolute paths from detectProject). */
  files: string[];
}

export interface Discovery {
  kind: LayoutKind;
  environments: Environment[];
  /** Naming family of the project (the default file's, else the most common). */
  family: Family;
  /** Extension of the project's compose files, with the dot (`.yml` or `.yaml`). */
  ext: '.yml' | '.yaml';
  /** The default file (`compose.yaml` / `docker-compose.yml`), when present. */
  defaultFile?: string;
  /** The auto-loaded override file, when present. */
  overrideFile?: string;
  /** What was detected, in words (for the summary). */
  notes: string[];
  /** The compose files detection parsed, by absolute path (commands reuse them). */
  sources?: ReadonlyMap<string, ComposeSource>;
}

export type FileRole = 'default' | 'override' | 'env';

export interface NamedFile {
  /** Base name of the file. */
  name: string;
  role: FileRole;
  family: Family;
  ext: '.yml' | '.yaml';
  /** Environment name derived from the file name (`dev` for `compose.dev.yaml`). */
  env?: string;
}

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Recognises a compose file name; undefined for other files. */
export function parseComposeName(name: string): NamedFile | undefined {
  const m = /^(.*)\.(ya?ml)$/.exec(name);
  if (!m) return undefined;
  const stem = m[1];
  const ext = `.${m[2]}` as '.yml' | '.yaml';
  if (stem === 'compose' || stem === 'docker-compose')
    return { name, role: 'default', family: stem, ext };
  if (stem === 'compose.override' || stem === 'docker-compose.override')
    return { name, role: 'override', family: stem.startsWith('docker') ? 'docker-compose' : 'compose', ext };
  let r = /^(docker-compose|compose)[.-](.+)$/.exec(stem);
  if (r && ENV_NAME.test(r[2])) return { name, role: 'env', family: r[1] as Family, ext, env: r[2] };
  r = /^(.+)\.(docker-compose|compose)$/.exec(stem);
  if (r && ENV_NAME.test(r[1])) return { name, role: 'env', family: r[2] as Family, ext, env: r[1] };
  return undefined;
}

/** `NAME=FILE[,FILE...]` -> an environment (files resolved against `cwd` when given). */
export function parseEnvSpec(spec: string, cwd?: string): Environment {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq).trim() : '';
  const files = eq > 0 ? spec.slice(eq + 1).split(',').map((f) => f.trim()) : [];
  if (!name || !files.length || files.some((f) => !f))
    throw new ComposemodError(`invalid --env "${spec}": expected NAME=FILE[,FILE...] (e.g. prod=compose.yaml,compose.prod.yaml)`);
  if (!ENV_NAME.test(name))
    throw new ComposemodError(`invalid --env name "${name}": use letters, digits, '.', '_' or '-'`);
  return { name, files: cwd ? files.map((f) => path.resolve(cwd, f)) : files };
}

/** Parses several `--env` specs; environment names must be distinct. */
export function parseEnvSpecs(specs: readonly string[], cwd?: string): Environment[] {
  const envs = specs.map((s) => parseEnvSpec(s, cwd));
  const seen = new Set<string>();
  for (const e of envs) {
    if (seen.has(e.name)) throw new ComposemodError(`--env "${e.name}" is given twice`);
    seen.add(e.name);
  }
  return envs;
}

const DEV_NAMES = ['dev', 'development', 'local', 'devel'];

/** Is this environment name the local/dev one? */
export function isDevName(name: string): boolean {
  return DEV_NAMES.includes(name.toLowerCase());
}

export interface ClassifyInput extends NamedFile {
  /** The file's raw model (toModel). */
  model: unknown;
  /**
   * The file list its header comment names for it (`# Use with: docker compose -f a.yml -f
   * b.yml -f this.yml`, see `declaredFiles`): base names, this file last.
   */
  declared?: string[];
}

/**
 * The file list a compose file's header comment gives for running it: the first
 * `docker compose` / `docker-compose` / `podman-compose` command with `-f` / `--file` flags
 * in the comment lines at the top of the file, when its last file is this one (`self`) and
 * every file is in the same directory. `extract` writes such a line into the overrides that
 * load a shared layer; any project may write one.
 */
export function declaredFiles(text: string, self: string): string[] | undefined {
  for (const raw of text.replace(/^\uFEFF/, '').split('\n')) {
    const line = raw.trim();
    if (line === '' || line === '---') continue;
    if (!line.startsWith('#')) break;
    const m = /(?:docker[ -]compose|podman-compose)((?:\s+(?:-f|--file)(?:\s+|=)\S+)+)/.exec(line);
    if (!m) continue;
    const files = [...m[1].matchAll(/(?:-f|--file)(?:\s+|=)(\S+)/g)].map((x) => x[1].replace(/^\.\//, ''));
    if (files.length < 2 || files[files.length - 1] !== self || files.some((f) => f.includes('/'))) continue;
    return files;
  }
  return undefined;
}

/** `strong`: a full file that repeats at least half of the default file's values. */
type Verdict = { kind: 'full' | 'override' | 'ambiguous'; why: string; strong?: boolean };

/**
 * In a project that evidently layers (a Compose override file, or an env file that is clearly
 * an override), a file that only weakly looks full (it repeats less than half of the default
 * file's values) or is unclear is taken as a layer too: that is the shape extract writes.
 */
function settle<T extends { v: Verdict }>(verdicts: T[], layered: boolean): T[] {
  if (!layered) return verdicts;
  return verdicts.map((x) =>
    x.v.kind === 'ambiguous' || (x.v.kind === 'full' && !x.v.strong)
      ? { ...x, v: { kind: 'override', why: `${x.v.why}; the project layers its files` } }
      : x,
  );
}

/**
 * Classifies named compose files by content (see the module comment). Pure: `files` carry
 * their models; returned environment files are the names as given.
 */
export function classifyFiles(files: readonly ClassifyInput[]): Omit<Discovery, 'family' | 'ext'> & { ambiguous?: string } {
  const def = files.find((f) => f.role === 'default');
  const ovr = files.find((f) => f.role === 'override');
  const notes: string[] = [];
  // Files whose header names their file list: the default file, shared layers, themselves.
  // The layers they name are not environments.
  const envFiles = new Set(files.filter((f) => f.role === 'env').map((f) => f.name));
  const declared = new Map<string, string[]>();
  for (const f of files) {
    const d = f.declared;
    if (f.role !== 'env' || !d || !def || d[0] !== def.name || !d.slice(1, -1).every((x) => envFiles.has(x) && x !== f.name)) continue;
    declared.set(f.name, d);
  }
  const layerNames = new Set([...declared.values()].flatMap((d) => d.slice(1, -1)));
  for (const l of layerNames) declared.delete(l);
  const envs = files
    .filter((f) => f.role === 'env' && !layerNames.has(f.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (layerNames.size)
    notes.push(`${[...layerNames].sort().join(', ')} ${layerNames.size > 1 ? 'are shared layers' : 'is a shared layer'} (named in the header of ${[...declared.keys()].sort().join(', ')})`);
  const filesOf = (e: ClassifyInput): string[] => declared.get(e.name) ?? [def!.name, e.name];
  const verdictOf = (e: ClassifyInput): Verdict =>
    declared.has(e.name) ? { kind: 'override', why: `its header runs it as ${declared.get(e.name)!.join(' + ')}` } : layerVerdict(e, def!);
  const base = { defaultFile: def?.name, overrideFile: ovr?.name };
  const refuse = (ambiguous: string) => ({ kind: 'none' as const, environments: [], notes, ...base, ambiguous });
  if (!def && !ovr && !envs.length) return { kind: 'none', environments: [], notes: ['no compose file found'], ...base };

  if (ovr) {
    if (!def) return refuse(`${ovr.name} has no default file to override`);
    const verdicts = settle(
      envs.map((e) => ({ e, v: verdictOf(e) })),
      true,
    );
    const full = verdicts.filter((x) => x.v.kind !== 'override');
    if (full.length)
      return refuse(
        `${def.name} + ${ovr.name} is a base+override layout, but ${full.map((x) => `${x.e.name} (${x.v.why})`).join(', ')} does not look like an override of it`,
      );
    notes.push(`${def.name} + ${ovr.name} is already a base+override layout${envs.length ? `, with ${envs.map((e) => e.name).join(', ')} layered on ${def.name}` : ''}`);
    return {
      kind: 'base+override',
      environments: [
        { name: defaultEnvName(envs), files: [def.name, ovr.name] },
        ...envs.map((e) => ({ name: e.env!, files: filesOf(e) })),
      ],
      notes,
      ...base,
    };
  }

  if (!def) {
    // No default file: every env file must be a full environment on its own.
    const partial = envs.filter((e) => !standalone(e.model));
    if (partial.length)
      return refuse(
        `${partial.map((e) => e.name).join(', ')} ${partial.length > 1 ? 'have services' : 'has a service'} without image, build or extends (an override?) and there is no compose.yaml or docker-compose.yml`,
      );
    const environments = envs.map((e) => ({ name: e.env!, files: [e.name] }));
    notes.push(`${envs.length} environment file${envs.length > 1 ? 's' : ''}: ${envs.map((e) => `${e.env} (${e.name})`).join(', ')}`);
    return { kind: environments.length > 1 ? 'per-env' : 'single', environments, notes, ...base };
  }

  if (!envs.length) {
    notes.push(`only ${def.name}: a single environment`);
    return { kind: 'single', environments: [{ name: defaultEnvName(envs), files: [def.name] }], notes, ...base };
  }

  const judged = envs.map((e) => ({ e, v: verdictOf(e) }));
  const verdicts = settle(
    judged,
    judged.some((x) => x.v.kind === 'override'),
  );
  const unsure = verdicts.filter((x) => x.v.kind === 'ambiguous');
  const overrides = verdicts.filter((x) => x.v.kind === 'override');
  const fulls = verdicts.filter((x) => x.v.kind === 'full');
  if (unsure.length || (overrides.length && fulls.length)) {
    const parts = verdicts.map((x) => `${x.e.name}: ${x.v.kind === 'ambiguous' ? 'unclear' : x.v.kind === 'full' ? 'a full file' : 'an override'} (${x.v.why})`);
    return refuse(`cannot tell which files are full environments and which are overrides of ${def.name}: ${parts.join('; ')}`);
  }
  if (overrides.length) {
    notes.push(`${def.name} is a base and ${overrides.map((x) => x.e.name).join(', ')} layer${overrides.length > 1 ? '' : 's'} on it: already a base+override layout`);
    // With a dev override (docker-compose.dev.yml), dev is `-f base -f dev`: the base alone is
    // not an environment anyone runs. Without one, plain `docker compose` runs the base alone.
    const devLayer = envs.some((e) => e.env && isDevName(e.env));
    if (devLayer) notes.push(`${def.name} alone is not treated as an environment: ${envs.find((e) => e.env && isDevName(e.env))!.name} is the dev layer`);
    return {
      kind: 'base+override',
      environments: [
        ...(devLayer ? [] : [{ name: defaultEnvName(envs), files: [def.name] }]),
        ...envs.map((e) => ({ name: e.env!, files: filesOf(e) })),
      ],
      notes,
      ...base,
    };
  }
  const defName = defaultEnvName(envs);
  notes.push(
    `${envs.length + 1} full environment files: ${defName} (${def.name}, what plain \`docker compose\` loads), ${envs.map((e) => `${e.env} (${e.name})`).join(', ')}`,
  );
  return {
    kind: 'per-env',
    environments: [{ name: defName, files: [def.name] }, ...envs.map((e) => ({ name: e.env!, files: [e.name] }))],
    notes,
    ...base,
  };
}

/** The default file's environment: `dev`, unless another file already is the dev one. */
function defaultEnvName(envs: readonly NamedFile[]): string {
  if (!envs.some((e) => e.env && isDevName(e.env))) return 'dev';
  return envs.some((e) => e.env === 'default') ? 'base' : 'default';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function servicesOf(model: unknown): Record<string, unknown> {
  return isObj(model) && isObj(model.services) ? model.services : {};
}

/** Every service has image, build or extends (it can run without another file). */
function standalone(model: unknown): boolean {
  return Object.values(servicesOf(model)).every((s) => isObj(s) && ('image' in s || 'build' in s || 'extends' in s));
}

/** Leaf values of `model` (path -> JSON), anchors resolved. */
function leaves(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (isObj(value)) for (const [k, v] of Object.entries(value)) leaves(v, `${prefix}/${k}`, out);
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${prefix}/${i}`, out));
  else out.set(prefix, JSON.stringify(value));
  return out;
}

/**
 * `judge`, except that a default file which cannot run alone (a service without image, build
 * or extends) is evidently a base: every env file then layers on it.
 */
function layerVerdict(file: ClassifyInput, def: ClassifyInput): Verdict {
  const v = judge(file, def);
  if (v.kind === 'override' || standalone(def.model)) return v;
  const lacking = Object.entries(servicesOf(def.model)).find(([, s]) => !(isObj(s) && ('image' in s || 'build' in s || 'extends' in s)));
  return { kind: 'override', why: `${def.name} is a base (service ${lacking?.[0]} has no image or build there)` };
}

/** The model holds a `!reset` or `!override`: markers that only mean something in a layer. */
function hasMarkers(value: unknown): boolean {
  if (isReset(value) || isOverride(value)) return true;
  if (Array.isArray(value)) return value.some(hasMarkers);
  return isObj(value) && Object.values(value).some(hasMarkers);
}

function judge(file: ClassifyInput, def: ClassifyInput): Verdict {
  if (hasMarkers(file.model)) return { kind: 'override', why: 'it uses !reset / !override, which only apply on top of another file' };
  const mine = servicesOf(file.model);
  const theirs = servicesOf(def.model);
  const names = Object.keys(mine);
  const partial = Object.entries(mine).filter(
    ([name, s]) => name in theirs && !(isObj(s) && ('image' in s || 'build' in s || 'extends' in s)),
  );
  const own = leaves(file.model, '', new Map());
  own.delete('/version');
  const other = leaves(def.model, '', new Map());
  let same = 0;
  for (const [p, v] of own) if (other.get(p) === v) same++;
  const ratio = own.size ? same / own.size : 0;
  const small = own.size <= other.size * 0.5;
  const pct = `${Math.round(ratio * 100)}% of its values repeat ${def.name}`;
  if (partial.length) return { kind: 'override', why: `service ${partial[0][0]} has no image or build of its own; ${pct}` };
  // A file that shares no service with the default file adds services to it (a monitoring or
  // admin layer, or what extract leaves in an override): a layer, not another environment.
  // (Unless one of them runs what a default service runs: then it is a renamed copy.)
  const runs = (svc: unknown): string | undefined => {
    if (!isObj(svc)) return undefined;
    if (typeof svc.image === 'string') return `image:${svc.image.replace(/@.*$/, '').replace(/:[^/:]*$/, '')}`;
    const b = svc.build;
    if (typeof b === 'string') return `build:${b}`;
    if (isObj(b)) return `build:${typeof b.context === 'string' ? b.context : '.'}`;
    return undefined;
  };
  const defRuns = new Set(Object.values(theirs).map(runs));
  defRuns.delete(undefined);
  if (names.length && !names.some((n) => n in theirs) && ratio < 0.5 && !names.some((n) => defRuns.has(runs(mine[n]))))
    return { kind: 'override', why: `it only adds services (${names.join(', ')}) to those of ${def.name}` };
  if (ratio <= 0.2 && small) return { kind: 'override', why: `${pct}, and it is less than half its size` };
  // Attribute coverage: a per-environment copy restates most attributes of the services it
  // shares with the default file (image, ports, environment...), maybe with other values; a
  // layer states only the few it changes.
  const shared = names.filter((n) => n in theirs);
  let attrs = 0;
  let covered = 0;
  for (const n of shared) {
    const t = isObj(theirs[n]) ? Object.keys(theirs[n]) : [];
    const m = isObj(mine[n]) ? mine[n] : {};
    attrs += t.length;
    covered += t.filter((k) => k in m).length;
  }
  if (attrs && covered / attrs < 0.5 && ratio <= 0.2)
    return {
      kind: 'override',
      why: `its services restate ${Math.round((covered / attrs) * 100)}% of the attributes ${def.name} gives them; ${pct}`,
    };
  if (standalone(file.model) && (ratio >= 0.5 || !small))
    return { kind: 'full', why: `every service can run alone; ${pct}`, strong: ratio >= 0.5 };
  return { kind: 'ambiguous', why: `${pct}, but it is small` };
}

/**
 * Detects the environments of the compose project in `dir` (see the module comment).
 * Throws a ComposemodError asking for `--env` when the layout is ambiguous.
 */
export async function detectProject(dir: string): Promise<Discovery> {
  let names: string[];
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    names = [];
    for (const d of entries) {
      // a symlinked compose file counts as the file it points to (its edits are written through)
      if (d.isFile() || (d.isSymbolicLink() && (await fs.stat(path.join(dir, d.name)).catch(() => undefined))?.isFile())) names.push(d.name);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ComposemodError(code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : `cannot read directory (${code})`, {
      file: dir,
    });
  }
  const named = names.map(parseComposeName).filter((n): n is NamedFile => n !== undefined);
  const notes: string[] = [];
  // compose.yaml wins over docker-compose.yml (as in Compose); keep one default and override.
  const pick = (role: FileRole): void => {
    const all = named.filter((n) => n.role === role);
    if (all.length < 2) return;
    const order = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'].map((n) =>
      role === 'override' ? n.replace('compose.', 'compose.override.') : n,
    );
    all.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    notes.push(`${all.map((a) => a.name).join(' and ')} both exist: Compose loads ${all[0].name}; ignoring the others`);
    for (const a of all.slice(1)) named.splice(named.indexOf(a), 1);
  };
  pick('default');
  pick('override');
  const dupEnv = new Map<string, NamedFile>();
  for (const n of named.filter((x) => x.role === 'env')) {
    const prev = dupEnv.get(n.env!);
    if (prev)
      throw new ComposemodError(`environment "${n.env}" matches both ${prev.name} and ${n.name}; name the files with --env`, {
        file: dir,
      });
    dupEnv.set(n.env!, n);
  }
  const inputs: ClassifyInput[] = [];
  const sources = new Map<string, ComposeSource>();
  for (const n of named) {
    const src = await loadSource(path.join(dir, n.name));
    sources.set(src.path, src);
    inputs.push({ ...n, model: toModel(src.doc, src.path), declared: declaredFiles(src.text, n.name) });
  }
  const result = classifyFiles(inputs);
  const def = named.find((n) => n.role === 'default');
  const family: Family = def?.family ?? mostCommon(named.map((n) => n.family), 'compose');
  const ext = def?.ext ?? mostCommon(named.map((n) => n.ext), family === 'compose' ? '.yaml' : '.yml');
  if (result.ambiguous)
    throw new ComposemodError(
      `${result.ambiguous}. Name the environments with --env, e.g. --env dev=${def?.name ?? 'compose.dev.yaml'} --env prod=${
        named.find((n) => n.role === 'env')?.name ?? 'compose.prod.yaml'
      }`,
      { file: dir, exitCode: 2 },
    );
  return {
    kind: result.kind,
    environments: result.environments.map((e) => ({ name: e.name, files: e.files.map((f) => path.join(dir, f)) })),
    family,
    ext,
    defaultFile: result.defaultFile ? path.join(dir, result.defaultFile) : undefined,
    overrideFile: result.overrideFile ? path.join(dir, result.overrideFile) : undefined,
    sources,
    notes: [...notes, ...result.notes],
  };
}

function mostCommon<T>(values: readonly T[], fallback: T): T {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = fallback;
  let n = 0;
  for (const [v, c] of counts) {
    if (c > n) {
      best = v;
      n = c;
    }
  }
  return best;
}
