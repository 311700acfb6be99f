/**
 * References in JavaScript / TypeScript, found with jscodeshift (loaded only when a JS/TS file
 * mentions compose): testcontainers' `new DockerComposeEnvironment(dir, files)`, the
 * `docker-compose` npm package (`upAll({ cwd, config })` and friends), and execa /
 * child_process calls (`execa('docker', ['compose', '-f', 'a.yml', 'up'])`, `exec('docker
 * compose -f a.yml up')`, execa's `$` template). Edits are range edits on the original text;
 * jscodeshift is used to parse and query, never to print.
 */
import path from 'node:path';
import type { TextEdit } from '../core/edit.js';
import { scanShell } from './commands.js';
import { arrayEdits } from './files.js';
import { align, oneLine, type Cwd, type FoundRef, type Snippet } from './types.js';

/* The AST is walked as plain data: babel node shapes, narrowed by `type`. */
interface N {
  type: string;
  start: number;
  end: number;
  [k: string]: unknown;
}
const isN = (x: unknown): x is N => !!x && typeof x === 'object' && typeof (x as N).type === 'string';

type Api = typeof import('jscodeshift');
let api: Api | undefined;
async function jscodeshift(): Promise<Api> {
  if (!api) api = ((await import('jscodeshift')) as unknown as { default: Api }).default;
  return api;
}

const EXEC_FNS = new Set(['execa', 'execaSync', 'execaNode', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);
const EXEC_STRING_FNS = new Set(['exec', 'execSync', 'execaCommand', 'execaCommandSync']);
const TEMPLATE_TAGS = new Set(['$', 'execa', 'execaSync', 'execaNode']);
const COMPOSE_MODULES = /^docker-compose(\/dist\/v2(\.js)?)?$/;

function parserFor(file: string): string {
  return /\.[cm]?tsx?$/.test(file) ? (/x$/.test(file) ? 'tsx' : 'ts') : 'babel';
}

/** References in one JS/TS file; a file that does not parse yields a finding. */
export async function scanJs(file: string, text: string, defaults: Cwd): Promise<FoundRef[]> {
  const j = await jscodeshift();
  let program: N;
  try {
    program = j.withParser(parserFor(file))(text).get().node.program as N;
  } catch (e) {
    return [{ file, offset: 0, kind: 'exec', where: 'JS/TS', text: '', cwd: defaults, values: null, computed: `does not parse (${(e as Error).message.split('\n')[0]})` }];
  }
  const fileDir = path.dirname(file);
  const consts = new Map<string, N>();
  const composeNs = new Set<string>();
  const composeFns = new Set<string>();
  const nodes: N[] = [];
  walk(program, (n) => {
    nodes.push(n);
    if (n.type === 'VariableDeclarator' && isN(n.id) && n.id.type === 'Identifier' && isN(n.init)) {
      const name = n.id.name as string;
      consts.set(name, consts.has(name) ? ({ type: 'Ambiguous', start: 0, end: 0 } as N) : n.init);
      const req = requireOf(n.init);
      if (req && COMPOSE_MODULES.test(req)) composeNs.add(name);
    }
    if (n.type === 'VariableDeclarator' && isN(n.id) && n.id.type === 'ObjectPattern' && isN(n.init) && COMPOSE_MODULES.test(requireOf(n.init) ?? ''))
      for (const p of n.id.properties as N[]) if (isN(p.value) && p.value.type === 'Identifier') composeFns.add(p.value.name as string);
    if (n.type === 'ImportDeclaration' && COMPOSE_MODULES.test(String((n.source as N).value)))
      for (const s of n.specifiers as N[]) {
        const local = (s.local as N).name as string;
        if (s.type === 'ImportSpecifier') composeFns.add(local);
        else composeNs.add(local);
      }
  });
  const ctx: Ctx = { file, text, fileDir, consts, defaults };
  const out: FoundRef[] = [];
  for (const n of nodes) {
    if (n.type === 'NewExpression' && calleeName(n.callee) === 'DockerComposeEnvironment') out.push(...testcontainers(ctx, n));
    else if (n.type === 'CallExpression') {
      const callee = n.callee as N;
      const name = calleeName(callee);
      const args = n.arguments as N[];
      const viaNs = callee.type === 'MemberExpression' && isN(callee.object) && callee.object.type === 'Identifier' && composeNs.has(callee.object.name as string);
      const viaFn = callee.type === 'Identifier' && composeFns.has(callee.name as string);
      if (viaNs || viaFn) out.push(...dockerComposeNpm(ctx, n, args));
      else if (name && EXEC_FNS.has(name)) out.push(...execArray(ctx, n, args));
      else if (name && EXEC_STRING_FNS.has(name)) out.push(...execString(ctx, args[0], optionsCwd(ctx, args[1])));
    } else if (n.type === 'TaggedTemplateExpression' && TEMPLATE_TAGS.has(calleeName(n.tag) ?? '')) out.push(...execString(ctx, n.quasi as N, defaults));
  }
  return out.sort((a, b) => a.offset - b.offset);
}

interface Ctx {
  file: string;
  text: string;
  fileDir: string;
  consts: Map<string, N>;
  defaults: Cwd;
}

function walk(node: unknown, fn: (n: N) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, fn);
    return;
  }
  if (!isN(node)) return;
  fn(node);
  for (const [k, v] of Object.entries(node)) {
    if (k === 'loc' || k === 'tokens' || k === 'comments' || k === 'leadingComments' || k === 'trailingComments' || k === 'extra') continue;
    if (v && typeof v === 'object') walk(v, fn);
  }
}

function requireOf(n: N): string | undefined {
  let x = n;
  if (x.type === 'AwaitExpression' && isN(x.argument)) x = x.argument;
  if ((x.type === 'CallExpression' && calleeName(x.callee) === 'require') || x.type === 'ImportExpression' || (x.type === 'CallExpression' && (x.callee as N).type === 'Import')) {
    const a = x.type === 'ImportExpression' ? (x.source as N) : (x.arguments as N[])[0];
    return stringValue(a);
  }
  return undefined;
}

function calleeName(n: unknown): string | undefined {
  if (!isN(n)) return undefined;
  if (n.type === 'Identifier') return n.name as string;
  if (n.type === 'MemberExpression' && isN(n.property) && n.property.type === 'Identifier' && !n.computed) return n.property.name as string;
  return undefined;
}

function stringValue(n: unknown): string | undefined {
  if (!isN(n)) return undefined;
  if (n.type === 'StringLiteral' || (n.type === 'Literal' && typeof n.value === 'string')) return n.value as string;
  if (n.type === 'TemplateLiteral' && !(n.expressions as N[]).length) return ((n.quasis as N[])[0].value as { cooked: string }).cooked;
  return undefined;
}

/** Follows an identifier to its (unique) `const` initializer. */
function deref(ctx: Ctx, n: unknown, depth = 0): N | undefined {
  if (!isN(n)) return undefined;
  if (n.type === 'TSAsExpression' || n.type === 'TSSatisfiesExpression' || n.type === 'ParenthesizedExpression') return deref(ctx, n.expression, depth);
  if (n.type === 'Identifier' && depth < 3) {
    const init = ctx.consts.get(n.name as string);
    if (init && init.type !== 'Ambiguous') return deref(ctx, init, depth + 1);
  }
  return n;
}

type Dir = { kind: 'abs'; dir: string } | { kind: 'cwd'; rel: string };

/** A directory expression: literals, `__dirname`, `path.resolve/join(…)`, `new URL('.', import.meta.url)`, `process.cwd()`. */
function evalDir(ctx: Ctx, raw: unknown): Dir | undefined {
  const n = deref(ctx, raw);
  if (!n) return undefined;
  const lit = stringValue(n);
  if (lit !== undefined) return path.isAbsolute(lit) ? { kind: 'abs', dir: lit } : { kind: 'cwd', rel: lit };
  if (n.type === 'Identifier' && n.name === '__dirname') return { kind: 'abs', dir: ctx.fileDir };
  if (n.type === 'Identifier' && n.name === '__filename') return { kind: 'abs', dir: ctx.file };
  if (n.type === 'MemberExpression' && isMeta(n.object) && calleeName(n) === 'dirname') return { kind: 'abs', dir: ctx.fileDir };
  if (n.type === 'MemberExpression' && isMeta(n.object) && calleeName(n) === 'filename') return { kind: 'abs', dir: ctx.file };
  if (n.type === 'NewExpression' && calleeName(n.callee) === 'URL') {
    const [a, b] = n.arguments as N[];
    const rel = stringValue(a);
    if (rel !== undefined && isN(b) && b.type === 'MemberExpression' && isMeta(b.object) && calleeName(b) === 'url') return { kind: 'abs', dir: path.resolve(ctx.fileDir, rel) };
    return undefined;
  }
  if (n.type === 'MemberExpression' && isMeta(n.object) && calleeName(n) === 'url') return { kind: 'abs', dir: ctx.file };
  if (n.type === 'CallExpression') {
    const name = calleeName(n.callee);
    const args = n.arguments as N[];
    if (name === 'cwd' && isN(n.callee) && n.callee.type === 'MemberExpression') return { kind: 'cwd', rel: '.' };
    if (name === 'fileURLToPath' && args.length === 1) return evalDir(ctx, args[0]);
    if (name === 'dirname' && args.length === 1) {
      const d = evalDir(ctx, args[0]);
      return d?.kind === 'abs' ? { kind: 'abs', dir: path.dirname(d.dir) } : undefined;
    }
    if (name === 'resolve' || name === 'join') {
      let acc: Dir | undefined = { kind: 'cwd', rel: '.' };
      for (const a of args) {
        const d = evalDir(ctx, a);
        if (!d) return undefined;
        if (d.kind === 'abs') acc = d;
        else acc = acc.kind === 'abs' ? { kind: 'abs', dir: path.join(acc.dir, d.rel) } : { kind: 'cwd', rel: path.join(acc.rel, d.rel) };
      }
      return acc;
    }
  }
  return undefined;
}

const isMeta = (n: unknown): boolean => isN(n) && n.type === 'MetaProperty';

function toCwd(ctx: Ctx, d: Dir | undefined, what: string, node: unknown): Cwd {
  if (!d) return { dirs: [], unknown: `${what} is computed (${oneLine(isN(node) ? ctx.text.slice(node.start, node.end) : '?')})` };
  if (d.kind === 'abs') return { dirs: [d.dir] };
  return { dirs: ctx.defaults.dirs.map((x) => path.resolve(x, d.rel)) };
}

function optionsCwd(ctx: Ctx, opts: unknown): Cwd {
  const o = deref(ctx, opts);
  if (!o || o.type !== 'ObjectExpression') return ctx.defaults;
  const p = prop(o, 'cwd');
  return p ? toCwd(ctx, evalDir(ctx, p), 'the cwd option', p) : ctx.defaults;
}

function prop(o: N, key: string): N | undefined {
  for (const p of o.properties as N[]) {
    if ((p.type === 'ObjectProperty' || p.type === 'Property') && !p.computed) {
      const k = p.key as N;
      if ((k.type === 'Identifier' && k.name === key) || stringValue(k) === key) return p.value as N;
    }
  }
  return undefined;
}

const quoteLike = (ctx: Ctx, like: N | undefined) => (s: string): string => {
  const q = like ? ctx.text[like.start] : "'";
  const c = q === '"' || q === '`' ? q : "'";
  return c + s.replace(/\\/g, '\\\\').replace(new RegExp(c, 'g'), '\\' + c) + c;
};

/** A string-or-array-of-strings file list (`'a.yml'`, `['a.yml', 'b.yml']`). */
function fileList(ctx: Ctx, raw: unknown, base: Omit<FoundRef, 'values'>): FoundRef {
  const n = deref(ctx, raw);
  const single = stringValue(n);
  if (n && single !== undefined && n.type !== 'TemplateLiteral')
    return { ...base, values: [single], rewrite: (values) => (values.length === 1 ? [{ start: n.start, end: n.end, text: quoteLike(ctx, n)(values[0]) }] : [{ start: n.start, end: n.end, text: `[${values.map(quoteLike(ctx, n)).join(', ')}]` }]) };
  if (n?.type === 'ArrayExpression') {
    const items = n.elements as N[];
    const values = items.map(stringValue);
    if (items.every((it, i) => isN(it) && values[i] !== undefined && it.type !== 'TemplateLiteral'))
      return {
        ...base,
        values: values as string[],
        rewrite: (vs) => (items.length ? arrayEdits(ctx.text, items.map((it, i) => ({ start: it.start, end: it.end, value: values[i] })), vs, quoteLike(ctx, items[0])) : 'an empty list'),
      };
  }
  return { ...base, values: null, computed: `the file list is computed (${oneLine(isN(raw) ? ctx.text.slice(raw.start, raw.end) : '?')})` };
}

function testcontainers(ctx: Ctx, n: N): FoundRef[] {
  const [dirArg, filesArg] = n.arguments as N[];
  const cwd = toCwd(ctx, evalDir(ctx, dirArg), 'the compose directory', dirArg);
  const base = { file: ctx.file, offset: n.start, kind: 'testcontainers' as const, where: 'testcontainers DockerComposeEnvironment', text: oneLine(ctx.text.slice(n.start, n.end)), cwd };
  if (!filesArg) return [{ ...base, values: null, computed: 'no file list' }];
  const ref = fileList(ctx, filesArg, base);
  return [ref];
}

function dockerComposeNpm(ctx: Ctx, n: N, args: N[]): FoundRef[] {
  const out: FoundRef[] = [];
  for (const a of args) {
    const o = deref(ctx, a);
    if (o?.type !== 'ObjectExpression') continue;
    const config = prop(o, 'config');
    if (!config) continue;
    const cwdNode = prop(o, 'cwd');
    const cwd = cwdNode ? toCwd(ctx, evalDir(ctx, cwdNode), 'the cwd option', cwdNode) : ctx.defaults;
    out.push(fileList(ctx, config, { file: ctx.file, offset: n.start, kind: 'docker-compose-npm', where: `docker-compose (npm) ${calleeName(n.callee) ?? 'call'}`, text: oneLine(ctx.text.slice(n.start, n.end)), cwd }));
  }
  return out;
}

/** `execa('docker', ['compose', '-f', 'a.yml', 'up'], { cwd })`. */
function execArray(ctx: Ctx, n: N, args: N[]): FoundRef[] {
  const prog = stringValue(args[0]);
  const arr = deref(ctx, args[1]);
  if (!prog || arr?.type !== 'ArrayExpression') return [];
  const items = arr.elements as N[];
  const vals = items.map(stringValue);
  const tool = path.basename(prog);
  let k: number;
  if (tool === 'docker-compose' || tool === 'podman-compose') k = 0;
  else if (tool === 'docker' || tool === 'podman') {
    k = vals.indexOf('compose');
    if (k < 0) return [];
    k++;
  } else return [];
  const base = { file: ctx.file, offset: n.start, where: `${calleeName(n.callee)} arguments`, text: oneLine(ctx.text.slice(n.start, n.end)), cwd: optionsCwd(ctx, args[2]) };
  const files: { flag: number; value: number }[] = [];
  for (let i = k; i < items.length; i++) {
    const v = vals[i];
    if (v === undefined) return [{ ...base, kind: 'exec', values: null, computed: `an argument is computed (${oneLine(isN(items[i]) ? ctx.text.slice(items[i].start, items[i].end) : '?')})` }];
    if (v === '-f' || v === '--file') {
      if (vals[i + 1] === undefined) return [{ ...base, kind: 'exec', values: null, computed: 'the file name is computed' }];
      files.push({ flag: i, value: i + 1 });
      i++;
      continue;
    }
    if (v.startsWith('--file=') || (v.startsWith('-f') && v.length > 2 && !v.startsWith('--'))) return [{ ...base, kind: 'exec', values: null, computed: `the form ${v} is not rewritten` }];
    if (['-p', '--project-name', '--env-file', '--profile', '--project-directory', '--ansi', '--progress', '--parallel'].includes(v)) {
      i++;
      continue;
    }
    if (!v.startsWith('-')) break;
  }
  const quote = quoteLike(ctx, items[files[0]?.value ?? k - 1] ?? items[0]);
  if (!files.length) {
    const anchor = items[k - 1];
    if (!anchor) return [];
    return [{ ...base, kind: 'implicit', values: [], rewrite: (vs) => [{ start: anchor.end, end: anchor.end, text: vs.map((v) => `, ${quote('-f')}, ${quote(v)}`).join('') }] }];
  }
  return [
    {
      ...base,
      kind: 'exec',
      values: files.map((f) => vals[f.value]!),
      rewrite: (vs) => {
        const edits: TextEdit[] = [];
        const m = vs.length;
        const cnt = files.length;
        for (let i = 0; i < Math.min(m, cnt); i++) {
          const it = items[files[i].value];
          if (vals[files[i].value] !== vs[i]) edits.push({ start: it.start, end: it.end, text: quote(vs[i]) });
        }
        if (m > cnt) {
          const last = items[files[cnt - 1].value];
          const flagText = ctx.text.slice(items[files[cnt - 1].flag].start, items[files[cnt - 1].flag].end);
          const gap = ctx.text.slice(items[files[cnt - 1].flag].end, last.start);
          edits.push({ start: last.end, end: last.end, text: vs.slice(cnt).map((v) => `${gap}${flagText}${gap}${quote(v)}`).join('') });
        }
        for (let i = m; i < cnt; i++) edits.push({ start: items[files[i].flag - 1].end, end: items[files[i].value].end, text: '' });
        return edits;
      },
    },
  ];
}

/** A command string (`exec('docker compose -f a.yml up')`) or an execa template, read as shell. */
function execString(ctx: Ctx, raw: unknown, cwd: Cwd): FoundRef[] {
  const n = deref(ctx, raw);
  if (!n) return [];
  let s: Snippet | null = null;
  const where = 'command string';
  if (n.type === 'TemplateLiteral') {
    // raw template text: `${…}` reads as a computed shell word
    const start = n.start + 1;
    const end = n.end - 1;
    const text = ctx.text.slice(start, end);
    if (!/compose/i.test(text)) return [];
    s = { file: ctx.file, text, starts: [...text].map((_, i) => start + i), ends: [...text].map((_, i) => start + i + 1), encode: (x) => x.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${'), cwd, where };
  } else {
    const v = stringValue(n);
    if (v === undefined || !/compose/i.test(v)) return [];
    const a = align(ctx.text.slice(n.start + 1, n.end - 1), n.start + 1, v, '\\');
    const q = ctx.text[n.start];
    if (a) s = { file: ctx.file, text: v, ...a, encode: (x) => x.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), '\\' + q), cwd, where };
  }
  if (!s) return [];
  return scanShell(s).map((r) => ({ ...r, kind: r.kind === 'command' ? 'exec' : r.kind }));
}
