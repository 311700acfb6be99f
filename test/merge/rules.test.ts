/**
 * One or more tests per row of the rule table (shared/docs/compose-merge-rules.md §2).
 * `web(base, override)` merges two files and returns services.web of the merged model
 * (compose's model after the pipeline: canonical long forms, key-merge lists as lists).
 */
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ComposemodError } from '../../src/core/errors.js';
import { toModel } from '../../src/core/model.js';
import { configModel, mergeFiles } from '../../src/core/merge/index.js';
import { recordRuleInput } from './rule-inputs.js';

type Obj = Record<string, unknown>;
const doc = (text: string) => toModel(parseDocument(text, { merge: true, uniqueKeys: false }), 'x.yml');
const files = (texts: string[]) => {
  recordRuleInput(texts);
  return texts.map((t, i) => ({ path: `f${i}.yml`, model: doc(t) }));
};
const merge = (...texts: string[]) => mergeFiles(files(texts));
const config = (...texts: string[]) => configModel(files(texts));
/** services.web of the merged model; each text is the body of `services.web`. */
const web = (...bodies: string[]): Obj =>
  (merge(...bodies.map((b) => `services:\n  web:\n${indent(b, 4)}`)).services as Obj).web as Obj;
const webNormal = (...bodies: string[]): Obj =>
  (config(...bodies.map((b) => `services:\n  web:\n${indent(b, 4)}`)).services as Obj).web as Obj;
const indent = (text: string, n: number) =>
  text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');

function mergeError(...texts: string[]): ComposemodError {
  try {
    merge(...texts);
  } catch (e) {
    expect(e).toBeInstanceOf(ComposemodError);
    return e as ComposemodError;
  }
  throw new Error('expected a ComposemodError');
}
const webError = (...bodies: string[]) => mergeError(...bodies.map((b) => `services:\n  web:\n${indent(b, 4)}`));

describe('top level', () => {
  it('name: replace', () => {
    expect(merge('name: a', 'name: b').name).toBe('b');
  });
  it('version: dropped', () => {
    expect(merge('version: "3.8"\nservices: {}', 'version: "2"')).toEqual({ services: {} });
  });
  it('services: deep per service, new services added, null keeps the base', () => {
    const m = merge('services:\n  web: {image: a, restart: always}\n  db: {image: pg}', 'services:\n  web: {image: b}\n  db:\n  cache: {image: redis}');
    expect(m.services).toEqual({ web: { image: 'b', restart: 'always' }, db: { image: 'pg' }, cache: { image: 'redis' } });
  });
});

describe('scalars', () => {
  it('replace; an override null keeps the base', () => {
    expect(web('image: a\nuser: root\ninit: true', 'image: b\nuser: null\ninit: false')).toEqual({ image: 'b', user: 'root', init: false });
  });
  it('a null on a key absent in the base is inserted as-is', () => {
    expect(web('image: a', 'hostname:')).toEqual({ image: 'a', hostname: null });
  });
  it('a scalar base is replaced even by a list (compose only rejects map/list bases)', () => {
    expect(web('cpus: 1', 'cpus: [1]').cpus).toEqual([1]);
  });
});

describe('command, entrypoint', () => {
  it('replace wholesale, string <-> list', () => {
    expect(web('command: [a, b]', 'command: run it').command).toBe('run it');
    expect(web('entrypoint: sh -c x', 'entrypoint: [x, y]').entrypoint).toEqual(['x', 'y']);
  });
  it('null clears (absent in the normal form)', () => {
    expect(web('command: [a]\nentrypoint: b', 'command: null\nentrypoint:')).toEqual({ command: null, entrypoint: null });
    expect(webNormal('image: i\ncommand: [a]', 'command: null')).toEqual({ image: 'i' });
  });
});

describe('healthcheck', () => {
  it('deep; test replaced', () => {
    expect(web('healthcheck: {test: [CMD, a], interval: 5s}', 'healthcheck: {test: curl x, retries: 3}').healthcheck).toEqual({
      test: 'curl x',
      interval: '5s',
      retries: 3,
    });
  });
  it('a string test is ["CMD-SHELL", s] in the normal form', () => {
    expect(webNormal('healthcheck: {test: curl -f x}').healthcheck).toEqual({ test: ['CMD-SHELL', 'curl -f x'] });
  });
  it('healthcheck.test: null is stored then rejected', () => {
    const err = webError('healthcheck: {test: [CMD, a]}', 'healthcheck: {test: null}');
    expect(err.file).toBe('f1.yml');
    expect(err.modelPath).toEqual(['services', 'web', 'healthcheck', 'test']);
    expect(err.exitCode).toBe(2);
  });
});

describe('environment (key-merge)', () => {
  it('map + list: both to K=V lists (map sorted), later key wins in place, new keys appended', () => {
    expect(web('environment: {B: x, A: 1, C: true}', 'environment: [B=y, D, E=]').environment).toEqual(['A=1', 'B=y', 'C=true', 'D', 'E=']);
  });
  it('list + map', () => {
    expect(web('environment: [Z=1, A=2]', 'environment: {A: 3, M: null}').environment).toEqual(['Z=1', 'A=3', 'M']);
  });
  it('key is the text before the first =', () => {
    expect(web('environment: ["A=b=c"]', 'environment: ["A=x=y"]').environment).toEqual(['A=x=y']);
  });
  it('normal form: bare K is null (pass-through), K= is ""', () => {
    expect(webNormal('environment: {A: 1, B: null}', 'environment: [C, D=, E=1.5]').environment).toEqual({
      A: '1',
      B: null,
      C: null,
      D: '',
      E: '1.5',
    });
  });
  it('a single file stays in its written form; a list is de-duplicated by key', () => {
    expect(web('environment: {A: 1}').environment).toEqual({ A: 1 });
    expect(web('environment: [A=1, B=2, A=3]').environment).toEqual(['A=3', 'B=2']);
  });
});

describe('labels, annotations, sysctls (key-merge)', () => {
  for (const key of ['labels', 'annotations', 'sysctls']) {
    it(`${key}: merged by key; a bare key gives "" in the normal form`, () => {
      expect(web(`${key}: {b: 1, a: 2}`, `${key}: [a=3, c]`)[key]).toEqual(['a=3', 'b=1', 'c']);
      expect(webNormal(`${key}: {b: 1, a: 2}`, `${key}: [a=3, c]`)[key]).toEqual({ a: '3', b: '1', c: '' });
    });
  }
});

describe('env_file, label_file', () => {
  it('env_file: string -> list, canonical {path, required: true}, unique by path (later wins in place)', () => {
    expect(web('env_file: [{path: a.env, required: false}, b.env]', 'env_file: [a.env, c.env]').env_file).toEqual([
      { path: 'a.env', required: true },
      { path: 'b.env', required: true },
      { path: 'c.env', required: true },
    ]);
    expect(web('env_file: a.env', 'env_file: b.env').env_file).toEqual([
      { path: 'a.env', required: true },
      { path: 'b.env', required: true },
    ]);
  });
  it('label_file: append without de-duplication', () => {
    expect(web('label_file: a', 'label_file: [a, b]').label_file).toEqual(['a', 'a', 'b']);
  });
});

describe('ports: append-unique(host_ip:published:target/protocol)', () => {
  it('same key replaces in place, new keys appended; short syntax becomes long', () => {
    expect(web('ports: ["8080:80", "443:443"]', 'ports: ["9090:80", "8080:80/tcp", {target: 443, published: "443", mode: host}]').ports).toEqual([
      { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
      { target: 443, published: '443', mode: 'host' },
      { mode: 'ingress', target: 80, published: '9090', protocol: 'tcp' },
    ]);
  });
  it('host_ip and protocol are part of the key', () => {
    expect(web('ports: ["8080:80"]', 'ports: ["127.0.0.1:8080:80", "8080:80/udp"]').ports).toHaveLength(3);
  });
  it('quirk: an integer published never matches a short-syntax port', () => {
    const ports = web('ports: ["8080:80"]', 'ports: [{target: 80, published: 8080}]').ports as Obj[];
    expect(ports).toEqual([
      { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
      { target: 80, published: 8080 },
    ]);
  });
  it('ranges are expanded, then de-duplicated', () => {
    expect(web('ports: ["3000-3002:4000-4002"]', 'ports: ["3001:4001/tcp"]').ports).toEqual([
      { mode: 'ingress', target: 4000, published: '3000', protocol: 'tcp' },
      { mode: 'ingress', target: 4001, published: '3001', protocol: 'tcp' },
      { mode: 'ingress', target: 4002, published: '3002', protocol: 'tcp' },
    ]);
  });
  it('target-only ports and an IPv6 host', () => {
    expect(web('ports: [80, "[::1]:53:53/udp"]').ports).toEqual([
      { mode: 'ingress', target: 80, protocol: 'tcp' },
      { mode: 'ingress', host_ip: '::1', target: 53, published: '53', protocol: 'udp' },
    ]);
  });
  it('changing published keeps both entries', () => {
    expect(web('ports: ["8080:80"]', 'ports: ["9090:80"]').ports).toHaveLength(2);
  });
  it('normal form: defaults tcp/ingress, published a string', () => {
    expect(webNormal('ports: [{target: 80, published: 8080}]').ports).toEqual([{ mode: 'ingress', protocol: 'tcp', published: '8080', target: 80 }]);
  });
});

describe('expose: append-unique(string form)', () => {
  it('80 and "80" are the same', () => {
    expect(web('expose: [80, 90]', 'expose: ["80", 100]').expose).toEqual(['80', 90, 100]);
    expect(webNormal('expose: [80, 90]', 'expose: ["80", 100]').expose).toEqual(['80', '90', '100']);
  });
});

describe('volumes (service): append-unique(target)', () => {
  it('short targets are path-cleaned; same target replaces in place', () => {
    expect(web('volumes: ["./data:/data", "logs:/var/log"]', 'volumes: ["./other:/data/:ro", {type: volume, source: cache, target: /cache}]').volumes).toEqual([
      { type: 'bind', source: './other', target: '/data', read_only: true, bind: { create_host_path: true } },
      { type: 'volume', source: 'logs', target: '/var/log', volume: {} },
      { type: 'volume', source: 'cache', target: '/cache' },
    ]);
  });
  it('long and short syntax of the same mount are different models', () => {
    const short = web('volumes: ["./a:/a"]').volumes;
    const long = web('volumes: [{type: bind, source: ./a, target: /a}]').volumes;
    expect(short).not.toEqual(long);
  });
  it('anonymous volumes, options and named volumes', () => {
    expect(web('volumes: ["/cache", "db:/var/lib/db:nocopy", "/h:/c:z,rshared"]').volumes).toEqual([
      { type: 'volume', target: '/cache', volume: {} },
      { type: 'volume', source: 'db', target: '/var/lib/db', volume: { nocopy: true } },
      { type: 'bind', source: '/h', target: '/c', bind: { create_host_path: true, selinux: 'z', propagation: 'rshared' } },
    ]);
  });
  it('normal form adds bind.create_host_path to long syntax with a bind key', () => {
    expect(webNormal('volumes: [{type: bind, source: ./a, target: /a, bind: {propagation: shared}}]').volumes).toEqual([
      { bind: { create_host_path: true, propagation: 'shared' }, source: './a', target: '/a', type: 'bind' },
    ]);
  });
  it('variables are kept whole', () => {
    expect((web('volumes: ["${DATA:-./data}:/data"]').volumes as Obj[])[0]).toMatchObject({ source: '${DATA:-./data}', target: '/data' });
  });
});

describe('tmpfs, devices', () => {
  it('tmpfs: string -> list, unique by text before =', () => {
    expect(web('tmpfs: /run', 'tmpfs: [/run, /tmp]').tmpfs).toEqual(['/run', '/tmp']);
    expect(web('tmpfs: ["/tmp:size=1m", /run]', 'tmpfs: ["/tmp:size=2m"]').tmpfs).toEqual(['/tmp:size=2m', '/run']);
  });
  it('devices: unique by container path; a single path is its own key', () => {
    expect(web('devices: ["/dev/a:/dev/x", "/dev/y"]', 'devices: ["/dev/b:/dev/x:r", "/dev/c", {source: /dev/z, target: /dev/y}]').devices).toEqual([
      { source: '/dev/b', target: '/dev/x', permissions: 'r' },
      { source: '/dev/z', target: '/dev/y' },
      { source: '/dev/c', target: '/dev/c', permissions: 'rwm' },
    ]);
    expect(webNormal('devices: [{source: /dev/z, target: /dev/y}]').devices).toEqual([{ permissions: 'rwm', source: '/dev/z', target: '/dev/y' }]);
  });
});

describe('secrets, configs (service): append-unique(target)', () => {
  it('secrets: short form targets /run/secrets/<source>; a relative target does not match', () => {
    expect(web('secrets: [db, api]', 'secrets: [{source: db, mode: 0400}, {source: api, target: api}]').secrets).toEqual([
      { source: 'db', mode: 256 },
      { source: 'api' },
      { source: 'api', target: 'api' },
    ]);
    expect(webNormal('secrets: [db]').secrets).toEqual([{ source: 'db', target: '/run/secrets/db' }]);
  });
  it('configs: short form keys /<source>; no target default in the normal form', () => {
    expect(web('configs: [c]', 'configs: [{source: c, target: /c, mode: 0444}]').configs).toEqual([{ source: 'c', target: '/c', mode: 292 }]);
    expect(webNormal('configs: [c]').configs).toEqual([{ source: 'c' }]);
  });
});

describe('networks (service), aliases', () => {
  it('list -> map with null values; deep; a null override keeps the attachment', () => {
    expect(web('networks: [front, back]', 'networks: {front: {aliases: [a]}, back: null, extra: {}}').networks).toEqual({
      front: { aliases: ['a'] },
      back: null,
      extra: {},
    });
  });
  it('aliases and link_local_ips: append-unique; ipv4_address and priority replace', () => {
    expect(
      web(
        'networks: {front: {aliases: [a, b], ipv4_address: 1.1.1.1, priority: 1, link_local_ips: [x]}}',
        'networks: {front: {aliases: [b, c], ipv4_address: 2.2.2.2, priority: 2, link_local_ips: [x, y]}}',
      ).networks,
    ).toEqual({ front: { aliases: ['a', 'b', 'c'], ipv4_address: '2.2.2.2', priority: 2, link_local_ips: ['x', 'y'] } });
  });
  it('driver_opts deep', () => {
    expect(web('networks: {n: {driver_opts: {a: 1}}}', 'networks: {n: {driver_opts: {b: 2}}}').networks).toEqual({ n: { driver_opts: { a: 1, b: 2 } } });
  });
  it('models: like networks', () => {
    expect(web('models: [m1]', 'models: {m1: {endpoint_var: X}, m2: null}').models).toEqual({ m1: { endpoint_var: 'X' }, m2: null });
  });
});

describe('depends_on', () => {
  it('a short-form override resets condition', () => {
    expect(web('depends_on: {db: {condition: service_healthy, restart: true}}', 'depends_on: [db, cache]').depends_on).toEqual({
      db: { condition: 'service_started', required: true, restart: true },
      cache: { condition: 'service_started', required: true },
    });
  });
  it('a long-form override merges per key', () => {
    expect(web('depends_on: [db]', 'depends_on: {db: {condition: service_healthy}}').depends_on).toEqual({
      db: { condition: 'service_healthy', required: true },
    });
  });
  it('normal form fills defaults', () => {
    expect(webNormal('depends_on: {db: {restart: true}}').depends_on).toEqual({ db: { condition: 'service_started', required: true, restart: true } });
  });
});

describe('append-unique(exact) lists', () => {
  it('links: cache and cache:redis differ', () => {
    expect(web('links: [cache, db]', 'links: [cache:redis, db]').links).toEqual(['cache', 'db', 'cache:redis']);
  });
  it('dns, dns_search, dns_opt: string -> list, base order kept', () => {
    expect(web('dns: 8.8.8.8', 'dns: [1.1.1.1, 8.8.8.8]').dns).toEqual(['8.8.8.8', '1.1.1.1']);
    expect(web('dns_search: a.com', 'dns_search: b.com').dns_search).toEqual(['a.com', 'b.com']);
    expect(web('dns_opt: [use-vc]', 'dns_opt: [use-vc, rotate]').dns_opt).toEqual(['use-vc', 'rotate']);
  });
  it('cap_add, cap_drop, profiles', () => {
    expect(web('cap_add: [NET_ADMIN, SYS_TIME]', 'cap_add: [SYS_TIME, CHOWN]').cap_add).toEqual(['NET_ADMIN', 'SYS_TIME', 'CHOWN']);
    expect(web('cap_drop: [ALL]', 'cap_drop: [ALL]').cap_drop).toEqual(['ALL']);
    expect(web('profiles: [dev]', 'profiles: [test, dev]').profiles).toEqual(['dev', 'test']);
  });
});

describe('plain append with uniqueItems', () => {
  for (const key of ['external_links', 'volumes_from', 'security_opt', 'group_add', 'device_cgroup_rules']) {
    it(`${key}: appended; repeating a base entry is an error`, () => {
      expect(web(`${key}: [a]`, `${key}: [b]`)[key]).toEqual(['a', 'b']);
      const err = webError(`${key}: [a]`, `${key}: [b, a]`);
      expect(err.file).toBe('f1.yml');
      expect(err.modelPath).toEqual(['services', 'web', key]);
      expect(err.message).toMatch(/unique/);
    });
  }
});

describe('extra_hosts', () => {
  it('list + list: byte-identical entries dropped, a new IP for a host is a second entry', () => {
    expect(web('extra_hosts: ["a:1.1.1.1"]', 'extra_hosts: ["a:1.1.1.1", "a:2.2.2.2"]').extra_hosts).toEqual(['a:1.1.1.1', 'a:2.2.2.2']);
  });
  it('map and list forms never match', () => {
    expect(web('extra_hosts: {db: 1.2.3.4, api: 5.6.7.8}', 'extra_hosts: ["db:1.2.3.4"]').extra_hosts).toEqual(['api=5.6.7.8', 'db=1.2.3.4', 'db:1.2.3.4']);
  });
  it('normal form: sorted host=ip, duplicates kept', () => {
    expect(webNormal('extra_hosts: {db: 1.2.3.4, api: 5.6.7.8}', 'extra_hosts: ["db:1.2.3.4", "v6:::1"]').extra_hosts).toEqual([
      'api=5.6.7.8',
      'db=1.2.3.4',
      'db=1.2.3.4',
      'v6=::1',
    ]);
  });
});

describe('build', () => {
  it('a string becomes {context} on either side, then deep', () => {
    expect(web('build: .', 'build: {dockerfile: D}').build).toEqual({ context: '.', dockerfile: 'D' });
    expect(web('build: {context: a, target: t}', 'build: b').build).toEqual({ context: 'b', target: 't' });
  });
  it('args, labels, additional_contexts: key-merge (args: bare key null)', () => {
    const b = web('build: {args: {A: 1, B: 2}, labels: [x=1], additional_contexts: {c: ./c}}', 'build: {args: [B=3, C], labels: {x: 2}, additional_contexts: [d=./d]}').build as Obj;
    expect(b.args).toEqual(['A=1', 'B=3', 'C']);
    expect(b.labels).toEqual(['x=2']);
    // compose-go's canonical form turns the merged list into a mapping (docker compose 2.40.3 prints a mapping)
    expect(b.additional_contexts).toEqual({ c: './c', d: './d' });
    const n = webNormal('build: {args: {A: 1}}', 'build: {args: [C], labels: [l]}').build as Obj;
    expect(n).toEqual({ context: '.', args: { A: '1', C: null }, labels: { l: '' } });
  });
  it('extra_hosts like extra_hosts; tags append-unique; cache_from append', () => {
    const b = web('build: {extra_hosts: ["a:1"], tags: [x, y], cache_from: [c]}', 'build: {extra_hosts: ["a:1", "b:2"], tags: [y, z], cache_from: [d]}').build as Obj;
    expect(b.extra_hosts).toEqual(['a:1', 'b:2']);
    expect(b.tags).toEqual(['x', 'y', 'z']);
    expect(b.cache_from).toEqual(['c', 'd']);
  });
  it('ssh as map vs list: cannot override', () => {
    // the base is in canonical form (a mapping) by then: a mapping override merges, a list
    // override is `cannot override services.web.build.ssh` (docker compose 2.40.3 agrees)
    expect((web('build: {context: ., ssh: [default]}', 'build: {ssh: {default: /x}}').build as Obj).ssh).toEqual({ default: '/x' });
    const err = webError('build: {context: ., ssh: {default: /x}}', 'build: {ssh: [default]}');
    expect(err.message).toBe('cannot override services.web.build.ssh');
    expect(err.modelPath).toEqual(['services', 'web', 'build', 'ssh']);
  });
  it('dockerfile with dockerfile_inline: both survive, then a consistency error', () => {
    const err = webError('build: {context: ., dockerfile: D}', 'build: {dockerfile_inline: "FROM x"}');
    expect(err.file).toBe('f1.yml');
    expect(err.message).toMatch(/dockerfile and dockerfile_inline are mutually exclusive/);
  });
  it('normal form: context defaults to "."', () => {
    expect(webNormal('build: {dockerfile: D}').build).toEqual({ context: '.', dockerfile: 'D' });
  });
});

describe('deploy', () => {
  it('deep: replicas/mode replace, resources deep, labels key-merge, placement lists appended', () => {
    const d = web(
      'deploy: {replicas: 1, mode: replicated, labels: {a: 1}, resources: {limits: {cpus: "1", memory: 1G}}, placement: {constraints: [x]}}',
      'deploy: {replicas: 3, labels: [b=2], resources: {limits: {memory: 2G}, reservations: {cpus: "0.5"}}, placement: {constraints: [x]}}',
    ).deploy;
    expect(d).toEqual({
      replicas: 3,
      mode: 'replicated',
      labels: ['a=1', 'b=2'],
      resources: { limits: { cpus: '1', memory: '2G' }, reservations: { cpus: '0.5' } },
      placement: { constraints: ['x', 'x'] },
    });
  });
  it('reservations.devices appended', () => {
    const d = web('deploy: {resources: {reservations: {devices: [{driver: nvidia}]}}}', 'deploy: {resources: {reservations: {devices: [{driver: nvidia}]}}}').deploy as Obj;
    expect(((d.resources as Obj).reservations as Obj).devices).toEqual([{ driver: 'nvidia' }, { driver: 'nvidia' }]);
  });
});

describe('logging', () => {
  it('same driver: deep (options per key)', () => {
    expect(web('logging: {driver: json-file, options: {max-size: 1m, max-file: "3"}}', 'logging: {driver: json-file, options: {max-size: 5m}}').logging).toEqual({
      driver: 'json-file',
      options: { 'max-size': '5m', 'max-file': '3' },
    });
  });
  it('either side without driver: deep', () => {
    expect(web('logging: {driver: syslog, options: {a: 1}}', 'logging: {options: {b: 2}}').logging).toEqual({ driver: 'syslog', options: { a: 1, b: 2 } });
  });
  it('different drivers: the override replaces the block', () => {
    expect(web('logging: {driver: json-file, options: {max-size: 1m}}', 'logging: {driver: syslog}').logging).toEqual({ driver: 'syslog' });
  });
  it('logging: null is an error', () => {
    expect(webError('logging: {driver: x}', 'logging: null').modelPath).toEqual(['services', 'web', 'logging']);
  });
});

describe('ulimits', () => {
  it('deep per name; an entry on both sides is replaced whole', () => {
    expect(web('ulimits: {nofile: {soft: 1, hard: 2}, nproc: 10}', 'ulimits: {nofile: {soft: 5}, core: 0}').ulimits).toEqual({
      nofile: { soft: 5 },
      nproc: 10,
      core: 0,
    });
  });
  it('ulimits.X: null is stored, then rejected', () => {
    expect(webError('ulimits: {nofile: 1}', 'ulimits: {nofile: null}').modelPath).toEqual(['services', 'web', 'ulimits', 'nofile']);
  });
});

describe('generic deep/append attributes', () => {
  it('storage_opt, blkio_config, develop: deep with lists appended', () => {
    expect(web('storage_opt: {size: 1G}\nblkio_config: {weight: 1, device_read_bps: [{path: a, rate: 1}]}', 'storage_opt: {x: y}\nblkio_config: {device_read_bps: [{path: b, rate: 2}]}')).toEqual({
      storage_opt: { size: '1G', x: 'y' },
      blkio_config: { weight: 1, device_read_bps: [{ path: 'a', rate: 1 }, { path: 'b', rate: 2 }] },
    });
    expect((web('develop: {watch: [{path: a, action: sync}]}', 'develop: {watch: [{path: b, action: rebuild}]}').develop as Obj).watch).toHaveLength(2);
  });
  it('gpus, post_start append', () => {
    expect(web('post_start: [{command: a}]', 'post_start: [{command: b}]').post_start).toEqual([{ command: 'a' }, { command: 'b' }]);
  });
  it('a mapping base with a non-mapping override: cannot override', () => {
    const err = webError('deploy: {replicas: 1}', 'deploy: [1]');
    expect(err.message).toBe('cannot override services.web.deploy');
    expect(err.file).toBe('f1.yml');
    expect(err.modelPath).toEqual(['services', 'web', 'deploy']);
  });
  it('a list base with a mapping override: cannot override', () => {
    expect(webError('ports: ["80"]', 'ports: {a: 1}').message).toBe('cannot override services.web.ports');
  });
});

describe('x-* extensions', () => {
  it('generic at any level (deep, append, replace)', () => {
    const m = merge('x-common: {a: 1, l: [1]}\nservices: {web: {x-meta: {k: v}}}', 'x-common: {b: 2, l: [2]}\nservices: {web: {x-meta: {j: w}}}');
    expect(m['x-common']).toEqual({ a: 1, b: 2, l: [1, 2] });
    expect((m.services as Obj).web).toEqual({ 'x-meta': { k: 'v', j: 'w' } });
  });
});

describe('top-level volumes, networks, secrets, configs', () => {
  it('deep per name; a null definition takes the other side', () => {
    // `{b: null}`, not `{b:}`: Compose's YAML reader takes `b:}` as the key "b:" (test/model.test.ts)
    const m = merge('volumes: {a: {driver: local}, b: null}\nnetworks: {n: null}', 'volumes: {a: null, b: {driver: nfs}, c: null}\nnetworks: {n: {driver: bridge}}');
    expect(m.volumes).toEqual({ a: { driver: 'local' }, b: { driver: 'nfs' }, c: null });
    expect(m.networks).toEqual({ n: { driver: 'bridge' } });
    expect(config('volumes: {c: null}').volumes).toEqual({ c: {} });
  });
  it('driver_opts deep-merged even when the driver changes', () => {
    expect(merge('volumes: {a: {driver: x, driver_opts: {o: 1}}}', 'volumes: {a: {driver: y, driver_opts: {p: 2}}}').volumes).toEqual({
      a: { driver: 'y', driver_opts: { o: 1, p: 2 } },
    });
  });
  it('external: true on top of driver or labels is an error', () => {
    const err = mergeError('volumes: {data: {driver: local}}', 'volumes: {data: {external: true}}');
    expect(err.file).toBe('f1.yml');
    expect(err.modelPath).toEqual(['volumes', 'data']);
    expect(mergeError('volumes: {data: {labels: [a=1]}}', 'volumes: {data: {external: true}}').message).toMatch(/"external" and "labels"/);
  });
  it('legacy external: {name} becomes external: true + name', () => {
    expect(merge('networks: {n: {external: {name: real}}}').networks).toEqual({ n: { external: true, name: 'real' } });
  });
  it('a secret switching file -> environment is an error; file + external is accepted', () => {
    const err = mergeError('secrets: {s: {file: ./s}}', 'secrets: {s: {environment: S}}');
    expect(err.modelPath).toEqual(['secrets', 's']);
    expect(err.file).toBe('f1.yml');
    expect(merge('secrets: {s: {file: ./s}}', 'secrets: {s: {external: true}}').secrets).toEqual({ s: { file: './s', external: true } });
    expect(mergeError('configs: {c: {content: x}}', 'configs: {c: {file: ./c}}').message).toMatch(/mutually exclusive/);
  });
  it('networks.*.labels: key-merge', () => {
    expect(merge('networks: {n: {labels: {a: 1, b: 2}}}', 'networks: {n: {labels: [b=3]}}').networks).toEqual({ n: { labels: ['a=1', 'b=3'] } });
  });
  it('volumes.*.labels: append without unicity; the same key with a new value: last wins in the normal form', () => {
    expect(merge('volumes: {v: {labels: {a: 1}}}', 'volumes: {v: {labels: [a=2]}}').volumes).toEqual({ v: { labels: ['a=1', 'a=2'] } });
    expect(config('volumes: {v: {labels: {a: 1}}}', 'volumes: {v: {labels: [a=2]}}').volumes).toEqual({ v: { labels: { a: '2' } } });
  });
  it('volumes.*.labels: restating an identical label is an error', () => {
    const err = mergeError('volumes: {v: {labels: {a: 1}}}', 'volumes: {v: {labels: {a: 1}}}');
    expect(err.modelPath).toEqual(['volumes', 'v', 'labels']);
    expect(err.file).toBe('f1.yml');
  });
  it('secrets.*.labels, configs.*.labels: generic (map deep, list append, mixed error)', () => {
    expect(merge('secrets: {s: {file: f, labels: {a: 1}}}', 'secrets: {s: {labels: {b: 2}}}').secrets).toEqual({ s: { file: 'f', labels: { a: 1, b: 2 } } });
    expect(merge('configs: {c: {file: f, labels: [a=1]}}', 'configs: {c: {labels: [a=1]}}').configs).toEqual({ c: { file: 'f', labels: ['a=1', 'a=1'] } });
    expect(mergeError('secrets: {s: {file: f, labels: [a=1]}}', 'secrets: {s: {labels: {b: 2}}}').message).toBe('cannot override secrets.s.labels');
  });
});

describe('networks.*.ipam.config (by subnet)', () => {
  const ipam = (...texts: string[]) => ((merge(...texts).networks as Obj).n as Obj).ipam as Obj;
  it('same subnet: deep', () => {
    expect(ipam('networks: {n: {ipam: {driver: default, config: [{subnet: 10.0.0.0/24, gateway: 10.0.0.1}]}}}', 'networks: {n: {ipam: {config: [{subnet: 10.0.0.0/24, ip_range: 10.0.0.0/25}]}}}')).toEqual({
      driver: 'default',
      config: [{ subnet: '10.0.0.0/24', gateway: '10.0.0.1', ip_range: '10.0.0.0/25' }],
    });
  });
  it('quirk: a base subnet the override does not restate is dropped', () => {
    expect(ipam('networks: {n: {ipam: {config: [{subnet: a}]}}}', 'networks: {n: {ipam: {config: [{subnet: b}]}}}').config).toEqual([{ subnet: 'b' }]);
  });
  it('quirk: with two base subnets, an unmatched base entry is merged into an override entry', () => {
    expect(ipam('networks: {n: {ipam: {config: [{subnet: a, gateway: ga}, {subnet: c, gateway: gc}]}}}', 'networks: {n: {ipam: {config: [{subnet: b}]}}}').config).toEqual([
      { subnet: 'b', gateway: 'gc' },
    ]);
  });
});

describe('anchors and << (resolved before merging, per file)', () => {
  it('an alias in the override merges like the written value', () => {
    const m = merge('services: {web: {environment: {A: 1}}}', 'x-env: &env {B: 2}\nservices: {web: {environment: *env}}');
    expect((m.services as Obj).web).toEqual({ environment: ['A=1', 'B=2'] });
  });
});
