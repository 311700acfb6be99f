/**
 * `.env` files as Docker Compose reads them (compose-go's `dotenv` parser), for the project
 * environment (`.env`, `--env-file`), `include.env_file`, service `env_file` and `label_file`:
 * - `KEY=value`, `KEY: value`, `export KEY=value`; a bare `KEY` line inherits KEY from the
 *   lookup (and is skipped when the lookup has none);
 * - unquoted values end at the line end, lose a ` #comment` and trailing spaces, and are
 *   interpolated; double-quoted values may span lines, are unescaped (`\n`, `\t`, `\$`, ...)
 *   then interpolated; single-quoted values are literal;
 * - interpolation sees the lookup first, then the keys read so far.
 */
import { substitute, type Lookup } from './template.js';

export class DotenvError extends Error {}

const EXPORT = /^export\s+/;
const ESCAPE = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;

function isSpace(c: string): boolean {
  return c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === ' ' || c === '\u0085' || c === '\u00a0';
}

/** Go's `unicode.IsSpace`. */
function isUnicodeSpace(c: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(c);
}

/**
 * Parses `text` into `out` (which also serves as the second interpolation source).
 * Throws DotenvError (`line N: ...`).
 */
export function parseDotenv(text: string, out: Map<string, string>, lookup: Lookup, warn?: (m: string) => void): void {
  let src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  const expand = (value: string) =>
    substitute(value, (k) => lookup(k) ?? out.get(k), { warn });

  const statementStart = (s: string): string => {
    for (;;) {
      let pos = -1;
      for (let i = 0; i < s.length; i++) {
        if (s[i] === '\n') line++;
        if (!isUnicodeSpace(s[i])) {
          pos = i;
          break;
        }
      }
      if (pos === -1) return '';
      s = s.slice(pos);
      if (s[0] !== '#') return s;
      const nl = s.indexOf('\n');
      if (nl === -1) return '';
      s = s.slice(nl);
    }
  };

  for (;;) {
    src = statementStart(src);
    if (src === '') break;
    // key
    let s = src;
    if (EXPORT.test(s)) s = s.slice('export'.length).replace(/^[\t\v\f\r \u0085\u00a0]+/, '');
    let key = '';
    let offset = 0;
    let inherited = false;
    let found = false;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (isSpace(c)) continue;
      if (c === '=' || c === ':' || c === '\n') {
        key = s.slice(0, i);
        offset = i + 1;
        inherited = c === '\n';
        found = true;
        break;
      }
      if (c === '_' || c === '.' || c === '-' || c === '[' || c === ']') continue;
      if (/^[\p{L}\p{N}]$/u.test(c)) continue;
      throw new DotenvError(`line ${line}: unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(s.split('\n')[0])}`);
    }
    // no separator at all (a last line without a newline): Go keeps an empty key and
    // reads the whole statement as its value
    if (!found) offset = 0;
    if (s === '') throw new DotenvError('zero length string');
    if (inherited && !key.includes(' ')) line++;
    key = key.replace(/[\t\n\v\f\r \u0085\u00a0]+$/, '');
    let rest = s.slice(offset).replace(/^[\t\v\f\r \u0085\u00a0]+/, '');
    if (key.includes(' ')) throw new DotenvError(`line ${line}: key cannot contain a space`);
    if (inherited) {
      const v = lookup(key);
      if (v !== undefined) out.set(key, v);
      src = rest;
      continue;
    }
    // value
    const quote = rest[0] === '"' || rest[0] === "'" ? rest[0] : '';
    if (!quote) {
      const nl = rest.indexOf('\n');
      let value = nl < 0 ? rest : rest.slice(0, nl);
      rest = nl < 0 ? '' : rest.slice(nl + 1);
      line++;
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash);
      value = value.replace(/[\t\n\v\f\r \u0085\u00a0]+$/, '');
      out.set(key, expand(value));
      src = rest;
      continue;
    }
    let escaped = false;
    let chars = '';
    let done = false;
    for (let i = 1; i < rest.length; i++) {
      const c = rest[i];
      if (c === '\n') line++;
      if (c !== quote) {
        if (!escaped && c === '\\') {
          escaped = true;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += '\\';
        }
        chars += c;
        continue;
      }
      if (escaped) {
        escaped = false;
        chars += c;
        continue;
      }
      let value = chars;
      if (quote === '"') value = expand(unescape(value));
      out.set(key, value);
      src = rest.slice(i + 1);
      done = true;
      break;
    }
    if (!done) {
      const nl = rest.indexOf('\n');
      throw new DotenvError(`line ${line}: unterminated quoted value ${nl < 0 ? rest : rest.slice(0, nl)}`);
    }
  }
}

function unescape(s: string): string {
  return s.replace(ESCAPE, (match) => {
    if (match === '\\$') return '$$';
    let m = match;
    if (m.startsWith('\\0')) m = m.replace('\\0', '\\');
    const c = m[1];
    const simple: Record<string, string> = { a: '\x07', b: '\b', c: m, f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };
    if (/^[0-7]{1,3}$/.test(m.slice(1))) {
      // strconv.UnquoteChar: an octal escape needs exactly 3 digits
      return m.length === 4 ? String.fromCharCode(parseInt(m.slice(1), 8)) : match;
    }
    if (c === 'c') return match; // not a Go escape
    return simple[c] ?? match;
  });
}
