/**
 * Reading and appending `.env` files the way Compose reads them for interpolation.
 *
 * Compose's rules (docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/
 * and the "env file syntax" page; compose-go `dotenv/parser.go`): unquoted and double-quoted
 * values are interpolated (`$` is special) and double-quoted ones are unescaped; single-quoted
 * values are taken literally, except that `\'` is an escaped quote in recent compose-go
 * versions and older ones strip quote characters at both ends. So a value is written verbatim
 * as `KEY='value'` exactly when it holds no `'`, no `\` and no line break: `$`, `#`, spaces,
 * `"` are all safe there. Values outside that set are never written to a .env file by us.
 */

export interface DotenvEntry {
  key: string;
  /** The value as Compose reads it, or null when we cannot tell (interpolated, odd quoting). */
  value: string | null;
}

const LINE_RE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*[=:]\s?(.*)$/;

export function parseDotenv(text: string): Map<string, DotenvEntry> {
  const out = new Map<string, DotenvEntry>();
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const m = LINE_RE.exec(line);
    if (!m) continue;
    const key = m[1];
    const rest = m[2].trim();
    let value: string | null = null;
    const sq = /^'([^'\\]*)'(\s+#.*)?$/.exec(rest);
    if (sq) value = sq[1];
    else if (!/^["']/.test(rest)) {
      const v = rest.split(/\s+#/)[0].trimEnd();
      value = v.includes('$') ? null : v;
    } else {
      const dq = /^"([^"\\$]*)"(\s+#.*)?$/.exec(rest);
      if (dq) value = dq[1];
    }
    out.set(key, { key, value });
  }
  return out;
}

/** Whether `value` can be written as `KEY='value'` and read back unchanged by Compose. */
export function dotenvSafe(value: string): boolean {
  return !/['\\\r\n]/.test(value);
}

export function dotenvLine(key: string, value: string): string {
  if (!dotenvSafe(value)) throw new Error('value cannot be written to a .env file verbatim');
  return `${key}='${value}'`;
}

/** Appends lines to a text file's content, keeping its line ending and final newline. */
export function appendLines(text: string | null, lines: string[]): string {
  if (!lines.length) return text ?? '';
  const eol = text && text.includes('\r\n') ? '\r\n' : '\n';
  let base = text ?? '';
  if (base.length && !base.endsWith('\n')) base += eol;
  return base + lines.join(eol) + eol;
}

/** Whether a .gitignore content already ignores `entry` (a top-level directory or file name). */
export function gitignoreHas(text: string | null, entry: string): boolean {
  if (!text) return false;
  const bare = entry.replace(/\/$/, '');
  const dir = entry.endsWith('/');
  const accepted = new Set([bare, `/${bare}`, ...(dir ? [`${bare}/`, `/${bare}/`, `${bare}/*`, `/${bare}/*`, `${bare}/**`, `/${bare}/**`] : [])]);
  let ignored = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('!')) {
      if (accepted.has(line.slice(1))) ignored = false;
      continue;
    }
    if (accepted.has(line)) ignored = true;
  }
  return ignored;
}
