/**
 * A JSON reader that keeps ranges, with the JSONC extensions devcontainer.json allows
 * (`//` and `/* *\/` comments, trailing commas). Throws a SyntaxError with the offset on bad input.
 */

export type JsonNode =
  | { type: 'object'; start: number; end: number; entries: { key: string; keyStart: number; value: JsonNode }[] }
  | { type: 'array'; start: number; end: number; items: JsonNode[] }
  | { type: 'string'; start: number; end: number; value: string }
  | { type: 'literal'; start: number; end: number; value: number | boolean | null };

export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonc(text: string): JsonNode {
  let i = 0;
  const n = text.length;
  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, i);
  };
  const ws = (): void => {
    for (;;) {
      while (i < n && /[\s\uFEFF]/.test(text[i])) i++;
      if (text.startsWith('//', i)) {
        const e = text.indexOf('\n', i);
        i = e < 0 ? n : e;
      } else if (text.startsWith('/*', i)) {
        const e = text.indexOf('*/', i + 2);
        if (e < 0) fail('unterminated comment');
        i = e + 2;
      } else return;
    }
  };
  const str = (): { value: string; start: number; end: number } => {
    const start = i;
    i++;
    let value = '';
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\') {
        const c = text[i + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (c === 'u') {
          value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (c in map) {
          value += map[c];
          i += 2;
        } else fail('bad escape');
      } else if (text[i] === '\n') fail('newline in string');
      else value += text[i++];
    }
    if (i >= n) fail('unterminated string');
    i++;
    return { value, start, end: i };
  };
  const value = (): JsonNode => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: { key: string; keyStart: number; value: JsonNode }[] = [];
      for (;;) {
        ws();
        if (text[i] === '}') break;
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        entries.push({ key: k.value, keyStart: k.start, value: value() });
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail('expected "," or "}"');
      }
      i++;
      return { type: 'object', start, end: i, entries };
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      for (;;) {
        ws();
        if (text[i] === ']') break;
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail('expected "," or "]"');
      }
      i++;
      return { type: 'array', start, end: i, items };
    }
    if (c === '"') return { type: 'string', ...str() };
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!m) fail('unexpected character');
    i += m![0].length;
    return { type: 'literal', start, end: i, value: JSON.parse(m![0]) as number | boolean | null };
  };
  const root = value();
  ws();
  if (i < n) fail('unexpected text after the value');
  return root;
}

export function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node?.type !== 'object') return undefined;
  let found: JsonNode | undefined;
  for (const e of node.entries) if (e.key === key) found = e.value;
  return found;
}

/** JSON string literal text (no escapes beyond what JSON needs). */
export function jsonString(s: string): string {
  return JSON.stringify(s);
}
