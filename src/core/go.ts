/**
 * The Go behaviours the loader reproduces to print what Docker Compose prints: model paths as
 * compose-go matches them (`tree.Path`), `fmt.Sprint` of decoded YAML values, `strconv`
 * number parsing and float formatting, and `path.Clean`.
 */
import { GoTime, isGoTime } from './merge/sentinels.js';

/** A compose-go tree path: its parts (`[]` stands for any sequence item). */
export type TreePath = readonly string[];
/** A pattern over tree paths: `*` matches any one part. */
export type TreePattern = readonly string[];

export const LIST = '[]';

/** compose-go's `Path.Matches`. */
export function matchesPath(path: TreePath, pattern: TreePattern): boolean {
  if (path.length !== pattern.length) return false;
  for (let i = 0; i < path.length; i++) if (pattern[i] !== '*' && pattern[i] !== path[i]) return false;
  return true;
}

/** `a.b.c` patterns as part arrays. */
export function pattern(text: string): TreePattern {
  return text.split('.');
}

/** The dotted form compose-go prints (`services.web.ports.[]`). */
export function dottedPath(path: TreePath): string {
  return path.join('.');
}

/** A plain mapping of a decoded model (not an array, null, a GoTime or a marker). */
export function isMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `fmt.Sprint` of a decoded YAML value (`%v`). */
export function sprint(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? String(value) : formatFloat(value, 64);
  if (isGoTime(value)) return value.text;
  if (Array.isArray(value)) return `[${value.map(sprint).join(' ')}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${sprint(value[k])}`).join(' ')}]`;
  }
  return String(value);
}

/**
 * Go's `strconv.FormatFloat(f, 'g', -1, bits)` (also `fmt.Sprint` of a float): the shortest
 * digits that read back to the same float64 (or float32); exponent form (`1e+06`) when the
 * decimal exponent is < -4 or >= 6.
 */
export function formatFloat(f: number, bits: 32 | 64): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const { digits, exp } = shortestDigits(f, bits);
  const neg = f < 0 ? '-' : '';
  const x = exp - 1; // exponent of the first digit
  if (x < -4 || x >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(x);
    return `${neg}${mant}e${x < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp <= 0) return `${neg}0.${'0'.repeat(-exp)}${digits}`;
  if (exp >= digits.length) return `${neg}${digits}${'0'.repeat(exp - digits.length)}`;
  return `${neg}${digits.slice(0, exp)}.${digits.slice(exp)}`;
}

/** encoding/json's float format: `f` digits, exponent form below 1e-6 or from 1e21 (`1e-7`, `1e+21`). */
export function formatJsonFloat(f: number, bits: 32 | 64): string {
  const { digits, exp } = shortestDigits(f, bits);
  const neg = f < 0 ? '-' : '';
  if (f === 0) return '0';
  const x = exp - 1;
  if (x < -6 || x >= 21) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(x);
    return `${neg}${mant}e${x < 0 ? '-' : '+'}${e < 10 && x > 0 ? '0' : ''}${e}`;
  }
  if (exp <= 0) return `${neg}0.${'0'.repeat(-exp)}${digits}`;
  if (exp >= digits.length) return `${neg}${digits}${'0'.repeat(exp - digits.length)}`;
  return `${neg}${digits.slice(0, exp)}.${digits.slice(exp)}`;
}

/** Shortest decimal digits (no leading/trailing zeros) and decimal point position of |f|. */
function shortestDigits(f: number, bits: 32 | 64): { digits: string; exp: number } {
  const a = Math.abs(f);
  let text: string;
  if (bits === 64) text = a.toExponential();
  else {
    const target = Math.fround(a);
    text = target.toExponential(8);
    for (let p = 0; p <= 8; p++) {
      const t = target.toExponential(p);
      if (Math.fround(Number(t)) === target) {
        text = t;
        break;
      }
    }
  }
  const [mant, e] = text.split('e');
  const digits = mant.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, exp: Number(e) + 1 };
}

/** Go's `strconv.ParseInt(s, 10, 64)` / `Atoi`: returns undefined on a syntax or range error. */
export function parseGoInt(s: string): number | bigint | undefined {
  if (!/^[-+]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v < -(2n ** 63n) || v >= 2n ** 63n) return undefined;
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

/** Go's `strconv.ParseFloat(s, 64)` for decimal input (and inf/nan spellings). */
export function parseGoFloat(s: string): number | undefined {
  const t = s.toLowerCase();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[-+]/, '');
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return NaN;
  if (!/^([0-9]+(_[0-9]+)*)?(\.([0-9]+(_[0-9]+)*)?)?(e[-+]?[0-9]+)?$/.test(body) || !/[0-9]/.test(body.split('e')[0])) return undefined;
  if (body.includes('_')) return undefined; // underscores only with a base prefix
  return sign * Number(body);
}

/** Go's `path.Clean`. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/** Go's `filepath.Join` (POSIX): join non-empty parts, then Clean. */
export function joinPath(...parts: string[]): string {
  const kept = parts.filter((p) => p !== '');
  return kept.length ? cleanPath(kept.join('/')) : '';
}

/** Go's `filepath.Dir`. */
export function dirPath(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(i < 0 ? '.' : p.slice(0, i + 1));
}

/** Go's `filepath.Base`. */
export function basePath(p: string): string {
  if (p === '') return '.';
  const t = p.replace(/\/+$/, '');
  if (t === '') return '/';
  return t.slice(t.lastIndexOf('/') + 1);
}

export function isAbsPath(p: string): boolean {
  return p.startsWith('/');
}

const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|([ ]))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[-+]\d{2}:\d{2})?)?$/;

/**
 * go-yaml v3's timestamp resolution: Go's `time.Parse` with the layouts
 * `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999` and `2006-1-2`.
 */
export function parseTimestamp(text: string): GoTime | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, tee, space, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  if (tee && !zone) return undefined; // the T layouts need a zone
  if (space && zone) return undefined; // the space layout has none
  const num = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  const [year, month, day, hour, minute, second] = num;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return undefined;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const date = `${y}-${p2(month)}-${p2(day)}`;
  const clock = `${p2(hour)}:${p2(minute)}:${p2(second)}`;
  const nanos = frac.replace(/0+$/, '');
  const fraction = nanos ? `.${nanos}` : '';
  const offset = !zone || zone === 'Z' ? '' : zone;
  const rfc3339 = `${date}T${clock}${fraction}${offset || 'Z'}`;
  // Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST"; a parsed offset has no zone name
  const numeric = offset ? offset.replace(':', '') : '+0000';
  const text_ = `${date} ${clock}${fraction} ${numeric} ${offset ? numeric : 'UTC'}`;
  return new GoTime(text, rfc3339, text_);
}

