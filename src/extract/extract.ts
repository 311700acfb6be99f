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
import { configModel, normalize, isReset, isOverride } from '../core/merge/index.js';
import { deepEqual } from '../core/merge/values.js';
import type { FileChange } from '../core/save.js';
import { isDevName, type Environment, type Family } from '../core/discover.js';
import { canonicalJson, planExtract, type Keep, type Plan } from './plan.js';
import {
  atomicPaths,
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
    if (k.kind === 'map') {
      k = k.keys.get(String(seg)) ?? null;
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[String(seg)] : undefined;
    } else {
      if (typeof seg !== 'number' || !k.items.has(seg)) return false;
      k = true;
      v = Array.isArray(v) ? v[seg] : undefined;
    }
  }
  return !!k;
}

/**
 * Plans, builds and verifies the extraction. Never throws for an input that is merely not
 * extractable: the result says `refused` with the reason.
 */
export function extract(input: ExtractInput): ExtractResult {
  const { dir, environments: envs, sources } = input;
  const notes: string[] = [];
  if (envs.length < 2) return { ...refused('extract needs at least two environments', envs), status: 'nothing-to-do' };
  if (envs.length > 10) return refused(`extract supports 2 to 10 environments, got ${envs.length}`, envs);

  // Already layered: every environment made of several files starting with the same one.
  if (envs.some((e) => e.files.length > 1)) {
    const first = envs[0].files[0];
    if (envs.every((e) => e.files[0] === first) && envs.filter((e) => e.files.length > 1).length >= 1)
      return {
        ...refused(`already a base+override layout (${rel(dir, first)} is the base of every environment)`, envs),
        status: 'nothing-to-do',
      };
    return refused('environments made of several files are not supported yet: give one file per environment', envs);
  }
  const files = envs.map((e) => e.files[0]);
  if (new Set(files).size !== files.length) return refused('two environments use the same file', envs);
  const srcs = files.map((f) => {
    const s = sources.get(f);
    if (!s) throw new ComposemodError('internal: environment file not loaded', { file: f });
    return s;
  });
  const models = srcs.map((s) => toComposeModel(s));
  const marked = srcs.find((_, i) => hasMarkers(models[i]));
  if (marked) return refused(`${rel(dir, marked.path)} uses !reset or !override: it is already an override`, envs);
  const multiDoc = srcs.find((s) => s.docs.filter((d) => d.contents !== null).length > 1);
  if (multiDoc) return refused(`${rel(dir, multiDoc.path)} holds several YAML documents`, envs);

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
  for (const t of [basePath, ...targets])
    if (!files.includes(t) && input.exists?.(t))
      return refused(`${rel(dir, t)} already exists and is not one of the environment files; move it away or use --base`, envs);

  // Plan.
  const atomic = srcs.map(atomicPaths);
  const plan: Plan = planExtract({ models, baseIndex, atomic, canon: canonAt });
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

  // The file changes.
  const outputs = new Map<string, string>();
  outputs.set(basePath, texts.base);
  targets.forEach((t, i) => {
    const text = texts.overrides[i];
    if (text !== null) outputs.set(t, text);
  });
  const original = new Map(srcs.map((s, i) => [files[i], (s.format.bom ? '\uFEFF' : '') + s.text]));
  const changes: FileChange[] = [];
  for (const [p, text] of outputs) changes.push({ path: p, before: original.get(p) ?? null, after: text });
  for (const f of files) if (!outputs.has(f)) changes.push({ path: f, before: original.get(f)!, after: null });

  // After-files per environment.
  const auto = [[basePath, path.join(path.dirname(basePath), `${baseStem}.override${ext}`)]];
  const autoBefore = files.filter((_, i) => i === defaultEnv).map((f) => [f]);
  const after = envs.map((_, i) => (outputs.has(targets[i]) ? [basePath, targets[i]] : [basePath]));
  if (layout === 'override' && !outputs.has(targets[devIndex])) auto.push([basePath]);

  // Verify: every environment's config, every output valid, no comment lost.
  const reports: EnvReport[] = [];
  const parsed = new Map<string, ComposeSource>();
  let problem: string | undefined;
  for (const [p, text] of outputs) {
    try {
      const src = parseSource(text, p);
      toComposeModel(src);
      parsed.set(p, src);
    } catch (e) {
      problem ??= `${rel(dir, p)} would not be a valid compose file: ${e instanceof ComposemodError ? e.message : String(e)}`;
    }
  }
  const opts = input.resolveExtendsFile ? { resolveExtendsFile: input.resolveExtendsFile } : {};
  envs.forEach((e, i) => {
    let ok = false;
    let why: string | undefined;
    if (!problem) {
      try {
        const beforeModel = configModel([{ path: files[i], model: models[i] }], opts);
        const afterModel = configModel(
          after[i].map((p) => ({ path: p, model: toComposeModel(parsed.get(p)!) })),
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
    reports.push({
      name: e.name,
      before: [files[i]],
      after: after[i],
      commandBefore: commandLine(dir, [files[i]], autoBefore),
      commandAfter: commandLine(dir, after[i], layout === 'override' ? auto : []),
      linesBefore: lineCount(original.get(files[i])!),
      linesAfter: after[i].reduce((n, p) => n + lineCount(outputs.get(p) ?? null), 0),
      verified: ok,
      problem: why,
    });
  });
  if (!problem) {
    const have = commentCounts([...outputs.values()]);
    for (const s of srcs)
      for (const c of comments(s.text))
        if (!have.has(c.text)) {
          problem = `a comment would be lost: ${rel(dir, s.path)}:${s.position(c.offset).line}: # ${c.text}`;
          break;
        }
  }
  const linesBefore = [...original.values()].reduce((n, t) => n + lineCount(t), 0);
  const linesAfter = [...outputs.values()].reduce((n, t) => n + lineCount(t), 0);
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
    layout,
    base: basePath,
    baseFrom: envs[baseIndex].name,
    environments: reports,
    changes,
    linesBefore,
    linesAfter,
    notes,
  };
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
    base: trimEnd(inserts.length ? deleteUnkept(baseSrc, models[baseIndex], plan.base!, inserts) : draft[0]),
    overrides: overrides.map((o) => (o === null ? null : trimEnd(o))),
  };
}

/** Blank lines left at the end of a file by deleting its last entries: keep one final EOL. */
function trimEnd(text: string): string {
  return text.replace(/(\r?\n)(?:[ \t]*\r?\n)+$/, '$1');
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
