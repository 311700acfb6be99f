/**
 * fast-check arbitraries for realistic compose projects, shared by the property suites in
 * test/properties/: random models (services from a small pool, every common attribute in its
 * short and long forms), per-environment mutations of one base model, and rendering a model
 * as YAML text in a random detected-format style with comment lines at safe places.
 *
 * Everything generated is plain data (models, mutation descriptors, styles), so fast-check
 * prints counterexamples readably and shrinks them.
 */
import fc from 'fast-check';
import { emitYaml, renderFlow } from '../../src/core/emit.js';
import type { SourceFormat } from '../../src/core/source.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const SERVICE_POOL = ['web', 'db', 'cache', 'proxy', 'worker'] as const;
export const EXTRA_SERVICES = ['admin', 'mailer'] as const;
const NETWORKS = ['front', 'back'] as const;
const NAMED_VOLUMES = ['db_data', 'cache_data', 'static'] as const;
const ENV_KEYS = ['DEBUG', 'LOG_LEVEL', 'POSTGRES_PASSWORD', 'POSTGRES_USER', 'REDIS_URL', 'API_KEY', 'PORT'] as const;
const LABEL_KEYS = ['com.example.team', 'com.example.tier', 'traefik.enable'] as const;

// ---------------------------------------------------------------------------------------
// Values

const image = fc.constantFrom(
  'postgres',
  'postgres:16',
  'postgres:16-alpine',
  'redis',
  'redis:7.2',
  'nginx:1.25',
  'nginx',
  'registry.example.com/team/app:1.4.2',
  'myapp',
  'node:20-slim',
);
const envValue = fc.oneof(
  fc.constantFrom('1', 'true', 'info', 'debug', 'secret', 'redis://cache:6379/0', 'app', '', 's3cr3t-v4lue'),
  fc.integer({ min: 0, max: 9000 }),
  fc.boolean(),
  fc.constant(null),
);
const envMap = fc.dictionary(fc.constantFrom(...ENV_KEYS), envValue, { minKeys: 1, maxKeys: 4 });
/** List form of an environment mapping (`KEY=value`, or `KEY` alone for null). */
export function envToList(m: Obj): string[] {
  return Object.entries(m).map(([k, v]) => (v === null ? k : `${k}=${String(v)}`));
}
/** Map form of a `KEY=value` list (later entries win, like Compose). */
export function envToMap(l: unknown[]): Obj {
  const out: Obj = {};
  for (const e of l) {
    const s = String(e);
    const i = s.indexOf('=');
    if (i < 0) out[s] = null;
    else out[s.slice(0, i)] = s.slice(i + 1);
  }
  return out;
}
const environment = fc.oneof(envMap, envMap.map(envToList));
const labels = fc.oneof(
  fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.constantFrom('backend', 'web', 'true', 'ops'), { minKeys: 1, maxKeys: 3 }),
  fc.uniqueArray(fc.tuple(fc.constantFrom(...LABEL_KEYS), fc.constantFrom('backend', 'true')), { minLength: 1, maxLength: 3, selector: ([k]) => k }).map(
    (es) => es.map(([k, v]) => `${k}=${v}`),
  ),
);
const shortPort = fc.oneof(
  fc.tuple(fc.constantFrom(8080, 8081, 5432, 6379, 443), fc.constantFrom(80, 5432, 6379, 443)).map(([h, c]) => `${h}:${c}`),
  fc.constantFrom('80', '127.0.0.1:9000:9000', '3000-3001:3000-3001', '53:53/udp'),
);
const longPort = fc.record(
  {
    target: fc.constantFrom(80, 443, 8000),
    published: fc.constantFrom('8080', 8443, '9000'),
    protocol: fc.constantFrom('tcp', 'udp'),
    mode: fc.constant('host'),
  },
  { requiredKeys: ['target'] },
);
const ports = fc.uniqueArray(fc.oneof(shortPort, longPort), { minLength: 1, maxLength: 3, selector: (p) => JSON.stringify(p) });
const shortVolume = fc.oneof(
  fc.tuple(fc.constantFrom(...NAMED_VOLUMES), fc.constantFrom('/data', '/var/lib/postgresql/data', '/srv/static')).map(([v, t]) => `${v}:${t}`),
  fc.constantFrom('./app:/app', './conf/nginx.conf:/etc/nginx/nginx.conf:ro', '/var/run/docker.sock:/var/run/docker.sock'),
);
const longVolume = fc.oneof(
  fc.record(
    { type: fc.constant('volume'), source: fc.constantFrom(...NAMED_VOLUMES), target: fc.constantFrom('/data', '/cache'), read_only: fc.boolean() },
    { requiredKeys: ['type', 'source', 'target'] },
  ),
  fc.record({ type: fc.constant('bind'), source: fc.constantFrom('./logs', './src'), target: fc.constantFrom('/logs', '/src') }),
  fc.record({ type: fc.constant('tmpfs'), target: fc.constant('/tmp') }),
);
const volumes = fc.uniqueArray(fc.oneof(shortVolume, longVolume), {
  minLength: 1,
  maxLength: 3,
  // one mount per target (Compose refuses duplicate mount points)
  selector: (v) => (typeof v === 'string' ? v.split(':')[1] : String((v as Obj).target)),
});
const command = fc.oneof(
  fc.constantFrom('npm start', 'gunicorn app:app --bind 0.0.0.0:8000', 'redis-server --appendonly yes', 'sh -c "sleep 1 && run"'),
  fc.array(fc.constantFrom('python', 'manage.py', 'runserver', '0.0.0.0:8000', '--noreload'), { minLength: 1, maxLength: 4 }),
);
const healthcheck = fc.record(
  {
    test: fc.oneof(
      fc.constant(['CMD', 'pg_isready', '-U', 'postgres']),
      fc.constant(['CMD-SHELL', 'curl -f http://localhost/ || exit 1']),
      fc.constant('redis-cli ping'),
    ),
    interval: fc.constantFrom('10s', '30s', '1m'),
    timeout: fc.constantFrom('5s', '3s'),
    retries: fc.integer({ min: 1, max: 5 }),
  },
  { requiredKeys: ['test'] },
);
const build = fc.oneof(
  fc.constantFrom('.', './app', './web'),
  fc.record(
    {
      context: fc.constantFrom('.', './app'),
      dockerfile: fc.constantFrom('Dockerfile', 'Dockerfile.prod'),
      args: fc.oneof(fc.dictionary(fc.constantFrom('NODE_ENV', 'VERSION'), fc.constantFrom('production', '1.2')), fc.constant(['NODE_ENV=dev'])),
      target: fc.constantFrom('dev', 'prod'),
    },
    { requiredKeys: ['context'] },
  ),
);

function dependsOn(self: string, names: readonly string[]): fc.Arbitrary<unknown> {
  const others = names.filter((n) => n !== self);
  if (!others.length) return fc.constant(undefined);
  const sub = fc.subarray(others, { minLength: 1, maxLength: Math.min(2, others.length) });
  return fc.oneof(
    sub,
    sub.chain((ns) =>
      fc
        .tuple(...ns.map(() => fc.record({ condition: fc.constantFrom('service_started', 'service_healthy'), restart: fc.boolean() }, { requiredKeys: ['condition'] })))
        .map((vs) => Object.fromEntries(ns.map((n, i) => [n, vs[i]]))),
    ),
  );
}
const serviceNetworks = fc.oneof(
  fc.subarray([...NETWORKS], { minLength: 1 }),
  fc.subarray([...NETWORKS], { minLength: 1 }).chain((ns) =>
    fc
      .tuple(...ns.map(() => fc.oneof(fc.constant(null), fc.record({ aliases: fc.constant(['api']) }))))
      .map((vs) => Object.fromEntries(ns.map((n, i) => [n, vs[i]]))),
  ),
);

/** One service; `names` are the project's services (for depends_on). */
export function serviceArb(self: string, names: readonly string[]): fc.Arbitrary<Obj> {
  return fc
    .record(
      {
        image,
        build,
        command,
        environment,
        ports,
        volumes,
        depends_on: dependsOn(self, names),
        networks: serviceNetworks,
        labels,
        healthcheck,
        deploy: fc.record({ replicas: fc.integer({ min: 1, max: 3 }) }),
        container_name: fc.constantFrom(`proj_${self}`, `${self}-1`),
        restart: fc.constantFrom('always', 'unless-stopped', 'no'),
        'x-note': fc.constantFrom('keep', 'review'),
      },
      { requiredKeys: [] },
    )
    .map((s) => {
      const out: Obj = {};
      // every service can run alone (image or build); image first, like most files
      if (s.image === undefined && s.build === undefined) out.image = 'busybox';
      for (const [k, v] of Object.entries(s)) if (v !== undefined) out[k] = v;
      return out;
    });
}

/** Declares the named volumes and networks the services use (and only those), like real files. */
export function declareResources(model: Obj): Obj {
  const services = isObj(model.services) ? model.services : {};
  const vols = new Set<string>();
  const nets = new Set<string>();
  for (const svc of Object.values(services)) {
    if (!isObj(svc)) continue;
    for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
      if (typeof v === 'string' && /^[a-z_]+:/.test(v)) vols.add(v.split(':')[0]);
      if (isObj(v) && v.type === 'volume' && typeof v.source === 'string') vols.add(v.source);
    }
    const n = svc.networks;
    for (const name of Array.isArray(n) ? n : isObj(n) ? Object.keys(n) : []) nets.add(String(name));
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(model)) if (k !== 'volumes' && k !== 'networks') out[k] = v;
  const oldVols = isObj(model.volumes) ? model.volumes : {};
  const oldNets = isObj(model.networks) ? model.networks : {};
  if (vols.size) out.volumes = Object.fromEntries([...vols].sort().map((v) => [v, oldVols[v] ?? null]));
  if (nets.size) out.networks = Object.fromEntries([...nets].sort().map((n) => [n, oldNets[n] ?? null]));
  return out;
}

/** A whole compose model: 1-5 services from the pool, top-level resources, x- keys. */
export const modelArb: fc.Arbitrary<Obj> = fc
  .uniqueArray(fc.constantFrom(...SERVICE_POOL), { minLength: 1, maxLength: 5 })
  .chain((names) =>
    fc.record(
      {
        services: fc.tuple(...names.map((n) => serviceArb(n, names))).map((svcs) => Object.fromEntries(names.map((n, i) => [n, svcs[i]]))),
        version: fc.option(fc.constantFrom('3.8', '3'), { nil: undefined }),
        name: fc.option(fc.constantFrom('shop', 'blog'), { nil: undefined }),
        secrets: fc.option(fc.constant({ db_password: { file: './secrets/db_password.txt' } }), { nil: undefined }),
        'x-common': fc.option(fc.record({ restart: fc.constant('always'), logging: fc.constant({ driver: 'json-file' }) }), { nil: undefined }),
        volumeOpts: fc.option(fc.constant({ driver: 'local' }), { nil: undefined }),
        networkOpts: fc.option(fc.constant({ driver: 'bridge' }), { nil: undefined }),
      },
      { requiredKeys: ['services'] },
    ),
  )
  .map((r) => {
    const m: Obj = {};
    if (r.version !== undefined) m.version = r.version;
    if (r.name !== undefined) m.name = r.name;
    if (r['x-common'] !== undefined) m['x-common'] = r['x-common'];
    m.services = r.services;
    const declared = declareResources(m);
    if (r.volumeOpts && isObj(declared.volumes)) {
      const first = Object.keys(declared.volumes)[0];
      declared.volumes = { ...declared.volumes, [first]: r.volumeOpts };
    }
    if (r.networkOpts && isObj(declared.networks)) {
      const first = Object.keys(declared.networks)[0];
      declared.networks = { ...declared.networks, [first]: r.networkOpts };
    }
    if (r.secrets !== undefined) declared.secrets = r.secrets;
    return declared;
  });

// ---------------------------------------------------------------------------------------
// Per-environment mutations (plain descriptors; `pick`s index into what exists, modulo)

export type Mutation =
  | { kind: 'scalar'; pick: number; attr: 'image' | 'container_name' | 'restart' | 'command' | 'replicas'; value: string | number }
  | { kind: 'removeKey'; pick: number; keyPick: number }
  | { kind: 'addKey'; pick: number; attr: string; value: unknown }
  | { kind: 'removeItem'; pick: number; attr: 'ports' | 'volumes' | 'environment'; itemPick: number }
  | { kind: 'addItem'; pick: number; attr: 'ports' | 'volumes'; value: unknown }
  | { kind: 'envValue'; pick: number; key: string; value: unknown }
  | { kind: 'switchEnvForm'; pick: number }
  | { kind: 'reverse'; pick: number; attr: 'ports' | 'volumes' | 'command' | 'networks' }
  | { kind: 'longForm'; pick: number; attr: 'depends_on' | 'build' | 'networks' | 'labels' }
  | { kind: 'addService'; name: string; service: Obj }
  | { kind: 'moveService'; pick: number }
  | { kind: 'retarget'; pick: number; attr: 'ports' | 'volumes'; itemPick: number }
  | { kind: 'version'; value: string | null }
  | { kind: 'removeService'; pick: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.oneof(
    fc.record({ kind: fc.constant('scalar' as const), pick: fc.nat(9), attr: fc.constant('image' as const), value: fc.constantFrom('postgres:17', 'nginx:1.27', 'redis', 'myapp:prod') }),
    fc.record({ kind: fc.constant('scalar' as const), pick: fc.nat(9), attr: fc.constant('container_name' as const), value: fc.constantFrom('prod_name', 'app-prod') }),
    fc.record({ kind: fc.constant('scalar' as const), pick: fc.nat(9), attr: fc.constant('restart' as const), value: fc.constantFrom('always', 'no') }),
    fc.record({ kind: fc.constant('scalar' as const), pick: fc.nat(9), attr: fc.constant('command' as const), value: fc.constantFrom('npm run prod', 'sleep 5') }),
    fc.record({ kind: fc.constant('scalar' as const), pick: fc.nat(9), attr: fc.constant('replicas' as const), value: fc.integer({ min: 1, max: 4 }) }),
  ),
  fc.record({ kind: fc.constant('removeKey' as const), pick: fc.nat(9), keyPick: fc.nat(20) }),
  fc.record({
    kind: fc.constant('addKey' as const),
    pick: fc.nat(9),
    attr: fc.constantFrom('restart', 'command', 'stop_grace_period', 'labels', 'environment', 'ports', 'healthcheck', 'deploy'),
    value: fc.constant(null),
  }).chain((m) =>
    (m.attr === 'restart'
      ? fc.constantFrom('always', 'on-failure')
      : m.attr === 'command'
        ? command
        : m.attr === 'stop_grace_period'
          ? fc.constantFrom('30s', '1m')
          : m.attr === 'labels'
            ? labels
            : m.attr === 'environment'
              ? environment
              : m.attr === 'ports'
                ? ports
                : m.attr === 'healthcheck'
                  ? healthcheck
                  : fc.record({ replicas: fc.integer({ min: 1, max: 4 }) })
    ).map((value) => ({ ...m, value }) as Mutation),
  ),
  fc.record({ kind: fc.constant('removeItem' as const), pick: fc.nat(9), attr: fc.constantFrom('ports' as const, 'volumes' as const, 'environment' as const), itemPick: fc.nat(5) }),
  fc.record({ kind: fc.constant('addItem' as const), pick: fc.nat(9), attr: fc.constant('ports' as const), value: shortPort }),
  fc.record({ kind: fc.constant('addItem' as const), pick: fc.nat(9), attr: fc.constant('volumes' as const), value: fc.constantFrom('./extra:/extra', 'static:/srv/extra') }),
  fc.record({ kind: fc.constant('envValue' as const), pick: fc.nat(9), key: fc.constantFrom(...ENV_KEYS), value: envValue }),
  fc.record({ kind: fc.constant('switchEnvForm' as const), pick: fc.nat(9) }),
  fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat(9), attr: fc.constantFrom('ports' as const, 'volumes' as const, 'command' as const, 'networks' as const) }),
  fc.record({ kind: fc.constant('longForm' as const), pick: fc.nat(9), attr: fc.constantFrom('depends_on' as const, 'build' as const, 'networks' as const, 'labels' as const) }),
  fc.constantFrom(...EXTRA_SERVICES).chain((name) =>
    serviceArb(name, SERVICE_POOL).map((service) => ({ kind: 'addService' as const, name, service })),
  ),
  fc.record({ kind: fc.constant('removeService' as const), pick: fc.nat(9) }),
  fc.record({ kind: fc.constant('moveService' as const), pick: fc.nat(9) }),
  fc.record({ kind: fc.constant('retarget' as const), pick: fc.nat(9), attr: fc.constantFrom('ports' as const, 'volumes' as const), itemPick: fc.nat(5) }),
  fc.record({ kind: fc.constant('version' as const), value: fc.constantFrom('3.8', '2.4', null) }),
);

const clone = <T>(v: T): T => structuredClone(v);

/** Applies mutations to a copy of `model`; resources are re-declared to match. */
export function mutate(model: Obj, mutations: readonly Mutation[]): Obj {
  const m = clone(model);
  const services = m.services as Record<string, Obj>;
  for (const mu of mutations) {
    const names = Object.keys(services);
    if (mu.kind === 'addService') {
      if (!(mu.name in services)) services[mu.name] = clone(mu.service);
      continue;
    }
    if (mu.kind === 'version') {
      // `version:` first, as files write it (obsolete; never part of the config)
      const rest = Object.entries(m).filter(([k]) => k !== 'version');
      for (const k of Object.keys(m)) delete m[k];
      if (mu.value !== null) m.version = mu.value;
      for (const [k, v] of rest) m[k] = v;
      continue;
    }
    if (!names.length) continue;
    const name = names[mu.pick % names.length];
    const svc = services[name];
    switch (mu.kind) {
      case 'scalar':
        if (mu.attr === 'replicas') svc.deploy = { ...(isObj(svc.deploy) ? svc.deploy : {}), replicas: typeof mu.value === 'number' ? mu.value : 2 };
        else svc[mu.attr] = String(mu.value);
        break;
      case 'removeKey': {
        const keys = Object.keys(svc);
        if (keys.length > 1) delete svc[keys[mu.keyPick % keys.length]];
        if (svc.image === undefined && svc.build === undefined) svc.image = 'busybox';
        break;
      }
      case 'addKey':
        svc[mu.attr] = clone(mu.value);
        break;
      case 'removeItem': {
        const v = svc[mu.attr];
        if (Array.isArray(v) && v.length > 1) v.splice(mu.itemPick % v.length, 1);
        else if (isObj(v) && Object.keys(v).length > 1) delete v[Object.keys(v)[mu.itemPick % Object.keys(v).length]];
        break;
      }
      case 'addItem': {
        const v = svc[mu.attr];
        const key = (x: unknown) => (mu.attr === 'volumes' ? (typeof x === 'string' ? x.split(':')[1] : String((x as Obj).target)) : JSON.stringify(x));
        if (!Array.isArray(v)) svc[mu.attr] = [clone(mu.value)];
        else if (!v.some((x) => key(x) === key(mu.value))) v.push(clone(mu.value));
        break;
      }
      case 'envValue': {
        const env = svc.environment;
        if (Array.isArray(env)) {
          const map = envToMap(env);
          map[mu.key] = mu.value;
          svc.environment = envToList(map);
        } else svc.environment = { ...(isObj(env) ? env : {}), [mu.key]: mu.value };
        break;
      }
      case 'switchEnvForm': {
        const env = svc.environment;
        if (Array.isArray(env)) svc.environment = envToMap(env);
        else if (isObj(env)) svc.environment = envToList(env);
        break;
      }
      case 'reverse': {
        const v = svc[mu.attr];
        if (Array.isArray(v)) v.reverse();
        else if (isObj(v)) svc[mu.attr] = Object.fromEntries(Object.entries(v).reverse());
        break;
      }
      case 'longForm': {
        // the same value written in its other form (short <-> long); the config is unchanged
        const v = svc[mu.attr];
        if (mu.attr === 'build') {
          if (typeof v === 'string') svc.build = { context: v };
          else if (isObj(v) && Object.keys(v).length === 1 && typeof v.context === 'string') svc.build = v.context;
        } else if (mu.attr === 'labels') {
          if (Array.isArray(v)) svc.labels = envToMap(v);
          else if (isObj(v)) svc.labels = envToList(v);
        } else if (mu.attr === 'depends_on') {
          if (Array.isArray(v)) svc.depends_on = Object.fromEntries(v.map((n) => [String(n), { condition: 'service_started' }]));
        } else if (Array.isArray(v)) svc.networks = Object.fromEntries(v.map((n) => [String(n), null]));
        else if (isObj(v) && Object.values(v).every((x) => x === null)) svc.networks = Object.keys(v);
        break;
      }
      case 'retarget': {
        // another source for the same mount point / another host port for the same container port
        const v = svc[mu.attr];
        if (!Array.isArray(v) || !v.length) break;
        const i = mu.itemPick % v.length;
        const item = v[i];
        if (mu.attr === 'volumes') {
          if (typeof item === 'string') v[i] = `./other:${item.split(':')[1]}`;
          else if (isObj(item) && item.type !== 'tmpfs') v[i] = { ...item, type: 'bind', source: './other' };
        } else if (typeof item === 'string') {
          const m = /^(\d+):(\d+)$/.exec(item);
          if (m) v[i] = `${Number(m[1]) + 1000}:${m[2]}`;
        }
        else if (isObj(item)) v[i] = { ...item, published: '9999' };
        break;
      }
      case 'moveService': {
        // the same service, written last (the order of services is not part of the config)
        delete services[name];
        services[name] = svc;
        break;
      }
      case 'removeService':
        if (names.length > 1) {
          delete services[name];
          for (const other of Object.values(services)) dropDependency(other, name);
        }
        break;
    }
  }
  return declareResources(m);
}

function dropDependency(svc: Obj, name: string): void {
  const d = svc.depends_on;
  if (Array.isArray(d)) {
    const rest = d.filter((x) => x !== name);
    if (rest.length) svc.depends_on = rest;
    else delete svc.depends_on;
  } else if (isObj(d) && name in d) {
    delete d[name];
    if (!Object.keys(d).length) delete svc.depends_on;
  }
}

/** A base model and 2-4 environments derived from it (0-3 mutations each). */
export const environmentsArb = (count: { min: number; max: number } = { min: 2, max: 4 }) =>
  fc.record({
    base: modelArb,
    mutations: fc.array(fc.array(mutationArb, { maxLength: 3 }), { minLength: count.min, maxLength: count.max }),
  });

// ---------------------------------------------------------------------------------------
// Rendering

export const formatArb: fc.Arbitrary<SourceFormat> = fc.record({
  eol: fc.constantFrom('\n' as const, '\r\n' as const),
  bom: fc.constantFrom(false, false, false, true),
  finalNewline: fc.constant(true),
  indent: fc.constantFrom(2, 4),
  seqIndent: fc.boolean(),
  quote: fc.constantFrom('plain' as const, 'single' as const, 'double' as const),
  quoteChar: fc.constantFrom('single' as const, 'double' as const),
});

/** Where to put comment lines: before the line at index `at % lines` (a full-line comment at its indentation). */
export interface CommentSpot {
  at: number;
  /** Comment text: shared (derived from the line it describes) or file-specific. */
  shared: boolean;
  /** An inline comment at the end of that line instead of a comment line above it. */
  inline: boolean;
}
export const commentsArb: fc.Arbitrary<CommentSpot[]> = fc.array(
  fc.record({ at: fc.nat(200), shared: fc.boolean(), inline: fc.constantFrom(false, false, true) }),
  { maxLength: 4 },
);

export interface Style {
  format: SourceFormat;
  comments: CommentSpot[];
  /** A blank line between services / between top-level sections. */
  blankServices: boolean;
  blankSections: boolean;
  /** Service attributes (by name) whose collection value is written in flow style (`[a, b]`). */
  flow: string[];
  /**
   * Services (bit i: the i-th) that start with `<<: *common`, merging the anchored `x-common`
   * mapping (when the model has one). `readBack` gives the model such a file reads as.
   */
  merge: number;
}
export const styleArb: fc.Arbitrary<Style> = fc.record({
  format: formatArb,
  comments: commentsArb,
  blankServices: fc.boolean(),
  blankSections: fc.boolean(),
  flow: fc.subarray(['command', 'ports', 'depends_on', 'networks', 'healthcheck', 'labels'], { maxLength: 2 }),
  merge: fc.constantFrom(0, 0, 1, 2, 5, 31),
});

const merges = (model: Obj, style: Style, i: number): boolean => isObj(model['x-common']) && (style.merge & (1 << i)) !== 0;

/** The model a file rendered in `style` reads back as (`<<: *common` merged into services). */
export function readBack(model: Obj, style: Style): Obj {
  if (!isObj(model.services)) return model;
  const services = Object.fromEntries(
    Object.entries(model.services).map(([name, svc], i) => [name, merges(model, style, i) && isObj(svc) ? { ...(model['x-common'] as Obj), ...svc } : svc]),
  );
  return { ...model, services };
}

/**
 * `model` as a compose file in the style's format: `emitYaml` per section and per service
 * attribute (some in flow style), blank lines between services or sections, a BOM when the
 * format says so, and comments: lines above some lines at their indentation, or at the end
 * of a line (never inside a block scalar: the generated models hold no multi-line strings).
 * `tag` makes the file-specific comments unique to this file.
 */
export function render(model: Obj, style: Style, tag: string): string {
  const { format } = style;
  const pad = (n: number) => ' '.repeat(n * format.indent);
  const lines: string[] = [];
  const emit = (v: Obj, level: number) => {
    const t = emitYaml(v, format, { indentLevel: level }).split(format.eol);
    t.pop();
    lines.push(...t);
  };
  Object.entries(model).forEach(([k, v], i) => {
    if (i > 0 && style.blankSections) lines.push('');
    if (k === 'x-common' && style.merge) {
      const at = lines.length;
      emit({ [k]: v }, 0);
      lines[at] += ' &common';
      return;
    }
    if (k !== 'services' || !isObj(v) || !Object.keys(v).length) return emit({ [k]: v }, 0);
    lines.push('services:');
    Object.entries(v).forEach(([name, svc], j) => {
      if (j > 0 && style.blankServices) lines.push('');
      if (!isObj(svc) || !Object.keys(svc).length) return emit({ [name]: svc }, 1);
      lines.push(`${pad(1)}${name}:`);
      if (merges(model, style, j)) lines.push(`${pad(2)}<<: *common`);
      for (const [attr, value] of Object.entries(svc)) {
        const collection = Array.isArray(value) || isObj(value);
        if (collection && style.flow.includes(attr)) lines.push(`${pad(2)}${attr}: ${renderFlow(value, format)}`);
        else emit({ [attr]: value }, 2);
      }
    });
  });
  const above = new Map<number, string[]>();
  const inline = new Map<number, string>();
  for (const c of style.comments) {
    const i = c.at % lines.length;
    const line = lines[i];
    const text = c.shared && line.trim() ? `about ${line.trim().replace(/^- /, '')}` : `${tag} note ${i}`;
    if (c.inline && line.trim()) inline.set(i, text);
    else above.set(i, [...(above.get(i) ?? []), `${/^ */.exec(line)![0]}# ${text}`]);
  }
  const out: string[] = [];
  lines.forEach((l, i) => out.push(...(above.get(i) ?? []), inline.has(i) ? `${l} # ${inline.get(i)}` : l));
  return (format.bom ? '\uFEFF' : '') + out.map((l) => l + format.eol).join('');
}

/** Comment texts of a file (`# text` -> `text`), full-line and inline, in order. */
export function commentLines(text: string): string[] {
  const out: string[] = [];
  for (const l of text.split(/\r?\n/)) {
    const m = /(?:^\s*| )#\s?(.*)$/.exec(l);
    if (m) out.push(m[1].trimEnd());
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Run parameters: seeded and modest by default; PROP_SEED / PROP_RUNS_FACTOR explore further
// (e.g. `PROP_SEED=$RANDOM PROP_RUNS_FACTOR=10 npx vitest run test/properties`).

const SEED = Number(process.env.PROP_SEED ?? 20240607);
const FACTOR = Number(process.env.PROP_RUNS_FACTOR ?? 1);
/** fast-check parameters: a fixed seed (printed with any counterexample) and `n` runs. */
export const runs = (n: number): fc.Parameters<unknown> => ({ numRuns: Math.max(1, Math.round(n * FACTOR)), seed: SEED });
/** Print the tallies of what the generators produced (PROP_VERBOSE=1). */
export const verbose = process.env.PROP_VERBOSE === '1';
