/**
 * Printing loaded models as `docker compose config` does: YAML through the yaml.v3 encoder
 * (yaml-emit.ts) and JSON as Go's `json.MarshalIndent(v, "", "  ")` (maps sorted by key,
 * HTML characters escaped, no final newline). Untyped models (`--no-interpolate`) print their
 * decoded YAML values; typed projects are printed by marshal.ts through the same two writers.
 */
import { formatFloat, formatJsonFloat, isMap } from '../go.js';
import { isGoTime } from '../merge/sentinels.js';
import { isNilList } from '../merge/values.js';
import { nullNode, plain, stringNode, yamlSortedKeys, type YNode } from './yaml-emit.js';

/** A Go float as yaml.v3 writes it (`.inf`, `-.inf`, `.nan` for the specials). */
export function yamlFloat(f: number, bits: 32 | 64): YNode {
  const s = formatFloat(f, bits);
  return plain(s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s);
}

/** A decoded YAML value (interface{}) as a YAML node. */
export function valueNode(value: unknown): YNode {
  if (value === null || value === undefined) return nullNode;
  if (typeof value === 'string') return stringNode(value);
  if (typeof value === 'boolean') return plain(String(value));
  if (typeof value === 'bigint') return plain(value.toString());
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? plain(String(value)) : yamlFloat(value, 64);
  if (isGoTime(value)) return plain(value.rfc3339);
  if (Array.isArray(value)) return { t: 'seq', items: value.map(valueNode) };
  if (isMap(value)) return { t: 'map', entries: yamlSortedKeys(Object.keys(value)).map((k) => [stringNode(k), valueNode(value[k])]) };
  return stringNode(String(value));
}

/** A JSON value under construction: text for scalars, structure for collections. */
export type JNode = { j: 'raw'; text: string } | { j: 'arr'; items: JNode[] } | { j: 'obj'; entries: [string, JNode][] };

export const jraw = (text: string): JNode => ({ j: 'raw', text });
export const jnull = jraw('null');

/** Go's encoding/json string encoding (HTML-safe). */
export function jsonString(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '<' || c === '>' || c === '&') out += `\\u00${cp.toString(16)}`;
    else if (cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16)}`;
    else if (cp < 0x20) {
      out += c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : c === '\b' ? '\\b' : c === '\f' ? '\\f' : `\\u00${cp.toString(16).padStart(2, '0')}`;
    } else out += c;
  }
  return `${out}"`;
}

/** A decoded YAML value as JSON (map keys sorted bytewise, as encoding/json sorts them). */
export function valueJson(value: unknown): JNode {
  if (value === null || value === undefined) return jnull;
  if (typeof value === 'string') return jraw(jsonString(value));
  if (typeof value === 'boolean') return jraw(String(value));
  if (typeof value === 'bigint') return jraw(value.toString());
  if (typeof value === 'number') return jraw(Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? String(value) : formatJsonFloat(value, 64));
  if (isGoTime(value)) return jraw(jsonString(value.rfc3339));
  if (Array.isArray(value)) return isNilList(value) ? jnull : { j: 'arr', items: value.map(valueJson) };
  if (isMap(value)) return { j: 'obj', entries: Object.keys(value).sort(byteOrder).map((k) => [k, valueJson(value[k])]) };
  return jraw(jsonString(String(value)));
}

/** Go's string order (UTF-8 bytes). */
export function byteOrder(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

/** `json.MarshalIndent(v, "", "  ")`. */
export function writeJson(node: JNode, indent = ''): string {
  if (node.j === 'raw') return node.text;
  const inner = `${indent}  `;
  if (node.j === 'arr') {
    if (!node.items.length) return '[]';
    return `[\n${node.items.map((n) => inner + writeJson(n, inner)).join(',\n')}\n${indent}]`;
  }
  if (!node.entries.length) return '{}';
  return `{\n${node.entries.map(([k, n]) => `${inner}${jsonString(k)}: ${writeJson(n, inner)}`).join(',\n')}\n${indent}}`;
}
