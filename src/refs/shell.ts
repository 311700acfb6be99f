/**
 * A small shell reader for the commands that name compose files: words with their ranges,
 * command separators, comments, `cd`, assignments, and the compose invocations
 * (`docker compose`, `docker-compose`, `podman-compose`, `podman compose`) with their `-f` /
 * `--file` options. No expansion: a word holding `$…` or a backtick is `computed`.
 *
 * Offsets are into the text given (a snippet's decoded text), never into a file.
 */

export interface Word {
  /** The word as the shell sees it, quotes removed (expansions left as written). */
  value: string;
  start: number;
  end: number;
  /** Holds an expansion (`$x`, `${x}`, `$(…)`, a backtick) outside single quotes. */
  computed: boolean;
}

export type Token =
  | { kind: 'word'; word: Word }
  | { kind: 'op'; op: string; start: number; end: number }
  | { kind: 'comment'; start: number; end: number };

const OPS = ['&&', '||', ';;', '|&', ';', '|', '&', '(', ')'];

/** Tokenizes shell text; an unterminated quote ends the text (the word is `computed`). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (c === '\n') {
      out.push({ kind: 'op', op: '\n', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '#') {
      let e = text.indexOf('\n', i);
      if (e < 0) e = n;
      out.push({ kind: 'comment', start: i + 1, end: e });
      i = e;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    if (c === '<' || c === '>') {
      let e = i + 1;
      while (e < n && '<>&|-'.includes(text[e])) e++;
      out.push({ kind: 'op', op: 'redir', start: i, end: e });
      i = e;
      continue;
    }
    const w = readWord(text, i);
    // `2>file`: the digits belong to the redirection
    if (/^\d+$/.test(w.value) && (text[w.end] === '>' || text[w.end] === '<')) {
      i = w.end;
      continue;
    }
    out.push({ kind: 'word', word: w });
    i = w.end;
  }
  return out;
}

function readWord(text: string, start: number): Word {
  let i = start;
  let value = '';
  let computed = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')') break;
    if (c === '\\') {
      if (text[i + 1] === '\n') {
        i += 2;
        continue;
      }
      value += text[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (c === "'") {
      const e = text.indexOf("'", i + 1);
      if (e < 0) return { value: value + text.slice(i + 1), start, end: n, computed: true };
      value += text.slice(i + 1, e);
      i = e + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n && '$`"\\\n'.includes(text[i + 1])) {
          if (text[i + 1] !== '\n') value += text[i + 1];
          i += 2;
          continue;
        }
        if (text[i] === '$' || text[i] === '`') {
          computed = true;
          const e = skipExpansion(text, i);
          value += text.slice(i, e);
          i = e;
          continue;
        }
        value += text[i++];
      }
      if (i >= n) return { value, start, end: n, computed: true };
      i++;
      continue;
    }
    if (c === '$' || c === '`') {
      computed = true;
      const e = skipExpansion(text, i);
      value += text.slice(i, e);
      i = e;
      continue;
    }
    value += c;
    i++;
  }
  return { value, start, end: i, computed };
}

/** End of an expansion starting at `i` (`$name`, `${…}`, `$(…)`, `$((…))`, `` `…` ``). */
function skipExpansion(text: string, i: number): number {
  const n = text.length;
  if (text[i] === '`') {
    const e = text.indexOf('`', i + 1);
    return e < 0 ? n : e + 1;
  }
  const next = text[i + 1];
  if (next === '{' || next === '(') {
    const close = next === '{' ? '}' : ')';
    let depth = 0;
    for (let j = i + 1; j < n; j++) {
      const ch = text[j];
      if (ch === "'" && close === ')') {
        const e = text.indexOf("'", j + 1);
        if (e < 0) return n;
        j = e;
        continue;
      }
      if (ch === next) depth++;
      else if (ch === close && --depth === 0) return j + 1;
    }
    return n;
  }
  let j = i + 1;
  if (j < n && /[@*#?$!0-9-]/.test(text[j])) return j + 1;
  while (j < n && /[A-Za-z0-9_]/.test(text[j])) j++;
  return j;
}

export interface SimpleCommand {
  words: Word[];
  /** The separator before this command (`&&`, `;`, newline, `(`…; '' for the first). */
  after: string;
}

/** Splits tokens into simple commands (redirection targets dropped). */
export function commands(tokens: readonly Token[]): { commands: SimpleCommand[]; comments: { start: number; end: number }[] } {
  const cmds: SimpleCommand[] = [];
  const comments: { start: number; end: number }[] = [];
  let cur: Word[] = [];
  let sep = '';
  let skipNext = false;
  const flush = (next: string) => {
    if (cur.length) cmds.push({ words: cur, after: sep });
    cur = [];
    sep = next;
  };
  for (const t of tokens) {
    if (t.kind === 'comment') {
      comments.push({ start: t.start, end: t.end });
      continue;
    }
    if (t.kind === 'op') {
      if (t.op === 'redir') {
        skipNext = true;
        continue;
      }
      flush(t.op);
      if (t.op === '(' || t.op === ')') cmds.push({ words: [], after: t.op });
      continue;
    }
    if (skipNext) {
      skipNext = false;
      continue;
    }
    cur.push(t.word);
  }
  flush('');
  return { commands: cmds, comments };
}

/** A `-f FILE` / `--file FILE` / `--file=FILE` / `-fFILE` option. */
export interface FileOption {
  /** The word holding the flag (equal to `value` for the attached forms). */
  flag: Word;
  /** The word holding the file name. */
  value: Word;
  /** How the flag is written: `-f`, `--file`. */
  name: '-f' | '--file';
  form: 'separate' | 'equals' | 'attached';
}

export interface ComposeCall {
  tool: 'docker compose' | 'docker-compose' | 'podman-compose' | 'podman compose';
  /** The word after which `-f` options can be inserted (`compose`, `docker-compose`). */
  anchor: Word;
  files: FileOption[];
  /** `--project-directory DIR` (where plain `docker compose` looks for files). */
  projectDirectory?: Word;
  /** Prefix assignments of the command (`COMPOSE_FILE=a.yml docker compose up`). */
  assignments: Assignment[];
  /** `-f -` (stdin) or a file name the reader cannot follow. */
  stdin?: boolean;
  /** The subcommand (`up`, `config`, …), if any. */
  subcommand?: string;
  /** A computed word where options stand (`docker compose $(FILES) up`): the options are unknown. */
  computedOptions?: Word;
}

export interface Assignment {
  name: string;
  word: Word;
  /** Offset of the value in the text (after `NAME=`). */
  valueStart: number;
}

// options of `docker compose` / `podman-compose` that take a value (before the subcommand)
const VALUE_OPTIONS = new Set([
  '-p',
  '--project-name',
  '--project-directory',
  '--env-file',
  '--profile',
  '--ansi',
  '--progress',
  '--parallel',
  '--podman-path',
  '--podman-args',
  '--podman-pull-args',
  '--podman-push-args',
  '--podman-build-args',
  '--podman-inspect-args',
  '--podman-run-args',
  '--podman-start-args',
  '--podman-stop-args',
  '--podman-rm-args',
  '--podman-volume-args',
  '--in-pod',
  '--pod-args',
  '--env',
  '-H',
  '--host',
]);
// global options of `docker` / `podman` that take a value (before `compose`)
const DOCKER_VALUE_OPTIONS = new Set(['-c', '--context', '-H', '--host', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey', '--connection', '--url', '--identity', '--root', '--runroot']);
const PREFIXES = new Set(['sudo', 'env', 'time', 'nohup', 'exec', 'command', 'builtin', 'nice', '$', '%', '>', '!', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', '{', 'xargs']);
const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)=/;

export function assignmentOf(w: Word, text: string): Assignment | undefined {
  const m = ASSIGN.exec(text.slice(w.start, w.end));
  if (!m || !w.value.startsWith(m[0])) return undefined;
  return { name: m[1], word: w, valueStart: w.start + m[0].length };
}

const baseName = (s: string): string => s.slice(s.lastIndexOf('/') + 1);

/** The words of a command after its prefix assignments and wrappers (`sudo`, `env`, `$`). */
export function commandWords(cmd: SimpleCommand, text: string): { words: Word[]; assignments: Assignment[] } {
  const assignments: Assignment[] = [];
  let i = 0;
  const ws = cmd.words;
  while (i < ws.length) {
    const w = ws[i];
    const a = assignmentOf(w, text);
    if (a) {
      assignments.push(a);
      i++;
      continue;
    }
    if (PREFIXES.has(w.value) || (w.value.startsWith('-') && i > 0 && ['sudo', 'env', 'nice'].includes(ws[i - 1]?.value ?? ''))) {
      i++;
      continue;
    }
    break;
  }
  return { words: ws.slice(i), assignments };
}

/** Reads a compose invocation from a command's words, if it is one. */
export function composeCall(cmd: SimpleCommand, text: string): ComposeCall | undefined {
  const { words, assignments } = commandWords(cmd, text);
  if (!words.length || words[0].computed) return undefined;
  const prog = baseName(words[0].value);
  let tool: ComposeCall['tool'];
  let k: number;
  if (prog === 'docker-compose' || prog === 'podman-compose') {
    tool = prog;
    k = 1;
  } else if (prog === 'docker' || prog === 'podman') {
    let j = 1;
    while (j < words.length && words[j].value.startsWith('-')) j += DOCKER_VALUE_OPTIONS.has(words[j].value) ? 2 : 1;
    if (words[j]?.value !== 'compose') return undefined;
    tool = prog === 'docker' ? 'docker compose' : 'podman compose';
    k = j + 1;
  } else return undefined;
  const call: ComposeCall = { tool, anchor: words[k - 1], files: [], assignments };
  for (; k < words.length; k++) {
    const w = words[k];
    const v = w.value;
    if (v === '-f' || v === '--file') {
      const value = words[k + 1];
      if (!value) break;
      call.files.push({ flag: w, value, name: v, form: 'separate' });
      if (value.value === '-') call.stdin = true;
      k++;
      continue;
    }
    if (v.startsWith('--file=')) {
      call.files.push({ flag: w, value: w, name: '--file', form: 'equals' });
      continue;
    }
    if (v.startsWith('-f') && !v.startsWith('--') && v.length > 2) {
      call.files.push({ flag: w, value: w, name: '-f', form: 'attached' });
      continue;
    }
    if (v === '--project-directory') {
      call.projectDirectory = words[k + 1];
      k++;
      continue;
    }
    if (VALUE_OPTIONS.has(v)) {
      k++;
      continue;
    }
    if (v.startsWith('-')) continue;
    if (w.computed) {
      call.computedOptions = w;
      break;
    }
    call.subcommand = v;
    break;
  }
  return call;
}

/** The file name an option gives (the value without `--file=` / `-f`). */
export function optionFile(o: FileOption): string {
  if (o.form === 'separate') return o.value.value;
  return o.value.value.slice(o.form === 'equals' ? '--file='.length : 2);
}

/** Offset range of the file name of an option in the text (inside the word for `--file=x`). */
export function optionRange(o: FileOption, text: string): [number, number] {
  if (o.form === 'separate') return [o.value.start, o.value.end];
  const prefix = o.form === 'equals' ? '--file=' : '-f';
  const raw = text.slice(o.value.start, o.value.end);
  return raw.startsWith(prefix) ? [o.value.start + prefix.length, o.value.end] : [o.value.start, o.value.end];
}

/** A shell word for a file name, quoted like `like` (the old word's raw text) where possible. */
export function shellWord(value: string, like: string): string {
  const q = like[0];
  if (q === "'" && !value.includes("'")) return `'${value}'`;
  if (q === '"') return `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
  if (/^[A-Za-z0-9_./@%+=:,~-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `cd` targets: the directory a `cd` word names, relative to the current one; null = unknown. */
export function cdTarget(w: Word | undefined, text: string): { kind: 'dir'; dir: string } | { kind: 'script'; rest: string } | null {
  if (!w) return null;
  const raw = text.slice(w.start, w.end);
  const m = /^"?\$\(\s*dirname\s+(?:"\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE)"|\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\}))\s*\)"?(?:"?(\/[^"$`]*)"?)?$/.exec(raw);
  if (m) return { kind: 'script', rest: m[1] ?? '' };
  if (w.computed || w.value === '-' || w.value.startsWith('~')) return null;
  return { kind: 'dir', dir: w.value };
}
