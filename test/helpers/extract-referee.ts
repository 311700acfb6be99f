/**
 * The real Docker Compose as the referee of `extract`: for every environment, `docker compose
 * -p <same name> -f ... config` (YAML and `--format json`) run in the same directory before
 * and after the change must print the same bytes. When an environment does not load with a
 * clean environment (a required variable, an unset port), it is compared with
 * `--no-interpolate` as well, and it must fail the same way before and after.
 */
import { existsSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { composeConfig, type ToolResult } from './reference.js';

export interface EnvFiles {
  name: string;
  files: string[];
}

export interface Snapshot {
  name: string;
  yaml: ToolResult;
  json: ToolResult;
  /** `--no-interpolate` runs, when the interpolated ones fail. */
  raw?: { yaml: ToolResult; json: ToolResult };
}

const PROJECT = 'extract-referee';

async function snapshotOf(cwd: string, env: EnvFiles): Promise<Snapshot> {
  const run = (format: 'yaml' | 'json', noInterpolate = false) =>
    composeConfig({ cwd, files: env.files, projectName: PROJECT, format, noInterpolate });
  const yaml = await run('yaml');
  const json = await run('json');
  const snap: Snapshot = { name: env.name, yaml, json };
  if (yaml.code !== 0) snap.raw = { yaml: await run('yaml', true), json: await run('json', true) };
  return snap;
}

/** Every environment's config as Docker Compose prints it. */
export async function snapshots(cwd: string, envs: EnvFiles[]): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for (const e of envs) out.push(await snapshotOf(cwd, e));
  return out;
}

const firstLine = (r: ToolResult) => r.stderr.trim().split('\n').pop() ?? '';

/**
 * Differences between the snapshots before and the environments' configs now (empty: the
 * referee agrees). `loaded` collects, per environment, whether Compose loaded it at all.
 */
export async function compareWith(
  cwd: string,
  before: Snapshot[],
  after: EnvFiles[],
  loaded?: Map<string, string>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, env] of after.entries()) {
    const b = before[i];
    const a = await snapshotOf(cwd, env);
    const same = (x: ToolResult, y: ToolResult, what: string) => {
      if (x.code !== y.code) problems.push(`${env.name} ${what}: exit ${x.code} before, ${y.code} after (${firstLine(y) || firstLine(x)})`);
      else if (x.stdout !== y.stdout) problems.push(`${env.name} ${what}: output differs`);
    };
    same(b.yaml, a.yaml, 'config');
    same(b.json, a.json, 'config --format json');
    if (b.raw && a.raw) {
      same(b.raw.yaml, a.raw.yaml, 'config --no-interpolate');
      same(b.raw.json, a.raw.json, 'config --no-interpolate --format json');
    }
    loaded?.set(env.name, b.yaml.code === 0 ? 'loaded' : b.raw?.yaml.code === 0 ? 'loaded without interpolation' : `does not load: ${firstLine(b.yaml)}`);
  }
  return problems;
}

/**
 * Creates the files the environments' `env_file` entries name that are missing (empty), so
 * Compose can load them: a corpus copy has the compose files only. Returns their paths.
 */
export function stubEnvFiles(dir: string, composeFiles: string[]): string[] {
  const created: string[] = [];
  for (const f of composeFiles) {
    let doc: unknown;
    try {
      doc = parseDocument(readFileSync(f, 'utf8').replace(/^\uFEFF/, '')).toJS();
    } catch {
      continue;
    }
    const services = (doc as { services?: Record<string, unknown> } | null)?.services;
    if (!services || typeof services !== 'object') continue;
    for (const svc of Object.values(services)) {
      const ef = (svc as { env_file?: unknown } | null)?.env_file;
      const list = Array.isArray(ef) ? ef : ef === undefined ? [] : [ef];
      for (const item of list) {
        const p = typeof item === 'string' ? item : (item as { path?: unknown } | null)?.path;
        if (typeof p !== 'string' || p.includes('$')) continue;
        const target = path.resolve(path.dirname(f), p);
        if (!target.startsWith(dir) || existsSync(target)) continue;
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, '');
        created.push(target);
      }
    }
  }
  return created;
}
