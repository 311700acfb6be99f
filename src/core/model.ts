/**
 * YAML document -> plain JS values (the "model" the merge engine works on).
 *
 * - Mappings become plain objects with string keys (non-string keys are formatted the way
 *   compose-go's `convertKeysToStrings` does with Go's `fmt.Sprint`), sequences become arrays.
 * - Plain scalars are resolved like go-yaml v3 decoding into `interface{}` (what compose-go
 *   does), not like yaml's YAML 1.2 core schema. The differences that matter:
 *     `0755` -> 493 (a leading 0 means octal, as in Go's `strconv.ParseInt(s, 0, 64)`; secret
 *     and config `mode: 0440` depends on it), `0b101` -> 5, `1_000` -> 1000 (underscores are
 *     dropped), `2001-12-14` stays a string. `yes`/`no`/`on`/`off` stay strings (YAML 1.2).
 *   Quoted and block scalars are always strings. Scalars with an explicit standard tag
 *   (`!!str 1`, `!!int "1"`) use the tag. Integers beyond 2^53 lose precision (JS numbers).
 * - Anchors, aliases and `<<` merge keys are resolved here (explicit keys win over merged
 *   ones; within a `<<: [*a, *b]` list the earlier source wins). The number of nodes produced
 *   through aliases is capped (`maxAliasNodes`), so a "billion laughs" document is an error.
 * - `!reset` -> the RESET sentinel (its value is ignored); `!override x` -> `new Override(x)`.
 *   Inside an `!override` value tags are not interpreted (compose does not scan them), and an
 *   `!override` scalar is kept as its source text (go-yaml decodes it as a string). A tag on an
 *   anchored node applies wherever the anchor is aliased.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode, Scalar } from 'yaml';
import { ComposemodError } from './errors.js';
import { RESET, Override, GoTime, isOverride, isReset, isGoTime } from './merge/sentinels.js';
import { parseTimestamp } from './go.js';
import { aliasTarget } from './anchors.js';

export { RESET, Override, GoTime, isOverride, isReset, isGoTime };
export type { Reset } from './merge/sentinels.js';

export type ModelPath = (string | number)[];
export type Locate = (path: ModelPath) => { line: number; col: number } | undefined;

export interface ToModelOptions {
  /** Maximum number of nodes produced by alias expansion (default 100 000). */
  maxAliasNodes?: number;
  /** 1-based line/col of an offset into the document's text, for error locations. */
  position?: (offset: number) => { line: number; col: number };
  /**
   * Read the document exactly as Docker Compose does (go-yaml v3 into `interface{}`, through
   * compose-go's reset processor), instead of the lenient reading the editing layer uses:
   * - a key written twice in one mapping is an error (`mapping key "image" already defined at
   *   line 3`), located at the second occurrence;
   * - integers beyond 2^53 keep their digits (a `bigint`; beyond int64/uint64 they are floats);
   * - plain scalars shaped like timestamps (`2024-01-15`) are `GoTime` values;
   * - a non-string key (`1:`, `true:`, `null:`) is an error, as in compose-go;
   * - in a flow collection, a plain `key:` directly followed by `,`, `}` or `]` is the string
   *   `key:` (go-yaml's scanner), not `key` with a null value (needs `text`).
   */
  compose?: boolean;
  /** The text the document was parsed from (node ranges index into it). */
  text?: string;
}


/** What `toModel` accepts besides a bare Document: a parsed source (core/source.ts). */
export interface DocumentSource {
  doc: Document;
  path: string;
  position?: (offset: number) => { line: number; col: number };
}

const DEFAULT_MAX_ALIAS_NODES = 100_000;
const YAML_TAG = 'tag:yaml.org,2002:';

/**
 * Converts a parsed compose document to plain values (see the module comment).
 * Throws ComposemodError (naming `file`) on YAML errors, unknown or recursive aliases,
 * alias bombs, and non-scalar mapping keys.
 */
export function toModel(input: Document | DocumentSource, file?: string, opts: ToModelOptions = {}): unknown {
  const isSource = 'doc' in input && 'path' in input && typeof (input as DocumentSource).path === 'string';
  const doc = isSource ? (input as DocumentSource).doc : (input as Document);
  const name = file ?? (isSource ? (input as DocumentSource).path : '');
  const position = opts.position ?? (isSource ? (input as DocumentSource).position : undefined);
  const errs = doc.errors ?? [];
  if (errs.length) {
    const e = errs[0];
    const where = e.linePos?.[0];
    throw new ComposemodError(`invalid YAML: ${e.message.split('\n')[0]}`, { file: name, line: where?.line, col: where?.col });
  }
  return new Converter(doc, name, opts.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES, position, opts.compose === true, opts.text).convert(
    doc.contents,
    false,
  );
}

class Converter {
  private expanding = new Set<unknown>();
  private aliasDepth = 0;
  private aliasNodes = 0;

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly maxAliasNodes: number,
    private readonly position?: (offset: number) => { line: number; col: number },
    private readonly compose = false,
    private readonly text?: string,
  ) {}

  /**
   * go-yaml reads a plain `key:` followed at once by `,` `}` `]` in a flow collection as the
   * scalar `key:` (its scanner ends a plain scalar only at `: `); the yaml package reads a key.
   */
  private flowColonKey(pair: unknown, flow: boolean): string | undefined {
    if (!this.compose || !flow || this.text === undefined || !isPair(pair)) return undefined;
    const key = pair.key;
    const value = pair.value as { range?: [number, number, number] } | null;
    if (!isScalar(key) || key.type !== 'PLAIN' || key.tag || !key.range) return undefined;
    if (value && !(isScalar(value) && value.range && value.range[0] === value.range[1])) return undefined;
    const end = key.range[1];
    if (this.text[end] !== ':' || !',}]'.includes(this.text[end + 1] ?? '')) return undefined;
    return `${scalarSource(key)}:`;
  }

  private fail(message: string, node: unknown): never {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    const at = range && this.position ? this.position(range[0]) : undefined;
    throw new ComposemodError(message, { file: this.file, line: at?.line, col: at?.col });
  }

  /** `raw`: inside an `!override` value, where tags are not interpreted. */
  convert(node: unknown, raw: boolean): unknown {
    if (node === null || node === undefined) return null;
    if (this.aliasDepth > 0 && ++this.aliasNodes > this.maxAliasNodes) {
      this.fail(`YAML alias expansion exceeds ${this.maxAliasNodes} nodes (an alias bomb?)`, node);
    }
    if (isAlias(node)) {
      const target = aliasTarget(this.doc, node);
      if (!target) this.fail(`unknown YAML alias *${node.source}`, node);
      if (this.expanding.has(target)) this.fail(`recursive YAML alias *${node.source}`, node);
      this.expanding.add(target);
      this.aliasDepth++;
      try {
        return this.convert(target, raw);
      } finally {
        this.aliasDepth--;
        this.expanding.delete(target);
      }
    }
    const tag = (node as { tag?: string }).tag;
    if (!raw && tag === '!reset') return RESET;
    if (!raw && tag === '!override') {
      return new Override(isScalar(node) ? scalarSource(node) : this.convertCollection(node, true));
    }
    if (isScalar(node)) return scalarValue(node, this.compose);
    return this.convertCollection(node, raw);
  }

  private convertCollection(node: unknown, raw: boolean): unknown {
    if (isSeq(node)) {
      return node.items.map((item) => {
        const colon = isMap(item) && item.items.length === 1 ? this.flowColonKey(item.items[0], Boolean(node.flow)) : undefined;
        return colon ?? this.convert(item, raw);
      });
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merged: unknown[] = [];
      const seen = this.compose ? new Map<string, unknown>() : undefined;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (seen) this.checkDuplicate(seen, pair.key);
        if (isMergeKey(pair.key)) {
          merged.push(pair.value);
          continue;
        }
        const colon = this.flowColonKey(pair, Boolean(node.flow));
        if (colon !== undefined) {
          out[colon] = null;
          continue;
        }
        const key = this.keyString(pair.key);
        if (key === '__proto__') this.fail('unsupported mapping key "__proto__"', pair.key);
        out[key] = this.convert(pair.value, raw);
      }
      for (const source of merged) this.applyMerge(out, source, raw);
      return out;
    }
    if (isScalar(node)) return scalarValue(node);
    return this.fail('unsupported YAML node', node);
  }

  /** `<<`: adds the keys of the merged mapping(s) that `out` does not define explicitly. */
  private applyMerge(out: Record<string, unknown>, source: unknown, raw: boolean): void {
    const sources = isSeq(source) ? source.items : [source];
    for (const item of sources) {
      let value = this.convert(item, raw);
      if (isOverride(value)) value = value.value;
      if (!isObject(value)) this.fail('YAML merge key `<<` needs a mapping or a sequence of mappings', item);
      for (const [k, v] of Object.entries(value)) {
        if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = v;
      }
    }
  }

  /** compose-go's reset processor: a key (as written) twice in one mapping is an error. */
  private checkDuplicate(seen: Map<string, unknown>, key: unknown): void {
    const node = isAlias(key) ? aliasTarget(this.doc, key) : key;
    const text = isScalar(node) ? scalarSource(node) : '';
    const first = seen.get(text);
    if (first !== undefined) {
      const line = this.lineOf(first);
      this.fail(`mapping key ${goQuote(text)} already defined${line ? ` at line ${line}` : ''}`, key);
    }
    seen.set(text, key);
  }

  private lineOf(node: unknown): number | undefined {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range && this.position ? this.position(range[0]).line : undefined;
  }

  private keyString(key: unknown): string {
    const value = this.convert(key, true);
    if (this.compose && typeof value !== 'string') {
      this.fail(`non-string key: ${value === null ? '<nil>' : String(value)} (Compose accepts only string keys; quote it)`, key);
    }
    if (value === null) return '<nil>';
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return goNumber(value);
    if (typeof value === 'boolean') return String(value);
    return this.fail('a mapping key must be a scalar', key);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isOverride(value);
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  if (typeof key.value === 'symbol') return true; // yaml's own `merge: true` resolution
  const tag = key.tag;
  return key.type === 'PLAIN' && key.source === '<<' && (!tag || tag === `${YAML_TAG}merge`);
}

function goNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function scalarSource(node: Scalar): string {
  if (typeof node.source === 'string') return node.source;
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

function scalarValue(node: Scalar, compose = false): unknown {
  const tag = node.tag;
  if (tag && tag.startsWith(YAML_TAG)) {
    const v: unknown = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return compose && !Number.isSafeInteger(Number(v)) ? v : Number(v);
    return scalarSource(node);
  }
  if (tag) return scalarSource(node); // `!` and unknown local tags: the text
  if (node.type === 'PLAIN' || node.type === undefined) {
    if (typeof node.source === 'string') return compose ? resolvePlainCompose(node.source) : resolvePlain(node.source);
    return node.value ?? null;
  }
  return typeof node.value === 'string' ? node.value : scalarSource(node);
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** A plain scalar resolved as go-yaml v3 does when decoding into `interface{}`. */
export function resolvePlain(text: string): unknown {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  if (!/^[-+.0-9]/.test(text)) return text;
  const plain = text.replace(/_/g, '');
  const int = INT.exec(plain);
  if (int) {
    const sign = int[1] === '-' ? -1n : 1n;
    const lower = int[2].toLowerCase();
    // Go's base-0 ParseInt: 0x, 0o, 0b prefixes, and a bare leading 0 means octal.
    const octal = lower.length > 1 && /^0[0-7]/.test(lower);
    const value = sign * BigInt(octal ? `0o${lower.slice(1)}` : lower);
    if (value >= -(2n ** 63n) && value < 2n ** 64n) return Number(value);
  }
  if (FLOAT.test(plain)) return Number.parseFloat(plain);
  return text;
}

/**
 * `resolvePlain` as Docker Compose reads it: integers outside JS's safe range keep their
 * digits (a `bigint`, as Go's int64/uint64 do), timestamps are `GoTime` values.
 */
export function resolvePlainCompose(text: string): unknown {
  if (/^[0-9]{4}-/.test(text)) {
    const t = parseTimestamp(text);
    if (t) return t;
  }
  const value = resolvePlain(text);
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    const big = goInteger(text);
    if (big !== undefined) return big;
  }
  return value;
}

/** The int64/uint64 value of an integer literal (Go's base-0 ParseInt rules), if it is one. */
function goInteger(text: string): bigint | undefined {
  const int = INT.exec(text.replace(/_/g, ''));
  if (!int) return undefined;
  const lower = int[2].toLowerCase();
  const octal = lower.length > 1 && /^0[0-7]/.test(lower);
  const value = (int[1] === '-' ? -1n : 1n) * BigInt(octal ? `0o${lower.slice(1)}` : lower);
  return value >= -(2n ** 63n) && value < 2n ** 64n ? value : undefined;
}

/** Go's `%#v` of a string (a double-quoted Go literal). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

const TOP_LEVEL = ['version', 'name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'include', 'models'];

/** What `assertComposeFile` accepts besides a file name: a parsed source (core/source.ts). */
export interface LocatableSource {
  path: string;
  doc: Document;
  position(offset: number): { line: number; col: number };
}

/**
 * Rejects models that are not compose files: not a mapping, no compose top-level key,
 * unknown top-level keys (typos such as `service:`), `services` or a service that is not a
 * mapping (null and `!reset` are allowed: an override may write `web:` to keep the base).
 */
export function assertComposeFile(
  model: unknown,
  file: string | LocatableSource,
  locate?: Locate,
): asserts model is Record<string, unknown> {
  const name = typeof file === 'string' ? file : file.path;
  const where: Locate | undefined = locate ?? (typeof file === 'string' ? undefined : sourceLocator(file));
  const fail = (message: string, path: ModelPath): never => {
    const at = where?.(path);
    throw new ComposemodError(message, { file: name, line: at?.line, col: at?.col, modelPath: path });
  };
  const top = isOverride(model) ? model.value : model;
  if (top === null || top === undefined) fail('not a compose file: the document is empty', []);
  if (Array.isArray(top)) fail('not a compose file: top level is a sequence', []);
  if (typeof top !== 'object') fail(`not a compose file: top level is a ${describe(top)}`, []);
  const doc = top as Record<string, unknown>;
  const keys = Object.keys(doc);
  for (const key of keys) {
    if (key.startsWith('x-') || TOP_LEVEL.includes(key)) continue;
    const hint = suggest(key, TOP_LEVEL);
    fail(`unknown top-level key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, [key]);
  }
  if (!keys.some((k) => TOP_LEVEL.includes(k))) {
    fail('not a compose file: no services, networks, volumes, secrets, configs, include, models, name or version key', []);
  }
  for (const section of ['services', 'networks', 'volumes', 'secrets', 'configs', 'models']) {
    const value = unwrap(doc[section]);
    if (value === undefined || value === null || isReset(value)) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      fail(`"${section}" must be a mapping, got a ${describe(value)}`, [section]);
    }
  }
  const services = unwrap(doc.services);
  if (services && typeof services === 'object' && !isReset(services)) {
    for (const [svc, def] of Object.entries(services as Record<string, unknown>)) {
      const value = unwrap(def);
      if (value === null || isReset(value)) continue;
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail(`service "${svc}" must be a mapping, got a ${describe(value)}`, ['services', svc]);
      }
    }
  }
}

function unwrap(value: unknown): unknown {
  return isOverride(value) ? value.value : value;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'sequence';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'mapping' : `${typeof value === 'number' ? 'number' : typeof value} (${String(value)})`;
}

function sourceLocator(src: LocatableSource): Locate {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = keyOrValueNode(src.doc, path.slice(0, n));
      const start = node?.range?.[0];
      if (start !== undefined) return src.position(start);
    }
    return undefined;
  };
}

/** The key node of the last path element when its parent is a mapping, else the value node. */
function keyOrValueNode(doc: Document, path: ModelPath): YamlNode | undefined {
  const parent = path.length ? doc.getIn(path.slice(0, -1), true) : undefined;
  if (isMap(parent)) {
    const last = String(path[path.length - 1]);
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
    if (pair && isScalar(pair.key)) return pair.key;
  }
  const node: unknown = doc.getIn(path, true);
  return node && typeof node === 'object' ? (node as YamlNode) : undefined;
}

/** The closest candidate within edit distance 2, if any. */
function suggest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
