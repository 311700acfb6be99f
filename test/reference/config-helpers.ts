/**
 * Comparing `composemod config` (the loader, in process) with `docker compose config` (the real
 * binary) on one project: YAML and JSON, interpolated and `--no-interpolate`, same files, same
 * project name, same clean environment. Results are classified so suites can report every
 * remaining difference by category.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ComposemodError } from '../../src/core/errors.js';
import { configText, loadProject } from '../../src/core/loader/index.js';
import { detectProject } from '../../src/core/discover.js';
import { composeConfig, dockerCompose, dockerComposeOld, type ReferenceTool } from '../helpers/reference.js';

export type Mode = 'yaml' | 'json' | 'yaml --no-interpolate' | 'json --no-interpolate';
export const MODES: Mode[] = ['yaml', 'json', 'yaml --no-interpolate', 'json --no-interpolate'];

export interface ConfigCase {
  /** Shown in reports. */
  id: string;
  /** Project directory (a temp copy: absolute paths then agree). */
  dir: string;
  /** `-f` files relative to dir. */
  files: string[];
  projectName?: string;
  env?: Record<string, string>;
  /** Compare with Docker Compose 2.26.1 and `--compose-version 2.26`. */
  composeVersion?: '2.26';
}

export type Outcome =
  /** same bytes on stdout (or both rejected the project) */
  | 'identical'
  | 'both-error'
  /** different bytes, same parsed value */
  | 'semantic'
  | 'differ'
  /** composemod rejects what Compose accepts */
  | 'we-reject'
  /** composemod accepts what Compose rejects */
  | 'we-accept';

export interface Comparison {
  id: string;
  mode: Mode;
  outcome: Outcome;
  /** First differing line, or the error of the side that failed. */
  detail: string;
  ours: string;
  theirs: string;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
/** Stable per worktree, so cached outputs (which hold absolute paths) stay valid between runs. */
const workRoot = path.join(os.tmpdir(), `composemod-cfg-${sha(root)}`);

/** A private HOME shared by both tools (so `~` and `${HOME}` agree). */
export function referenceEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = path.join(workRoot, 'home');
  mkdirSync(home, { recursive: true });
  return { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, DOCKER_CONFIG: path.join(home, '.docker'), LANG: 'C.UTF-8', ...extra };
}

/**
 * A project directory holding `files` (relative path -> text), at a path that depends only on
 * `id` and the contents: the same case always lands in the same directory.
 */
export function caseDir(id: string, files: Readonly<Record<string, string | Buffer>>): string {
  const key = sha(`${id}\0${Object.entries(files).map(([k, v]) => `${k}\0${sha(v.toString('latin1'))}`).sort().join('\0')}`);
  const dir = path.join(workRoot, 'cases', `${id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60)}-${key}`);
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every file under `dir` (relative path -> bytes), for copying a fixture or pair. */
export function readTree(dir: string, prefix = ''): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, readTree(p, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(p);
  }
  return out;
}

/** The real tool's outputs, cached by everything that decides them (tool, args, env, dir, file contents). */
const cacheDir = dockerCompose ? path.join(path.dirname(path.dirname(dockerCompose.path)), 'config-cache') : '';

function cacheKey(c: ConfigCase, mode: Mode, tool: ReferenceTool): string {
  const contents = readTree(c.dir);
  const files = Object.keys(contents)
    .sort()
    .map((k) => `${k}:${sha(contents[k].toString('latin1'))}`);
  return sha(JSON.stringify([tool.path, tool.version, statSync(tool.path).size, c.dir, c.files, c.projectName, c.env, mode, files]));
}

export function ours(c: ConfigCase, mode: Mode): { code: number; stdout: string; error: string } {
  const env = referenceEnv(c.env);
  try {
    const project = loadProject({
      workingDir: c.dir,
      files: c.files,
      projectName: c.projectName === '' ? undefined : (c.projectName ?? 'cmref'),
      environment: env,
      interpolate: !mode.endsWith('--no-interpolate'),
      composeVersion: c.composeVersion,
    });
    return { code: 0, stdout: configText(project, mode.startsWith('json') ? 'json' : 'yaml'), error: '' };
  } catch (e) {
    if (!(e instanceof ComposemodError)) throw e;
    return { code: 2, stdout: '', error: e.format() };
  }
}

export async function theirs(
  c: ConfigCase,
  mode: Mode,
  tool: ReferenceTool | undefined = c.composeVersion === '2.26' ? dockerComposeOld : dockerCompose,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = tool ? path.join(cacheDir, `${cacheKey(c, mode, tool)}.json`) : '';
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { code: number; stdout: string; stderr: string };
  const result = await composeConfig({
    cwd: c.dir,
    files: c.files,
    projectName: c.projectName === '' ? undefined : (c.projectName ?? 'cmref'),
    format: mode.startsWith('json') ? 'json' : 'yaml',
    noInterpolate: mode.endsWith('--no-interpolate'),
    env: referenceEnv(c.env),
    tool,
  });
  if (file) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, JSON.stringify(result));
  }
  return result;
}

function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: composemod ${JSON.stringify(x[i] ?? '<end>')} / compose ${JSON.stringify(y[i] ?? '<end>')}`;
  }
  return '';
}

function parsed(text: string, mode: Mode): unknown {
  try {
    return mode.startsWith('json') ? JSON.parse(text) : parseYaml(text, { uniqueKeys: false });
  } catch {
    return Symbol('unparsable');
  }
}

export async function compare(c: ConfigCase, mode: Mode): Promise<Comparison> {
  const them = await theirs(c, mode);
  const us = ours(c, mode);
  const base = { id: c.id, mode, ours: us.stdout || us.error, theirs: them.stdout || them.stderr };
  if (them.code !== 0 && us.code !== 0) return { ...base, outcome: 'both-error', detail: `${us.error} | ${them.stderr.trim().split('\n').pop()}` };
  if (them.code !== 0) return { ...base, outcome: 'we-accept', detail: them.stderr.trim().split('\n').pop() ?? '' };
  if (us.code !== 0) return { ...base, outcome: 'we-reject', detail: us.error };
  if (us.stdout === them.stdout) return { ...base, outcome: 'identical', detail: '' };
  const same = JSON.stringify(parsed(us.stdout, mode)) === JSON.stringify(parsed(them.stdout, mode));
  return { ...base, outcome: same ? 'semantic' : 'differ', detail: firstDifference(us.stdout, them.stdout) };
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  });
  await Promise.all(runners);
  return out;
}

/**
 * Differences with a known cause outside this area, each with its reason. A comparison in one
 * of these categories is reported but does not fail the suites.
 */
export const KNOWN_DIFFERENCES: { category: string; why: string; test: (r: Comparison) => boolean }[] = [
  {
    category: 'schema',
    why: 'schema/compose-spec.json is not yet the schema Docker Compose 2.40.3 embeds (issue 7 §4 replaces it); there a service `models` entry may be null',
    test: (r) => r.outcome === 'we-reject' && /models\.[^ ]+ must be object/.test(r.detail),
  },
];

export function knownCategory(r: Comparison): string | undefined {
  return KNOWN_DIFFERENCES.find((k) => k.test(r))?.category;
}

/** Identical, both rejected, or a known difference. */
export function agrees(r: Comparison): boolean {
  return r.outcome === 'identical' || r.outcome === 'both-error' || knownCategory(r) !== undefined;
}

/** A report: counts per mode and outcome, then every case that is not identical (or both-error). */
export function report(title: string, results: readonly Comparison[]): string {
  const lines = [`${title}: ${new Set(results.map((r) => r.id)).size} projects`];
  for (const mode of MODES) {
    const of = results.filter((r) => r.mode === mode);
    if (!of.length) continue;
    const count = (o: Outcome) => of.filter((r) => r.outcome === o).length;
    lines.push(
      `  ${mode.padEnd(22)} byte-identical ${count('identical')}, both rejected ${count('both-error')}, same value ${count('semantic')}, differ ${count('differ')}, composemod rejects ${count('we-reject')}, composemod accepts ${count('we-accept')}`,
    );
  }
  for (const r of results) {
    if (r.outcome === 'identical' || r.outcome === 'both-error') continue;
    const known = knownCategory(r);
    lines.push(`  [${r.outcome}${known ? `, known: ${known}` : ''}] ${r.mode} ${r.id}: ${r.detail}`);
  }
  for (const k of KNOWN_DIFFERENCES) if (results.some((r) => knownCategory(r) === k.category)) lines.push(`  known ${k.category}: ${k.why}`);
  return lines.join('\n');
}

/**
 * The environments of a project directory: the ones given (name -> files) or extract's
 * detection (per-env, base+override, single), plus every compose file on its own (so each file
 * is covered), without repeats.
 */
export async function environments(dir: string, given?: Record<string, string[]>): Promise<{ name: string; files: string[] }[]> {
  const out: { name: string; files: string[] }[] = [];
  const add = (name: string, files: string[]) => {
    if (!out.some((e) => e.files.join('\0') === files.join('\0'))) out.push({ name, files });
  };
  if (given) for (const [name, files] of Object.entries(given)) add(name, files);
  else {
    try {
      const d = await detectProject(dir);
      for (const e of d.environments) add(e.name, e.files.map((f) => path.relative(dir, path.resolve(dir, f))));
    } catch {
      // flattened or ambiguous names
    }
  }
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) add(f, [f]);
  return out;
}

/** Compares every case in every mode (4 at a time); results grouped by the first word of their id. */
export async function compareAll(cases: readonly ConfigCase[], modes: readonly Mode[] = MODES): Promise<Map<string, Comparison[]>> {
  const all = await pool(
    cases.flatMap((c) => modes.map((mode) => ({ c, mode }))),
    4,
    ({ c, mode }) => compare(c, mode),
  );
  const grouped = new Map<string, Comparison[]>();
  for (const r of all) {
    const group = r.id.split(' ')[0];
    grouped.set(group, [...(grouped.get(group) ?? []), r]);
  }
  return grouped;
}

/**
 * The cases both tools rejected for a missing env file (`env_file: .env.prod` that the corpus
 * does not ship), run again with the missing files present and empty (a few rounds, since each
 * run names one missing file), interpolated only. Their ids end with "+ empty env files".
 */
export async function withEmptyEnvFiles(
  cases: readonly ConfigCase[],
  results: ReadonlyMap<string, Comparison[]>,
  tree: (c: ConfigCase) => Record<string, string | Buffer>,
): Promise<Map<string, Comparison[]>> {
  const out = new Map<string, Comparison[]>();
  let pending = cases.map((c) => ({ c, missing: new Set<string>(), last: results.get(c.id.split(' ')[0])?.filter((r) => r.id === c.id) ?? [] }));
  for (let round = 0; round < 4 && pending.length; round++) {
    const next: typeof pending = [];
    const runs: ConfigCase[] = [];
    for (const p of pending) {
      const found = p.last.map((r) => (r.outcome === 'both-error' ? /env file (\S+) not found/.exec(r.theirs)?.[1] : undefined)).find(Boolean);
      if (!found) continue;
      const rel = path.relative(p.c.dir, found);
      if (rel.startsWith('..') || p.missing.has(rel)) continue;
      p.missing.add(rel);
      const files = { ...tree(p.c) };
      for (const f of p.missing) files[f] = '';
      const c = { ...p.c, id: `${p.c.id} + empty env files`, dir: caseDir(`${p.c.id}-envfiles-${p.missing.size}`, files) };
      runs.push(c);
      next.push({ c: p.c, missing: p.missing, last: [] });
    }
    const done = await compareAll(runs, ['yaml', 'json']);
    for (const n of next) {
      const rs = [...done.values()].flat().filter((r) => r.id === `${n.c.id} + empty env files`);
      n.last = rs;
      out.set(n.c.id, rs);
    }
    pending = next;
  }
  const grouped = new Map<string, Comparison[]>();
  for (const rs of out.values()) for (const r of rs) grouped.set(r.id.split(' ')[0], [...(grouped.get(r.id.split(' ')[0]) ?? []), r]);
  return grouped;
}
