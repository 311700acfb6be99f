/**
 * prettier for the files a command writes, when the repository uses prettier (a config file,
 * a `prettier` key in package.json, or the devDependency): files the command creates are
 * formatted with the repository's settings, and edited files keep their `prettier --check`
 * status (when an edit breaks it, the file is formatted only if that changes nothing but the
 * edited lines; otherwise a note says so). prettier is loaded only for such repositories.
 * JavaScript config files are never executed: the note says to run prettier by hand.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { structuredPatch } from 'diff';
import type { FileChange } from './save.js';
import { parseSource } from './source.js';
import { toModel } from './model.js';
import { deepEqual } from './merge/values.js';

const DATA_CONFIGS = ['.prettierrc', '.prettierrc.json', '.prettierrc.yaml', '.prettierrc.yml', '.prettierrc.json5', '.prettierrc.toml'];
const CODE_CONFIGS = ['.prettierrc.js', '.prettierrc.cjs', '.prettierrc.mjs', '.prettierrc.ts', '.prettierrc.cts', '.prettierrc.mts', 'prettier.config.js', 'prettier.config.cjs', 'prettier.config.mjs', 'prettier.config.ts', 'prettier.config.cts', 'prettier.config.mts'];

export interface PrettierUse {
  /** The data config file (or package.json with a `prettier` key) prettier would use, if any. */
  config?: string;
  /** A JavaScript config exists: composemod does not run it. */
  codeConfig?: string;
  /** Why the repository counts as using prettier. */
  why: string;
}

/** Does the repository at `root` use prettier (looking in `root` and `dir`, the project directory)? */
export function prettierUse(root: string, dir: string = root): PrettierUse | undefined {
  for (const d of [...new Set([dir, root])]) {
    const code = CODE_CONFIGS.map((n) => path.join(d, n)).find(existsSync);
    if (code) return { codeConfig: code, why: path.basename(code) };
    const data = DATA_CONFIGS.map((n) => path.join(d, n)).find(existsSync);
    if (data) return { config: data, why: path.basename(data) };
    const pkgFile = path.join(d, 'package.json');
    if (!existsSync(pkgFile)) continue;
    try {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
      if (pkg.prettier !== undefined) return typeof pkg.prettier === 'object' ? { config: pkgFile, why: 'the prettier key of package.json' } : { why: 'the prettier key of package.json (a shared config: not loaded)', codeConfig: pkgFile };
      // a devDependency is a formatter; a runtime dependency is a library (composemod's own)
      if (pkg.devDependencies?.prettier) return { why: 'prettier in package.json devDependencies' };
    } catch {
      // not JSON: not ours to judge here
    }
  }
  return undefined;
}

export interface PrettierResult {
  changes: FileChange[];
  /** What was formatted, and what could not be kept `prettier --check`-clean. */
  notes: string[];
  use?: PrettierUse;
}

type Prettier = typeof import('prettier');

/**
 * Formats the created files of `changes` and keeps the edited ones' `prettier --check` status.
 * `root` is the repository root (configs are looked up there and in `dir`).
 */
export async function prettierChanges(changes: readonly FileChange[], root: string, dir: string = root): Promise<PrettierResult> {
  const use = prettierUse(root, dir);
  if (!use) return { changes: [...changes], notes: [] };
  if (use.codeConfig)
    return { changes: [...changes], notes: [`prettier: the repository uses prettier (${use.why}), but composemod does not run JavaScript configs; run prettier --write on the changed files`], use };
  const prettier: Prettier = await import('prettier');
  const ignorePath = [path.join(root, '.prettierignore')].filter(existsSync);
  const formatted: string[] = [];
  const kept: string[] = [];
  const broken: string[] = [];
  const out: FileChange[] = [];
  for (const c of changes) {
    if (c.after === null) {
      out.push(c);
      continue;
    }
    const info = await prettier.getFileInfo(c.path, { ignorePath });
    const parser = info.inferredParser;
    if (info.ignored || !parser) {
      out.push(c);
      continue;
    }
    // the repository's data config (with its overrides for this path), else prettier's defaults
    const options = use.config ? ((await prettier.resolveConfig(c.path, { config: use.config })) ?? {}) : {};
    const opts = { ...options, parser, filepath: c.path };
    const name = path.relative(root, c.path).split(path.sep).join('/');
    try {
      if (c.before === null) {
        const next = await prettier.format(c.after, opts);
        if (next !== c.after && sameData(c.path, parser, c.after, next)) {
          out.push({ ...c, after: next });
          formatted.push(name);
        } else out.push(c);
        continue;
      }
      if (!(await prettier.check(c.before, opts)) || (await prettier.check(c.after, opts))) {
        out.push(c);
        continue;
      }
      const next = await prettier.format(c.after, opts);
      if (onlyEditedLines(c.before, c.after, next) && sameData(c.path, parser, c.after, next)) {
        out.push({ ...c, after: next });
        kept.push(name);
      } else {
        out.push(c);
        broken.push(name);
      }
    } catch {
      out.push(c);
    }
  }
  const notes: string[] = [];
  if (formatted.length) notes.push(`prettier: formatted the new ${formatted.join(', ')} with the repository's settings (${use.why})`);
  if (kept.length) notes.push(`prettier: re-formatted the edited lines of ${kept.join(', ')} so prettier --check still passes`);
  if (broken.length) notes.push(`prettier: ${broken.join(', ')} passed prettier --check before and would not after; formatting would touch lines composemod did not edit: run prettier --write ${broken.join(' ')}`);
  if (!notes.length) notes.push(`prettier: the repository uses prettier (${use.why}); the changed files keep their prettier --check status`);
  return { changes: out, notes, use };
}

/** Formatting changed nothing a YAML / JSON reader sees. */
function sameData(file: string, parser: string, a: string, b: string): boolean {
  try {
    if (parser === 'yaml') return deepEqual(toModel(parseSource(a, file)), toModel(parseSource(b, file)));
    if (parser === 'json' || parser === 'json-stringify') return deepEqual(JSON.parse(a), JSON.parse(b));
    return true;
  } catch {
    return false;
  }
}

/** Every line `next` changes in `after` is a line the edit (`before` -> `after`) changed. */
function onlyEditedLines(before: string, after: string, next: string): boolean {
  const edited = new Set<number>();
  for (const h of structuredPatch('a', 'b', before, after, '', '', { context: 0 }).hunks) {
    for (let i = 0; i <= h.newLines; i++) edited.add(h.newStart + i - (h.newLines ? 0 : 1));
    edited.add(h.newStart - 1);
  }
  for (const h of structuredPatch('a', 'b', after, next, '', '', { context: 0 }).hunks)
    for (let i = 0; i < Math.max(h.oldLines, 1); i++) if (!edited.has(h.oldStart + i)) return false;
  return true;
}
