import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../src/core/source.js';
import { Editor, applyEdits, nodeText, reindent } from '../src/core/edit.js';
import type { Path } from '../src/core/query.js';
import { emitYaml } from '../src/core/emit.js';
import { ComposemodError } from '../src/core/errors.js';

type Op =
  | { op: 'replaceScalar'; path: Path; value: unknown }
  | { op: 'deletePair'; path: Path }
  | { op: 'deleteItem'; path: Path }
  | { op: 'insertPair'; path: Path; key: string; value: unknown; before?: string; after?: string }
  | { op: 'appendItem'; path: Path; value: unknown }
  | { op: 'setIn'; path: Path; value: unknown }
  | { op: 'renameKey'; path: Path; key: string };

export function runOps(editor: Editor, ops: Op[]): Editor {
  for (const o of ops) {
    switch (o.op) {
      case 'replaceScalar':
        editor.replaceScalar(o.path, o.value);
        break;
      case 'deletePair':
        editor.deletePair(o.path);
        break;
      case 'deleteItem':
        editor.deleteItem(o.path);
        break;
      case 'insertPair':
        editor.insertPair(o.path, o.key, o.value, { before: o.before, after: o.after });
        break;
      case 'appendItem':
        editor.appendItem(o.path, o.value);
        break;
      case 'setIn':
        editor.setIn(o.path, o.value);
        break;
      case 'renameKey':
        editor.renameKey(o.path, o.key);
        break;
    }
  }
  return editor;
}

const root = fileURLToPath(new URL('../fixtures/edit/', import.meta.url));
const cases = existsSync(root) ? readdirSync(root).filter((d) => !d.startsWith('.')).sort() : [];

function pick(dir: string, base: string): string {
  for (const ext of ['.yml', '.yaml']) if (existsSync(join(dir, base + ext))) return join(dir, base + ext);
  throw new Error(`${dir}: no ${base}.yml`);
}

describe('fixtures/edit', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(20));
  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      const inputPath = pick(dir, 'input');
      const input = readFileSync(inputPath);
      const ops = JSON.parse(readFileSync(join(dir, 'ops.json'), 'utf8')) as Op[];
      const src = parseSource(input.toString('utf8'), inputPath);
      const out = runOps(new Editor(src), ops).apply();
      const expected = readFileSync(pick(dir, 'output'));
      expect(out).toBe(expected.toString('utf8'));
      expect(Buffer.from(out, 'utf8').equals(expected)).toBe(true);
    });
  }
});

describe('Editor', () => {
  const src = (t: string) => parseSource(t, 'compose.yml');

  it('no ops: identical text', () => {
    const t = "\uFEFFservices:\r\n  web:\r\n    image: 'x'   # c\r\n";
    expect(new Editor(src(t)).apply()).toBe(t);
    expect(new Editor(src(t)).edits()).toEqual([]);
  });

  it('refuses to edit through an alias or an inherited key', () => {
    const t = 'x-base: &base\n  image: a\n  env:\n    A: 1\nservices:\n  web:\n    <<: *base\n    ports: [80]\n  api:\n    env: *base\n';
    const e = new Editor(src(t));
    expect(() => e.replaceScalar(['services', 'web', 'image'], 'b')).toThrow(/merge key/);
    expect(() => e.deletePair(['services', 'api', 'env', 'image'])).toThrow(/alias/);
    try {
      e.deletePair(['services', 'web', 'env']);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ComposemodError);
      expect((err as ComposemodError).line).toBe(3);
    }
  });

  it('setIn on an inherited key adds a physical override', () => {
    const t = 'x-base: &base\n  image: a\nservices:\n  web:\n    <<: *base\n    ports: [80]\n';
    const out = new Editor(src(t)).setIn(['services', 'web', 'image'], 'b').apply();
    expect(out).toBe('x-base: &base\n  image: a\nservices:\n  web:\n    <<: *base\n    ports: [80]\n    image: b\n');
  });

  it('refuses to edit an anchored node that is aliased elsewhere', () => {
    const t = 'x-env: &env\n  A: "1"\nservices:\n  web:\n    environment: *env\n';
    expect(() => new Editor(src(t)).replaceScalar(['x-env', 'A'], '2')).toThrow(/anchored node &env, which is aliased at line 5/);
    expect(() => new Editor(src(t)).deletePair(['x-env'])).toThrow(/aliased/);
  });

  it('deletes alias entries, then an anchored node once every alias of it is deleted', () => {
    const t = 'x-l: &l\n  driver: json\n\nservices:\n  a:\n    image: a\n    logging: *l\n  b:\n    image: b\n    logging: *l\n    dns:\n      - *l\n';
    const s = src(t);
    // an alias still in use: refused, even after some aliases are deleted
    expect(() => new Editor(s).deletePair(['x-l'])).toThrow(/aliased at line 7.*delete every alias first/);
    expect(() => new Editor(s).deletePair(['services', 'a', 'logging']).deletePair(['x-l'])).toThrow(/aliased at line 10/);
    // inside an alias: still refused
    expect(() => new Editor(s).deletePair(['services', 'b', 'logging', 'driver'])).toThrow(/alias/);
    const out = new Editor(s)
      .deletePair(['services', 'a', 'logging'])
      .deleteItem(['services', 'b', 'dns', 0])
      .deletePair(['services', 'b', 'logging'])
      .deletePair(['x-l'])
      .apply();
    expect(out).toBe('services:\n  a:\n    image: a\n  b:\n    image: b\n    dns: []\n');
    // aliases inside a deleted entry count as deleted
    expect(new Editor(s).deletePair(['services', 'a', 'logging']).deletePair(['services', 'b']).deletePair(['x-l']).apply()).toBe(
      'services:\n  a:\n    image: a\n',
    );
    // an entry defining an anchor used elsewhere
    const t2 = 'services:\n  a:\n    environment: &e\n      A: "1"\n  b:\n    environment: *e\n';
    expect(() => new Editor(src(t2)).deletePair(['services', 'a'])).toThrow(/aliased|used elsewhere/);
    expect(new Editor(src(t2)).deletePair(['services', 'b', 'environment']).deletePair(['services', 'a']).apply()).toBe('services:\n  b: {}\n');
  });

  it('removes blank lines left at the end of the document', () => {
    const t = 'services:\n  a:\n    image: a\n\n  # B\n  b:\n    image: b\n\nvolumes:\n  data:\n';
    expect(new Editor(src(t)).deletePair(['services', 'b']).deletePair(['volumes']).apply()).toBe('services:\n  a:\n    image: a\n');
    // blank lines the original already ended with stay
    const t2 = 'services:\n  a:\n    image: a\n  b:\n    image: b\n\n';
    expect(new Editor(src(t2)).deletePair(['services', 'a']).apply()).toBe('services:\n  b:\n    image: b\n\n');
  });

  it('setTag and tagged inserts (`!reset` / `!override`)', () => {
    const t = 'services:\n  a:\n    ports: # p\n      - "80:80"\n    restart: always\n    x: {k: 1}\n';
    const out = new Editor(src(t))
      .setTag(['services', 'a', 'ports'], '!override')
      .insertPair(['services', 'a'], 'dns', [], { tag: '!reset' })
      .insertPair(['services', 'a', 'x'], 'j', null, { tag: '!reset' })
      .insertPair(['services'], 'b', {}, { tag: '!reset' })
      .apply();
    expect(out).toBe(
      'services:\n  a:\n    ports: !override # p\n      - "80:80"\n    restart: always\n    x: {k: 1, j: !reset null}\n    dns: !reset []\n  b: !reset {}\n',
    );
    expect(() => new Editor(src(t)).setTag(['services', 'a', 'ports'], 'override')).toThrow(/invalid tag/);
    expect(() => new Editor(src(t)).insertPair(['services', 'a'], 'dns', ['1'], { tag: '!reset' })).toThrow(/scalar or empty/);
    const tagged = 'services:\n  a:\n    ports: !override\n      - "80:80"\n';
    expect(() => new Editor(src(tagged)).setTag(['services', 'a', 'ports'], '!override')).toThrow(/already has a tag/);
    // every other entry deleted, the tagged one inserted: no `{}` left behind
    expect(new Editor(src(t)).deletePair(['services', 'a', 'ports']).deletePair(['services', 'a', 'restart']).deletePair(['services', 'a', 'x'])
      .insertPair(['services', 'a'], 'image', null, { tag: '!reset' })
      .apply()).toBe('services:\n  a:\n    image: !reset null\n');
  });

  it('rejects overlapping edits', () => {
    const t = 'services:\n  web:\n    image: a\n';
    const e = new Editor(src(t)).replaceScalar(['services', 'web', 'image'], 'b').deletePair(['services', 'web']);
    expect(() => e.apply()).toThrow(/already deleted|overlapping/);
    const e2 = new Editor(src(t)).deletePair(['services', 'web']);
    expect(() => e2.replaceScalar(['services', 'web', 'image'], 'b')).toThrow(/already deleted/);
  });

  it('errors on missing paths and existing keys', () => {
    const t = 'services:\n  web:\n    image: a\n';
    expect(() => new Editor(src(t)).deletePair(['services', 'db'])).toThrow(/no such entry/);
    expect(() => new Editor(src(t)).insertPair(['services', 'web'], 'image', 'b')).toThrow(/already exists/);
  });

  it('composes several setIn calls under one new section', () => {
    const t = 'services:\n  db:\n    image: postgres\n';
    const out = new Editor(src(t))
      .setIn(['volumes', 'db_data'], null)
      .setIn(['volumes', 'cache'], null)
      .setIn(['services', 'db', 'volumes'], ['db_data:/var/lib/postgresql/data'])
      .apply();
    expect(out).toBe(
      'services:\n  db:\n    image: postgres\n    volumes:\n      - db_data:/var/lib/postgresql/data\nvolumes:\n  db_data:\n  cache:\n',
    );
  });

  it('applyEdits sorts and rejects overlaps', () => {
    expect(applyEdits('abcdef', [{ start: 4, end: 5, text: 'X' }, { start: 0, end: 1, text: '' }, { start: 2, end: 2, text: '-' }])).toBe('b-cdXf');
    expect(() => applyEdits('abcdef', [{ start: 0, end: 3, text: '' }, { start: 2, end: 4, text: '' }])).toThrow(/overlapping/);
  });
});

describe('nodeText / reindent', () => {
  const t = [
    'services:',
    '  web:',
    '    # the web app',
    '    environment:   # env',
    '      A: "1"',
    '      B: |',
    '        multi',
    '          line',
    '    image: x',
    '  jobs:',
    '    - name: a',
    '      cmd: [x]',
    '',
  ].join('\n');
  const s = parseSource(t, 'c.yml');

  it('returns a pair with its comments', () => {
    expect(nodeText(s, ['services', 'web', 'environment'])).toBe(
      '    # the web app\n    environment:   # env\n      A: "1"\n      B: |\n        multi\n          line\n',
    );
    expect(nodeText(s, ['services', 'web', 'environment'], { withComments: false })).toBe(
      '    environment:   # env\n      A: "1"\n      B: |\n        multi\n          line\n',
    );
    expect(nodeText(s, ['services', 'jobs', 0, 'name'])).toBe('      name: a\n');
  });

  it('reindents keeping inner formatting', () => {
    const text = nodeText(s, ['services', 'web', 'environment']);
    expect(reindent(text, 4, 2)).toBe('  # the web app\n  environment:   # env\n    A: "1"\n    B: |\n      multi\n        line\n');
    expect(reindent('a:\n\n  b: 1\n', 0, 4)).toBe('    a:\n\n      b: 1\n');
  });
});

describe('emitYaml', () => {
  const fmt = parseSource('a: 1\n', 'x').format;
  it('keeps risky strings strings', () => {
    const v = { p: ['8080:80', 'yes', '0755', '1.0', '${VAR}', 'a: b', 'x #y', 'no', '~', '', '2001-12-14', '1e3', 'on'] };
    const out = emitYaml(v, fmt);
    expect(parseSource(out, 'x').doc.toJS()).toEqual(v);
    expect(out).toContain('- ${VAR}\n');
    expect(out).toContain('- "8080:80"\n');
  });
  it('renders in the given style', () => {
    const f4 = { ...fmt, indent: 4, seqIndent: false, eol: '\r\n' as const, quote: 'single' as const, quoteChar: 'single' as const };
    expect(emitYaml({ a: { b: ['x', { c: 1, d: 'it\'s' }] }, e: null, f: 'l1\nl2\n' }, f4)).toBe(
      "a:\r\n    b:\r\n    - 'x'\r\n    - c: 1\r\n      d: 'it''s'\r\n'e':\r\nf: |\r\n    l1\r\n    l2\r\n".replace("'e':", 'e:'),
    );
  });
});
