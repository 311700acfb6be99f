/**
 * `extract`: from per-environment compose files, produce one shared base plus one override
 * per environment, verified with the merge engine before anything is written.
 *
 * Pure over loaded sources (no IO): the command module reads files and writes the changes.
 */
import path from 'node:path';
import { ComposemodError } from '../core/errors.js';
import { parseSource, type ComposeSource } from '../core/source.js';
import { toComposeModel } from '../core/project.js';
import { configModel, mergeFiles, normalize, isReset, isOverride } from '../core/merge/index.js';
import { deepEqual } from '../core/merge/values.js';
import type { FileChange } from '../core/save.js';
import { isDevName, type Environment, type Family } from '../core/discover.js';
import { canonicalJson, planExtract, type Keep, type Plan } from './plan.js';
import {
  atomicPaths,
  fixedPaths,
  commentCounts,
  commentInsertions,
  commentOwner,
  comments,
  deleteUnkept,
  lineCount,
} from './text.js';

export type Layout = 'override' | 'per-env';

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
  /** Does a file exist on disk (to refuse overwriting an unrelated file)? */
  exists?: (file: string) => boolean;
  resolveExtendsFile?: (file: string, fromFile: string) => unknown;
  /** May use `!reset` / `!override` (Compose >= 2.24.4) where that makes the files shorter. */
  allowReset?: boolean;
}

/** A `!reset` or `!override` written into an override file. */
export interface Marker {
  tag: '!reset' | '!override';
  /** Model path, dotted (`services.web.ports`). */
  path: string;
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
}

export interface ExtractResult {
  status: 'extracted' | 'nothing-to-do' | 'refused';
  /** Why nothing is done (nothing-to-do / refused). */
  reason?: string;
  layout?: Layout;
  base?: string;
  /** The environment whose file the base was cut from. */
  baseFrom?: string;
  environments: EnvReport[];
  changes: FileChange[];
  linesBefore: number;
  linesAfter: number;
  notes: string[];
  /** Some override uses `!reset` / `!override` (needs Compose >= 2.24.4). */
  usesReset?: boolean;
}

const DEFAULT_STEM: Record<Family, string> = { compose: 'compose', 'docker-compose': 'docker-compose' };

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
    })),
    changes: [],
    linesBefore: 0,
    linesAfter: 0,
    notes,
  };
}

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

/** Does the keep tree keep the entry at `p` (of `model`)? */
function keptAt(keep: Keep | null, model: unknown, p: readonly (string | number)[]): boolean {
  let k: Keep | null = keep;
  let v: unknown = model;
  for (const seg of p) {
    if (!k) return false;
    if (k === true) return v !== undefined;
    if (k.kind === 'reset') return false;
    if (k.kind === 'override') return v !== undefined;
    if (k.kind === 'map') {
      k = k.keys.get(String(seg)) ?? null;
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[String(seg)] : undefined;
    } else {
      if (typeof seg !== 'number' || !k.items.has(seg)) return false;
      k = true;
      v = Array.isArray(v) ? v[seg] : undefined;
    }
  }
  return !!k && !(k !== true && k.kind === 'reset');
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

/** What planning and building produced for the environments' first files, before verification. */
interface Built {
  layout: Layout;
  basePath: string;
  baseIndex: number;
  /** New content by absolute path (the base and the overrides). */
  outputs: Map<string, string>;
  /** The files each head environment is made of afterwards. */
  after: string[][];
  /** File lists plain `docker compose` loads after the change. */
  auto: string[][];
  /** File lists plain `docker compose` loads before the change. */
  autoBefore: string[][];
  markers: Marker[][];
  notes: string[];
}

/**
 * Plans, builds and verifies the extraction. Never throws for an input that is merely not
 * extractable: the result says `refused` with the reason.
 *
 * Environments of several files: the first file of each environment is its "head"; the
 * later files ("layers") are left exactly as they are. Extraction runs over the distinct
 * heads (one head environment each, named after the environment made of that file alone,
 * else after the first environment starting with it), and every environment becomes the new
 * files of its head followed by its layers. So `dev=a.yml`, `prod=a.yml,prod-extra.yml`,
 * `staging=staging.yml` extracts a base from a.yml and staging.yml, and prod becomes
 * dev's new files + prod-extra.yml. Verification covers every environment with its layers.
 * When all environments share one head, the files are already layered: nothing to do.
 */
export function extract(input: ExtractInput): ExtractResult {
  const { dir, environments: envs, sources } = input;
  if (envs.length < 2) return { ...refused('extract needs at least two environments', envs), status: 'nothing-to-do' };
  if (envs.length > 10) return refused(`extract supports 2 to 10 environments, got ${envs.length}`, envs);

  const heads = [...new Set(envs.map((e) => e.files[0]))];
  if (heads.length === 1 && envs.some((e) => e.files.length > 1))
    return {
      ...refused(`already a base+override layout (${rel(dir, heads[0])} is the base of every environment)`, envs),
      status: 'nothing-to-do',
    };
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
  const layerModels = new Map(layerFiles.map((f) => [f, toComposeModel(srcOf(f))]));

  // the plain plan, and with --allow-reset the one using !reset/!override (first when it differs)
  const plain = planAndBuild(input, headEnvs, srcs, models, false);
  const withReset = input.allowReset ? planAndBuild(input, headEnvs, srcs, models, true) : undefined;
  const candidates: Built[] = [];
  const preNotes: string[] = [];
  if (withReset && !('status' in withReset) && withReset.markers.some((m) => m.length)) candidates.push(withReset);
  else if (withReset && 'status' in withReset && withReset.status === 'refused' && !('status' in plain))
    preNotes.push(`--allow-reset: the plan with !reset/!override could not be built (${withReset.reason}); used the plain one`);
  if (!('status' in plain)) candidates.push(plain);
  if (!candidates.length) return { ...(plain as ExtractResult), environments: refused('', envs).environments };
  const original = new Map([...heads, ...layerFiles].map((f) => [f, (srcOf(f).format.bom ? '\uFEFF' : '') + srcOf(f).text]));
  const linesBefore = [...original.values()].reduce((n, t) => n + lineCount(t), 0);
  const results = candidates.map((c) => verify(input, envs, heads, c, original, layerModels, models, srcs));
  // the !reset/!override plan only when it verifies and is shorter than the plain one
  let pick = results.length - 1;
  const notes: string[] = preNotes;
  if (results.length === 2) {
    if (!results[0].problem && (results[1].problem || results[0].linesAfter < results[1].linesAfter)) pick = 0;
    else
      notes.push(
        results[0].problem
          ? `--allow-reset: the plan with !reset/!override did not verify (${results[0].problem}); used the plain one`
          : `--allow-reset: !reset/!override would not make the files shorter (${results[0].linesAfter} vs ${results[1].linesAfter} lines); none used`,
      );
  }
  const built = candidates[pick];
  const { reports, problem, linesAfter } = results[pick];
  notes.unshift(...layerNotes, ...built.notes);
  const usesReset = built.markers.some((m) => m.length);

  const changes: FileChange[] = [];
  for (const [p, text] of built.outputs) changes.push({ path: p, before: original.get(p) ?? null, after: text });
  for (const f of heads) if (!built.outputs.has(f)) changes.push({ path: f, before: original.get(f)!, after: null });

  if (problem) return { ...refused(problem, envs, notes), environments: reports, linesBefore, linesAfter };
  if (linesAfter >= linesBefore)
    return {
      ...refused(`a shared base would not make the files shorter (${linesBefore} -> ${linesAfter} lines)`, envs, notes),
      status: 'nothing-to-do',
      linesBefore,
      linesAfter,
    };
  return {
    status: 'extracted',
    layout: built.layout,
    base: built.basePath,
    baseFrom: headEnvs[built.baseIndex].name,
    environments: reports,
    changes,
    linesBefore,
    linesAfter,
    notes,
    usesReset,
  };
}

/** Plans and builds the files of the head environments (one file each). */
function planAndBuild(
  input: ExtractInput,
  envs: Environment[],
  srcs: ComposeSource[],
  models: Record<string, unknown>[],
  allowReset: boolean,
): Built | ExtractResult {
  const { dir } = input;
  const notes: string[] = [];
  const files = envs.map((e) => e.files[0]);

  // Where things go.
  const stem = DEFAULT_STEM[input.family];
  const ext = input.ext;
  const defaultNames = [`${stem}${ext}`, ...(['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'])];
  const defaultEnv = files.findIndex((f) => path.dirname(f) === dir && defaultNames.includes(path.basename(f)));
  const devIndex = defaultEnv >= 0 ? defaultEnv : envs.findIndex((e) => isDevName(e.name));
  const layout: Layout = input.layout ?? (devIndex >= 0 ? 'override' : 'per-env');
  if (layout === 'override' && devIndex < 0)
    return refused('--layout override needs a local/dev environment (named dev, development or local, or in the default file)', envs);
  const basePath =
    input.base ?? (defaultEnv >= 0 ? files[defaultEnv] : path.join(dir, `${stem}${ext}`));
  const baseStem = path.basename(basePath).replace(/\.ya?ml$/, '');
  let baseIndex = files.indexOf(basePath);
  if (baseIndex < 0) baseIndex = devIndex >= 0 ? devIndex : 0;
  const targets = envs.map((e, i) => {
    if (layout === 'override' && i === devIndex) return path.join(path.dirname(basePath), `${baseStem}.override${ext}`);
    const own = files[i];
    const ownName = path.basename(own);
    const reserved = own === basePath || defaultNames.includes(ownName) || /\.override\.ya?ml$/.test(ownName);
    return reserved ? path.join(path.dirname(basePath), `${baseStem}.${e.name}${ext}`) : own;
  });
  if (new Set([basePath, ...targets]).size !== targets.length + 1)
    return refused(`two outputs would have the same name (${[basePath, ...targets].map((t) => rel(dir, t)).join(', ')})`, envs);
  const layers = new Set(input.environments.flatMap((e) => e.files.slice(1)));
  for (const t of [basePath, ...targets]) {
    if (layers.has(t)) return refused(`${rel(dir, t)} would be rewritten, but an environment layers it on top of its files`, envs);
    if (!files.includes(t) && input.exists?.(t))
      return refused(`${rel(dir, t)} already exists and is not one of the environment files; move it away or use --base`, envs);
  }

  // Plan.
  const atomic = srcs.map(atomicPaths);
  const plan: Plan = planExtract({
    models,
    baseIndex,
    atomic,
    untaggable: srcs.map(fixedPaths),
    canon: canonAt,
    allowReset,
    replaces: replacesAt,
  });
  if (!keepsServices(plan.base)) return { ...refused('the environments share no service definition: nothing to extract', envs), status: 'nothing-to-do' };

  // Build texts.
  let texts: { base: string; overrides: (string | null)[] };
  try {
    texts = build(srcs, models, plan, baseIndex);
  } catch (e) {
    if (e instanceof ComposemodError) return refused(`cannot build the files: ${e.format()}`, envs);
    throw e;
  }
  const version = models.map((m) => m.version);
  if (version.some((v) => v !== undefined)) {
    notes.push(
      models[baseIndex].version !== undefined
        ? `\`version:\` is obsolete and ignored by Compose v2: kept in the base as it was in ${rel(dir, files[baseIndex])}, left out of the overrides`
        : '`version:` is obsolete and ignored by Compose v2: left out of the base and the overrides',
    );
  }

  const outputs = new Map<string, string>();
  outputs.set(basePath, texts.base);
  targets.forEach((t, i) => {
    const text = texts.overrides[i];
    if (text !== null) outputs.set(t, text);
  });
  const auto = [[basePath, path.join(path.dirname(basePath), `${baseStem}.override${ext}`)]];
  const autoBefore = files.filter((_, i) => i === defaultEnv).map((f) => [f]);
  const after = envs.map((_, i) => (outputs.has(targets[i]) ? [basePath, targets[i]] : [basePath]));
  if (layout === 'override' && !outputs.has(targets[devIndex])) auto.push([basePath]);
  return {
    layout,
    basePath,
    baseIndex,
    outputs,
    after,
    auto: layout === 'override' ? auto : [],
    autoBefore,
    markers: plan.overrides.map((k) => markersOf(k)),
    notes,
  };
}

/** Verifies a build: every output valid, every environment's config unchanged, no comment lost. */
function verify(
  input: ExtractInput,
  envs: Environment[],
  heads: string[],
  built: Built,
  original: Map<string, string>,
  layerModels: Map<string, Record<string, unknown>>,
  models: Record<string, unknown>[],
  srcs: ComposeSource[],
): { reports: EnvReport[]; problem?: string; linesAfter: number } {
  const { dir } = input;
  const { outputs } = built;
  const reports: EnvReport[] = [];
  const parsed = new Map<string, Record<string, unknown>>();
  let problem: string | undefined;
  for (const [p, text] of outputs) {
    try {
      parsed.set(p, toComposeModel(parseSource(text, p)));
    } catch (e) {
      problem ??= `${rel(dir, p)} would not be a valid compose file: ${e instanceof ComposemodError ? e.message : String(e)}`;
    }
  }
  const modelOf = (p: string): Record<string, unknown> => parsed.get(p) ?? layerModels.get(p) ?? models[heads.indexOf(p)];
  const opts = input.resolveExtendsFile ? { resolveExtendsFile: input.resolveExtendsFile } : {};
  for (const e of envs) {
    const h = heads.indexOf(e.files[0]);
    const layers = e.files.slice(1);
    const after = [...built.after[h], ...layers];
    let ok = false;
    let why: string | undefined;
    if (!problem) {
      try {
        const beforeModel = configModel(
          e.files.map((p, i) => ({ path: p, model: i === 0 ? models[h] : layerModels.get(p)! })),
          opts,
        );
        const afterModel = configModel(
          after.map((p) => ({ path: p, model: modelOf(p) })),
          opts,
        );
        ok = deepEqual(beforeModel, afterModel);
        if (!ok) why = `merged config differs at ${firstDifference(beforeModel, afterModel)}`;
      } catch (err) {
        why = err instanceof ComposemodError ? err.format() : String(err);
      }
    } else {
      why = problem;
    }
    if (!ok) problem ??= `environment ${e.name}: ${why}`;
    const count = (files: string[]) => files.reduce((n, p) => n + lineCount(outputs.get(p) ?? original.get(p) ?? null), 0);
    reports.push({
      name: e.name,
      before: e.files,
      after,
      commandBefore: commandLine(dir, e.files, built.autoBefore),
      commandAfter: commandLine(dir, after, built.auto),
      linesBefore: e.files.reduce((n, p) => n + lineCount(original.get(p)!), 0),
      linesAfter: count(after),
      verified: ok,
      problem: why,
      markers: built.markers[h],
      layers,
    });
  }
  if (!problem) {
    const have = commentCounts([...outputs.values()]);
    for (const s of srcs)
      for (const c of comments(s.text))
        if (!have.has(c.text)) {
          problem = `a comment would be lost: ${rel(dir, s.path)}:${s.position(c.offset).line}: # ${c.text}`;
          break;
        }
  }
  const layerFiles = [...layerModels.keys()];
  const linesAfter =
    [...outputs.values()].reduce((n, t) => n + lineCount(t), 0) + layerFiles.reduce((n, f) => n + lineCount(original.get(f)!), 0);
  return { reports, problem, linesAfter };
}

/** Builds the base (from the base environment's file) and each override, with comments re-homed. */
function build(
  srcs: ComposeSource[],
  models: Record<string, unknown>[],
  plan: Plan,
  baseIndex: number,
): { base: string; overrides: (string | null)[] } {
  const baseSrc = srcs[baseIndex];
  const overrides = srcs.map((s, i) => {
    const k = plan.overrides[i];
    return k ? deleteUnkept(s, models[i], k) : null;
  });
  // Comments of the other files that no output has yet: they describe shared nodes, which
  // now live in the base. Insert them above the corresponding base entry.
  const draft = [deleteUnkept(baseSrc, models[baseIndex], plan.base!), ...overrides.filter((o): o is string => o !== null)];
  const have = commentCounts(draft);
  const wanted: { path: readonly (string | number)[]; text: string }[] = [];
  srcs.forEach((s, i) => {
    if (i === baseIndex) return;
    for (const c of comments(s.text)) {
      if (have.has(c.text)) continue;
      have.set(c.text, 1);
      wanted.push({ path: commentOwner(s, c.offset), text: c.text });
    }
  });
  const kept = (p: readonly (string | number)[]) => keptAt(plan.base, models[baseIndex], p);
  const inserts = wanted.length ? commentInsertions(baseSrc, wanted, kept) : [];
  return {
    base: (inserts.length ? deleteUnkept(baseSrc, models[baseIndex], plan.base!, inserts) : draft[0]),
    overrides,
  };
}

function firstDifference(a: unknown, b: unknown, p = ''): string {
  if (deepEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], p ? `${p}.${k}` : k);
      if (d) return d;
    }
  }
  return p || '(document)';
}
