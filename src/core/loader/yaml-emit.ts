/**
 * YAML output byte for byte as Go's gopkg.in/yaml.v3 encoder writes it with `SetIndent(2)`
 * (what `docker compose config` uses): block mappings and sequences (sequences indented under
 * their key), empty collections as `{}` / `[]`, and the scalar style rules of the encoder
 * (`stringv`) and emitter (`yaml_emitter_analyze_scalar`, `select_scalar_style`): strings that
 * would read back as another type are double-quoted, strings YAML cannot write plain are
 * single-quoted when possible, multi-line strings are literal blocks (`|-`), no line folding.
 *
 * A port of the parts of emitterc.go (yaml v3.0.4) the encoder reaches, without comments,
 * anchors or tags.
 */
import { parseTimestamp } from '../go.js';

export type YNode =
  | { t: 'scalar'; value: string; style: 'plain' | 'double' | 'literal' }
  | { t: 'map'; entries: [YNode, YNode][] }
  | { t: 'seq'; items: YNode[] };

const BEST_INDENT = 2;

export const nullNode: YNode = { t: 'scalar', value: 'null', style: 'plain' };
export const plain = (value: string): YNode => ({ t: 'scalar', value, style: 'plain' });

/** The encoder's `stringv`: the style a Go string is given. */
export function stringNode(s: string): YNode {
  if (s.includes('\n')) return { t: 'scalar', value: s, style: 'literal' };
  return { t: 'scalar', value: s, style: canUsePlain(s) ? 'plain' : 'double' };
}

/** Would the plain scalar read back as a string (and not a YAML 1.1 bool or base-60 float)? */
function canUsePlain(s: string): boolean {
  return resolvesToString(s) && !isBase60Float(s) && !OLD_BOOLS.has(s);
}

const OLD_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function isBase60Float(s: string): boolean {
  if (!s || !/^[-+0-9]/.test(s) || !s.includes(':')) return false;
  return BASE60.test(s);
}

const RESOLVED = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** go-yaml v3's `resolve("", s)` gives `!!str`. */
function resolvesToString(s: string): boolean {
  const c = s[0];
  const hint = s === '' ? 'N' : c === '+' || c === '-' ? 'S' : c >= '0' && c <= '9' ? 'D' : 'yYnNtTfFoO~'.includes(c) ? 'M' : c === '.' ? '.' : '';
  if (!hint) return true;
  if (RESOLVED.has(s)) return false;
  if (hint === 'M' || hint === 'N') return true;
  if (hint === '.') return !/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  // D, S: timestamp, int, uint, float, 0b / 0o forms
  if (/^[0-9]{4}-/.test(s) && parseTimestamp(s)) return false;
  const p = s.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(p) && fitsGoInt(p)) return false;
  if (YAML_FLOAT.test(p)) return false;
  return true;
}

function fitsGoInt(p: string): boolean {
  const neg = p.startsWith('-');
  let body = p.replace(/^[-+]/, '').toLowerCase();
  if (/^0[0-7]/.test(body)) body = `0o${body.slice(1)}`;
  try {
    const v = BigInt(body) * (neg ? -1n : 1n);
    return v >= -(2n ** 63n) && v < 2n ** 64n;
  } catch {
    return false;
  }
}

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
  length: number;
}

const isBreak = (c: string) => c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/** emitterc.go's is_printable, on a code point. */
function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function analyze(value: string): Analysis {
  const chars = [...value];
  const length = utf8Length(value);
  if (chars.length === 0) return { multiline: false, blockPlain: true, singleQuoted: true, block: false, length };
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) blockIndicators = true;
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const followedByWhitespace = i + 1 >= chars.length || isBlank(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      else if ((c === '?' || c === ':') && followedByWhitespace) blockIndicators = true;
      else if (c === '-' && followedByWhitespace) blockIndicators = true;
    } else if (c === ':' && followedByWhitespace) blockIndicators = true;
    else if (c === '#' && precededByWhitespace) blockIndicators = true;
    if (c === '\t') tabs = true;
    else if (!isPrintable(c.codePointAt(0)!)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c);
  }
  let blockPlain = true;
  let singleQuoted = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) blockPlain = singleQuoted = false;
  if (spaceBreak || tabs || special) blockPlain = singleQuoted = false;
  if (spaceBreak || special) block = false;
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, singleQuoted, block, length };
}

type State = 'document' | 'seqItem' | 'mapKey' | 'mapValue';

class Emitter {
  out = '';
  /**
   * yaml v3.0.4 (Docker Compose 2.40.3) breaks the line right after a block scalar's header, so
   * a leading empty line of the value is kept; v3.0.1 (Compose 2.26.1) does not.
   */
  constructor(private readonly headerBreak: boolean) {}


  private indent = -1;
  private indents: number[] = [];
  private states: State[] = ['document'];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private flowLevel = 0;
  private simpleKeyContext = false;

  private put(s: string): void {
    this.out += s;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.indention = true;
  }

  private writeAll(s: string): void {
    for (const c of s) this.put(c);
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.writeAll(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) {
      if (this.states[this.states.length - 1] === 'seqItem') this.indent += 2;
      else this.indent = BEST_INDENT * Math.floor((this.indent + BEST_INDENT) / BEST_INDENT);
    }
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  document(root: YNode): string {
    this.node(root, true, false);
    // document end: write_indent (a final line break)
    this.indent = Math.max(this.indent, -1);
    this.writeIndent();
    return this.out;
  }

  private node(n: YNode, root: boolean, simpleKey: boolean): void {
    this.simpleKeyContext = simpleKey;
    void root;
    if (n.t === 'scalar') return this.scalar(n);
    if (n.t === 'seq') {
      if (this.flowLevel > 0 || n.items.length === 0) return this.emptyFlow('[', ']');
      return this.blockSequence(n.items);
    }
    if (this.flowLevel > 0 || n.entries.length === 0) return this.emptyFlow('{', '}');
    return this.blockMapping(n.entries);
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    this.flowLevel--;
    this.popIndent();
    if (this.column === 0) this.writeIndent();
    this.writeIndicator(close, false, false, false);
  }

  private blockSequence(items: YNode[]): void {
    this.increaseIndent(false, false);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.states.push('seqItem');
      this.node(item, false, false);
      this.states.pop();
    }
    this.popIndent();
  }

  private blockMapping(entries: [YNode, YNode][]): void {
    this.increaseIndent(false, false);
    for (const [k, v] of entries) {
      this.writeIndent();
      const simple = this.isSimpleKey(k);
      if (simple) {
        this.states.push('mapValue');
        this.node(k, false, true);
        this.states.pop();
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.states.push('mapValue');
        this.node(k, false, false);
        this.states.pop();
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.states.push('mapKey');
      this.node(v, false, false);
      this.states.pop();
    }
    this.popIndent();
  }

  private isSimpleKey(k: YNode): boolean {
    if (k.t === 'scalar') {
      const a = analyze(k.value);
      return !a.multiline && a.length <= 128;
    }
    if (k.t === 'seq') return k.items.length === 0;
    return k.entries.length === 0;
  }

  private scalar(n: { value: string; style: 'plain' | 'double' | 'literal' }): void {
    const a = analyze(n.value);
    let style: 'plain' | 'single' | 'double' | 'literal' = n.style;
    if (this.simpleKeyContext && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.blockPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = 'single';
      if (n.value.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || this.flowLevel > 0 || this.simpleKeyContext)) style = 'double';
    this.increaseIndent(true, false);
    if (style === 'plain') this.writePlain(n.value);
    else if (style === 'single') this.writeSingle(n.value);
    else if (style === 'double') this.writeDouble(n.value);
    else this.writeLiteral(n.value);
    this.popIndent();
  }

  /** The character loop of plain and single-quoted scalars (`quote`: double each `'`). */
  private writeRun(value: string, quote: boolean): void {
    let breaks = false;
    for (const c of value) {
      if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (quote && c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }

  private writePlain(value: string): void {
    if (value.length > 0 && !this.whitespace) this.put(' ');
    this.writeRun(value, false);
    if (value.length > 0) this.whitespace = false;
    this.indention = false;
  }

  private writeBreak(c: string): void {
    if (c === '\n') this.putBreak();
    else {
      this.out += c;
      this.column = 0;
      this.indention = true;
    }
  }

  private writeSingle(value: string): void {
    this.writeIndicator("'", true, false, false);
    this.writeRun(value, true);
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(value: string): void {
    this.writeIndicator('"', true, false, false);
    const bom = value.startsWith('\ufeff');
    for (const c of value) {
      const cp = c.codePointAt(0)!;
      if (!isPrintable(cp) || bom || isBreak(c) || c === '"' || c === '\\') {
        this.put('\\');
        const simple = ESCAPES[cp];
        if (simple) this.put(simple);
        else {
          const [letter, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(letter);
          this.writeAll(cp.toString(16).toUpperCase().padStart(width, '0'));
        }
      } else this.put(c);
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false);
    // block scalar hints
    if (value.startsWith(' ') || isBreak(value[0] ?? '')) this.writeIndicator(String(BEST_INDENT), false, false, false);
    const chars = [...value];
    let chomp = '';
    if (chars.length === 0 || !isBreak(chars[chars.length - 1])) chomp = '-';
    else if (chars.length === 1 || isBreak(chars[chars.length - 2])) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    if (this.headerBreak) this.putBreak();
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

const ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

/** The YAML document of a node, as `yaml.NewEncoder` + `SetIndent(2)` + `Encode` writes it (`v3_0_1`: Compose 2.26's yaml). */
export function emitYamlDocument(root: YNode, v3_0_1 = false): string {
  return new Emitter(!v3_0_1).document(root);
}

// --- yaml.v3's map key order ------------------------------------------------------------

const isLetter = (c: string) => /^\p{L}$/u.test(c);
const isDigit = (c: string) => /^\p{Nd}$/u.test(c);

/** yaml.v3's `keyList.Less` for string keys: a natural order (digit runs compared as numbers). */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai].charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi].charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

/** Keys in yaml.v3's order (`sort.Sort(keyList)`, not stable: equal keys cannot occur). */
export function yamlSortedKeys(keys: string[]): string[] {
  return [...keys].sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
}
