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

export function classifyInterpolation(s: string): Interpolation {
  let out = '';
  const names: string[] = [];
  let complex = false;
  let hasDefault = false;
  let tokens = 0;
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      let depth = 1;
      let j = i + 2;
      for (; j < s.length && depth > 0; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}') depth--;
      }
      if (depth !== 0) return { kind: 'partial', names, hasDefault };
      const body = s.slice(i + 2, j - 1);
      const m = NAME.exec(body);
      if (m) names.push(m[0]);
      if (!m || m[0] !== body) {
        complex = true;
        if (m && /^[:]?[-?+=]/.test(body.slice(m[0].length))) hasDefault = true;
      }
      tokens++;
      i = j;
      continue;
    }
    const m = NAME.exec(s.slice(i + 1));
    if (!m) {
      // a lone `$` (compose rejects most of these; never treat them as a secret to move)
      return { kind: 'partial', names, hasDefault };
    }
    names.push(m[0]);
    tokens++;
    i += 1 + m[0].length;
  }
  if (tokens === 0) return { kind: 'literal', value: out };
  if (tokens === 1 && !complex && out === '' && names.length === 1) return { kind: 'variable', name: names[0] };
  return { kind: 'partial', names, hasDefault };
}

/** A literal as a compose value: `$` doubled so that it is not interpolated. */
export function escapeInterpolation(value: string): string {
  return value.replace(/\$/g, '$$$$');
}
