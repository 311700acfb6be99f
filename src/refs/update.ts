/**
 * Updates a repository's references to compose file lists after the lists changed
 * (`extract`): every reference is matched to the environment whose old file list it selects
 * and rewritten to that environment's new list, in its own style, as minimal range edits.
 * Each edited file is read again and must yield the new lists; references that are computed,
 * or select no environment, are reported and left alone.
 */
import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, promises as fs, readSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { applyEdits, type TextEdit } from '../core/edit.js';
import { decodeText } from '../core/source.js';
import type { FileChange } from '../core/save.js';
import { candidateDirs, fileKind, scanFile, SKIP_DIRS, type FileKind, type ScanContext } from './files.js';
import { lineCol, type FoundRef, type RefKind } from './types.js';

const run = promisify(execFile);

/** One environment: its ordered file list before and after the change (absolute paths). */
export interface EnvFiles {
  name: string;
  before: string[];
  after: string[];
}

export interface UpdateInput {
  /** The compose project directory. */
  projectDir: string;
  envs: EnvFiles[];
  /** The changes the references must follow (extract's: created, modified, deleted files). */
  changes?: readonly FileChange[];
  /** Where to search (default: the git work tree holding projectDir, else projectDir). */
  root?: string;
}

export type RefStatus = 'updated' | 'current' | 'computed' | 'unmatched' | 'unverified' | 'unrelated';

export interface Reference {
  /** Absolute path. */
  file: string;
  line: number;
  col: number;
  kind: RefKind;
  where: string;
  text: string;
  /** The environment the reference selects (before the change). */
  environment?: string;
  /** File names as written before; null when computed. */
  before: string[] | null;
  /** File names as written after the update (updated references). */
  after?: string[];
  /** The directory the names resolve against (absolute; unknown for computed references). */
  dir?: string;
  status: RefStatus;
  /** Why (for every status but `updated`). */
  reason?: string;
}

export interface UpdateResult {
  references: Reference[];
  /** The input changes with the reference edits folded in, plus the files edited for references. */
  changes: FileChange[];
  root: string;
  /** Files listed with `git ls-files` (false: a directory walk). */
  git: boolean;
}

const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_FILES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];
const MAX_FILE_BYTES = 1 << 20;
const JS_HINT = /DockerComposeEnvironment|docker-compose|podman-compose|\b(?:docker|podman)\b['"`]?\s*,\s*\[?\s*['"`]compose\b|\b(?:docker|podman)\s+compose\b/;
const MAX_WALK_FILES = 50_000;

const eq = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const posix = (p: string): string => p.split(path.sep).join('/');
const stripBom = (t: string): { bom: string; text: string } => (t.startsWith('\uFEFF') ? { bom: '\uFEFF', text: t.slice(1) } : { bom: '', text: t });

/** The git work tree holding `dir`, or undefined. */
export async function gitRoot(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Files to search: `git ls-files` (tracked and untracked-not-ignored) or a walk skipping vendored directories. */
export async function listFiles(root: string, git: boolean): Promise<string[]> {
  if (git) {
    const { stdout } = await run('git', ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    return [...new Set(stdout.split('\0').filter(Boolean))].map((f) => path.join(root, f));
  }
  const out: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 12 || out.length >= MAX_WALK_FILES) return;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(path.join(dir, e.name), depth + 1);
      } else if (e.isFile()) out.push(path.join(dir, e.name));
    }
  };
  await walk(root, 0);
  return out;
}

interface View {
  exists(f: string): boolean;
}

/** What plain `docker compose` loads in `dir` (compose-go's lookup, walking up to `root`). */
function autoList(dir: string, root: string, view: View): string[] {
  for (let d = dir; ; d = path.dirname(d)) {
    const found = DEFAULT_FILES.map((n) => path.join(d, n)).find((f) => view.exists(f));
    if (found) {
      const override = OVERRIDE_FILES.map((n) => path.join(d, n)).find((f) => view.exists(f));
      return override ? [found, override] : [found];
    }
    if (d === root || path.dirname(d) === d || !d.startsWith(root)) return [];
  }
}

/** New file names written like the old ones (`./` prefix, absolute paths, unchanged names kept). */
function spell(files: string[], dir: string, oldValues: string[], oldAbs: string[]): string[] {
  const dot = oldValues.length > 0 && oldValues.every((v) => v.startsWith('./'));
  const abs = oldValues.length > 0 && oldValues.every((v) => path.isAbsolute(v));
  return files.map((f) => {
    const k = oldAbs.indexOf(f);
    if (k >= 0) return oldValues[k];
    if (abs) return f;
    const r = posix(path.relative(dir, f)) || '.';
    return dot && !r.startsWith('../') ? './' + r : r;
  });
}

/**
 * Finds and updates the references of a repository. Pure of writes: returns the changes.
 * Files that cannot be read or parsed are reported as `unverified` references.
 */
export async function updateReferences(input: UpdateInput): Promise<UpdateResult> {
  const projectDir = path.resolve(input.projectDir);
  const repo = input.root ? undefined : await gitRoot(projectDir);
  const root = path.resolve(input.root ?? repo ?? projectDir);
  const git = !!repo || (!!input.root && !!(await gitRoot(root)));
  const changes = new Map((input.changes ?? []).map((c) => [path.resolve(c.path), c]));
  const before: View = { exists: (f) => (changes.has(f) ? changes.get(f)!.before !== null : existsSync(f)) };
  const after: View = { exists: (f) => (changes.has(f) ? changes.get(f)!.after !== null : existsSync(f)) };
  const composeFiles = new Set(input.envs.flatMap((e) => [...e.before, ...e.after]));
  const ctx: ScanContext = { root, projectDir };

  // which files to read, and as what
  const files = new Set((await listFiles(root, git)).map((f) => path.resolve(f)));
  for (const f of changes.keys()) files.add(f);
  for (const name of await fs.readdir(projectDir).catch(() => [] as string[])) if (name === '.env' || name.startsWith('.env.')) files.add(path.join(projectDir, name));
  const texts = new Map<string, { text: string; bom: string; kind: FileKind }>();
  for (const f of [...files].sort()) {
    if (!after.exists(f)) continue;
    const kind: FileKind | undefined = composeFiles.has(f) ? 'compose' : fileKind(posix(path.relative(root, f)), () => headOf(f));
    if (!kind) continue;
    let raw: string;
    if (changes.has(f)) raw = changes.get(f)!.after!;
    else {
      try {
        // symlinks are left alone: writing one would replace the link with a file
        const st = await fs.lstat(f);
        if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
        raw = decodeText(await fs.readFile(f), f);
      } catch {
        continue;
      }
    }
    if (!/compose/i.test(raw)) continue;
    // JS/TS is parsed only when it can hold one of the forms js.ts reads
    if (kind === 'js' && !JS_HINT.test(raw)) continue;
    const { bom, text } = stripBom(raw);
    texts.set(f, { text, bom, kind });
  }

  const scan = async (file: string, kind: FileKind, text: string): Promise<FoundRef[]> => {
    if (kind === 'js') {
      const { scanJs } = await import('./js.js');
      return scanJs(file, text, { dirs: candidateDirs(file, ctx) });
    }
    return scanFile(kind, file, text, ctx);
  };

  const references: Reference[] = [];
  const out = new Map<string, FileChange>([...changes].map(([p, c]) => [p, { ...c }]));
  for (const [file, { text, bom, kind }] of texts) {
    let found: FoundRef[];
    try {
      found = await scan(file, kind, text);
    } catch (e) {
      const at = (e as { offset?: number; linePos?: { line: number; col: number }[] }).offset ?? 0;
      const { line, col } = lineCol(text, at);
      references.push({ file, line, col, kind: 'command', where: kind, text: '', before: null, status: 'unverified', reason: `cannot read the file: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    const resolved = found.map((ref) => resolve(ref, text));
    // edits of this file (duplicates of one edit, e.g. a shared const list, count once)
    const edits: TextEdit[] = [];
    const seen = new Set<string>();
    for (const r of resolved) {
      if (!r.edits) continue;
      const fresh = r.edits.filter((e) => !seen.has(`${e.start}:${e.end}:${e.text}`));
      const clash = fresh.some((e) => edits.some((x) => e.start < x.end && x.start < e.end));
      if (clash) {
        r.report = { ...r.report, status: 'unverified', reason: 'its edit overlaps the edit of another reference' };
        delete r.edits;
        continue;
      }
      for (const e of fresh) {
        seen.add(`${e.start}:${e.end}:${e.text}`);
        edits.push(e);
      }
    }
    if (edits.length) {
      const problem = await verify(file, kind, text, edits, resolved, scan);
      if (problem) {
        for (const r of resolved) if (r.edits) r.report = { ...r.report, status: 'unverified', reason: problem, after: undefined };
      } else {
        const newText = bom + applyEdits(text, edits);
        const prev = out.get(file);
        if (prev) prev.after = newText;
        else out.set(file, { path: file, before: bom + text, after: newText });
      }
    }
    for (const r of resolved) {
      const { line, col } = lineCol(text, r.ref.offset);
      references.push({ ...r.report, file, line, col });
    }
  }
  return { references: references.filter((r) => !(r.kind === 'implicit' && r.status === 'unrelated')), changes: [...out.values()], root, git };

  function resolve(ref: FoundRef, fileText: string): { ref: FoundRef; report: Omit<Reference, 'file' | 'line' | 'col'>; edits?: TextEdit[]; expect?: string[] | null } {
    const report: Omit<Reference, 'file' | 'line' | 'col'> = { kind: ref.kind, where: ref.where, text: ref.text, before: ref.values, status: 'current' };
    const keep = { ref, report, expect: ref.values };
    if (ref.computed) return { ...keep, report: { ...report, status: concerns(ref, fileText) ? 'computed' : 'unrelated', reason: ref.computed } };
    const values = ref.values!;
    if (ref.kind === 'implicit') return implicit(ref, report);
    const relative = values.some((v) => !path.isAbsolute(v));
    if (relative && !ref.cwd.dirs.length) {
      const named = values.some((v) => [...composeFiles].some((f) => path.basename(f) === path.basename(v)));
      return { ...keep, report: { ...report, status: named ? 'computed' : 'unrelated', reason: `the working directory is unknown (${ref.cwd.unknown})` } };
    }
    const dirs = ref.cwd.dirs.length ? ref.cwd.dirs : [projectDir];
    const dir = dirs.find((d) => values.every((v) => before.exists(path.resolve(d, v)) || after.exists(path.resolve(d, v)))) ?? dirs[0];
    const abs = values.map((v) => path.resolve(dir, v));
    report.dir = dir;
    const env = input.envs.find((e) => eq(e.before, abs));
    if (env) {
      report.environment = env.name;
      if (eq(env.before, env.after)) return { ...keep, report: { ...report, reason: `${env.name}'s files did not change` } };
      const next = spell(env.after, dir, values, abs);
      const edits = ref.rewrite?.(next) ?? 'cannot be rewritten';
      if (typeof edits === 'string') return { ...keep, report: { ...report, status: 'unverified', reason: edits } };
      return { ref, report: { ...report, status: 'updated', after: next }, edits, expect: next };
    }
    const now = input.envs.find((e) => eq(e.after, abs));
    if (now) return { ...keep, report: { ...report, environment: now.name, reason: `already ${now.name}'s new file list` } };
    if (abs.some((f) => composeFiles.has(f)))
      return { ...keep, report: { ...report, status: 'unmatched', reason: `names ${values.join(', ')}, which is no environment's file list (${envList()})` } };
    return { ...keep, report: { ...report, status: 'unrelated', reason: 'names none of the files that changed' } };
  }

  function implicit(ref: FoundRef, report: Omit<Reference, 'file' | 'line' | 'col'>): ReturnType<typeof resolve> {
    const keep = { ref, report, expect: ref.values };
    const lookIn = (d: string) => (ref.projectDirectory ? path.resolve(d, ref.projectDirectory) : d);
    // a directory holding a default file itself, else the first one Compose finds walking up
    const holds = (d: string) => DEFAULT_FILES.some((n) => before.exists(path.join(lookIn(d), n)));
    const cwd = ref.cwd.dirs.find(holds) ?? ref.cwd.dirs.find((d) => autoList(lookIn(d), root, before).length);
    if (!cwd) return { ...keep, report: { ...report, status: 'unrelated' } };
    const dir = lookIn(cwd);
    report.dir = cwd;
    const was = autoList(dir, root, before);
    const now = autoList(dir, root, after);
    if (!was.some((f) => composeFiles.has(f)) && !now.some((f) => composeFiles.has(f))) return { ...keep, report: { ...report, status: 'unrelated' } };
    const envFile = path.join(dir, '.env');
    const dotenv = texts.get(envFile)?.text;
    if (dotenv && /^\s*(?:export\s+)?COMPOSE_FILE\s*=/m.test(dotenv))
      return { ...keep, report: { ...report, reason: `COMPOSE_FILE in ${posix(path.relative(root, envFile))} decides` } };
    const env = input.envs.find((e) => eq(e.before, was));
    const rel = (l: string[]) => l.map((f) => posix(path.relative(dir, f))).join(' + ');
    if (!env) {
      if (eq(was, now)) return { ...keep, report: { ...report, status: 'unrelated' } };
      return { ...keep, report: { ...report, status: 'unmatched', reason: `plain docker compose loaded ${rel(was)} here (no environment) and now loads ${rel(now)}` } };
    }
    report.environment = env.name;
    if (eq(now, env.after)) return { ...keep, report: { ...report, reason: `plain docker compose loads ${env.name} (${rel(now)})` } };
    const next = spell(env.after, cwd, [], []);
    const edits = ref.rewrite?.(next) ?? 'cannot be rewritten';
    if (typeof edits === 'string') return { ...keep, report: { ...report, status: 'unverified', reason: edits } };
    return { ref, report: { ...report, status: 'updated', before: [], after: next, reason: `plain docker compose loaded ${env.name} (${rel(was)}); now it would load ${rel(now) || 'nothing'}` }, edits, expect: next };
  }

  /**
   * Is a computed reference about this project? When it is in the project directory or runs
   * there, or its file names a file of the project (`deploy/compose.prod.yaml` in a Makefile
   * whose recipe says `docker compose $(PROD_FILES) up`), or it names one literally.
   */
  function concerns(ref: FoundRef, fileText: string): boolean {
    const inside = (d: string, f: string) => !path.relative(d, f).startsWith('..');
    if (inside(projectDir, ref.file) || ref.cwd.dirs.includes(projectDir)) return true;
    const dirs = ref.cwd.dirs.length ? ref.cwd.dirs : [root];
    if ((ref.partial ?? []).some((v) => dirs.some((d) => composeFiles.has(path.resolve(d, v))))) return true;
    return dirs.some((d) => [...composeFiles].some((f) => inside(d, f) && fileText.includes(posix(path.relative(d, f)))));
  }

  function envList(): string {
    return input.envs.map((e) => `${e.name} = ${e.before.map((f) => posix(path.relative(projectDir, f))).join(' + ')}`).join('; ');
  }
}

/** Reads the edited file again: it must parse and yield the expected list at every reference. */
async function verify(
  file: string,
  kind: FileKind,
  text: string,
  edits: TextEdit[],
  resolved: { ref: FoundRef; edits?: TextEdit[]; expect?: string[] | null }[],
  scan: (file: string, kind: FileKind, text: string) => Promise<FoundRef[]>,
): Promise<string | undefined> {
  let again: FoundRef[];
  try {
    again = await scan(file, kind, applyEdits(text, edits));
  } catch (e) {
    return `the edited file does not parse: ${(e as Error).message.split('\n')[0]}`;
  }
  const want = resolved.map((r) => (r.edits ? r.expect : r.ref.values));
  const got = again.map((r) => r.values);
  const show = (l: (string[] | null | undefined)[]) => l.map((x) => (x ? `[${x.join(', ')}]` : '(computed)')).join(' ');
  if (want.length !== got.length || want.some((w, i) => JSON.stringify(w ?? null) !== JSON.stringify(got[i] ?? null)))
    return `re-reading the edited file gave ${show(got)} instead of ${show(want)}`;
  return undefined;
}

function headOf(file: string): string {
  try {
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(128);
    const n = readSync(fd, buf, 0, 128, 0);
    closeSync(fd);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  }
}
