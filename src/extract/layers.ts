/**
 * Shared layers: for groups of environments whose overrides share content, a layer cut from
 * one member's override (planned by the same planner, plain only), loaded between the base
 * and each member's own file; each member's file then starts with its usage line.
 */
import path from 'node:path';
import { parseSource } from '../core/source.js';
import { toComposeModel } from '../core/project.js';
import { isDevName } from '../core/discover.js';
import { keptLines, linesOf, planExtract, type Plan } from './plan.js';
import { atomicPaths, lineCount } from './text.js';
import { buildFiles, type Built } from './build.js';
import { replacesAt } from './engine.js';
import { USAGE, rel, withBom, type Candidate, type Context, type LayerReport, type Parsed } from './candidate.js';

/**
 * Shared layers on top of a candidate: for groups of environments whose overrides share
 * content, a layer cut from one member's override, loaded between the base and each member's
 * own file. `--layer` groups are tried as given; otherwise groups are searched (every group
 * of up to 6 environments, greedily beyond). A layer is kept only when the files get shorter.
 */
export function withLayers(cx: Context, c: Candidate): Candidate | undefined {
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


/** An override's text without the usage line a layer put at its top. */
export function withoutUsageLine(text: string): string {
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
  const shared = [...new Set(words(members[0]))].filter((w) => members.every((m) => words(m).includes(w)) && !others.some((o) => words(o).includes(w)));
  let name = shared.length ? shared.join('-') : members.join('-');
  if (name.length > 24) name = 'shared';
  return all.includes(name) ? `${name}-layer` : name;
}
