/**
 * Variable substitution in one string, exactly as Docker Compose does it (compose-go's
 * `template` package): `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`,
 * `${VAR?err}`, `${VAR:+replacement}`, `${VAR+replacement}`, nested templates in the default,
 * error and replacement parts, and `$$` for a literal `$`.
 *
 * The quirks are Compose's, kept on purpose so results agree byte for byte:
 * - a braced template with a modifier extends to the LAST `}` of the string; the text after
 *   the template's own closing brace is substituted again as the rest of the match;
 * - the modifier is chosen by the first operator (`:?`, `?`, `:-`, `-`, `:+`, `+`) found
 *   anywhere in that match;
 * - the default/error/replacement text is substituted (and may warn) even when unused;
 * - an unset variable without a modifier becomes "" with a warning
 *   (`The "X" variable is not set. Defaulting to a blank string.`).
 */

/** Looks a variable up; `undefined` when it is not set. */
export type Lookup = (name: string) => string | undefined;

export interface SubstituteOptions {
  /** Called for each unset variable that defaults to a blank string. */
  warn?: (message: string) => void;
}

/** `${...}` without a valid name, or a lone `$` followed by something invalid. */
export class InvalidTemplateError extends Error {
  constructor(readonly template: string) {
    super(`Invalid template: ${JSON.stringify(template)}`);
  }
}

/** `${VAR:?reason}` / `${VAR?reason}` on a missing (or empty) variable. */
export class MissingRequiredError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(reason ? `required variable ${variable} is missing a value: ${reason}` : `required variable ${variable} is missing a value`);
  }
}

// \$ followed by: $ (escaped) | a name | {name[modifier]} | { (invalid). Go's `.` is [^\n].
const PATTERN = /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{(?:([_a-z][_a-z0-9]*(?::?[-+?][^\n]*)?)\}|()))/gi;
const SINGLE = new RegExp(PATTERN.source, 'i');

type SubstituteFunc = (substitution: string, lookup: Lookup, opts: SubstituteOptions) => { value: string; applied: boolean };

const OPERATORS: [string, SubstituteFunc][] = [
  [':?', (s, l, o) => required(s, l, ':?', (v) => v !== '', o)],
  ['?', (s, l, o) => required(s, l, '?', () => true, o)],
  [':-', (s, l, o) => whenAbsent(s, l, true, o)],
  ['-', (s, l, o) => whenAbsent(s, l, false, o)],
  [':+', (s, l, o) => whenPresent(s, l, true, o)],
  ['+', (s, l, o) => whenPresent(s, l, false, o)],
];

/** Substitutes every template in `text`. Throws InvalidTemplateError / MissingRequiredError. */
export function substitute(text: string, lookup: Lookup, opts: SubstituteOptions = {}): string {
  let error: Error | undefined;
  const result = text.replace(PATTERN, (match) => {
    try {
      return replacement(match, lookup, opts).value;
    } catch (e) {
      error ??= e instanceof InvalidTemplateError && e.template === '' ? new InvalidTemplateError(text) : (e as Error);
      return '';
    }
  });
  if (error) throw error;
  return result;
}

function replacement(match: string, lookup: Lookup, opts: SubstituteOptions): { value: string; applied: boolean } {
  const subsFunc = substituteFuncFor(match);
  const close = firstClosingBrace(match);
  let rest = '';
  let own = match;
  if (close > -1) {
    rest = match.slice(close + 1);
    own = match.slice(0, close + 1);
  }
  const m = SINGLE.exec(own);
  if (!m) throw new InvalidTemplateError('');
  if (m[1]) return { value: m[1], applied: true };
  let name = m[2] ?? '';
  let braced = false;
  if (!name) {
    name = m[3] ?? '';
    braced = true;
  }
  if (!name) throw new InvalidTemplateError('');
  if (braced) {
    const r = subsFunc(name, lookup, opts);
    if (r.applied) return { value: r.value + substitute(rest, lookup, opts), applied: true };
  }
  const value = lookup(name);
  if (value === undefined) opts.warn?.(`The ${JSON.stringify(name)} variable is not set. Defaulting to a blank string.`);
  return { value: value ?? '', applied: value !== undefined };
}

/** Go's `sort.Slice` (an insertion sort for 6 items) of the operators by first index in `s`. */
function substituteFuncFor(s: string): SubstituteFunc {
  const list = OPERATORS.map(([op, f]) => ({ at: s.indexOf(op), f }));
  const less = (a: { at: number }, b: { at: number }) => (a.at < 0 ? false : b.at < 0 ? true : a.at < b.at);
  for (let i = 1; i < list.length; i++) {
    for (let j = i; j > 0 && less(list[j], list[j - 1]); j--) [list[j], list[j - 1]] = [list[j - 1], list[j]];
  }
  return list[0].f;
}

function firstClosingBrace(s: string): number {
  let open = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '}') {
      open--;
      if (open === 0) return i;
    }
    if (s[i] === '{') {
      open++;
      i++;
    }
  }
  return -1;
}

function partition(s: string, sep: string): [string, string] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at + sep.length)];
}

function whenAbsent(substitution: string, lookup: Lookup, emptyOrUnset: boolean, opts: SubstituteOptions) {
  const sep = emptyOrUnset ? ':-' : '-';
  if (!substitution.includes(sep)) return { value: '', applied: false };
  const [name, raw] = partition(substitution, sep);
  const fallback = substitute(raw, lookup, opts);
  const value = lookup(name);
  if (value === undefined || (emptyOrUnset && value === '')) return { value: fallback, applied: true };
  return { value, applied: true };
}

function whenPresent(substitution: string, lookup: Lookup, notEmpty: boolean, opts: SubstituteOptions) {
  const sep = notEmpty ? ':+' : '+';
  if (!substitution.includes(sep)) return { value: '', applied: false };
  const [name, raw] = partition(substitution, sep);
  const replacementText = substitute(raw, lookup, opts);
  const value = lookup(name);
  if (value !== undefined && (!notEmpty || value !== '')) return { value: replacementText, applied: true };
  return { value: value ?? '', applied: true };
}

function required(substitution: string, lookup: Lookup, sep: string, valid: (v: string) => boolean, opts: SubstituteOptions) {
  if (!substitution.includes(sep)) return { value: '', applied: false };
  const [name, raw] = partition(substitution, sep);
  const reason = substitute(raw, lookup, opts);
  const value = lookup(name);
  if (value === undefined || !valid(value)) throw new MissingRequiredError(name, reason);
  return { value, applied: true };
}

/** The variables a text refers to (for reports), without evaluating it. */
export function templateVariables(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(PATTERN)) {
    const name = m[2] ?? /^[_a-z][_a-z0-9]*/i.exec(m[3] ?? '')?.[0];
    if (name) out.add(name);
    const inner = m[3]?.replace(/^[_a-z][_a-z0-9]*:?[-+?]?/i, '');
    if (inner) for (const v of templateVariables(inner)) out.add(v);
  }
  return [...out];
}
