/** `extends`: resolved inside each file before the file-level merge. */
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ComposemodError } from '../../src/core/errors.js';
import { toModel } from '../../src/core/model.js';
import { mergeFiles, type MergeOptions } from '../../src/core/merge/index.js';

type Obj = Record<string, unknown>;
const doc = (text: string) => toModel(parseDocument(text, { merge: true }), 'x.yml');
const merge = (texts: string[], opts?: MergeOptions) => mergeFiles(texts.map((t, i) => ({ path: `dir/f${i}.yml`, model: doc(t) })), opts);
const services = (texts: string[], opts?: MergeOptions) => merge(texts, opts).services as Obj;

function error(texts: string[], opts?: MergeOptions): ComposemodError {
  try {
    merge(texts, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ComposemodError);
    return e as ComposemodError;
  }
  throw new Error('expected a ComposemodError');
}

describe('extends in the same file', () => {
  it('inherits, then merges the child with the usual rules', () => {
    const s = services([
      `services:
  base:
    image: app
    environment: {A: 1, B: 2}
    ports: ["80:80"]
    depends_on: {db: {condition: service_healthy}}
  web:
    extends: base
    environment: {B: 3}
    ports: ["81:81"]
  db: {image: pg}`,
    ]);
    expect(s.web).toEqual({
      image: 'app',
      environment: ['A=1', 'B=3'],
      ports: [
        { mode: 'ingress', target: 80, published: '80', protocol: 'tcp' },
        { mode: 'ingress', target: 81, published: '81', protocol: 'tcp' },
      ],
      // canonical form: compose-go adds `required: true` to a long-form depends_on entry
      depends_on: { db: { condition: 'service_healthy', required: true } },
    });
    expect(s.base).toMatchObject({ environment: { A: 1, B: 2 } });
  });
  it('long form {service} and chains', () => {
    const s = services(['services:\n  a: {image: a, user: u}\n  b: {extends: {service: a}, image: b}\n  c: {extends: b, hostname: h}']);
    expect(s.c).toEqual({ image: 'b', user: 'u', hostname: 'h' });
  });
  it('!reset and !override apply to the inherited attributes', () => {
    const s = services([
      'services:\n  base: {image: a, ports: ["80:80"], cap_add: [X], user: root}\n  web:\n    extends: base\n    ports: !reset []\n    cap_add: !override [Y]\n    user: !reset',
    ]);
    expect(s.web).toEqual({ image: 'a', cap_add: ['Y'] });
  });
  it('the child reset paths also apply to the accumulated model of earlier files', () => {
    const s = services(['services: {web: {image: old, ports: ["1:1"]}}', 'services:\n  base: {image: a}\n  web: {extends: base, ports: !reset []}']);
    expect(s.web).toEqual({ image: 'a' });
  });
  it('an override file cannot extend a service that exists only in the base', () => {
    const err = error(['services: {base: {image: a}}', 'services: {web: {extends: base}}']);
    expect(err.file).toBe('dir/f1.yml');
    expect(err.modelPath).toEqual(['services', 'web', 'extends']);
    expect(err.message).toBe('cannot extend service "web" in dir/f1.yml: service "base" not found');
  });
  it('cycles are errors', () => {
    // compose-go's message
    expect(error(['services: {a: {extends: b}, b: {extends: a}}']).message).toBe(
      'Circular reference:\n  a in dir/f0.yml\n  extends b in dir/f0.yml\n  extends a in dir/f0.yml',
    );
    expect(error(['services: {a: {extends: a}}']).message).toMatch(/^Circular reference:/);
  });
  it('extends without a service name is an error', () => {
    expect(error(['services: {a: {extends: {file: x.yml}}}']).message).toBe('extends.a.service is required');
  });
});

describe('extends from another file', () => {
  const other: Record<string, string> = {
    'dir/common.yml': 'services:\n  base: {image: common, environment: [A=1]}\n  deep: {extends: {file: sub/more.yml, service: m}, user: u}',
    'dir/sub/more.yml': 'services:\n  m: {image: more, cap_add: [X]}',
    'dir/loop.yml': 'services:\n  l: {extends: {file: f0.yml, service: web}}',
    'dir/f0.yml': 'services:\n  web: {extends: {file: loop.yml, service: l}}',
  };
  const calls: string[][] = [];
  const opts: MergeOptions = {
    resolveExtendsFile: (file, from) => {
      calls.push([file, from]);
      const key = `${from.split('/').slice(0, -1).join('/')}/${file}`;
      if (!(key in other)) throw new ComposemodError(`no such file ${file}`, { file: from });
      return doc(other[key]);
    },
  };
  it('loads the service through the callback and merges the child onto it', () => {
    const s = services(['services:\n  web: {extends: {file: common.yml, service: base}, environment: [B=2]}'], opts);
    expect(s.web).toEqual({ image: 'common', environment: ['A=1', 'B=2'] });
    expect(calls[0]).toEqual(['common.yml', 'dir/f0.yml']);
  });
  it('resolves nested file extends relative to the extended file', () => {
    const s = services(['services:\n  web: {extends: {file: common.yml, service: deep}}'], opts);
    expect(s.web).toEqual({ image: 'more', cap_add: ['X'], user: 'u' });
    expect(calls).toContainEqual(['sub/more.yml', 'dir/common.yml']);
  });
  it('a missing service in the other file is an error', () => {
    expect(error(['services:\n  web: {extends: {file: common.yml, service: nope}}'], opts).message).toMatch(/service "nope" not found in common.yml/);
  });
  it('a cycle across files is an error', () => {
    expect(error(['services:\n  web: {extends: {file: loop.yml, service: l}}'], opts).message).toMatch(/^Circular reference:/);
  });
  it('errors of the callback propagate; no callback is an error', () => {
    // an error about the other file itself is reported at the extending service's `extends`
    const missing = error(['services:\n  web: {extends: {file: missing.yml, service: a}}'], opts);
    expect(missing.message).toBe('extends.file "missing.yml": dir/f0.yml: no such file missing.yml');
    expect(missing.modelPath).toEqual(['services', 'web', 'extends']);
    expect(error(['services:\n  web: {extends: {file: common.yml, service: base}}']).message).toMatch(/no file loader/);
  });
});
