/**
 * The real tools composemod is compared with: Docker Compose 2.40.3 (and 2.26.1 for version
 * notes) and podman-compose 1.6.0, fetched by `scripts/reference-compose.sh` into a cache.
 * Found through COMPOSEMOD_DOCKER_COMPOSE / COMPOSEMOD_DOCKER_COMPOSE_OLD /
 * COMPOSEMOD_PODMAN_COMPOSE, else the cache's `tools.env`. Suites that need a tool use
 * `describe.skipIf(!tool)` and print `referenceSkipMessage` once.
 *
 * Every run gets a clean environment (PATH, a private HOME and DOCKER_CONFIG, nothing of the
 * caller's COMPOSE_* or interpolation variables) plus what the test passes, so results do not
 * depend on the machine.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ReferenceTool {
  path: string;
  version: string;
}

function cacheDir(): string {
  if (process.env.COMPOSEMOD_REFERENCE_DIR) return process.env.COMPOSEMOD_REFERENCE_DIR;
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'composemod', 'reference');
}

function toolsEnv(): Record<string, string> {
  const file = path.join(cacheDir(), 'tools.env');
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** `npm run test:unit` (COMPOSEMOD_TEST_UNIT=1) runs no real tool. */
const unitRun = process.env.COMPOSEMOD_TEST_UNIT === '1';

function find(key: string): ReferenceTool | undefined {
  if (unitRun) return undefined;
  const fromEnv = process.env[`COMPOSEMOD_${key}`];
  const listed = toolsEnv();
  const p = fromEnv || listed[key];
  if (!p || !existsSync(p)) return undefined;
  return { path: p, version: (fromEnv ? '' : listed[`${key}_VERSION`]) || 'unknown' };
}

/** Docker Compose 2.40.x: the referee. */
export const dockerCompose = find('DOCKER_COMPOSE');
/** Docker Compose 2.26.1 (Debian trixie): for version notes only. */
export const dockerComposeOld = find('DOCKER_COMPOSE_OLD');
/** podman-compose 1.6.0 with a stand-in podman (config and --dry-run up work). */
export const podmanCompose = find('PODMAN_COMPOSE');

export const referenceSkipMessage = unitRun
  ? 'unit run (npm run test:unit): the differential tests skip; npm test runs them'
  : 'reference tools absent: run scripts/reference-compose.sh (it fetches docker-compose and podman-compose ' +
    'from Debian into ~/.cache/composemod/reference); the differential tests skip';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

let privateHome: string | undefined;
function home(): string {
  privateHome ??= mkdtempSync(path.join(os.tmpdir(), 'composemod-ref-home-'));
  return privateHome;
}

/** Runs a tool with a clean environment plus `env`. */
export function runTool(tool: ReferenceTool, args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<ToolResult> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home(),
    DOCKER_CONFIG: path.join(home(), '.docker'),
    LANG: 'C.UTF-8',
    ...opts.env,
  };
  return new Promise((resolve) => {
    execFile(tool.path, args, { cwd: opts.cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ComposeConfigOptions {
  cwd: string;
  /** `-f` files, relative to cwd or absolute; none: Compose's own discovery. */
  files?: string[];
  projectName?: string;
  format?: 'yaml' | 'json';
  noInterpolate?: boolean;
  envFiles?: string[];
  profiles?: string[];
  env?: Record<string, string>;
  /** Use this Compose (default: the 2.40 referee). */
  tool?: ReferenceTool;
}

/** `docker compose [-p name] [-f ...] config [--format json] [--no-interpolate]`. */
export function composeConfig(opts: ComposeConfigOptions): Promise<ToolResult> {
  const tool = opts.tool ?? dockerCompose;
  if (!tool) throw new Error(referenceSkipMessage);
  const args: string[] = [];
  if (opts.projectName) args.push('-p', opts.projectName);
  for (const f of opts.files ?? []) args.push('-f', f);
  for (const e of opts.envFiles ?? []) args.push('--env-file', e);
  for (const p of opts.profiles ?? []) args.push('--profile', p);
  args.push('config');
  if (opts.format === 'json') args.push('--format', 'json');
  if (opts.noInterpolate) args.push('--no-interpolate');
  return runTool(tool, args, { cwd: opts.cwd, env: opts.env });
}

/** `podman-compose [-f ...] <args>` (e.g. `config`, or `--dry-run up -d` before the files' args). */
export function podmanComposeRun(
  files: string[],
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; projectName?: string; dryRun?: boolean },
): Promise<ToolResult> {
  if (!podmanCompose) throw new Error(referenceSkipMessage);
  const pre: string[] = [];
  if (opts.dryRun) pre.push('--dry-run');
  if (opts.projectName) pre.push('-p', opts.projectName);
  for (const f of files) pre.push('-f', f);
  return runTool(podmanCompose, [...pre, ...args], { cwd: opts.cwd, env: opts.env });
}
