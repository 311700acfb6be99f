import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { ComposemodError } from '../src/core/errors.js';
import { RESET, Override, GoTime, assertComposeFile, isOverride, isReset, resolvePlain, toModel } from '../src/core/model.js';

const y = (text: string, file = 'compose.yml') => toModel(parseDocument(text, { merge: true, uniqueKeys: false }), file);

function thrown(f: () => unknown): ComposemodError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ComposemodError);
    return e as ComposemodError;
  }
  throw new Error('expected a ComposemodError');
}

describe('toModel: scalars resolve like go-yaml v3 (compose-go)', () => {
  it('a leading 0 is octal (0755 -> 493), as compose reads secret/config modes', () => {
    expect(y('mode: 0755')).toEqual({ mode: 493 });
    expect(y('mode: 0440')).toEqual({ mode: 288 });
    expect(y('a: 0o755\nb: 0x1F\nc: 0b101\nd: 0\ne: -010')).toEqual({ a: 493, b: 31, c: 5, d: 0, e: -8 });
  });
  it('underscores are dropped from numbers; 09 is a float 9', () => {
    expect(y('a: 1_000\nb: 09\nc: 1.5\nd: 1e3\ne: .5')).toEqual({ a: 1000, b: 9, c: 1.5, d: 1000, e: 0.5 });
  });
  it('YAML 1.1 booleans and timestamps stay strings; 1.2 core booleans and nulls resolve', () => {
    expect(y('a: yes\nb: on\nc: 2001-12-14\nd: true\ne: False\nf: ~\ng:\nh: NULL')).toEqual({
      a: 'yes',
      b: 'on',
      c: '2001-12-14',
      d: true,
      e: false,
      f: null,
      g: null,
      h: null,
    });
  });
  it('infinities and NaN', () => {
    const m = y('a: .inf\nb: -.Inf\nc: .nan') as Record<string, number>;
    expect(m.a).toBe(Infinity);
    expect(m.b).toBe(-Infinity);
    expect(Number.isNaN(m.c)).toBe(true);
  });
  it('quoted, block and explicitly tagged scalars', () => {
    expect(y('a: "0755"\nb: \'true\'\nc: |\n  x\nd: !!str 12\ne: !!int "12"\nf: 80:80')).toEqual({
      a: '0755',
      b: 'true',
      c: 'x\n',
      d: '12',
      e: 12,
      f: '80:80',
    });
    expect(resolvePlain('+12')).toBe(12);
    expect(resolvePlain('1.2.3')).toBe('1.2.3');
    expect(resolvePlain('-')).toBe('-');
  });
  it('non-string keys are stringified like fmt.Sprint', () => {
    expect(y('80: a\ntrue: b\n1.5: c\n0755: d\n~: e')).toEqual({ '80': 'a', true: 'b', '1.5': 'c', '493': 'd', '<nil>': 'e' });
  });
  it('a duplicated key: the last one wins (as source.ts parses)', () => {
    expect(y('a: 1\na: 2')).toEqual({ a: 2 });
  });
  it('rejects __proto__ keys and non-scalar keys', () => {
    expect(thrown(() => y('__proto__: {a: 1}')).message).toMatch(/__proto__/);
    expect(thrown(() => y('? [a]\n: 1')).message).toMatch(/must be a scalar/);
  });
});

describe('toModel({compose: true}): YAML as Docker Compose reads it (go-yaml v3)', () => {
  const c = (text: string) => {
    const lc = new LineCounter();
    const doc = parseDocument(text, { merge: true, uniqueKeys: false, keepSourceTokens: true, lineCounter: lc });
    return toModel(doc, 'c.yml', { compose: true, text, position: (o) => lc.linePos(o) });
  };
  it('a duplicated key is an error naming both lines', () => {
    const err = thrown(() => c('services:\n  web:\n    image: a\n    image: b\n'));
    expect(err.message).toBe('mapping key "image" already defined at line 3');
    expect([err.line, err.col]).toEqual([4, 5]);
  });
  it('integers beyond 2^53 keep their digits; beyond uint64 they are floats', () => {
    const m = c('a: 12345678901234567890\nb: 12345678901234567891\nc: -9223372036854775808\nd: 99999999999999999999') as Record<string, unknown>;
    expect(m.a).toBe(12345678901234567890n);
    expect(m.b).toBe(12345678901234567891n);
    expect(m.c).toBe(-9223372036854775808n);
    expect(m.d).toBe(1e20);
  });
  it('plain timestamps are GoTime values (quoted ones stay strings)', () => {
    const m = c('a: 2024-01-15\nb: "2024-01-15"\nc: 2001-12-14t21:59:43.10-05:00\nd: 2024-13-01') as Record<string, unknown>;
    expect(m.a).toEqual(new GoTime('2024-01-15', '2024-01-15T00:00:00Z', '2024-01-15 00:00:00 +0000 UTC'));
    expect(m.b).toBe('2024-01-15');
    expect((m.c as GoTime).rfc3339).toBe('2001-12-14T21:59:43.1-05:00');
    expect(m.d).toBe('2024-13-01');
  });
  it('non-string keys are errors', () => {
    expect(thrown(() => c('1: a')).message).toMatch(/non-string key/);
  });
  it('`key:` right before , } or ] in a flow collection is the string "key:"', () => {
    expect(c('v: {a: 1, b:}\nw: [x:, y]\nz: {c: d, e: }')).toEqual({ v: { a: 1, 'b:': null }, w: ['x:', 'y'], z: { c: 'd', e: null } });
  });
});

describe('toModel: anchors, aliases and merge keys', () => {
  it('resolves aliases as independent copies', () => {
    const m = y('x: &a {k: [1]}\ny: *a') as Record<string, { k: number[] }>;
    expect(m.y).toEqual({ k: [1] });
    expect(m.y).not.toBe(m.x);
  });
  it('<< is shallow and explicit keys win wherever they are written', () => {
    const m = y('b: &b {image: a, environment: {A: 1}}\ns:\n  image: mine\n  <<: *b\n  environment: {B: 2}');
    expect((m as Record<string, unknown>).s).toEqual({ image: 'mine', environment: { B: 2 } });
  });
  it('<< with a list: the earlier source wins', () => {
    const m = y('a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]') as Record<string, unknown>;
    expect(m.c).toEqual({ x: 1, y: 1, z: 2 });
  });
  it('works on documents parsed without the merge option', () => {
    const m = toModel(parseDocument('a: &a {x: 1}\nb: {<<: *a, y: 2}'), 'f.yml') as Record<string, unknown>;
    expect(m.b).toEqual({ x: 1, y: 2 });
  });
  it('a quoted "<<" is an ordinary key', () => {
    expect(y('"<<": 1')).toEqual({ '<<': 1 });
  });
  it('a YAML bomb is a ComposemodError naming the file', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const doc = parseDocument(lines.join('\n'), { merge: true });
    const err = thrown(() => toModel(doc, 'bomb.yml'));
    expect(err.file).toBe('bomb.yml');
    expect(err.message).toMatch(/alias/);
  });
  it('the alias cap is configurable', () => {
    const doc = parseDocument('a: &a [1, 2, 3]\nb: [*a, *a]');
    expect(() => toModel(doc, 'f.yml', { maxAliasNodes: 4 })).toThrow(ComposemodError);
    expect(toModel(doc, 'f.yml', { maxAliasNodes: 8 })).toEqual({ a: [1, 2, 3], b: [[1, 2, 3], [1, 2, 3]] });
  });
  it('YAML errors become ComposemodErrors with a location', () => {
    const lc = new LineCounter();
    const doc = parseDocument('a: [1\nb: 2', { lineCounter: lc, prettyErrors: true });
    const err = thrown(() => toModel(doc, 'bad.yml'));
    expect(err.file).toBe('bad.yml');
    expect(err.line).toBeGreaterThan(0);
  });
});

describe('toModel: !reset and !override', () => {
  it('!reset is the RESET sentinel whatever its value', () => {
    const m = y('a: !reset null\nb: !reset []\nc: !reset {}\nd: !reset ""\ne: !reset') as Record<string, unknown>;
    for (const k of ['a', 'b', 'c', 'd', 'e']) expect(isReset(m[k])).toBe(true);
    expect(m.a).toBe(RESET);
  });
  it('!override wraps scalars (as text), maps and sequences', () => {
    const m = y('a: !override 0755\nb: !override {x: 1}\nc: !override [1, "2"]\nd: !override true') as Record<string, unknown>;
    expect(m.a).toEqual(new Override('0755'));
    expect(m.d).toEqual(new Override('true'));
    expect(isOverride(m.b) && m.b.value).toEqual({ x: 1 });
    expect(isOverride(m.c) && m.c.value).toEqual([1, '2']);
  });
  it('tags inside an !override value are not interpreted', () => {
    const m = y('a: !override {x: !reset 1, y: [!override 2]}') as Record<string, Override>;
    expect(m.a.value).toEqual({ x: '1', y: ['2'] });
  });
  it('sequence items can be tagged', () => {
    const m = y('p: [!reset "9090:90", "80:80", !override "1:1"]') as Record<string, unknown[]>;
    expect(m.p[0]).toBe(RESET);
    expect(m.p[1]).toBe('80:80');
    expect(m.p[2]).toEqual(new Override('1:1'));
  });
  it('a tag on an anchored node applies at every alias', () => {
    const m = y('x-r: &r !reset []\ns:\n  ports: *r\nt:\n  ports: *r') as Record<string, Record<string, unknown>>;
    expect(m.s.ports).toBe(RESET);
    expect(m.t.ports).toBe(RESET);
    const o = y('x-o: &o !override [1]\ns: {ports: *o}') as Record<string, Record<string, unknown>>;
    expect(o.s.ports).toEqual(new Override([1]));
  });
  it('tags reach merged keys through <<', () => {
    const m = y('x: &x {ports: !reset []}\ns: {<<: *x, image: a}') as Record<string, Record<string, unknown>>;
    expect(m.s.ports).toBe(RESET);
  });
  it('accepts a parsed source object (doc + path)', () => {
    expect(toModel({ doc: parseDocument('a: 1'), path: 'p.yml' })).toEqual({ a: 1 });
  });
});

describe('assertComposeFile', () => {
  const reject = (model: unknown) => thrown(() => assertComposeFile(model, 'c.yml'));
  it('accepts compose files, including null and !reset services', () => {
    expect(() => assertComposeFile(y('services:\n  web:\n  db: !reset\n  x: {image: a}\nx-foo: 1'), 'c.yml')).not.toThrow();
    expect(() => assertComposeFile(y('version: "3"'), 'c.yml')).not.toThrow();
  });
  it('rejects a sequence, a scalar and an empty document', () => {
    expect(reject(y('- a\n- b')).message).toBe('not a compose file: top level is a sequence');
    expect(reject(y('hello')).message).toMatch(/top level is a string/);
    expect(reject(y('')).message).toMatch(/empty/);
  });
  it('rejects a file without compose keys', () => {
    expect(reject(y('x-only: 1')).message).toMatch(/no services/);
    expect(reject({}).message).toMatch(/no services/);
  });
  it('rejects an unknown top-level key with a suggestion and location', () => {
    const text = 'services: {}\nservice:\n  web: {}\n';
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc });
    const err = thrown(() =>
      assertComposeFile(toModel(doc, 'c.yml'), {
        path: 'c.yml',
        doc,
        position: (o) => lc.linePos(o),
      }),
    );
    expect(err.message).toBe('unknown top-level key "service" (did you mean "services"?)');
    expect(err.line).toBe(2);
    expect(err.col).toBe(1);
    expect(err.modelPath).toEqual(['service']);
  });
  it('uses the locate callback', () => {
    const err = thrown(() => assertComposeFile({ services: [] }, 'c.yml', (p) => (p[0] === 'services' ? { line: 7, col: 3 } : undefined)));
    expect(err.message).toMatch(/"services" must be a mapping/);
    expect([err.line, err.col]).toEqual([7, 3]);
  });
  it('rejects a service that is not a mapping', () => {
    expect(reject({ services: { web: 'nginx' } }).message).toBe('service "web" must be a mapping, got a string (nginx)');
    expect(reject({ services: { web: [1] } }).modelPath).toEqual(['services', 'web']);
  });
});
