/**
 * The `attribute-set` delta of the intent check: a declared value among a service's other
 * attributes (logging, restart, mem_limit, deploy, ports) must hold, and nothing else of the
 * attribute may change; a removed list item leaves the list, a removed last item the attribute;
 * a size holds when the bytes match (Compose prints `512m` as 536870912). Pure: views in,
 * violations out.
 */
import { describe, it, expect } from 'vitest';
import { checkIntent } from '../../src/rules/intent/check.js';
import { attributeSet, type Delta } from '../../src/rules/intent/deltas.js';
import { containerView, type EnvironmentView } from '../../src/rules/intent/view.js';

type Obj = Record<string, unknown>;

function env(svc: Obj): EnvironmentView {
  const view = containerView('api', { image: 'api:1', ...svc }, { environment: new Map(), secrets: new Map(), networks: new Set(['default']), volumes: new Map() });
  return { name: 'prod', dir: '/p', services: new Map([['api', view]]), problems: [] };
}

const s = { env: 'prod', service: 'api' };
const run = (before: Obj, after: Obj, deltas: Delta[]) => checkIntent([env(before)], [env(after)], deltas.map((d) => ({ ...d, rule: 'r' })));

describe('attribute-set', () => {
  it('holds: only the declared option is new', () => {
    const before = { logging: { driver: 'json-file', options: { tag: 'api' } } };
    const after = { logging: { options: { 'max-size': '10m', tag: 'api' }, driver: 'json-file' } };
    expect(run(before, after, [attributeSet(s, ['logging', 'options', 'max-size'], '10m')])).toEqual([]);
  });

  it('refuses another change in the same attribute, naming the rule', () => {
    const before = { logging: { driver: 'json-file' } };
    const after = { logging: { driver: 'local', options: { 'max-size': '10m' } } };
    expect(run(before, after, [attributeSet(s, ['logging', 'options', 'max-size'], '10m')])).toEqual([
      { env: 'prod', service: 'api', key: 'logging', message: 'logging is not what the declared change makes it', rule: 'r' },
    ]);
  });

  it('refuses a declared value that does not hold, and an undeclared attribute', () => {
    const v = run({}, { restart: 'always', mem_limit: '1g' }, [attributeSet(s, ['restart'], 'unless-stopped')]);
    expect(v.map((x) => [x.key, x.rule])).toEqual([
      ['restart', 'r'],
      ['mem_limit', undefined],
    ]);
  });

  it('compares sizes in bytes', () => {
    expect(run({}, { mem_limit: 536870912 }, [attributeSet(s, ['mem_limit'], '512m')])).toEqual([]);
    expect(run({}, { mem_limit: '536870912' }, [attributeSet(s, ['mem_limit'], '512m')])).toEqual([]);
    expect(run({}, { mem_limit: 1073741824 }, [attributeSet(s, ['mem_limit'], '512m')])).toHaveLength(1);
  });

  it('a removed port leaves the list; the last one removes the attribute; the wrong one is refused', () => {
    const p = (n: number, ip?: string) => ({ mode: 'ingress', protocol: 'tcp', published: String(n), target: n, ...(ip ? { host_ip: ip } : {}) });
    const before = { ports: [p(80), p(5432), p(6379)] };
    expect(run(before, { ports: [p(80), p(6379)] }, [attributeSet(s, ['ports', 1], undefined)])).toEqual([]);
    expect(run(before, { ports: [p(80)] }, [attributeSet(s, ['ports', 1], undefined), attributeSet(s, ['ports', 2], undefined)])).toEqual([]);
    expect(run({ ports: [p(5432)] }, {}, [attributeSet(s, ['ports', 0], undefined)])).toEqual([]);
    expect(run(before, { ports: [p(5432), p(6379)] }, [attributeSet(s, ['ports', 1], undefined)])).toHaveLength(1);
    expect(run(before, { ports: [p(80), p(5432, '127.0.0.1'), p(6379)] }, [attributeSet(s, ['ports', 1, 'host_ip'], '127.0.0.1')])).toEqual([]);
  });
});
