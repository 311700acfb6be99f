/**
 * Helpers for the batch suites: real git repositories in temp dirs, and the built CLI.
 *
 * `composemod batch` forks worker processes that run compiled JavaScript, so these suites run
 * the package as users do: compiled from the current sources (tsc, the project's own build
 * config) into a cache directory keyed by a hash of the sources, and spawned as a process.
 */
import { execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../helpers/shared.js';

/** Git identity and a clean git environment for the repositories the tests create. */
export const GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: 'Batch Test',
  GIT_AUTHOR_EMAIL: 'batch@test.invalid',
  GIT_COMMITTER_NAME: 'Batch Test',
  GIT_COMMITTER_EMAIL: 'batch@test.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function hashTree(dir: string, h = createHash('sha256')): ReturnType<typeof createHash> {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) hashTree(p, h);
    else h.update(p).update(readFileSync(p));
  }
  return h;
}

function cacheDir(): { dir: string; bin: string; cache: string; key: string } {
  const h = hashTree(path.join(projectRoot, 'src'));
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'schema/compose-spec.json'])
    h.update(f).update(readFileSync(path.join(projectRoot, f)));
  const key = h.digest('hex').slice(0, 16);
  const cache = path.join(projectRoot, 'node_modules', '.cache', 'composemod-batch-tests');
  const dir = path.join(cache, key);
  return { dir, bin: path.join(dir, 'bin', 'composemod.js'), cache, key };
}

let built: string | undefined;

/**
 * Builds the CLI from the current sources into `<cache>/<hash>/`, once per source state (a
 * hash of src/, schema/, package.json and the tsconfigs). Asynchronous, so the test runner's
 * messages flow during the build; suites running at the same time wait for the one that
 * builds (a lock directory).
 */
export async function buildCli(): Promise<string> {
  const { dir, bin, cache, key } = cacheDir();
  if (existsSync(bin)) return (built = bin);
  mkdirSync(cache, { recursive: true });
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(bin)) return (built = bin);
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10 * 60_000) rmSync(lock, { recursive: true, force: true }); // a build that died
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (existsSync(bin)) return (built = bin);
    const staging = mkdtempSync(path.join(cache, `${key}-build-`));
    chmodSync(staging, 0o755); // readable by the unprivileged user of the permission test
    const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await runProcess(process.execPath, [tsc, '-p', path.join(projectRoot, 'tsconfig.build.json'), '--outDir', path.join(staging, 'dist')], {});
    if (r.code !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
    cpSync(path.join(projectRoot, 'bin'), path.join(staging, 'bin'), { recursive: true });
    cpSync(path.join(projectRoot, 'schema'), path.join(staging, 'schema'), { recursive: true });
    cpSync(path.join(projectRoot, 'package.json'), path.join(staging, 'package.json'));
    renameSync(staging, dir);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return (built = bin);
}

/** The built CLI (after `await buildCli()` in a beforeAll). */
export function builtCli(): string {
  if (!built) throw new Error('call `await buildCli()` in beforeAll first');
  return built;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Rules added after the fleets' expectations were written (issue 10): a `batch --run fix|check`
 * without `--only`/`--skip` skips them, so these tests keep judging batch itself.
 */
export const NEWER_RULES = ['healthcheck', 'depends-on-healthy', 'read-only', 'cap-drop', 'image-major-drift'];

/** `args` with `--skip NEWER_RULES` added to a `batch --run fix|check` that selects no rules itself. */
export function withoutNewerRules(args: string[]): string[] {
  const run = args[args.indexOf('--run') + 1];
  if (args[0] !== 'batch' || !['fix', 'check'].includes(run) || args.includes('--only') || args.includes('--skip')) return args;
  return [...args, '--skip', NEWER_RULES.join(',')];
}

/**
 * Runs the built CLI (`node <bin> args`), never through a shell. Asynchronous: a batch takes
 * seconds, and the test runner's own messages must flow meanwhile.
 */
export function composemod(
  args: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; uid?: number; gid?: number },
): Promise<Run> {
  return runProcess(process.execPath, [builtCli(), ...withoutNewerRules(args)], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...GIT_ENV, ...opts.env },
    uid: opts.uid,
    gid: opts.gid,
  });
}

/** Spawns a program and collects its output and exit code. */
export function runProcess(file: string, args: string[], opts: SpawnOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

export function gitIn(dir: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV, ...env }, encoding: 'utf8' });
}

/** A git repository at `dir` holding `files` (path -> content), committed on `main`. */
export function makeRepo(dir: string, files: Record<string, string>, opts: { commit?: boolean } = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  gitIn(dir, ['init', '-q', '-b', 'main']);
  if (opts.commit !== false) {
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-q', '-m', 'initial']);
  }
  return dir;
}

/**
 * The files of a corpus pair directory, or one corpus file (as `name`), for makeRepo. Pair file
 * names encode the path they had in their repository (`contrib__docker-compose__basic.yml`,
 * `_devcontainer__docker-compose.yml`): they are put back there, so a repository built from a
 * pair has its projects at the depths the original had.
 */
export function corpusFiles(source: string, name?: string): Record<string, string> {
  if (statSync(source).isFile()) return { [name ?? path.basename(source)]: readFileSync(source, 'utf8') };
  const out: Record<string, string> = {};
  for (const f of readdirSync(source)) {
    if (!/\.ya?ml$/.test(f)) continue;
    const rel = f
      .split('__')
      .map((seg) => seg.replace(/^_/, '.'))
      .join('/');
    out[rel] = readFileSync(path.join(source, f), 'utf8');
  }
  return out;
}

const roots: string[] = [];

/** A new temp directory; `removeTempRoots()` (in an afterAll) deletes every one made so far. */
export function tempRoot(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `cm-batch-${prefix}-`));
  roots.push(dir);
  return dir;
}

/** Deletes the temp directories (and the siblings tests made beside them: `<root>-copy`). */
export function removeTempRoots(): void {
  for (const dir of roots.splice(0)) {
    for (const name of readdirSync(path.dirname(dir)))
      if (name === path.basename(dir) || name.startsWith(`${path.basename(dir)}-`)) {
        try {
          rmSync(path.join(path.dirname(dir), name), { recursive: true, force: true });
        } catch {
          /* best effort: the permission test leaves a directory a non-root user cannot list */
        }
      }
  }
}

/** Every file under `dir` except `.git/` (path -> content). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      if (name === '.git') continue;
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(path.join(dir, r));
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) out[r] = readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

export interface ReportLine {
  repo: string;
  status: string;
  files: { path: string; kind: string }[];
  projects: { dir: string; status: string; reason?: string; error?: { message: string; file?: string; line?: number } }[];
  rules: Record<string, number>;
  findings: { rule: string; severity: string; message: string; file?: string; line?: number; col?: number }[];
  reason?: string;
  error?: { message: string; file?: string; line?: number; col?: number };
  patch?: string;
  commit?: { branch: string; sha: string; files: string[]; leftOut: { path: string; why: string }[] };
  ms: number;
}

export function readReport(file: string): ReportLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ReportLine);
}

export function byRepo(lines: ReportLine[]): Record<string, ReportLine> {
  return Object.fromEntries(lines.map((l) => [l.repo, l]));
}
