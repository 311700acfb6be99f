/**
 * Compose interpolation of a string value, classified for the secrets fix:
 * - `literal`: no interpolation; `value` is what the container receives (`$$` -> `$`);
 * - `variable`: exactly `${NAME}` or `$NAME`, nothing else;
 * - `partial`: anything mixing text and variables, or using `${NAME:-default}`-style modifiers,
 *   or an invalid `$` sequence: the value cannot be moved as a whole.
 */
export type Interpolation =
  | { kind: 'literal'; value: string }
  | { kind: 'variable'; name: string }
  | { kind: 'partial'; names: string[]; hasDefault: boolean };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** One piece of a compose value: text, `${...}`, `$NAME`, a lone `$`, or an unterminated `${`. */
type Piece =
  | { kind: 'text'; text: string }
  | { kind: 'braced'; body: string }
  | { kind: 'name'; name: string }
  | { kind: 'lone' }
  | { kind: 'unterminated'; rest: string };

/** The pieces of `s` in order (`$$` is the text `$`). */
function pieces(s: string): Piece[] {
  const out: Piece[] = [];
  let text = '';
  const flush = (): void => {
    if (text) out.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c !== '$') {
      text += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      text += '$';
      i += 2;
      continue;
    }
    flush();
    if (next === '{') {
      let depth = 1;
      let j = i + 2;
      for (; j < s.length && depth > 0; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}') depth--;
      }
      if (depth !== 0) {
        out.push({ kind: 'unterminated', rest: s.slice(i) });
        return out;
      }
      out.push({ kind: 'braced', body: s.slice(i + 2, j - 1) });
      i = j;
      continue;
    }
    const m = NAME.exec(s.slice(i + 1));
    if (!m) {
      out.push({ kind: 'lone' });
      i++;
      continue;
    }
    out.push({ kind: 'name', name: m[0] });
    i += 1 + m[0].length;
  }
  flush();
  return out;
}

export function classifyInterpolation(s: string): Interpolation {
  let out = '';
  const names: string[] = [];
  let complex = false;
  let hasDefault = false;
  let tokens = 0;
  for (const p of pieces(s)) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'name') {
      names.push(p.name);
      tokens++;
    } else if (p.kind === 'braced') {
      const m = NAME.exec(p.body);
      if (m) names.push(m[0]);
      if (!m || m[0] !== p.body) {
        complex = true;
        if (m && /^[:]?[-?+=]/.test(p.body.slice(m[0].length))) hasDefault = true;
      }
      tokens++;
    } else {
      // a lone `$` (compose rejects most of these) or an unterminated `${`: never a secret to move
      return { kind: 'partial', names, hasDefault };
    }
  }
  if (tokens === 0) return { kind: 'literal', value: out };
  if (tokens === 1 && !complex && out === '' && names.length === 1) return { kind: 'variable', name: names[0] };
  return { kind: 'partial', names, hasDefault };
}

/** A literal as a compose value: `$` doubled so that it is not interpolated. */
export function escapeInterpolation(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/**
 * Where `interpolate` takes variables from: the value, or undefined when it is not known
 * here (not in .env / --env-file: the shell running Compose may or may not set it).
 */
export type VariableLookup = (name: string) => string | undefined;

/** Marks a part of an interpolated value that depends on a variable we cannot see. */
export const UNKNOWN = '\u0001';

/**
 * Compose interpolation (`$$`, `$NAME`, `${NAME}`, `${NAME:-d}`, `${NAME-d}`, `${NAME:?e}`,
 * `${NAME?e}`, `${NAME:+r}`, `${NAME+r}`, defaults nested). A variable the lookup does not
 * know is kept as a symbol `\u0001<expression>\u0001` (the expression with its nested parts
 * interpolated), so two values that depend on the same unknown variable in the same way
 * compare equal and anything else differs. Invalid `$` sequences are kept as written.
 */
export function interpolate(s: string, lookup: VariableLookup): string {
  if (!s.includes('$')) return s;
  let out = '';
  for (const p of pieces(s)) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'braced') out += expand(p.body, lookup);
    else if (p.kind === 'name') out += lookup(p.name) ?? `${UNKNOWN}${p.name}${UNKNOWN}`;
    else if (p.kind === 'lone') out += '$';
    else out += p.rest;
  }
  return out;
}

function expand(body: string, lookup: VariableLookup): string {
  const m = NAME.exec(body);
  if (!m) return '${' + body + '}';
  const name = m[0];
  const rest = body.slice(name.length);
  const v = lookup(name);
  if (rest === '') return v ?? `${UNKNOWN}${name}${UNKNOWN}`;
  const op = /^(:?[-?+])/.exec(rest);
  if (!op) return '${' + body + '}';
  const arg = interpolate(rest.slice(op[1].length), lookup);
  if (v === undefined) return `${UNKNOWN}${name}${op[1]}${arg}${UNKNOWN}`;
  const empty = v === '';
  switch (op[1]) {
    case ':-':
      return empty ? arg : v;
    case '-':
      return v;
    case ':?':
    case '?':
      return v; // set (and, for `:?`, non-empty, else Compose refuses: same before and after)
    case ':+':
      return empty ? '' : arg;
    default: // '+'
      return arg;
  }
}

/** Names of the variables a value interpolates (`${A:-${B}}` -> A, B). */
export function referencedVariables(s: string): string[] {
  const out: string[] = [];
  interpolate(s, (name) => {
    out.push(name);
    return undefined;
  });
  return out;
}

/**
 * Replace `${VAR:-default}` / `${VAR-default}` by their default and report whether a
 * variable without default remains. `$$` is a literal `$`.
 */
export function applyDefaults(text: string): { text: string; unresolved: boolean } {
  let unresolved = false;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    if (text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (text[i + 1] === '{') {
      // find the matching brace (defaults may nest `${A:-${B:-x}}`)
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      if (j >= text.length) {
        unresolved = true;
        out += text.slice(i);
        break;
      }
      const body = text.slice(i + 2, j);
      const m = /^[A-Za-z_][A-Za-z0-9_]*(:?[-?+])?([\s\S]*)$/.exec(body);
      if (m && (m[1] === ':-' || m[1] === '-')) {
        const inner = applyDefaults(m[2]);
        out += inner.text;
        unresolved ||= inner.unresolved;
      } else {
        unresolved = true;
        out += text.slice(i, j + 1);
      }
      i = j;
      continue;
    }
    const m = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (m) {
      unresolved = true;
      out += m[0];
      i += m[0].length - 1;
      continue;
    }
    out += c;
  }
  return { text: out, unresolved };
}
