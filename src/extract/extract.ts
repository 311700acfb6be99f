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
import { canonicalize, isReset, isOverride } from '../core/merge/index.js';
import type { FileChange } from '../core/save.js';
import { classifyFiles, declaredFiles, parseComposeName, type ClassifyInput, type Environment } from '../core/discover.js';
import { toModel } from '../core/model.js';
import { keptLines, planExtract, type Keep, type Plan } from './plan.js';
import { atomicPaths, fixedPaths, commentCounts, comments, lineCount } from './text.js';
import { buildFiles, type Built, type Sources } from './build.js';
import { usedResources, verifyEnvironments } from './verify.js';
import { canonAt, replacesAt } from './engine.js';
import { placeFiles } from './placement.js';
import { withLayers } from './layers.js';
import {
  DEFAULT_MIN_SAVING,
  USAGE,
  nothingToDo,
  percent,
  refused,
  rel,
  withBom,
  type BaseOption,
  type Candidate,
  type Context,
  type EnvReport,
  type ExtractInput,
  type ExtractResult,
  type Marker,
} from './candidate.js';
export type { Layout, LayerSpec, ExtractInput, Marker, LayerReport, EnvReport, BaseOption, ExtractResult } from './candidate.js';
export { DEFAULT_MIN_SAVING } from './candidate.js';
export { autoLayerName } from './layers.js';
export { canonAt, replacesAt } from './engine.js';

function hasMarkers(v: unknown): boolean {
  if (isReset(v) || isOverride(v)) return true;
  if (Array.isArray(v)) return v.some(hasMarkers);
  if (v && typeof v === 'object') return Object.values(v).some(hasMarkers);
  return false;
}

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
  // Other file changes that ride along with the extraction go here, and only here: the compose
  // files are final and verified, and `reports` gives every environment's file list before and
  // after (e.g. the references to the old lists in scripts, CI and docs, src/extract/references.ts).


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
