/**
 * `extract`: from per-environment compose files, produce one shared base, optional shared
 * layers for groups of environments, and one override per environment, verified before
 * anything is written.
 *
 * Pure over loaded sources (no IO): the command module reads files and writes the changes.
 */
import path from 'node:path';
import { ComposemodError } from '../core/errors.js';
import { parseSource, type ComposeSource } from '../core/source.js';
import { toComposeModel } from '../core/project.js';
import { canonicalize, mergeFiles, normalize, isReset, isOverride } from '../core/merge/index.js';
import { deepEqual } from '../core/merge/values.js';
import type { FileChange } from '../core/save.js';
import { classifyFiles, declaredFiles, isDevName, parseComposeName, type ClassifyInput, type Environment, type Family } from '../core/discover.js';
import { toModel } from '../core/model.js';
import { canonicalJson, keptLines, linesOf, planExtract, type Keep, type Plan } from './plan.js';
import { atomicPaths, fixedPaths, commentCounts, comments, lineCount } from './text.js';
import { buildFiles, type Built, type Sources } from './build.js';
import { usedResources, verifyEnvironments } from './verify.js';

export type Layout = 'override' | 'per-env';

/** `--layer NAME=ENV,ENV...`: a shared layer for a group of environments. */
export interface LayerSpec {
  name: string;
  envs: string[];
}

export interface ExtractInput {
  /** Project directory (new files are created here). */
  dir: string;
  /** Environments with absolute file paths, in the order Compose gets them. */
  environments: Environment[];
  /** Every environment file, parsed, by absolute path. */
  sources: ReadonlyMap<string, ComposeSource>;
  family: Family;
  ext: '.yml' | '.yaml';
  layout?: Layout;
  /** Absolute path of the base file (default: the default file name of the family). */
  base?: string;
  /** `--name ENV=FILE`: the file an environment's override is written to (absolute paths). */
  names?: ReadonlyMap<string, string>;
  /** `--layer`: groups that get a shared layer (used when it makes the files shorter). */
  layers?: LayerSpec[];
  /** Look for shared layers on their own (default true). */
  autoLayers?: boolean;
  /**
   * A service some environments lack may live in the base, disabled in those environments by
   * `profiles: [<marker>]` (default true).
   */
  profiles?: boolean;
  /** Does a file exist on disk (to refuse overwriting an unrelated file)? */
  exists?: (file: string) => boolean;
  /** Is a file ignored by git (a file extract writes there would not be committed)? */
  ignored?: (file: string) => boolean;
  resolveExtendsFile?: (file: string, fromFile: string) => unknown;
  /** May use `!reset` / `!override` (Compose >= 2.24.4) where that makes the files shorter. */
  allowReset?: boolean;
  /**
   * Least share of the lines the extraction must remove to be worth a new layout (new files,
   * every command changing): below it, nothing to do. Default 0.05.
   */
  minSaving?: number;
}

/** Extract when it removes at least this share of the lines. */
export const DEFAULT_MIN_SAVING = 0.05;

const percent = (part: number, whole: number): string => `${Math.round((1000 * part) / whole) / 10}%`;

/** A `!reset` or `!override` written into an override file. */
export interface Marker {
  tag: '!reset' | '!override';
  /** Model path, dotted (`services.web.ports`). */
  path: string;
}

export interface LayerReport {
  name: string;
  /** Absolute path of the layer file. */
  path: string;
  /** The environments that load it (between the base and their own file). */
  envs: string[];
  /** The environment whose file it was cut from. */
  from: string;
}

export interface EnvReport {
  name: string;
  before: string[];
  after: string[];
  commandBefore: string;
  commandAfter: string;
  linesBefore: number;
  linesAfter: number;
  verified: boolean;
  problem?: string;
  /** `!reset` / `!override` markers in this environment's override (with allowReset). */
  markers: Marker[];
  /** The environment's files after the first one, left as they are (a layered environment). */
  layers: string[];
  /** Services this environment lacks that the base holds, disabled here by the profile. */
  disabled: string[];
}

/** Total lines with the base cut from one environment's file. */
export interface BaseOption {
  env: string;
  /** Undefined: its plans were estimated longer, so its files were not written out. */
  lines?: number;
  /** Comment lines of one environment this choice would put in the base (so it was not taken). */
  homeless?: number;
}

export interface ExtractResult {
  status: 'extracted' | 'nothing-to-do' | 'refused';
  /** Why nothing is done (nothing-to-do / refused). */
  reason?: string;
  layout?: Layout;
  base?: string;
  /** The environment whose file the base was cut from. */
  baseFrom?: string;
  /** The best total for each environment the base could be cut from, best first. */
  baseOptions?: BaseOption[];
  /** Shared layers written. */
  layers: LayerReport[];
  /** The profile that disables services an environment lacks (when one does). */
  profile?: string;
  environments: EnvReport[];
  changes: FileChange[];
  linesBefore: number;
  linesAfter: number;
  notes: string[];
  /** Things to act on (a file git ignores, plain `docker compose` changing meaning). */
  warnings: string[];
  /** Some override uses `!reset` / `!override` (needs Compose >= 2.24.4). */
  usesReset?: boolean;
}

const DEFAULT_STEM: Record<Family, string> = { compose: 'compose', 'docker-compose': 'docker-compose' };
const DEFAULT_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

function refused(reason: string, environments: Environment[], notes: string[] = []): ExtractResult {
  return {
    status: 'refused',
    reason,
    environments: environments.map((e) => ({
      name: e.name,
      before: e.files,
      after: e.files,
      commandBefore: '',
      commandAfter: '',
      linesBefore: 0,
      linesAfter: 0,
      verified: false,
      markers: [],
      layers: e.files.slice(1),
      disabled: [],
    })),
    layers: [],
    changes: [],
    linesBefore: 0,
    linesAfter: 0,
    notes,
    warnings: [],
  };
}

const nothingToDo = (reason: string, envs: Environment[]): ExtractResult => ({ ...refused(reason, envs), status: 'nothing-to-do' });

function hasMarkers(v: unknown): boolean {
  if (isReset(v) || isOverride(v)) return true;
  if (Array.isArray(v)) return v.some(hasMarkers);
  if (v && typeof v === 'object') return Object.values(v).some(hasMarkers);
  return false;
}

/** Canonical form of a value at a model path, through the engine's normal form. */
export function canonAt(p: (string | number)[], value: unknown): string {
  try {
    if (p[0] === 'services' && p.length >= 2 && p.length <= 4) {
      const [, , attr, index] = p;
      let svc: unknown = value;
      if (p.length >= 3) svc = { [String(attr)]: p.length === 4 ? [value] : value };
      if (p.length === 4 && typeof index !== 'number') return canonicalJson(value);
      const out = normalize({ services: { s: svc } }) as { services: Record<string, Record<string, unknown>> };
      const s = out.services.s;
      return canonicalJson(p.length === 2 ? s : s[String(attr)]);
    }
    if (p.length === 2 && ['volumes', 'networks', 'secrets', 'configs'].includes(String(p[0]))) {
      const out = normalize({ [String(p[0])]: { r: value } }) as Record<string, Record<string, unknown>>;
      return canonicalJson(out[String(p[0])].r);
    }
  } catch {
    // not normalizable on its own: compare as written
  }
  return canonicalJson(value);
}

const rel = (dir: string, f: string): string => path.relative(dir, f).split(path.sep).join('/') || path.basename(f);

function commandLine(dir: string, files: string[], auto: string[][]): string {
  if (auto.some((a) => a.length === files.length && a.every((f, i) => f === files[i]))) return 'docker compose';
  return ['docker compose', ...files.map((f) => `-f ${rel(dir, f)}`)].join(' ');
}

/** Is `keep` keeping anything of the services? */
function keepsServices(k: Keep | null): boolean {
  if (!k) return false;
  if (k === true) return true;
  return k.kind === 'map' && k.keys.has('services');
}

/** The `!reset` / `!override` markers of a keep tree. */
export function markersOf(k: Keep | null, p: (string | number)[] = []): Marker[] {
  if (!k || k === true) return [];
  const at = p.map(String).join('.');
  if (k.kind === 'reset') return [{ tag: '!reset', path: at }];
  if (k.kind === 'override') return [{ tag: '!override', path: at }];
  if (k.kind === 'map') return [...k.keys].flatMap(([key, sub]) => markersOf(sub, [...p, key]));
  return [];
}

const nest = (p: readonly (string | number)[], v: unknown): unknown => p.reduceRight<unknown>((acc, seg) => ({ [String(seg)]: acc }), v);

/**
 * Does the plain merge of `value` onto `base` at `p` give what `value` gives alone? Asked of
 * the merge engine on a model holding only that path; any error counts as "no".
 */
export function replacesAt(p: (string | number)[], base: unknown, value: unknown): boolean {
  try {
    const merged = normalize(mergeFiles([{ path: 'base', model: nest(p, base) }, { path: 'env', model: nest(p, value) }]));
    const alone = normalize(mergeFiles([{ path: 'env', model: nest(p, value) }]));
    return deepEqual(merged, alone);
  } catch {
    return false;
  }
}

/** Where the files go: decided before planning, the same whichever file the base is cut from. */
interface Placement {
  layout: Layout;
  basePath: string;
  baseStem: string;
  /** The override file of each head environment. */
  targets: string[];
  /** The head environment in the auto-loaded override file (-1: none). */
  autoIndex: number;
  /** The head environment in the default file before (-1: none). */
  defaultIndex: number;
  notes: string[];
  warnings: string[];
}

/** One way of writing the files, before verification. */
interface Candidate {
  baseIndex: number;
  reset: boolean;
  /** Services some environments lack may be in the base, disabled by a profile. */
  disable: boolean;
  /** New content by absolute path (base, layers, overrides). */
  outputs: Map<string, string>;
  /** The files each head environment is made of afterwards. */
  after: string[][];
  markers: Marker[][];
  layers: LayerReport[];
  /** Lines of the outputs and of the files left as they are. */
  lines: number;
  /** Comment lines of one environment the base holds (it has no file of its own): avoided. */
  homeless: number;
  notes: string[];
}

interface Context {
  input: ExtractInput;
  heads: string[];
  headEnvs: Environment[];
  srcs: ComposeSource[];
  models: Record<string, unknown>[];
  place: Placement;
  marker?: string;
  /** Lines of the files that stay as they are (layers of several-file environments). */
  untouchedLines: number;
  /** `canonAt`, remembered. */
  canon: (p: (string | number)[], v: unknown) => string;
}

/** A member's override, parsed for a second stage. */
interface Parsed {
  src: ComposeSource;
  model: Record<string, unknown>;
  atomic: Set<string>;
}

/**
 * Plans, builds and verifies the extraction. Never throws for an input that is merely not
 * extractable: the result says `refused` (or `nothing-to-do`) with the reason.
 *
 * Environments of several files: the first file of each environment is its "head"; the
 * later files ("layers") are left exactly as they are. Extraction runs over the distinct
 * heads (one head environment each, named after the environment made of that file alone,
 * else after the first environment starting with it), and every environment becomes the new
 * files of its head followed by its layers. When all environments share one head, the files
 * are already layered: nothing to do.
 *
 * Every head environment's file is tried as the one the base is cut from (plain, and with
 * `!reset`/`!override` when allowed); the best ones are tried with shared layers for groups
 * of environments; the shortest that verifies is used (plain before `!reset` on a tie).
 */
export function extract(input: ExtractInput): ExtractResult {
  const { dir, environments: envs, sources } = input;
  if (envs.length < 2) return nothingToDo('extract needs at least two environments', envs);
  if (envs.length > 10) return refused(`extract supports 2 to 10 environments, got ${envs.length}`, envs);

  const heads = [...new Set(envs.map((e) => e.files[0]))];
  if (heads.length === 1 && envs.some((e) => e.files.length > 1))
    return nothingToDo(`already a base+override layout (${rel(dir, heads[0])} is the base of every environment)`, envs);
  const lists = envs.map((e) => e.files.join('\0'));
  if (new Set(lists).size !== lists.length) return refused('two environments use the same file', envs);
  for (const e of envs) {
    if (new Set(e.files).size !== e.files.length) return refused(`environment ${e.name} lists a file twice`, envs);
    for (const f of e.files.slice(1)) {
      const owner = envs.find((x) => x.files[0] === f);
      if (owner)
        return refused(
          `${rel(dir, f)} is the first file of environment ${owner.name} and a later file of ${e.name}: extract would rewrite a file another environment layers on`,
          envs,
        );
    }
  }
  const headEnvs: Environment[] = heads.map((h) => {
    const alone = envs.find((e) => e.files.length === 1 && e.files[0] === h);
    return { name: (alone ?? envs.find((e) => e.files[0] === h)!).name, files: [h] };
  });
  const layerNotes = envs
    .filter((e) => e.files.length > 1)
    .map((e) => {
      const head = headEnvs[heads.indexOf(e.files[0])];
      const layers = e.files.slice(1).map((f) => rel(dir, f)).join(', ');
      return `${e.name} is ${e.files.map((f) => rel(dir, f)).join(' + ')}: ${layers} ${e.files.length > 2 ? 'stay' : 'stays'} as ${e.files.length > 2 ? 'they are' : 'it is'}, on top of ${head.name === e.name ? `the new files of ${rel(dir, e.files[0])}` : `${head.name}'s new files`}`;
    });

  const srcOf = (f: string): ComposeSource => {
    const s = sources.get(f);
    if (!s) throw new ComposemodError('internal: environment file not loaded', { file: f });
    return s;
  };
  const srcs = heads.map(srcOf);
  const models = srcs.map((s) => toComposeModel(s));
  const marked = srcs.find((_, i) => hasMarkers(models[i]));
  if (marked) return refused(`${rel(dir, marked.path)} uses !reset or !override: it is already an override`, envs);
  const multiDoc = srcs.find((s) => s.docs.filter((d) => d.contents !== null).length > 1);
  if (multiDoc) return refused(`${rel(dir, multiDoc.path)} holds several YAML documents`, envs);
  const layerFiles = [...new Set(envs.flatMap((e) => e.files.slice(1)))];
  const layerModels = layerFiles.map((f) => toComposeModel(srcOf(f)));
  // `include:` brings in other files' services, which the merge engine does not follow yet:
  // the verification could not see what the environment gets
  const including = [...heads, ...layerFiles].find((f, i) => 'include' in (i < heads.length ? models[i] : layerModels[i - heads.length]));
  if (including)
    return refused(`${rel(dir, including)} uses \`include:\`, which composemod cannot verify yet (the included files are not merged): not extracted`, envs);

  const place = placeFiles(input, headEnvs);
  if ('status' in place) return place;
  const original = new Map([...heads, ...layerFiles].map((f) => [f, (srcOf(f).format.bom ? '\uFEFF' : '') + srcOf(f).text]));
  const linesBefore = [...original.values()].reduce((n, t) => n + lineCount(t), 0);
  const cx: Context = {
    input,
    heads,
    headEnvs,
    srcs,
    models,
    place,
    marker: input.profiles === false ? undefined : profileMarker([...models, ...layerModels]),
    untouchedLines: layerFiles.reduce((n, f) => n + lineCount(original.get(f)!), 0),
    canon: memoCanon(),
  };

  // Every base, plain (and with !reset/!override when allowed).
  const candidates: Candidate[] = [];
  let firstProblem: ExtractResult | undefined;
  const atomic = srcs.map(atomicPaths);
  const fixed = srcs.map(fixedPaths);
  const references = models.map((m, i) => referencesOf(m, srcs[i].path));
  const canon = cx.canon;
  const planned: FirstPlan[] = [];
  for (const reset of input.allowReset ? [false, true] : [false]) {
    for (const disable of cx.marker !== undefined ? [true, false] : [false]) {
      for (let b = 0; b < heads.length; b++) {
        const p = planFirst(cx, { b, reset, disable, atomic, fixed, references, canon });
        if ('status' in p) firstProblem ??= p;
        // a !reset plan without any marker is the plain plan again
        else if (!reset || p.plan.overrides.some((k) => markersOf(k).length)) planned.push(p);
      }
    }
  }
  // build the most promising plans (by estimated lines) of each kind, each distinct plan once
  planned.sort((x, y) => x.estimate - y.estimate);
  const seen = new Set<string>();
  const distinct = planned.filter((p) => {
    const key = `${p.b}:${planKey(p.plan)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const reset of [false, true]) {
    for (const disable of [true, false]) {
      for (const p of distinct.filter((x) => x.reset === reset && x.disable === disable).slice(0, disable ? 2 : 1)) {
        const c = buildFirst(cx, p);
        if ('status' in c) firstProblem ??= c;
        else candidates.push(c);
      }
    }
  }
  if (!candidates.length) {
    const why = firstProblem ?? refused('nothing could be planned', envs);
    return { ...why, environments: refused('', envs).environments };
  }
  // Shared layers on the best candidates of each kind.
  const byLines = (a: Candidate, b: Candidate) =>
    Number(a.homeless > 0) - Number(b.homeless > 0) ||
    a.lines - b.lines || Number(a.reset) - Number(b.reset) || a.layers.length - b.layers.length || a.baseIndex - b.baseIndex;
  candidates.sort(byLines);
  const layered: Candidate[] = [];
  for (const reset of [false, true]) {
    for (const disable of [true, false]) {
      for (const c of candidates.filter((x) => x.reset === reset && x.disable === disable).slice(0, 1)) {
        const l = withLayers(cx, c);
        if (l) layered.push(l);
      }
    }
  }
  candidates.push(...layered);
  candidates.sort(byLines);

  // The shortest candidate that verifies.
  const before = new Map(original);
  let picked: { c: Candidate; reports: EnvReport[] } | undefined;
  let problem: { c: Candidate; reports: EnvReport[]; why: string } | undefined;
  for (const c of candidates) {
    const v = verifyCandidate(cx, envs, c, before);
    if (!v.problem) {
      picked = { c, reports: v.reports };
      break;
    }
    problem ??= { c, reports: v.reports, why: v.problem };
  }
  const notes: string[] = [...layerNotes, ...place.notes];
  const bestReset = candidates.find((c) => c.reset);
  if (input.allowReset && picked && !picked.c.reset) {
    if (bestReset)
      notes.push(
        bestReset.lines < picked.c.lines
          ? `--allow-reset: the plan with !reset/!override did not verify; used the plain one`
          : `--allow-reset: !reset/!override would not make the files shorter (${bestReset.lines} vs ${picked.c.lines} lines); none used`,
      );
  }
  if (!picked) {
    const p = problem!;
    return {
      ...refused(p.why, envs, [...notes, ...p.c.notes]),
      environments: p.reports,
      linesBefore,
      linesAfter: p.c.lines,
    };
  }
  let { c, reports } = picked;
  const declared = declareLists(cx, c);
  if (declared !== c) {
    const v = verifyCandidate(cx, envs, declared, before);
    if (!v.problem) ({ c, reports } = { c: declared, reports: v.reports });
  }
  notes.push(...c.notes);
  if (c.homeless)
    notes.push(
      `${c.homeless} comment line${c.homeless > 1 ? 's' : ''} of one environment stay${c.homeless > 1 ? '' : 's'} in the base: ${reports.filter((r) => r.after.length === 1 + r.layers.length).map((r) => r.name).join(', ')} ${reports.filter((r) => r.after.length === 1 + r.layers.length).length > 1 ? 'have' : 'has'} no file of its own left`,
    );
  if (c.lines >= linesBefore)
    return {
      ...nothingToDo(`a shared base would not make the files shorter (${linesBefore} -> ${c.lines} lines)`, envs),
      notes,
      linesBefore,
      linesAfter: c.lines,
    };
  const minSaving = input.minSaving ?? DEFAULT_MIN_SAVING;
  if (linesBefore - c.lines < minSaving * linesBefore)
    return {
      ...nothingToDo(
        `a shared base would remove only ${linesBefore - c.lines} of ${linesBefore} lines (${percent(linesBefore - c.lines, linesBefore)}), ` +
          `less than the ${percent(minSaving, 1)} worth changing the layout (--min-saving 0 to extract anyway)`,
        envs,
      ),
      notes,
      linesBefore,
      linesAfter: c.lines,
    };

  const changes: FileChange[] = [];
  for (const [p, text] of c.outputs) changes.push({ path: p, before: original.get(p) ?? null, after: text });
  for (const f of heads) if (!c.outputs.has(f)) changes.push({ path: f, before: original.get(f)!, after: null });

  // The best total per base environment; bases whose plans were estimated longer were not written out.
  const baseOptions: BaseOption[] = [];
  for (const x of candidates) {
    const env = headEnvs[x.baseIndex].name;
    if (!baseOptions.some((o) => o.env === env))
      baseOptions.push({ env, lines: x.lines, ...(x.homeless ? { homeless: x.homeless } : {}) });
  }
  for (const e of headEnvs) if (!baseOptions.some((o) => o.env === e.name)) baseOptions.push({ env: e.name });
  const warnings = [...place.warnings];
  if (input.ignored) {
    for (const ch of changes) {
      if (ch.after !== null && input.ignored(ch.path))
        warnings.push(`${rel(dir, ch.path)} is ignored by git: ${ch.before === null ? 'the new file' : 'the file'} would not be committed (see git check-ignore -v ${rel(dir, ch.path)})`);
    }
  }
  const disabled = reports.some((r) => r.disabled.length);
  return {
    status: 'extracted',
    layout: place.layout,
    base: place.basePath,
    baseFrom: headEnvs[c.baseIndex].name,
    baseOptions,
    layers: c.layers,
    profile: disabled ? cx.marker : undefined,
    environments: reports,
    changes,
    linesBefore,
    linesAfter: c.lines,
    notes,
    warnings,
    usesReset: c.markers.some((m) => m.length),
  };
}

/** A profile name no environment uses: `disabled`, else `disabled-by-extract`, ... */
function profileMarker(models: readonly Record<string, unknown>[]): string {
  const used = new Set<string>();
  for (const m of models) {
    const svcs = m.services && typeof m.services === 'object' ? (m.services as Record<string, unknown>) : {};
    for (const s of Object.values(svcs)) {
      const p = s && typeof s === 'object' ? (s as Record<string, unknown>).profiles : undefined;
      if (Array.isArray(p)) for (const x of p) used.add(String(x));
    }
  }
  for (const name of ['disabled', 'disabled-by-extract']) if (!used.has(name)) return name;
  let i = 2;
  while (used.has(`disabled-${i}`)) i++;
  return `disabled-${i}`;
}

/** The resources an environment's services use (see `usedResources`), from its canonical form. */
function referencesOf(model: Record<string, unknown>, file: string): Set<string> {
  try {
    return usedResources(canonicalize(model, file).services);
  } catch {
    return usedResources(model.services);
  }
}

/** Decides the layout and every output name (or refuses). */
function placeFiles(input: ExtractInput, envs: Environment[]): Placement | ExtractResult {
  const { dir } = input;
  const files = envs.map((e) => e.files[0]);
  const notes: string[] = [];
  const warnings: string[] = [];
  const stem = DEFAULT_STEM[input.family];
  const ext = input.ext;
  const defaultNames = [`${stem}${ext}`, ...DEFAULT_NAMES];
  const defaultIndex = files.findIndex((f) => path.dirname(f) === dir && defaultNames.includes(path.basename(f)));
  const basePath = input.base ?? (defaultIndex >= 0 ? files[defaultIndex] : path.join(dir, `${stem}${ext}`));
  const baseStem = path.basename(basePath).replace(/\.ya?ml$/, '');
  // Compose resolves relative paths against the first file's directory: moving content into a
  // base elsewhere would change what they point at
  const away = files.find((f) => path.dirname(f) !== path.dirname(basePath));
  if (away)
    return refused(
      `${rel(dir, away)} is not in the directory of the base (${rel(dir, path.dirname(basePath)) || '.'}): relative paths would point elsewhere; extract files of one directory`,
      input.environments,
    );
  const autoPath = path.join(path.dirname(basePath), `${baseStem}.override${ext}`);
  const names = input.names ?? new Map<string, string>();
  for (const name of names.keys())
    if (!envs.some((e) => e.name === name))
      return refused(
        `--name ${name}: no such environment${input.environments.some((e) => e.name === name) ? ' with a file of its own (it layers on another environment\'s file)' : ''}`,
        input.environments,
      );
  const named = envs.findIndex((e) => names.get(e.name) === autoPath);
  const devIndex = envs.findIndex((e) => isDevName(e.name));
  // The auto-loaded override holds an environment only when asked (--layout override,
  // --name ENV=<base>.override.yml) or when it is the development environment plain
  // `docker compose` already ran (or no file was auto-loaded before).
  let autoIndex = -1;
  if (named >= 0) autoIndex = named;
  else if (input.layout === 'override') autoIndex = defaultIndex >= 0 ? defaultIndex : devIndex;
  else if (input.layout === undefined) {
    if (defaultIndex >= 0) autoIndex = isDevName(envs[defaultIndex].name) ? defaultIndex : -1;
    else autoIndex = devIndex;
  }
  // an environment named into another file is not in the auto-loaded one
  if (autoIndex >= 0 && names.has(envs[autoIndex].name) && names.get(envs[autoIndex].name) !== autoPath) {
    if (input.layout === 'override')
      return refused(`--layout override and --name ${envs[autoIndex].name}=${rel(dir, names.get(envs[autoIndex].name)!)} contradict each other`, input.environments);
    autoIndex = -1;
  }
  if (input.layout === 'override' && autoIndex < 0)
    return refused('--layout override needs a local/dev environment (named dev, development or local, or in the default file)', input.environments);
  if (input.layout === 'per-env' && named >= 0)
    return refused(`--layout per-env and --name ${envs[named].name}=${rel(dir, autoPath)} contradict each other`, input.environments);
  const layout: Layout = autoIndex >= 0 ? 'override' : 'per-env';
  if (autoIndex >= 0 && !isDevName(envs[autoIndex].name))
    notes.push(`${envs[autoIndex].name} goes into the auto-loaded ${rel(dir, autoPath)}, as asked: plain \`docker compose\` runs it`);
  if (defaultIndex >= 0 && autoIndex !== defaultIndex) {
    const was = `plain \`docker compose\` ran ${envs[defaultIndex].name} (${rel(dir, files[defaultIndex])})`;
    warnings.push(
      autoIndex >= 0
        ? `${was}; afterwards it runs ${envs[autoIndex].name} (${rel(dir, basePath)} + ${rel(dir, autoPath)})`
        : `${was}; afterwards it loads the shared base alone: name the files with -f (or --name ${envs[defaultIndex].name}=${rel(dir, autoPath)} to keep plain \`docker compose\` on it)`,
    );
  }
  const targets = envs.map((e, i) => {
    const given = names.get(e.name);
    if (given) return given;
    if (i === autoIndex) return autoPath;
    const own = files[i];
    const ownName = path.basename(own);
    const reserved = own === basePath || defaultNames.includes(ownName) || /\.override\.ya?ml$/.test(ownName);
    return reserved ? path.join(path.dirname(basePath), `${baseStem}.${e.name}${ext}`) : own;
  });
  if (new Set([basePath, ...targets]).size !== targets.length + 1)
    return refused(`two outputs would have the same name (${[basePath, ...targets].map((t) => rel(dir, t)).join(', ')})`, input.environments);
  const layers = new Set(input.environments.flatMap((e) => e.files.slice(1)));
  for (const [i, t] of [basePath, ...targets].entries()) {
    if (layers.has(t)) return refused(`${rel(dir, t)} would be rewritten, but an environment layers it on top of its files`, input.environments);
    const owner = files.indexOf(t);
    if (owner >= 0 && i > 0 && owner !== i - 1 && t !== basePath)
      return refused(`${rel(dir, t)} is ${envs[owner].name}'s file: it cannot be ${envs[i - 1].name}'s output`, input.environments);
    if (!files.includes(t) && input.exists?.(t))
      return refused(`${rel(dir, t)} already exists and is not one of the environment files; move it away or use --base`, input.environments);
  }
  return { layout, basePath, baseStem, targets, autoIndex, defaultIndex, notes, warnings };
}

interface FirstPlan {
  b: number;
  reset: boolean;
  disable: boolean;
  plan: Plan;
  /** Estimated lines of all outputs. */
  estimate: number;
}

/** Plans the base cut from head environment `b`'s file, and every override. */
function planFirst(
  cx: Context,
  o: {
    b: number;
    reset: boolean;
    disable: boolean;
    atomic: Set<string>[];
    fixed: Set<string>[];
    references: Set<string>[];
    canon: (p: (string | number)[], v: unknown) => string;
  },
): FirstPlan | ExtractResult {
  const { input, models } = cx;
  const plan: Plan = planExtract({
    models,
    baseIndex: o.b,
    atomic: o.atomic,
    untaggable: o.fixed,
    canon: o.canon,
    allowReset: o.reset,
    replaces: replacesAt,
    disable: o.disable,
    references: o.references,
  });
  if (!keepsServices(plan.base)) return nothingToDo('the environments share no service definition: nothing to extract', input.environments);
  const estimate = keptLines(models[o.b], plan.base!) + plan.overrides.reduce((n, k, i) => n + (k ? keptLines(models[i], k) : 0), 0);
  return { b: o.b, reset: o.reset, disable: o.disable, plan, estimate };
}

/** Builds the files of a first-stage plan. */
function buildFirst(cx: Context, p: FirstPlan): Candidate | ExtractResult {
  const { input, srcs, models, place, headEnvs } = cx;
  const { b, plan, reset, disable } = p;
  let texts: Built;
  try {
    texts = buildFiles(sourcesOf(srcs, models, place.targets), plan, b, {
      basePath: place.basePath,
      marker: cx.marker,
      headerStays: place.autoIndex === b && place.basePath === srcs[b].path,
    });
  } catch (e) {
    if (e instanceof ComposemodError) return refused(`cannot build the files: ${e.format()}`, input.environments);
    throw e;
  }
  const notes: string[] = [];
  if (models.some((m) => m.version !== undefined)) {
    notes.push(
      models[b].version !== undefined
        ? `\`version:\` is obsolete and ignored by Compose v2: kept in the base as it was in ${rel(input.dir, srcs[b].path)}, left out of the overrides`
        : '`version:` is obsolete and ignored by Compose v2: left out of the base and the overrides',
    );
  }
  const outputs = new Map<string, string>([[place.basePath, texts.base]]);
  texts.overrides.forEach((t, i) => t !== null && outputs.set(place.targets[i], t));
  return {
    baseIndex: b,
    reset,
    disable,
    outputs,
    after: headEnvs.map((_, i) => (texts.overrides[i] !== null ? [place.basePath, place.targets[i]] : [place.basePath])),
    markers: plan.overrides.map((k) => markersOf(k)),
    layers: [],
    lines: [...outputs.values()].reduce((n, t) => n + lineCount(t), 0) + cx.untouchedLines,
    homeless: texts.homeless,
    notes,
  };
}

/** A plan as text, to tell identical plans apart. */
function planKey(plan: Plan): string {
  const k = (x: Keep | null): unknown =>
    x === null || x === true
      ? x
      : x.kind === 'map'
        ? [...x.keys].map(([key, sub]) => [key, k(sub)])
        : x.kind === 'seq'
          ? [...x.items]
          : x.kind === 'reset'
            ? `reset:${x.as}`
            : x.kind;
  return JSON.stringify([k(plan.base), plan.overrides.map(k)]);
}

/** `canonAt`, remembered per path and value (the planner asks again for every base). */
function memoCanon(): (p: (string | number)[], v: unknown) => string {
  const objects = new Map<string, WeakMap<object, string>>();
  return (p, v) => {
    if (v === null || typeof v !== 'object') return canonAt(p, v);
    const key = JSON.stringify(p);
    let m = objects.get(key);
    if (!m) objects.set(key, (m = new WeakMap()));
    let c = m.get(v);
    if (c === undefined) m.set(v, (c = canonAt(p, v)));
    return c;
  };
}

function sourcesOf(srcs: ComposeSource[], models: Record<string, unknown>[], targets: string[]): Sources {
  return srcs.map((src, i) => ({ src, model: models[i], target: targets[i] }));
}

/**
 * Shared layers on top of a candidate: for groups of environments whose overrides share
 * content, a layer cut from one member's override, loaded between the base and each member's
 * own file. `--layer` groups are tried as given; otherwise groups are searched (every group
 * of up to 6 environments, greedily beyond). A layer is kept only when the files get shorter.
 */
function withLayers(cx: Context, c: Candidate): Candidate | undefined {
  const { input, headEnvs, place } = cx;
  const usedNames = new Set([...c.outputs.keys()]);
  let out: Candidate | undefined;
  const tried = new Set<string>();
  for (let round = 0; round < LAYER_ROUNDS; round++) {
    const cur = out ?? c;
    // an environment with a file of its own, no !reset/!override, and room for one more layer;
    // not the one in the auto-loaded override (plain `docker compose` loads no layer)
    const overrideOf = (i: number) => (cur.after[i].length > 1 ? cur.outputs.get(place.targets[i]) : undefined);
    const eligible = headEnvs.flatMap((_, i) =>
      overrideOf(i) !== undefined && !cur.markers[i].length && cur.after[i].length < 2 + MAX_LAYERS && i !== place.autoIndex ? [i] : [],
    );
    if (eligible.length < 2) break;
    const parsed = new Map<number, Parsed>();
    try {
      for (const i of eligible) {
        const src = parseSource(withoutUsageLine(overrideOf(i)!), place.targets[i]);
        parsed.set(i, { src, model: toComposeModel(src, { schema: false }), atomic: atomicPaths(src) });
      }
    } catch {
      break;
    }
    const groups: { members: number[]; name?: string }[] = [];
    if (input.layers?.length) {
      if (round > 0) break;
      for (const spec of input.layers) {
        const members = spec.envs.map((n) => headEnvs.findIndex((e) => e.name === n));
        if (members.length < 2 || members.some((m) => !eligible.includes(m))) {
          cur.notes.push(`--layer ${spec.name}: ${spec.envs.join(', ')} cannot share a layer (each needs a file of its own, without !reset/!override)`);
          continue;
        }
        groups.push({ members, name: spec.name });
      }
    } else if (input.autoLayers !== false) {
      let remaining = [...eligible];
      while (remaining.length >= 2) {
        const best = searchGroup(cx, remaining, parsed, tried);
        if (!best) break;
        tried.add(best.join(','));
        groups.push({ members: best });
        remaining = remaining.filter((i) => !best.includes(i));
      }
    }
    let progress = false;
    for (const g of groups) {
      const base = out ?? c;
      const next = realizeLayer(cx, base, g.members, parsed, g.name, usedNames);
      if (next && next.lines < base.lines) {
        out = next;
        progress = true;
        for (const p of next.outputs.keys()) usedNames.add(p);
      } else if (g.name) {
        base.notes.push(`--layer ${g.name}: a shared layer would not make the files shorter; not written`);
      }
    }
    if (!progress) break;
  }
  return out;
}

/** Rounds of layer search (a later round may layer again on what the first left). */
const LAYER_ROUNDS = 3;
/** Layers an environment loads at most, between the base and its own file. */
const MAX_LAYERS = 2;

const USAGE = '# Use with: docker compose';

/** An override's text without the usage line a layer put at its top. */
function withoutUsageLine(text: string): string {
  const t = text.replace(/^\uFEFF/, '');
  if (!t.startsWith(USAGE)) return t;
  const nl = t.indexOf('\n');
  return nl < 0 ? '' : t.slice(nl + 1);
}

/** Lines a layer costs besides its content: a header line, and a usage line per member. */
const layerOverhead = (members: number) => 1 + members;

/** The group (of `pool`) whose layer saves the most estimated lines, if any saves some. */
function searchGroup(cx: Context, pool: number[], parsed: Map<number, Parsed>, tried: Set<string>): number[] | undefined {
  const gain = (members: number[]): number => {
    const plan = layerPlan(cx, members, parsed, true);
    return plan ? plan.gain : -Infinity;
  };
  const subsets: number[][] = [];
  if (pool.length <= 8) {
    for (let mask = 0; mask < 1 << pool.length; mask++) {
      const s = pool.filter((_, i) => mask & (1 << i));
      if (s.length >= 2 && s.length < cx.heads.length && !tried.has(s.join(','))) subsets.push(s);
    }
  } else {
    for (let i = 0; i < pool.length; i++) for (let j = i + 1; j < pool.length; j++) if (!tried.has(`${pool[i]},${pool[j]}`)) subsets.push([pool[i], pool[j]]);
  }
  let best: number[] | undefined;
  let bestGain = 0;
  for (const s of subsets) {
    const g = gain(s);
    if (g > bestGain) {
      best = s;
      bestGain = g;
    }
  }
  if (best && pool.length > 8) {
    // grow the best pair while that helps
    for (let grown = true; grown; ) {
      grown = false;
      for (const x of pool) {
        if (best.includes(x) || best.length + 1 >= cx.heads.length) continue;
        const g = gain([...best, x]);
        if (g > bestGain) {
          best = [...best, x];
          bestGain = g;
          grown = true;
        }
      }
    }
  }
  return best;
}

/**
 * The plan of a layer for `members`, cut from the member that saves most (`quick`: from the
 * member with the largest override), with its estimated gain.
 */
function layerPlan(cx: Context, members: number[], parsed: Map<number, Parsed>, quick = false): { plan: Plan; from: number; gain: number } | undefined {
  const models = members.map((i) => parsed.get(i)!.model);
  const atomic = members.map((i) => parsed.get(i)!.atomic);
  const sizes = models.map(linesOf);
  const before = sizes.reduce((n, x) => n + x, 0);
  const from = quick ? [sizes.indexOf(Math.max(...sizes))] : members.map((_, g) => g);
  let best: { plan: Plan; from: number; gain: number } | undefined;
  for (const g of from) {
    const plan = planExtract({ models, baseIndex: g, atomic, canon: cx.canon, replaces: replacesAt });
    if (!plan.base || plan.overrides.some((o) => o === null)) continue;
    const after = keptLines(models[g], plan.base) + plan.overrides.reduce((n, o, k) => n + keptLines(models[k], o!), 0);
    const gain = before - after - layerOverhead(members.length);
    if (!best || gain > best.gain) best = { plan, from: g, gain };
  }
  return best;
}

/** Writes the layer for `members` on top of `c` (undefined when it cannot be built). */
function realizeLayer(
  cx: Context,
  c: Candidate,
  members: number[],
  parsed: Map<number, Parsed>,
  name: string | undefined,
  usedNames: Set<string>,
): Candidate | undefined {
  const { input, place, headEnvs } = cx;
  const lp = layerPlan(cx, members, parsed);
  if (!lp) return undefined;
  const pathOf = (n: string) => path.join(path.dirname(place.basePath), `${place.baseStem}.${n}${input.ext}`);
  const taken = (p: string) => usedNames.has(p) || cx.heads.includes(p) || !!input.exists?.(p);
  let layerName = name ?? autoLayerName(members.map((i) => headEnvs[i].name), headEnvs.map((e) => e.name));
  if (!name) for (let k = 2; taken(pathOf(layerName)) && k < 100; k++) layerName = `${layerName.replace(/-\d+$/, '')}-${k}`;
  const layerPath = pathOf(layerName);
  if (taken(layerPath)) return undefined;
  let texts: Built;
  try {
    texts = buildFiles(
      members.map((i) => ({ src: parsed.get(i)!.src, model: parsed.get(i)!.model, target: place.targets[i] })),
      lp.plan,
      lp.from,
      { basePath: layerPath },
    );
  } catch {
    return undefined;
  }
  if (texts.overrides.some((t) => t === null)) return undefined;
  const dir = input.dir;
  const memberNames = members.map((i) => headEnvs[i].name);
  const eol = parsed.get(members[0])!.src.format.eol;
  const outputs = new Map(c.outputs);
  const header = `# Shared by ${joinNames(memberNames)}: loaded between ${rel(dir, place.basePath)} and their own file${eol}`;
  outputs.set(layerPath, withBom(header + texts.base.replace(/^\uFEFF/, ''), c.outputs.get(place.targets[members[lp.from]])!));
  const after = c.after.map((a) => [...a]);
  members.forEach((i, k) => {
    const files = [...c.after[i].slice(0, -1), layerPath, place.targets[i]];
    const usage = `${USAGE} ${files.map((f) => `-f ${rel(dir, f)}`).join(' ')}${eol}`;
    const text = texts.overrides[k]!;
    outputs.set(place.targets[i], withBom(usage + text.replace(/^\uFEFF/, ''), c.outputs.get(place.targets[i])!));
    after[i] = files;
  });
  const layer: LayerReport = { name: layerName, path: layerPath, envs: memberNames, from: headEnvs[members[lp.from]].name };
  return {
    ...c,
    outputs,
    after,
    layers: [...c.layers, layer],
    lines: [...outputs.values()].reduce((n, t) => n + lineCount(t), 0) + cx.untouchedLines,
    notes: [...c.notes],
  };
}

/**
 * The candidate with a usage line (`# Use with: docker compose -f base.yml -f this.yml`) atop
 * each override, when directory detection would not otherwise recognise the layout it writes
 * (an override restating whole services looks like a full environment); detection reads
 * these lines (`declaredFiles`). Unchanged when detection already recognises every list.
 */
function declareLists(cx: Context, c: Candidate): Candidate {
  const { place, heads, input } = cx;
  const dir = path.dirname(place.basePath);
  const autoPath = path.join(dir, `${place.baseStem}.override${input.ext}`);
  const layerFiles = input.environments.flatMap((e) => e.files.slice(1));
  if ([...c.outputs.keys(), ...heads].some((f) => path.dirname(f) !== dir)) return c;
  const recognised = (cand: Candidate): boolean => {
    const texts = new Map<string, string>();
    for (const f of layerFiles) texts.set(f, cx.input.sources.get(f)?.text ?? '');
    for (const [f, t] of cand.outputs) texts.set(f, t);
    const inputs: ClassifyInput[] = [];
    try {
      for (const [f, t] of texts) {
        const named = parseComposeName(path.basename(f));
        if (!named || path.dirname(f) !== dir) continue;
        const text = t.replace(/^\uFEFF/, '');
        inputs.push({ ...named, model: toModel(parseSource(text, f).doc, f), declared: declaredFiles(text, named.name) });
      }
    } catch {
      return false;
    }
    const found = classifyFiles(inputs);
    if (found.ambiguous || found.kind !== 'base+override') return false;
    const lists = new Set(found.environments.map((e) => e.files.join('\0')));
    return cand.after.every((a) => a.length < 2 || lists.has(a.map((f) => path.basename(f)).join('\0')));
  };
  if (recognised(c)) return c;
  const outputs = new Map(c.outputs);
  c.after.forEach((files, i) => {
    const own = files[files.length - 1];
    if (files.length < 2 || own === autoPath) return;
    const text = outputs.get(own)!;
    if (text.replace(/^\uFEFF/, '').startsWith(USAGE)) return;
    const eol = cx.srcs[i].format.eol;
    outputs.set(own, withBom(`${USAGE} ${files.map((f) => `-f ${rel(input.dir, f)}`).join(' ')}${eol}${text.replace(/^\uFEFF/, '')}`, text));
  });
  const next: Candidate = { ...c, outputs, lines: [...outputs.values()].reduce((n, t) => n + lineCount(t), 0) + cx.untouchedLines };
  return recognised(next) ? next : c;
}

const withBom = (text: string, like: string): string => (like.startsWith('\uFEFF') ? '\uFEFF' + text : text);

function joinNames(names: string[]): string {
  return names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * A layer's name: `deploy` for every environment but the development ones, else the words
 * the members' names share and the others' lack (`mariadb` for `insecure-mariadb` and
 * `proxy-mariadb`), else the members' names joined (`staging-prod`).
 */
export function autoLayerName(members: string[], all: string[]): string {
  const others = all.filter((n) => !members.includes(n));
  if (others.length && others.every(isDevName) && !members.some(isDevName) && !all.includes('deploy')) return 'deploy';
  const words = (n: string) => n.split(/[-_.]+/).filter(Boolean);
  const shared = words(members[0]).filter((w) => members.every((m) => words(m).includes(w)) && !others.some((o) => words(o).includes(w)));
  let name = shared.length ? shared.join('-') : members.join('-');
  if (name.length > 24) name = 'shared';
  return all.includes(name) ? `${name}-layer` : name;
}

/** Verifies a candidate: every environment's config unchanged, no comment lost. */
function verifyCandidate(
  cx: Context,
  envs: Environment[],
  c: Candidate,
  before: Map<string, string>,
): { reports: EnvReport[]; problem?: string } {
  const { input, heads, place } = cx;
  const dir = input.dir;
  const after = new Map<string, string | null>(before);
  for (const h of heads) if (!c.outputs.has(h)) after.set(h, null);
  for (const [p, t] of c.outputs) after.set(p, t);
  const lists = envs.map((e) => {
    const h = heads.indexOf(e.files[0]);
    return { name: e.name, before: e.files, after: [...c.after[h], ...e.files.slice(1)], h };
  });
  const verdicts = verifyEnvironments(lists, before, after, { marker: cx.marker, resolveExtendsFile: input.resolveExtendsFile });
  const auto = place.layout === 'override' ? [[place.basePath, path.join(path.dirname(place.basePath), `${place.baseStem}.override${input.ext}`)]] : [];
  if (place.layout === 'override' && !c.outputs.has(auto[0][1])) auto.push([place.basePath]);
  const autoBefore = place.defaultIndex >= 0 ? [[heads[place.defaultIndex]]] : [];
  const count = (files: string[]) => files.reduce((n, p) => n + lineCount(after.get(p) ?? null), 0);
  let problem: string | undefined;
  const reports = lists.map((l, i): EnvReport => {
    const v = verdicts[i];
    if (!v.ok) problem ??= `environment ${l.name}: ${v.problem}`;
    return {
      name: l.name,
      before: l.before,
      after: l.after,
      commandBefore: commandLine(dir, l.before, autoBefore),
      commandAfter: commandLine(dir, l.after, auto),
      linesBefore: l.before.reduce((n, p) => n + lineCount(before.get(p)!), 0),
      linesAfter: count(l.after),
      verified: v.ok,
      problem: v.problem,
      markers: c.markers[l.h],
      layers: envs[i].files.slice(1),
      disabled: v.disabled,
    };
  });
  if (!problem) {
    const have = commentCounts([...c.outputs.values()]);
    for (const s of cx.srcs)
      for (const cm of comments(s.text))
        if (!have.has(cm.text)) {
          problem = `a comment would be lost: ${rel(dir, s.path)}:${s.position(cm.offset).line}: # ${cm.text}`;
          break;
        }
  }
  return { reports, problem };
}
