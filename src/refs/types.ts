/**
 * What the reference finder hands to the updater: places in a repository's files that name
 * compose files (or, for plain `docker compose`, load the default files of a directory), with
 * a way to rewrite each one as a minimal range edit.
 */
import type { TextEdit } from '../core/edit.js';

/** The working directory a reference's relative paths resolve against. */
export interface Cwd {
  /** Candidate directories (absolute), most likely first; empty when unknown. */
  dirs: string[];
  /** Why the directory is unknown (`cd $DIR`, a computed `cwd:` option). */
  unknown?: string;
}

export type RefKind =
  | 'command' // `docker compose -f a -f b …` (and -compose tools)
  | 'implicit' // plain `docker compose …`: the default files of its directory
  | 'COMPOSE_FILE' // COMPOSE_FILE=a:b (shell, Makefile, .env, CI env)
  | 'dockerComposeFile' // devcontainer.json
  | 'testcontainers' // new DockerComposeEnvironment(dir, files)
  | 'docker-compose-npm' // the docker-compose npm package: { cwd, config }
  | 'exec'; // execa / child_process argument arrays

export interface FoundRef {
  /** Absolute path of the file holding the reference. */
  file: string;
  /** Offset in the file (BOM excluded) where the reference starts. */
  offset: number;
  kind: RefKind;
  /** Where in the file, in words (`Makefile recipe`, `package.json scripts.up`). */
  where: string;
  /** The reference as written (one line, shortened). */
  text: string;
  /** File names as written, in order; null when they are computed. */
  values: string[] | null;
  /** Why the file list (or the directory) cannot be read: a variable, a template, … */
  computed?: string;
  /** For a computed reference: the file names it does write literally. */
  partial?: string[];
  cwd: Cwd;
  /** `--project-directory` (for implicit references: where the default files are looked up). */
  projectDirectory?: string;
  /** In a comment (`# docker compose -f …`). */
  comment?: boolean;
  /**
   * Edits that make the reference name `values` (spelled as they are to be written), or why
   * that cannot be done.
   */
  rewrite?: (values: string[]) => TextEdit[] | string;
}

/**
 * Shell (or other) text embedded in a file, decoded (JSON escapes, YAML block indentation
 * removed), with each decoded character's start and end offset in the file.
 */
export interface Snippet {
  file: string;
  text: string;
  starts: number[];
  ends: number[];
  /** How inserted text is written in the host (escaping for JSON / quoted YAML / Makefiles). */
  encode: (s: string) => string;
  cwd: Cwd;
  where: string;
  /** COMPOSE_FILE is set around this snippet (CI `env:`), so plain commands do not auto-load. */
  composeFileSet?: boolean;
  /** The file is a script: `cd "$(dirname "$0")"` goes to its directory. */
  scriptDir?: string;
  comment?: boolean;
}

export const identity = (s: string): string => s;

/** A snippet that is a plain slice of the file text. */
export function rawSnippet(file: string, text: string, start: number, end: number, rest: Omit<Snippet, 'file' | 'text' | 'starts' | 'ends' | 'encode'> & { encode?: (s: string) => string }): Snippet {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = start; i < end; i++) {
    starts.push(i);
    ends.push(i + 1);
  }
  return { file, text: text.slice(start, end), starts, ends, encode: rest.encode ?? identity, ...rest };
}

/**
 * Maps each character of a decoded `value` onto `src` (the encoded text at offset `base`),
 * skipping source characters in `skip` (indentation, line folding, escape backslashes,
 * doubled quotes). Null when the value cannot be aligned (an escape such as `\n`).
 */
export function align(src: string, base: number, value: string, skip: string): { starts: number[]; ends: number[] } | null {
  const starts: number[] = [];
  const ends: number[] = [];
  let j = 0;
  for (let i = 0; i < value.length; i++) {
    while (j < src.length && src[j] !== value[i]) {
      if (!skip.includes(src[j])) return null;
      j++;
    }
    if (j >= src.length) return null;
    starts.push(base + j);
    ends.push(base + j + 1);
    j++;
  }
  return { starts, ends };
}

/** A sub-snippet (a comment inside a shell snippet). */
export function subSnippet(s: Snippet, start: number, end: number, extra: Partial<Snippet>): Snippet {
  return { ...s, text: s.text.slice(start, end), starts: s.starts.slice(start, end), ends: s.ends.slice(start, end), ...extra };
}

/** File range of the decoded range [a, b) of a snippet (b > a). */
export function fileRange(s: Snippet, a: number, b: number): [number, number] {
  return [s.starts[a], s.ends[b - 1]];
}

/** One line, at most 120 characters. */
export function oneLine(s: string): string {
  const t = s.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
  return t.length > 120 ? t.slice(0, 117) + '...' : t;
}

/** 1-based line and column of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}
