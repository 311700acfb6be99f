/** `!reset` and `!override` (rules doc §3), through toModel + mergeFiles. */
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { toModel } from '../../src/core/model.js';
import { canonicalize, mergeFiles } from '../../src/core/merge/index.js';
import { applyResetPaths, extractMarkers } from '../../src/core/merge/reset.js';
import { RESET, Override } from '../../src/core/merge/sentinels.js';

type Obj = Record<string, unknown>;
const doc = (text: string) => toModel(parseDocument(text, { merge: true }), 'x.yml');
const merge = (...texts: string[]) => mergeFiles(texts.map((t, i) => ({ path: `f${i}.yml`, model: doc(t) })));
const svc = (m: Obj, name = 'web') => (m.services as Obj)[name] as Obj;

describe('!reset', () => {
  it('scalar: the key is removed', () => {
    expect(svc(merge('services: {web: {image: a, user: root}}', 'services: {web: {user: !reset null}}'))).toEqual({ image: 'a' });
  });
  it('sequence attribute: the whole attribute is removed (absent, not [])', () => {
    const m = svc(merge('services: {web: {image: a, ports: ["80:80"]}}', 'services: {web: {ports: !reset []}}'));
    expect(m).toEqual({ image: 'a' });
  });
  it('mapping attribute: removed; its value is ignored', () => {
    expect(svc(merge('services: {web: {image: a, environment: {A: 1}}}', 'services: {web: {environment: !reset {B: 2}}}'))).toEqual({ image: 'a' });
  });
  it('key inside a map-form parent: removes that key', () => {
    const m = merge(
      'services:\n  web:\n    environment: {A: 1, B: 2}\n    networks: [front, back]\n    depends_on: [db]\n    deploy: {resources: {limits: {cpus: "1", memory: 1G}}}\nvolumes: {data: {}, logs: {}}',
      'services:\n  web:\n    environment: {A: !reset}\n    networks: {back: !reset}\n    depends_on: {db: !reset}\n    deploy: {resources: {limits: {cpus: !reset}}}\nvolumes: {data: !reset}',
    );
    // The override still holds an (emptied) environment map, so the key-merge turns the base into a list.
    expect(svc(m)).toEqual({
      environment: ['B=2'],
      networks: { front: null },
      depends_on: {},
      deploy: { resources: { limits: { memory: '1G' } } },
    });
    expect(m.volumes).toEqual({ logs: {} });
  });
  it('key inside a list-form parent: silent no-op', () => {
    expect(svc(merge('services: {web: {environment: [A=1, B=2]}}', 'services: {web: {environment: {A: !reset}}}')).environment).toEqual(['A=1', 'B=2']);
  });
  it('after an earlier override merged a key-merge map into a list, a per-key reset is a no-op', () => {
    const m = merge('services: {web: {labels: {a: 1, b: 2}}}', 'services: {web: {labels: {c: 3}}}', 'services: {web: {labels: {a: !reset}}}');
    expect(svc(m).labels).toEqual(['a=1', 'b=2', 'c=3']);
  });
  it('sequence item: no effect on the base, dropped from the override', () => {
    expect(svc(merge('services: {web: {ports: ["9090:90"]}}', 'services: {web: {ports: [!reset "9090:90", "80:80"]}}')).ports).toEqual([
      { mode: 'ingress', target: 90, published: '9090', protocol: 'tcp' },
      { mode: 'ingress', target: 80, published: '80', protocol: 'tcp' },
    ]);
  });
  it('whole service or top-level resource: removed', () => {
    const m = merge('services: {web: {image: a}, db: {image: b}}\nnetworks: {n: {}}', 'services: {db: !reset}\nnetworks: {n: !reset}');
    expect(m.services).toEqual({ web: { image: 'a' } });
    expect(m.networks).toEqual({});
  });
  it('key absent in the base: no-op; in the first file it means absent', () => {
    expect(svc(merge('services: {web: {image: a}}', 'services: {web: {user: !reset}}'))).toEqual({ image: 'a' });
    expect(svc(merge('services: {web: {image: a, user: !reset x}}'))).toEqual({ image: 'a' });
  });
  it('a reset key can be set again by a later file', () => {
    expect(svc(merge('services: {web: {image: a}}', 'services: {web: {image: !reset}}', 'services: {web: {image: c}}'))).toEqual({ image: 'c' });
  });
  it('through an anchor, the tag applies at every alias', () => {
    const m = merge('services: {a: {ports: ["1:1"]}, b: {ports: ["2:2"]}}', 'x-r: &r !reset []\nservices: {a: {ports: *r}, b: {ports: *r}}');
    expect(m.services).toEqual({ a: {}, b: {} });
  });
});

describe('!override', () => {
  it('sequence: replaces the base list, then is de-duplicated within itself', () => {
    expect(svc(merge('services: {web: {ports: ["80:80", "443:443"]}}', 'services: {web: {ports: !override ["8080:80", "8080:80/tcp"]}}')).ports).toEqual([
      { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
    ]);
  });
  it('mapping: replaces the base map, bypassing the special merger (a map stays a map)', () => {
    expect(svc(merge('services: {web: {environment: {A: 1, B: 2}}}', 'services: {web: {environment: !override {C: 3}}}')).environment).toEqual({ C: 3 });
  });
  it('siblings without the tag merge normally', () => {
    expect(svc(merge('services: {web: {environment: {A: 1}, labels: {a: 1}}}', 'services: {web: {environment: !override {C: 3}, labels: {b: 2}}}'))).toEqual({
      environment: { C: 3 },
      labels: ['a=1', 'b=2'],
    });
  });
  it('key inside a mapping: replaces that one value (no deep merge)', () => {
    const m = merge('services: {web: {logging: {driver: x, options: {a: 1, b: 2}}}}', 'services: {web: {logging: {options: !override {c: 3}}}}');
    expect(svc(m).logging).toEqual({ driver: 'x', options: { c: 3 } });
  });
  it('scalar: replaces, as a string', () => {
    expect(svc(merge('services: {web: {init: true}}', 'services: {web: {init: !override false}}')).init).toBe('false');
  });
  it('sequence item: appended normally', () => {
    expect(svc(merge('services: {web: {cap_add: [A]}}', 'services: {web: {cap_add: [!override B]}}')).cap_add).toEqual(['A', 'B']);
  });
  it('whole service: definition replaced', () => {
    expect(svc(merge('services: {web: {image: a, ports: ["80"]}}', 'services: {web: !override {image: b}}'))).toEqual({ image: 'b' });
  });
  it('short forms in the override value are canonicalized on their own', () => {
    expect(svc(merge('services: {web: {depends_on: {db: {condition: service_healthy}}}}', 'services: {web: {depends_on: !override [cache]}}')).depends_on).toEqual({
      cache: { condition: 'service_started', required: true },
    });
  });
  it('lets an override switch a logging driver, a secret source or a volume to external', () => {
    const m = merge(
      'secrets: {s: {file: ./s}}\nvolumes: {v: {driver: local}}',
      'secrets: {s: !override {environment: S}}\nvolumes: {v: !override {external: true}}',
    );
    expect(m.secrets).toEqual({ s: { environment: 'S' } });
    expect(m.volumes).toEqual({ v: { external: true } });
  });
});

describe('marker plumbing', () => {
  it('extractMarkers records paths and strips markers', () => {
    const { value, paths } = extractMarkers({ a: RESET, b: new Override([1]), c: [RESET, 2, new Override(3)], d: { e: RESET } });
    expect(value).toEqual({ b: [1], c: [2, 3], d: {} });
    expect(paths).toEqual([['a'], ['b'], ['c', 0], ['c', 2], ['d', 'e']]);
  });
  it('applyResetPaths never enters a sequence and does not mutate its input', () => {
    const model = { a: [{ x: 1 }], b: { c: 1, d: 2 } };
    const out = applyResetPaths(model, [['a', 0, 'x'], ['b', 'c'], ['z', 'y']]);
    expect(out).toEqual({ a: [{ x: 1 }], b: { d: 2 } });
    expect(model).toEqual({ a: [{ x: 1 }], b: { c: 1, d: 2 } });
  });
  it('canonicalize strips markers (a single file: !reset means absent)', () => {
    expect(canonicalize(doc('services: {web: {image: !reset a, ports: !override [80]}}'), 'a.yml')).toEqual({
      services: { web: { ports: [{ mode: 'ingress', target: 80, protocol: 'tcp' }] } },
    });
  });
});
