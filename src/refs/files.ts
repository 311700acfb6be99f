/**
 * Which files of a repository can hold references, and the references in each kind of file:
 * shell scripts, Makefiles, justfiles, Taskfiles, Procfiles, package.json scripts, GitHub
 * Actions and GitLab CI, Jenkinsfiles, systemd units, Dockerfiles' RUN, Markdown code,
 * `.env` files, devcontainer.json and comments of compose files. JS/TS is in `js.ts`.
 */
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node, type Scalar, type YAMLMap } from 'yaml';
import { comments as yamlComments } from '../extract/text.js';
import { composeFileSeparator, scanShell } from './commands.js';
import { jsonString, member, parseJsonc, type JsonNode } from './jsonc.js';
import { align, identity, oneLine, rawSnippet, type Cwd, type FoundRef, type Snippet } from './types.js';

export type FileKind =
  | 'shell'
  | 'make'
  | 'just'
  | 'taskfile'
  | 'procfile'
  | 'package.json'
  | 'github-actions'
  | 'gitlab-ci'
  | 'jenkins'
  | 'systemd'
  | 'dockerfile'
  | 'markdown'
  | 'dotenv'
  | 'devcontainer'
  | 'compose'
  | 'js';

/** Directories never searched (vendored or generated). */
export const SKIP_DIRS = new Set(['node_modules', 'vendor', 'bower_components', '.git', 'dist', 'build', 'out', 'coverage', 'target', '.venv', 'venv', '__pycache__', 'third_party', '.next', '.nuxt', '.terraform', '.cache', '.tox']);

const SHEBANG = /^#!.*\b(?:ba|z|k|da)?sh\b/;

/** The kind of a repository file by its path (relative, `/`-separated); `undefined` = not searched. */
export function fileKind(rel: string, head?: () => string): FileKind | undefined {
  const parts = rel.split('/');
  if (parts.slice(0, -1).some((p) => SKIP_DIRS.has(p))) return undefined;
  const name = parts[parts.length - 1];
  const lower = name.toLowerCase();
  if (/\.min\.[cm]?js$/.test(lower)) return undefined;
  if (/\.(sh|bash|zsh|ksh)$/.test(lower)) return 'shell';
  if (lower === 'makefile' || lower === 'gnumakefile' || lower.endsWith('.mk')) return 'make';
  if (lower === 'justfile' || lower === '.justfile' || lower.endsWith('.just')) return 'just';
  if (/^taskfile(\.dist)?\.ya?ml$/.test(lower)) return 'taskfile';
  if (name === 'Procfile' || name.startsWith('Procfile.')) return 'procfile';
  if (name === 'package.json') return 'package.json';
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(rel)) return 'github-actions';
  if (lower === '.gitlab-ci.yml' || lower.endsWith('.gitlab-ci.yml')) return 'gitlab-ci';
  if (name === 'Jenkinsfile' || name.startsWith('Jenkinsfile.') || lower.endsWith('.jenkinsfile')) return 'jenkins';
  if (lower.endsWith('.service')) return 'systemd';
  if (name === 'Dockerfile' || name === 'Containerfile' || name.startsWith('Dockerfile.') || lower.endsWith('.dockerfile')) return 'dockerfile';
  if (/\.(md|markdown|mdx)$/.test(lower)) return 'markdown';
  if (lower === '.env' || lower.startsWith('.env.') || lower.endsWith('.env')) return 'dotenv';
  if (lower === 'devcontainer.json' || lower === '.devcontainer.json') return 'devcontainer';
  if (/\.(c|m)?[jt]sx?$/.test(lower) && !lower.endsWith('.d.ts')) return 'js';
  if (!name.includes('.') && head && SHEBANG.test(head())) return 'shell';
  return undefined;
}

export interface ScanContext {
  /** Repository root (CI jobs and docs run there). */
  root: string;
  /** The compose project directory (where the environment files live). */
  projectDir: string;
}

/**
 * Where a command in a file may run: the file's directory, the repository root, and the
 * project directory for files inside it (a README elsewhere naming `compose.prod.yaml` is
 * about some other project, not this one).
 */
export function candidateDirs(file: string, ctx: ScanContext): string[] {
  const inProject = !path.relative(ctx.projectDir, file).startsWith('..');
  return [...new Set([path.dirname(file), ctx.root, ...(inProject ? [ctx.projectDir] : [])])];
}

/** References in one file of a kind other than JS/TS. Throws on unparseable structured files. */
export function scanFile(kind: FileKind, file: string, text: string, ctx: ScanContext): FoundRef[] {
  const dir = path.dirname(file);
  const here: Cwd = { dirs: [dir] };
  const around: Cwd = { dirs: candidateDirs(file, ctx) };
  switch (kind) {
    case 'shell':
      return scanShell(rawSnippet(file, text, 0, text.length, { cwd: around, where: 'shell script', scriptDir: dir }));
    case 'make':
      return scanMake(file, text, here);
    case 'just':
      return lineSnippets(file, text, /^([ \t]+(?:@|-)?)(.*)$/s, here, 'justfile recipe');
    case 'procfile':
      return lineSnippets(file, text, /^([\w.-]+:[ \t]*)(.*)$/s, here, 'Procfile');
    case 'systemd':
      return lineSnippets(file, text, /^(Exec\w*=[ \t]*[-@:+!]*)(.*)$/s, around, 'systemd unit');
    case 'dockerfile':
      return scanDockerfile(file, text, around);
    case 'jenkins':
      return scanJenkins(file, text, { dirs: [ctx.root] });
    case 'markdown':
      return scanMarkdown(file, text, around);
    case 'dotenv':
      return scanDotenv(file, text, here);
    case 'package.json':
      return scanPackageJson(file, text, here);
    case 'devcontainer':
      return scanDevcontainer(file, text, here);
    case 'github-actions':
    case 'gitlab-ci':
    case 'taskfile':
      return scanYamlCommands(kind, file, text, kind === 'taskfile' ? here : { dirs: [ctx.root] });
    case 'compose':
      return scanYamlComments(file, text, here, 'compose file');
    default:
      return [];
  }
}

/** Lines matched by `re` (group 1 the prefix to skip, group 2 the command), with `\` continuations. */
function lineSnippets(file: string, text: string, re: RegExp, cwd: Cwd, where: string): FoundRef[] {
  const out: FoundRef[] = [];
  for (const { start, end } of logicalLines(text)) {
    const line = text.slice(start, end);
    if (/^\s*#/.test(line)) {
      const at = start + line.indexOf('#');
      out.push(...scanShell(rawSnippet(file, text, at, end, { cwd, where })));
      continue;
    }
    const m = re.exec(line);
    if (!m || !/compose/i.test(m[2])) continue;
    out.push(...scanShell(rawSnippet(file, text, start + m[1].length, end, { cwd, where })));
  }
  return out;
}

/** Lines joined by a trailing backslash. */
function logicalLines(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    while (end > 0 && (text[end - 1] === '\\' || (text[end - 1] === '\r' && text[end - 2] === '\\'))) end = text.indexOf('\n', end + 1);
    if (end < 0) end = text.length;
    out.push({ start, end: text[end - 1] === '\r' ? end - 1 : end });
    start = end + 1;
  }
  return out;
}

const makeEncode = (s: string): string => s.replace(/\$/g, '$$$$');

function scanMake(file: string, text: string, cwd: Cwd): FoundRef[] {
  const out: FoundRef[] = [];
  const assign = /^(\s*(?:export\s+|override\s+)?([A-Za-z_][\w.-]*)\s*(?:::=|:::=|:=|\?=|\+=|!=|=)[ \t]*)(.*)$/s;
  for (const { start, end } of logicalLines(text)) {
    const line = text.slice(start, end);
    if (!/compose/i.test(line)) continue;
    if (line.startsWith('\t')) {
      const skip = /^\t[ \t]*[@+-]*/.exec(line)![0].length;
      out.push(...scanShell(rawSnippet(file, text, start + skip, end, { cwd, where: 'Makefile recipe', encode: makeEncode })));
      continue;
    }
    if (/^\s*#/.test(line)) {
      out.push(...scanShell(rawSnippet(file, text, start + line.indexOf('#'), end, { cwd, where: 'Makefile', encode: makeEncode })));
      continue;
    }
    const m = assign.exec(line);
    if (!m) continue;
    const valueStart = start + m[1].length;
    if (m[2] === 'COMPOSE_FILE') {
      // `COMPOSE_FILE := a.yml:b.yml` (exported or passed on): read as the assignment it is
      const s = rawSnippet(file, text, valueStart - 'COMPOSE_FILE='.length, end, { cwd, where: 'Makefile variable', encode: makeEncode });
      s.text = 'COMPOSE_FILE=' + text.slice(valueStart, end).replace(/\s+#.*$/, '').replace(/\s+$/, '');
      s.starts = s.starts.slice(0, s.text.length);
      s.ends = s.ends.slice(0, s.text.length);
      out.push(...scanShell(s));
      continue;
    }
    out.push(...scanShell(rawSnippet(file, text, valueStart, end, { cwd, where: `Makefile variable ${m[2]}`, encode: makeEncode })));
  }
  return out;
}

function scanDockerfile(file: string, text: string, cwd: Cwd): FoundRef[] {
  const out: FoundRef[] = [];
  for (const { start, end } of logicalLines(text)) {
    const line = text.slice(start, end);
    const m = /^(\s*RUN\s+(?:--\S+\s+)*)(.*)$/is.exec(line);
    if (m && !m[2].startsWith('[') && /compose/i.test(m[2])) out.push(...scanShell(rawSnippet(file, text, start + m[1].length, end, { cwd, where: 'Dockerfile RUN' })));
    else if (/^\s*#/.test(line) && /compose/i.test(line)) out.push(...scanShell(rawSnippet(file, text, start + line.indexOf('#'), end, { cwd, where: 'Dockerfile' })));
  }
  return out;
}

function scanJenkins(file: string, text: string, cwd: Cwd): FoundRef[] {
  const out: FoundRef[] = [];
  const re = /\bsh\s*\(?\s*(?:script\s*:\s*)?('''|"""|'|")/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const q = m[1];
    const start = m.index + m[0].length;
    const end = text.indexOf(q, start);
    if (end < 0) break;
    re.lastIndex = end + q.length;
    if (!/compose/i.test(text.slice(start, end))) continue;
    out.push(...scanShell(rawSnippet(file, text, start, end, { cwd, where: 'Jenkinsfile sh step' })));
  }
  for (let i = text.indexOf('//'); i >= 0; i = text.indexOf('//', i + 2)) {
    const e = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    if (/^[ \t]*$/.test(text.slice(text.lastIndexOf('\n', i) + 1, i)) && /compose/i.test(text.slice(i, e)))
      out.push(...scanShell(rawSnippet(file, text, i + 2, e, { cwd, where: 'Jenkinsfile (comment)', comment: true })));
    i = e;
  }
  return out.sort((a, b) => a.offset - b.offset);
}

const SHELL_LANGS = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh', 'terminal', 'shell-session', 'shellsession', 'sh-session', 'bash-session', 'cmd', 'powershell', 'ps1', 'make', 'makefile', 'text', 'txt', 'plain', 'plaintext', 'ini', 'dotenv', 'env']);

function scanMarkdown(file: string, text: string, cwd: Cwd): FoundRef[] {
  const out: FoundRef[] = [];
  const lines = [...logicalLinesPlain(text)];
  for (let k = 0; k < lines.length; k++) {
    const { start, end } = lines[k];
    const line = text.slice(start, end);
    const open = /^( {0,3}|[ \t]*(?:[-*+]|\d+[.)])?[ \t]*)(`{3,}|~{3,})[ \t]*([\w+-]*)/.exec(line);
    if (open) {
      const fence = open[2];
      const lang = open[3].toLowerCase();
      let j = k + 1;
      while (j < lines.length && !text.slice(lines[j].start, lines[j].end).trimStart().startsWith(fence)) j++;
      if (SHELL_LANGS.has(lang) && j > k + 1) {
        const bs = lines[k + 1].start;
        const be = lines[j - 1].end;
        if (/compose/i.test(text.slice(bs, be))) out.push(...scanShell(rawSnippet(file, text, bs, be, { cwd, where: 'Markdown code block' })));
      }
      k = j;
      continue;
    }
    // inline code spans: `docker compose -f x.yml up`
    for (const m of line.matchAll(/(`+)([^`]+?)\1(?!`)/g)) {
      if (!/compose/i.test(m[2])) continue;
      const s = start + m.index! + m[1].length;
      out.push(...scanShell(rawSnippet(file, text, s, s + m[2].length, { cwd, where: 'Markdown inline code' })));
    }
  }
  return out;
}

function* logicalLinesPlain(text: string): Generator<{ start: number; end: number }> {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    yield { start, end: text[end - 1] === '\r' ? end - 1 : end };
    if (end >= text.length) return;
    start = end + 1;
  }
}

/** `.env` files: `COMPOSE_FILE=…` (with `COMPOSE_PATH_SEPARATOR` from the same file). */
function scanDotenv(file: string, text: string, cwd: Cwd): FoundRef[] {
  const out: FoundRef[] = [];
  const entries: { name: string; valueStart: number; valueEnd: number; raw: string; lineStart: number }[] = [];
  for (const { start, end } of logicalLinesPlain(text)) {
    const line = text.slice(start, end);
    const m = /^(\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*)(.*)$/.exec(line);
    if (!m) {
      if (/^\s*#/.test(line) && /compose/i.test(line)) out.push(...scanShell(rawSnippet(file, text, start + line.indexOf('#'), end, { cwd, where: '.env', comment: true })));
      continue;
    }
    let raw = m[3];
    if (!/^['"]/.test(raw)) raw = raw.replace(/\s+#.*$/, '').replace(/\s+$/, '');
    else {
      const close = raw.indexOf(raw[0], 1);
      if (close > 0) raw = raw.slice(0, close + 1);
    }
    const valueStart = start + m[1].length;
    entries.push({ name: m[2], valueStart, valueEnd: valueStart + raw.length, raw, lineStart: start });
  }
  const sepEntry = entries.find((e) => e.name === 'COMPOSE_PATH_SEPARATOR');
  const declared = sepEntry ? unquote(sepEntry.raw) : undefined;
  for (const e of entries.filter((x) => x.name === 'COMPOSE_FILE')) {
    const quoted = /^(['"]).*\1$/.test(e.raw);
    const inner = quoted ? e.raw.slice(1, -1) : e.raw;
    const innerStart = quoted ? e.valueStart + 1 : e.valueStart;
    const ref: FoundRef = { file, offset: e.lineStart, kind: 'COMPOSE_FILE', where: '.env', text: oneLine(text.slice(e.lineStart, e.valueEnd)), cwd, values: null };
    if (inner.includes('$') && e.raw[0] !== "'") {
      out.push({ ...ref, computed: `COMPOSE_FILE is computed (${inner})` });
      continue;
    }
    const sep = composeFileSeparator(inner, declared);
    out.push({
      ...ref,
      values: inner === '' ? [] : inner.split(sep),
      rewrite: (values) => {
        const joined = values.join(sep);
        if (!quoted && /[\s#'"]/.test(joined)) return 'the new list needs quotes in .env';
        return [{ start: innerStart, end: innerStart + inner.length, text: e.raw[0] === '"' ? joined.replace(/(["\\])/g, '\\$1') : joined }];
      },
    });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function unquote(raw: string): string {
  return /^(['"]).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
}

/** A snippet for a JSON string node (escapes mapped). */
export function jsonSnippet(file: string, text: string, node: { start: number; end: number; value: string }, rest: Pick<Snippet, 'cwd' | 'where'>): Snippet | null {
  const a = align(text.slice(node.start + 1, node.end - 1), node.start + 1, node.value, '\\u0123456789abcdefABCDEF');
  if (!a) return null;
  return { file, text: node.value, ...a, encode: (s) => jsonString(s).slice(1, -1), ...rest };
}

function scanPackageJson(file: string, text: string, cwd: Cwd): FoundRef[] {
  const root = parseJsonc(text);
  const scripts = member(root, 'scripts');
  const out: FoundRef[] = [];
  if (scripts?.type !== 'object') return out;
  for (const e of scripts.entries) {
    if (e.value.type !== 'string' || !/compose/i.test(e.value.value)) continue;
    const where = `package.json scripts.${e.key}`;
    const s = jsonSnippet(file, text, e.value, { cwd, where });
    if (s) out.push(...scanShell(s));
    else out.push({ file, offset: e.value.start, kind: 'command', where, text: oneLine(e.value.value), cwd, values: null, computed: 'the script uses escapes composemod does not map back' });
  }
  return out;
}

/** JSON string array edits: replace, insert after the last, delete the extra (like their siblings). */
export function jsonListRewrite(text: string, node: JsonNode, quote: (s: string) => string): (values: string[]) => ReturnType<NonNullable<FoundRef['rewrite']>> {
  return (values) => {
    if (node.type === 'string') {
      if (values.length === 1) return [{ start: node.start, end: node.end, text: quote(values[0]) }];
      return [{ start: node.start, end: node.end, text: `[${values.map(quote).join(', ')}]` }];
    }
    if (node.type !== 'array') return 'not a list';
    return arrayEdits(text, node.items, values, quote);
  };
}

/** Edits turning the string items of an array literal into `values`. */
export function arrayEdits(text: string, items: { start: number; end: number; value?: unknown }[], values: string[], quote: (s: string) => string): { start: number; end: number; text: string }[] {
  const edits: { start: number; end: number; text: string }[] = [];
  const n = items.length;
  const m = values.length;
  for (let i = 0; i < Math.min(n, m); i++) if (items[i].value !== values[i]) edits.push({ start: items[i].start, end: items[i].end, text: quote(values[i]) });
  if (m > n && n > 0) {
    const last = items[n - 1];
    const gap = n > 1 ? text.slice(items[n - 2].end, items[n - 1].start) : ', ';
    edits.push({ start: last.end, end: last.end, text: values.slice(n).map((v) => gap + quote(v)).join('') });
  }
  for (let i = m; i < n; i++) edits.push({ start: items[i - 1].end, end: items[i].end, text: '' });
  return edits;
}

function scanDevcontainer(file: string, text: string, cwd: Cwd): FoundRef[] {
  const root = parseJsonc(text);
  const node = member(root, 'dockerComposeFile');
  if (!node) return [];
  const ref: FoundRef = { file, offset: node.start, kind: 'dockerComposeFile', where: 'devcontainer.json dockerComposeFile', text: oneLine(text.slice(node.start, node.end)), cwd, values: null };
  const items = node.type === 'string' ? [node] : node.type === 'array' ? node.items : null;
  if (!items || items.some((i) => i.type !== 'string')) return [{ ...ref, computed: 'dockerComposeFile is not a string or a list of strings' }];
  const values = items.map((i) => (i as { value: string }).value);
  if (values.some((v) => v.includes('${'))) return [{ ...ref, computed: `dockerComposeFile uses a variable (${values.find((v) => v.includes('${'))})` }];
  return [{ ...ref, values, rewrite: jsonListRewrite(text, node, jsonString) }];
}

/** A snippet for a YAML scalar (block scalars' indentation and folding mapped). */
function yamlSnippet(file: string, text: string, node: Scalar, rest: Pick<Snippet, 'cwd' | 'where' | 'composeFileSet'>): Snippet | null {
  if (!node.range || typeof node.value !== 'string') return null;
  const [s, e] = node.range;
  const src = text.slice(s, e);
  const value = node.value;
  let a: { starts: number[]; ends: number[] } | null;
  let encode = identity;
  switch (node.type) {
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      const nl = src.indexOf('\n');
      if (nl < 0) return null;
      a = align(src.slice(nl + 1), s + nl + 1, value, ' \t\r\n');
      const indent = /^[ \t]*/.exec(src.slice(nl + 1).replace(/^(?:[ \t]*\r?\n)+/, ''))![0];
      encode = node.type === 'BLOCK_LITERAL' ? (x) => x.replace(/\n/g, '\n' + indent) : (x) => x.replace(/\\?\n[ \t]*/g, ' ');
      break;
    }
    case 'QUOTE_DOUBLE':
      a = align(src.slice(1), s + 1, value, ' \t\r\n\\');
      encode = (x) => x.replace(/(["\\])/g, '\\$1').replace(/\n/g, '\\n');
      break;
    case 'QUOTE_SINGLE':
      a = align(src.slice(1), s + 1, value, " \t\r\n'");
      encode = (x) => x.replace(/'/g, "''");
      break;
    default:
      a = align(src, s, value, ' \t\r\n');
      encode = (x) => x.replace(/\\?\n[ \t]*/g, ' ');
  }
  if (!a) return null;
  return { file, text: value, ...a, encode, ...rest };
}

const str = (n: unknown): string | undefined => (isScalar(n) && typeof n.value === 'string' ? n.value : undefined);
const get = (m: YAMLMap, key: string): Node | undefined => m.items.find((p) => str(p.key) === key)?.value as Node | undefined;

function scanYamlCommands(kind: 'github-actions' | 'gitlab-ci' | 'taskfile', file: string, text: string, rootCwd: Cwd): FoundRef[] {
  const doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: false });
  if (doc.errors.length) throw doc.errors[0];
  const out: FoundRef[] = [];
  const label = kind === 'github-actions' ? 'workflow' : kind === 'gitlab-ci' ? 'GitLab CI' : 'Taskfile';
  // COMPOSE_FILE set in an env / variables map anywhere in the file: plain commands use it
  let composeFileSet = false;
  const envMaps: { map: YAMLMap; cwd: Cwd }[] = [];
  const commandsAt: { node: Scalar; cwd: Cwd; where: string }[] = [];
  const visit = (node: unknown, cwd: Cwd, wdDefault: string | undefined): void => {
    if (isSeq(node)) {
      for (const it of node.items) visit(it, cwd, wdDefault);
      return;
    }
    if (!isMap(node)) return;
    let defaultWd = wdDefault;
    const defaults = get(node, 'defaults');
    if (isMap(defaults)) {
      const run = get(defaults, 'run');
      const wd = isMap(run) ? str(get(run, 'working-directory')) : undefined;
      if (wd !== undefined) defaultWd = wd;
    }
    // a step's working-directory (or the defaults), a task's dir: relative to the root, never nested
    const wd = kind === 'github-actions' ? (str(get(node, 'working-directory')) ?? defaultWd) : kind === 'taskfile' ? str(get(node, 'dir')) : undefined;
    const here: Cwd = wd === undefined ? cwd : wd.includes('$') || wd.includes('{{') ? { dirs: [], unknown: `working directory ${wd}` } : { dirs: cwd.dirs.map((d) => path.resolve(d, wd)) };
    for (const p of node.items) {
      const key = str(p.key);
      const v = p.value;
      if ((key === 'env' || key === 'variables') && isMap(v)) envMaps.push({ map: v, cwd: here });
      const isCmdKey =
        (kind === 'github-actions' && key === 'run') ||
        (kind === 'gitlab-ci' && (key === 'script' || key === 'before_script' || key === 'after_script')) ||
        (kind === 'taskfile' && (key === 'cmds' || key === 'cmd'));
      if (isCmdKey) {
        const items = isSeq(v) ? v.items : [v];
        for (const it of items) {
          const cmd = isMap(it) ? get(it, 'cmd') : it;
          if (isScalar(cmd) && typeof cmd.value === 'string') commandsAt.push({ node: cmd, cwd: here, where: `${label} ${key}` });
        }
        continue;
      }
      visit(v, cwd, defaultWd);
    }
  };
  visit(doc.contents, rootCwd, undefined);
  for (const { map, cwd } of envMaps) {
    const cf = map.items.find((p) => str(p.key) === 'COMPOSE_FILE');
    if (!cf || !isScalar(cf.value)) continue;
    composeFileSet = true;
    const sep = str(get(map, 'COMPOSE_PATH_SEPARATOR'));
    const s = yamlSnippet(file, text, cf.value as Scalar, { cwd, where: `${label} env` });
    const value = String((cf.value as Scalar).value ?? '');
    const offset = (cf.value as Scalar).range?.[0] ?? 0;
    const ref: FoundRef = { file, offset, kind: 'COMPOSE_FILE', where: `${label} env`, text: oneLine(`COMPOSE_FILE: ${value}`), cwd, values: null };
    if (!s || /\$/.test(value)) {
      out.push({ ...ref, computed: s ? `COMPOSE_FILE is computed (${value})` : 'the value uses escapes composemod does not map back' });
      continue;
    }
    const separator = composeFileSeparator(value, sep);
    out.push({
      ...ref,
      values: value === '' ? [] : value.split(separator),
      rewrite: (values) => [{ start: s.starts[0], end: s.ends[s.text.length - 1], text: s.encode(values.join(separator)) }],
    });
  }
  for (const c of commandsAt) {
    if (!/compose/i.test(String(c.node.value))) continue;
    const s = yamlSnippet(file, text, c.node, { cwd: c.cwd, where: c.where, composeFileSet });
    if (s) out.push(...scanShell(s));
    else
      out.push({ file, offset: c.node.range?.[0] ?? 0, kind: 'command', where: c.where, text: oneLine(String(c.node.value)), cwd: c.cwd, values: null, computed: 'the command uses escapes composemod does not map back' });
  }
  out.push(...scanYamlComments(file, text, rootCwd, label));
  return out.sort((a, b) => a.offset - b.offset);
}

/** Comments of a YAML file read as shell text (`# docker compose -f docker-compose.prod.yml up -d`). */
function scanYamlComments(file: string, text: string, cwd: Cwd, where: string): FoundRef[] {
  const out: FoundRef[] = [];
  for (const c of yamlComments(text)) {
    if (!/compose/i.test(c.text)) continue;
    let end = text.indexOf('\n', c.offset);
    if (end < 0) end = text.length;
    if (text[end - 1] === '\r') end--;
    out.push(...scanShell(rawSnippet(file, text, c.offset + 1, end, { cwd, where, comment: true })));
  }
  return out;
}
