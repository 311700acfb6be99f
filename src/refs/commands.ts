/**
 * References in shell text: compose invocations with their `-f` options (or none: plain
 * `docker compose` loads the default files of its directory), `COMPOSE_FILE=` assignments,
 * `cd` tracked along `&&` / `;` chains, comments read as text too.
 */
import path from 'node:path';
import type { TextEdit } from '../core/edit.js';
import {
  assignmentOf,
  cdTarget,
  commands,
  commandWords,
  composeCall,
  optionFile,
  optionRange,
  shellWord,
  tokenize,
  type Assignment,
  type ComposeCall,
  type FileOption,
  type SimpleCommand,
  type Word,
} from './shell.js';
import { fileRange, oneLine, subSnippet, type Cwd, type FoundRef, type Snippet } from './types.js';

/** Separator of COMPOSE_FILE: COMPOSE_PATH_SEPARATOR when set, else `:` (`;` for a Windows-style list). */
export function composeFileSeparator(value: string, declared: string | undefined): string {
  if (declared) return declared;
  return value.includes(';') && !value.includes(':') ? ';' : ':';
}

export function cdInto(cwd: Cwd, w: Word | undefined, text: string, scriptDir: string | undefined): Cwd {
  const t = cdTarget(w, text);
  if (!t) return { dirs: [], unknown: `cd ${w ? text.slice(w.start, w.end) : '(home)'}` };
  if (t.kind === 'script') {
    if (!scriptDir) return { dirs: [], unknown: 'cd to the directory of a script that is not a file' };
    return { dirs: [path.resolve(scriptDir, '.' + t.rest)] };
  }
  if (path.isAbsolute(t.dir)) return { dirs: [t.dir] };
  if (!cwd.dirs.length) return cwd;
  return { dirs: cwd.dirs.map((d) => path.resolve(d, t.dir)) };
}

/** Every reference in a shell snippet (comments included). */
export function scanShell(s: Snippet): FoundRef[] {
  const out: FoundRef[] = [];
  const { commands: cmds, comments } = commands(tokenize(s.text));
  let cwd: Cwd = s.cwd;
  const stack: Cwd[] = [];
  let composeFileSet = !!s.composeFileSet;
  let separator: string | undefined;
  for (const whole of cmds) {
    // in a comment the command may follow prose: `# Deploy with: docker compose -f … up -d`
    const cmd = s.comment ? fromTool(whole) : whole;
    if (cmd.after === '(' && !cmd.words.length) {
      stack.push(cwd);
      continue;
    }
    if (cmd.after === ')' && !cmd.words.length) {
      cwd = stack.pop() ?? cwd;
      continue;
    }
    const { words, assignments } = commandWords(cmd, s.text);
    // `export A=b C=d` and bare `A=b` set variables for later commands
    const setters = [...assignments];
    if (words[0]?.value === 'export' || words[0]?.value === 'declare' || words[0]?.value === 'local')
      for (const w of words.slice(1)) {
        const a = assignmentOf(w, s.text);
        if (a) setters.push(a);
      }
    for (const a of setters) if (a.name === 'COMPOSE_PATH_SEPARATOR') separator = a.word.value.slice(a.name.length + 1);
    for (const a of setters) if (a.name === 'COMPOSE_FILE') out.push(composeFileRef(s, a, cmd, cwd, separator));
    const call = composeCall(cmd, s.text);
    if (!words.length || (!call && setters.length && words[0]?.value === 'export')) {
      if (setters.some((a) => a.name === 'COMPOSE_FILE')) composeFileSet = true;
      continue;
    }
    const prog = words[0].value;
    if (prog === 'cd' || prog === 'pushd') {
      cwd = cdInto(cwd, words[1], s.text, s.scriptDir);
      continue;
    }
    if (prog === 'popd') {
      cwd = { dirs: [], unknown: 'popd' };
      continue;
    }
    if (call) {
      const prefixed = assignments.some((a) => a.name === 'COMPOSE_FILE');
      const ref = callRef(s, cmd, call, cwd, composeFileSet || prefixed);
      if (ref) out.push(ref);
    }
  }
  for (const c of comments) {
    if (!/compose/i.test(s.text.slice(c.start, c.end))) continue;
    out.push(...scanShell(subSnippet(s, c.start, c.end, { comment: true, cwd })));
  }
  return out.sort((a, b) => a.offset - b.offset);
}

const TOOLS = /^(?:.*\/)?(?:docker|podman|docker-compose|podman-compose)$/;

/** The command from its first compose tool word on (for prose around a command). */
function fromTool(cmd: SimpleCommand): SimpleCommand {
  const i = cmd.words.findIndex((w) => TOOLS.test(w.value));
  return i > 0 ? { ...cmd, words: cmd.words.slice(i) } : cmd;
}

function commandText(s: Snippet, cmd: SimpleCommand): string {
  const ws = cmd.words;
  return oneLine(s.text.slice(ws[0].start, ws[ws.length - 1].end));
}

function base(s: Snippet, kind: FoundRef['kind'], at: number, cmd: SimpleCommand, cwd: Cwd): Omit<FoundRef, 'values'> {
  return {
    file: s.file,
    offset: s.starts[at],
    kind,
    where: s.comment ? `${s.where} (comment)` : s.where,
    text: commandText(s, cmd),
    cwd,
    ...(s.comment ? { comment: true } : {}),
  };
}

function callRef(s: Snippet, cmd: SimpleCommand, call: ComposeCall, cwd: Cwd, composeFileSet: boolean): FoundRef | undefined {
  const first = cmd.words[0].start;
  const projectDirectory = call.projectDirectory && !call.projectDirectory.computed ? call.projectDirectory.value : undefined;
  if (call.computedOptions) {
    const raw = s.text.slice(call.computedOptions.start, call.computedOptions.end);
    return { ...base(s, call.files.length ? 'command' : 'implicit', first, cmd, cwd), values: null, computed: `the options are computed (${raw})` };
  }
  if (!call.files.length) {
    // plain `docker compose …`: COMPOSE_FILE (set around it) or the default files decide
    if (composeFileSet) return undefined;
    if (call.projectDirectory?.computed)
      return { ...base(s, 'implicit', first, cmd, cwd), values: null, computed: 'the --project-directory is computed' };
    return {
      ...base(s, 'implicit', first, cmd, cwd),
      values: [],
      ...(projectDirectory ? { projectDirectory } : {}),
      rewrite: (values) => insertOptions(s, call.anchor, null, values),
    };
  }
  const computedOpt = call.files.find((o) => o.value.computed);
  const ref: FoundRef = {
    ...base(s, 'command', first, cmd, cwd),
    values: call.files.map(optionFile),
    ...(projectDirectory ? { projectDirectory } : {}),
  };
  if (call.stdin) return { ...ref, values: null, computed: 'the compose file is read from standard input (-f -)' };
  if (computedOpt)
    return {
      ...ref,
      values: null,
      partial: call.files.filter((o) => !o.value.computed).map(optionFile),
      computed: `the file name is computed (${s.text.slice(computedOpt.value.start, computedOpt.value.end)})`,
    };
  ref.rewrite = (values) => rewriteOptions(s, cmd, call, values);
  return ref;
}

function optionText(like: FileOption | null, value: string, s: Snippet): string {
  if (!like) return `-f ${shellWord(value, '')}`;
  const [a, b] = optionRange(like, s.text);
  const word = shellWord(value, s.text.slice(a, b));
  if (like.form === 'equals') return `--file=${word}`;
  if (like.form === 'attached') return `-f${word}`;
  return `${like.name} ${word}`;
}

function insertOptions(s: Snippet, after: Word, like: FileOption | null, values: string[], sep = ' '): TextEdit[] {
  const at = s.ends[after.end - 1];
  return [{ start: at, end: at, text: s.encode(values.map((v) => sep + optionText(like, v, s)).join('')) }];
}

/** `-f` options naming `values`: replaced in place, the extra ones inserted or deleted. */
function rewriteOptions(s: Snippet, cmd: SimpleCommand, call: ComposeCall, values: string[]): TextEdit[] {
  const old = call.files;
  const edits: TextEdit[] = [];
  const n = old.length;
  const m = values.length;
  for (let i = 0; i < Math.min(n, m); i++) {
    if (optionFile(old[i]) === values[i]) continue;
    const [a, b] = optionRange(old[i], s.text);
    const [fa, fb] = fileRange(s, a, b);
    edits.push({ start: fa, end: fb, text: s.encode(shellWord(values[i], s.text.slice(a, b))) });
  }
  const prevEnd = (o: FileOption): number => {
    const k = cmd.words.indexOf(o.flag);
    return cmd.words[k - 1].end;
  };
  if (m > n) {
    const last = old[n - 1];
    const gap = s.text.slice(prevEnd(last), last.flag.start);
    edits.push(...insertOptions(s, last.value, last, values.slice(n), /\n/.test(gap) ? gap : ' '));
  }
  for (let i = m; i < n; i++) edits.push({ start: s.ends[prevEnd(old[i]) - 1], end: s.ends[old[i].value.end - 1], text: '' });
  return edits;
}

function composeFileRef(s: Snippet, a: Assignment, cmd: SimpleCommand, cwd: Cwd, declared: string | undefined): FoundRef {
  const value = a.word.value.slice(a.name.length + 1);
  const ref: FoundRef = {
    file: s.file,
    offset: s.starts[a.word.start],
    kind: 'COMPOSE_FILE',
    where: s.comment ? `${s.where} (comment)` : s.where,
    text: cmd.words.length ? commandText(s, cmd) : oneLine(s.text.slice(a.word.start, a.word.end)),
    cwd,
    values: null,
    ...(s.comment ? { comment: true } : {}),
  };
  if (a.word.computed) return { ...ref, computed: `COMPOSE_FILE is computed (${oneLine(s.text.slice(a.valueStart, a.word.end))})` };
  const sep = composeFileSeparator(value, declared);
  return {
    ...ref,
    values: value === '' ? [] : value.split(sep),
    rewrite: (values) => {
      const raw = s.text.slice(a.valueStart, a.word.end);
      const joined = values.join(sep);
      const quoted = /^(['"])[^'"]*\1$/.test(raw);
      if (!raw.length) {
        const at = s.ends[a.valueStart - 1];
        return [{ start: at, end: at, text: s.encode(shellWord(joined, '')) }];
      }
      const [fa, fb] = quoted ? fileRange(s, a.valueStart + 1, a.word.end - 1) : fileRange(s, a.valueStart, a.word.end);
      const text = quoted ? (raw[0] === '"' ? joined.replace(/(["\\$`])/g, '\\$1') : joined) : shellWord(joined, raw);
      if (quoted && raw.length === 2) {
        const at = s.starts[a.valueStart + 1];
        return [{ start: at, end: at, text: s.encode(text) }];
      }
      return [{ start: fa, end: fb, text: s.encode(text) }];
    },
  };
}
