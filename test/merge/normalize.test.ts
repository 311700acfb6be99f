/** The normal form (rules doc, "Normal form"), modelsEqual and the shell-word splitter. */
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ComposemodError } from '../../src/core/errors.js';
import { toModel } from '../../src/core/model.js';
import { modelsEqual, normalize, shellSplit } from '../../src/core/merge/index.js';

type Obj = Record<string, unknown>;
const doc = (text: string) => toModel(parseDocument(text, { merge: true }), 'x.yml') as Obj;
const web = (body: string) => ((normalize(doc(`services:\n  web: ${body}`)).services as Obj).web as Obj);

describe('normal form', () => {
  it('command/entrypoint: list of strings, string form shell-split', () => {
    expect(web('{command: \'sh -c "echo a b"\', entrypoint: [run, 1]}')).toEqual({ command: ['sh', '-c', 'echo a b'], entrypoint: ['run', '1'] });
  });
  it('environment and build.args: map KEY -> string or null', () => {
    expect(web('{environment: [A=1, B, C=], build: {args: {X: 1, Y: null}}}')).toEqual({
      environment: { A: '1', B: null, C: '' },
      build: { context: '.', args: { X: '1', Y: null } },
    });
  });
  it('labels and friends: map KEY -> string, bare KEY -> ""', () => {
    expect(web('{labels: [a=1, b], annotations: {c: true}, sysctls: {d: 1}, deploy: {labels: [e]}}')).toEqual({
      labels: { a: '1', b: '' },
      annotations: { c: 'true' },
      sysctls: { d: '1' },
      deploy: { labels: { e: '' } },
    });
  });
  it('devices, secrets, configs, env_file, depends_on, networks defaults', () => {
    expect(web('{devices: ["/dev/a"], secrets: [s], configs: [c], env_file: .env, depends_on: [db], networks: [n]}')).toEqual({
      devices: [{ permissions: 'rwm', source: '/dev/a', target: '/dev/a' }],
      secrets: [{ source: 's', target: '/run/secrets/s' }],
      configs: [{ source: 'c' }],
      env_file: [{ path: '.env', required: true }],
      depends_on: { db: { condition: 'service_started', required: true } },
      networks: { n: null },
    });
  });
  it('dns, dns_search, tmpfs, expose: lists of strings', () => {
    expect(web('{dns: 1.1.1.1, dns_search: [a], tmpfs: /t, expose: [80, "90"]}')).toEqual({
      dns: ['1.1.1.1'],
      dns_search: ['a'],
      tmpfs: ['/t'],
      expose: ['80', '90'],
    });
  });
  it('ulimits and everything else as written', () => {
    expect(web('{ulimits: {nproc: 65535, nofile: {soft: 1, hard: 2}}, mem_limit: 1g, stop_grace_period: 1m30s}')).toEqual({
      ulimits: { nproc: 65535, nofile: { soft: 1, hard: 2 } },
      mem_limit: '1g',
      stop_grace_period: '1m30s',
    });
  });
  it('no version, null resources become {}, no project defaults injected', () => {
    expect(normalize(doc('version: "3"\nservices: {web: {image: a}}\nnetworks: {n: }\nsecrets: {s: {file: ./s}}'))).toEqual({
      services: { web: { image: 'a' } },
      networks: { n: {} },
      secrets: { s: { file: './s' } },
    });
  });
  it('keys are sorted recursively; sequence order is kept', () => {
    const n = normalize(doc('services: {web: {image: a, cap_add: [B, A]}}\nname: p'));
    expect(JSON.stringify(n)).toBe('{"name":"p","services":{"web":{"cap_add":["B","A"],"image":"a"}}}');
  });
  it('is idempotent', () => {
    const once = normalize(doc('services: {web: {command: "a \'b c\'", ports: ["80:80"], extra_hosts: {h: 1.1.1.1}, environment: [A], volumes: ["./a:/a/"]}}'));
    expect(normalize(once)).toEqual(once);
  });
  it('strips markers like a single file would', () => {
    expect(normalize(doc('services: {web: {image: !reset a, user: !override root}}'))).toEqual({ services: { web: { user: 'root' } } });
  });
});

describe('modelsEqual', () => {
  it('compares written forms in the normal form', () => {
    expect(modelsEqual(doc('services: {web: {environment: {A: 1}, ports: ["80:80"], build: .}}'), doc('services:\n  web:\n    environment: ["A=1"]\n    build: {context: .}\n    ports: [{target: 80, published: "80"}]'))).toBe(true);
  });
  it('sequence order is significant', () => {
    expect(modelsEqual(doc('services: {web: {dns: [a, b]}}'), doc('services: {web: {dns: [b, a]}}'))).toBe(false);
  });
  it('different values differ', () => {
    expect(modelsEqual(doc('services: {web: {image: a}}'), doc('services: {web: {image: b}}'))).toBe(false);
  });
});

describe('volume targets', () => {
  it('a long-form target is cleaned as Compose normalises it (trailing slash trimmed)', () => {
    expect(web('{volumes: [{type: volume, source: data, target: /data/}]}').volumes).toEqual([{ type: 'volume', source: 'data', target: '/data' }]);
    expect(modelsEqual(doc('services: {web: {volumes: [{type: bind, source: ./a, target: /x/}]}}'), doc('services: {web: {volumes: [{type: bind, source: ./a, target: /x}]}}'))).toBe(true);
  });
});

describe('shellSplit', () => {
  it.each([
    ['echo hello world', ['echo', 'hello', 'world']],
    ['  a   b\t\nc  ', ['a', 'b', 'c']],
    [`sh -c 'echo "$HOME" x'`, ['sh', '-c', 'echo "$HOME" x']],
    // go-shellwords (what Compose uses): a backslash takes the next character literally, in
    // double quotes too, and a backslash-newline is a newline word; an unquoted && ends the
    // command (all checked with docker compose 2.40.3)
    ['echo "a \\"b\\" \\$c \\n"', ['echo', 'a "b" $c n']],
    ['a\\ b c', ['a b', 'c']],
    ['a \\\n b', ['a', '\n', 'b']],
    ['sh -c "x" && echo y', ['sh', '-c', 'x']],
    ["''", ['']],
    ['x"y"\'z\'', ['xyz']],
    ['', []],
  ])('%j', (input, expected) => {
    expect(shellSplit(input)).toEqual(expected);
  });
  it('an unterminated quote is a ComposemodError', () => {
    expect(() => shellSplit('echo "a', ['services', 'web', 'command'])).toThrow(ComposemodError);
    expect(() => shellSplit("echo 'a")).toThrow(/invalid command line string/);
  });
});
