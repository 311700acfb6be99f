/**
 * Splits a `command` / `entrypoint` / `healthcheck` string into words exactly as Compose does
 * at binding (mattn/go-shellwords v1.0.12, no environment or backtick expansion):
 * - spaces, tabs, CR and LF separate words; `'...'` is literal; inside `"..."` and outside
 *   quotes a backslash takes the next character literally (the backslash is dropped);
 * - an unquoted `;`, `&`, `|`, `<` or `>` ends the command: the rest of the line is ignored
 *   (`sh -c x && y` is `[sh, -c, x]`; a word starting with a digit before `>` is dropped too);
 * - an unquoted `(` not preceded by `$`, or an unterminated quote, is an error.
 */
import { modelError, type Path } from './values.js';

const SPACE = new Set([' ', '\t', '\r', '\n']);

export function shellSplit(text: string, path: Path = []): string[] {
  const args: string[] = [];
  let buf = '';
  let escaped = false;
  let dq = false;
  let sq = false;
  let bq = false;
  let dollar = false;
  // 0: no word, 1: a word, 2: a quoted word (kept even when empty)
  let got = 0;
  const fail = () => modelError(`invalid command line string: ${JSON.stringify(text)}`, path);
  loop: for (const r of text) {
    if (escaped) {
      buf += r;
      escaped = false;
      got = 1;
      continue;
    }
    if (r === '\\') {
      if (sq) buf += r;
      else escaped = true;
      continue;
    }
    if (SPACE.has(r)) {
      if (sq || dq || bq || dollar) buf += r;
      else if (got !== 0) {
        args.push(buf);
        buf = '';
        got = 0;
      }
      continue;
    }
    switch (r) {
      case '`':
        if (!sq && !dq && !dollar) bq = !bq;
        break;
      case ')':
        if (!sq && !dq && !bq) dollar = !dollar;
        break;
      case '(':
        if (!sq && !dq && !bq) {
          if (!dollar && buf.endsWith('$')) {
            dollar = true;
            buf += '(';
            continue;
          }
          throw fail();
        }
        break;
      case '"':
        if (!sq && !dollar) {
          if (dq) got = 2;
          dq = !dq;
          continue;
        }
        break;
      case "'":
        if (!dq && !dollar) {
          if (sq) got = 2;
          sq = !sq;
          continue;
        }
        break;
      case ';':
      case '&':
      case '|':
      case '<':
      case '>':
        if (!(sq || dq || bq || dollar)) {
          if (r === '>' && buf.length > 0 && buf[0] >= '0' && buf[0] <= '9') got = 0;
          break loop;
        }
        break;
    }
    got = 1;
    buf += r;
  }
  if (got !== 0) args.push(buf);
  if (escaped || sq || dq || bq || dollar) throw fail();
  return args;
}
