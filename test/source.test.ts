import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSource, parseSource } from '../src/core/source.js';
import { nodeAt, pairAt, service, serviceAttr, services, topLevel } from '../src/core/query.js';
import { Editor } from '../src/core/edit.js';
import { ComposemodError } from '../src/core/errors.js';

function err(fn: () => unknown): ComposemodError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ComposemodError);
    return e as ComposemodError;
  }
  throw new Error('expected an error');
}

async function errAsync(p: Promise<unknown>): Promise<ComposemodError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ComposemodError);
    return e as ComposemodError;
  }
  throw new Error('expected an error');
}

describe('format detection', () => {
  it('detects LF, 2-space, indented sequences, plain strings', () => {
    const s = parseSource('services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n    user: app\n', 'c.yml');
    expect(s.format).toEqual({ eol: '\n', bom: false, finalNewline: true, indent: 2, seqIndent: true, quote: 'plain', quoteChar: 'double' });
  });

  it('detects CRLF, BOM, no final newline, 4-space, unindented sequences, single quotes', () => {
    const t = "\uFEFFservices:\r\n    web:\r\n        image: 'nginx'\r\n        ports:\r\n        - '80:80'";
    const s = parseSource(t, 'c.yml');
    expect(s.format).toEqual({ eol: '\r\n', bom: true, finalNewline: false, indent: 4, seqIndent: false, quote: 'single', quoteChar: 'single' });
    expect(s.text.startsWith('services:')).toBe(true);
    expect(s.position(s.text.indexOf('image'))).toEqual({ line: 3, col: 9 });
  });

  it('dominant indentation wins over a few odd blocks', () => {
    const t = 'a:\n  b:\n    c: 1\n  d:\n      e: 1\nf:\n  g: 1\n';
    expect(parseSource(t, 'x').format.indent).toBe(2);
  });

  it('quote: double when most strings are double-quoted', () => {
    const s = parseSource('a: "x"\nb: "y"\nc: z\n', 'x');
    expect(s.format.quote).toBe('double');
  });
});

describe('parsing', () => {
  it('loads anchors, merge keys, custom tags, x- keys, multiple documents', () => {
    const t = [
      'x-base: &base',
      '  restart: always',
      'services:',
      '  web:',
      '    <<: *base',
      '    ports: !reset []',
      '    environment: !override',
      '      A: "1"',
      '---',
      'other: 1',
      '',
    ].join('\n');
    const s = parseSource(t, 'c.yml');
    expect(s.docs).toHaveLength(2);
    expect(s.doc).toBe(s.docs[0]);
    expect(s.doc.toJS()).toEqual({
      'x-base': { restart: 'always' },
      services: { web: { restart: 'always', ports: [], environment: { A: '1' } } },
    });
  });

  it('the empty file is a valid source', () => {
    const s = parseSource('', 'empty.yml');
    expect(s.doc.contents).toBeNull();
    expect(s.docs).toHaveLength(1);
    expect(new Editor(s).apply()).toBe('');
    expect(new Editor(s).setIn(['services', 'web', 'image'], 'nginx').apply()).toBe('services:\n  web:\n    image: nginx\n');
    expect(parseSource('# only a comment\n', 'c.yml').doc.contents).toBeNull();
  });

  it('duplicate keys: last wins', () => {
    const s = parseSource('a: 1\na: 2\n', 'x');
    expect(s.doc.toJS()).toEqual({ a: 2 });
    expect(nodeAt(s, ['a'])?.range).toEqual([8, 9]);
  });

  it.each([
    ['services:\n  web:\n    image: x\n   bad: 1\n', 4, 4, /same column/],
    ['services:\n  web:\n    image: "unterminated\n', 4, 1, /Missing closing "quote/],
    ['services:\n\tweb: 1\n', 2, 1, /Tabs/],
    ['a: b: c\n', 1, 4, /Nested mappings/],
    ['a: 1\n---\nb: [1\nc: 2\n', 4, 1, /Flow sequence/],
  ])('syntax error position %#', (text, line, col, message) => {
    const e = err(() => parseSource(text, 'dir/compose.yml'));
    expect(e.file).toBe('dir/compose.yml');
    expect([e.line, e.col]).toEqual([line, col]);
    expect(e.message).toMatch(message);
    expect(e.message).not.toMatch(/\n|at line/);
    expect(e.format()).toMatch(new RegExp(`^dir/compose.yml:${line}:${col}: invalid YAML: `));
  });
});

describe('loadSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'composemod-src-'));

  it('reads a file', async () => {
    const p = join(dir, 'ok.yml');
    writeFileSync(p, '\uFEFFservices: {}\n');
    const s = await loadSource(p);
    expect(s.path).toBe(p);
    expect(s.format.bom).toBe(true);
  });

  it('rejects binary data', async () => {
    const p = join(dir, 'bin.yml');
    writeFileSync(p, Buffer.from([0x61, 0x3a, 0x0a, 0x62, 0x00, 0x01]));
    const e = await errAsync(loadSource(p));
    expect(e.message).toMatch(/binary/);
    expect([e.file, e.line, e.col]).toEqual([p, 2, 2]);
    const q = join(dir, 'latin1.yml');
    writeFileSync(q, Buffer.from('a: caf\xe9\n', 'latin1'));
    expect((await errAsync(loadSource(q))).message).toMatch(/not valid UTF-8/);
  });

  it('missing path and directories name the path', async () => {
    const missing = join(dir, 'nope.yml');
    const e = await errAsync(loadSource(missing));
    expect(e.message).toBe('no such file');
    expect(e.file).toBe(missing);
    expect(e.format()).toBe(`${missing}: no such file`);
    const sub = join(dir, 'sub.yml');
    mkdirSync(sub);
    expect((await errAsync(loadSource(sub))).message).toMatch(/is a directory/);
  });
});

describe('query', () => {
  const t = [
    'x-base: &base',
    '  restart: always',
    '  env: &env',
    '    A: 1',
    'services:',
    '  web:',
    '    <<: *base',
    '    image: nginx',
    '  api:',
    '    environment: *env',
    '  db: {image: postgres}',
    '',
  ].join('\n');
  const s = parseSource(t, 'c.yml');

  it('services / service / serviceAttr / topLevel', () => {
    expect(services(s).map((x) => x.name)).toEqual(['web', 'api', 'db']);
    const web = service(s, 'web')!;
    expect(t.slice(web.range[0], web.range[1])).toBe('web:\n    <<: *base\n    image: nginx\n');
    const image = serviceAttr(s, 'web', 'image')!;
    expect(t.slice(...image.range!)).toBe('nginx');
    expect(image.alias || image.inherited).toBe(false);
    expect(topLevel(s, 'services')?.node).toBe(s.doc.get('services'));
    expect(serviceAttr(s, 'db', 'image')?.parent?.flow).toBe(true);
  });

  it('marks inherited and aliased nodes', () => {
    const restart = serviceAttr(s, 'web', 'restart')!;
    expect(restart.inherited).toBe(true);
    expect(t.slice(...restart.range!)).toBe('always');
    const env = serviceAttr(s, 'api', 'environment')!;
    expect(env.alias).toBe(true);
    expect(env.aliasNode?.source).toBe('env');
    expect(nodeAt(s, ['services', 'api', 'environment', 'A'])?.alias).toBe(true);
    expect(nodeAt(s, ['services', 'nope'])).toBeUndefined();
    const pair = pairAt(s, ['services', 'web', 'image'])!;
    expect(t.slice(...pair.pairRange)).toBe('image: nginx');
  });
});
