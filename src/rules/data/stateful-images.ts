/**
 * Well-known images that keep state on disk, and where.
 *
 * Used by `add-volumes` (which directory must be a volume) and by `network-split` (which
 * services are data stores that belong on the backend network only). Every path comes from
 * the image's own documentation (Docker Hub page or vendor docs); an image is only listed
 * when its data directory is known for sure. When the path depends on the version, the tag,
 * the command or the environment, `dataPath` says so, and answers `unknown` rather than
 * guessing.
 */
import { imageName, tagMajor, type ImageName } from '../util/image-ref.js';

export type DataRole = 'database' | 'cache' | 'queue' | 'search' | 'object-store' | 'metrics';

/** What a service runs, as far as the data path depends on it (values from the merged model). */
export interface ImageContext {
  ref: ImageName;
  /** `command` in the normal form (list of strings), if any. */
  command?: readonly string[];
  /** `environment` in the normal form (KEY -> string or null), if any. */
  environment?: Readonly<Record<string, string | null>>;
}

export type DataPath =
  /** The directory that must be a volume, and why it is that one. */
  | { kind: 'path'; path: string; why: string }
  /** The service was configured not to persist anything (e.g. redis `--save ""`). */
  | { kind: 'ephemeral'; why: string }
  /** The image is known but the data directory cannot be told from the file. */
  | { kind: 'unknown'; why: string };

export interface StatefulImage {
  /** Short name used in notes: `postgres`, `redis`... */
  id: string;
  /** Normalized repositories (see image-ref.ts), e.g. `postgres`, `bitnami/postgresql`. */
  repositories: readonly string[];
  role: DataRole;
  /** A data store other services connect to (network-split puts it on the backend only). */
  datastore: boolean;
  /** Keeps data on disk worth a volume (memcached: false). */
  persistent: boolean;
  /** Where the data lives. Absent when not persistent. */
  dataPath?(ctx: ImageContext): DataPath;
  /** Words a volume name may contain to be recognised as this image's data (`pg`, `db`...). */
  volumeHints: readonly string[];
}

const fixed =
  (path: string, source: string) =>
  (): DataPath => ({ kind: 'path', path, why: `${source} keeps its data in ${path}` });

/** A literal (no `${...}`) value of an environment variable, or undefined. */
function envValue(ctx: ImageContext, key: string): string | undefined {
  const v = ctx.environment?.[key];
  if (typeof v !== 'string' || v === '' || v.includes('$')) return undefined;
  return v;
}

/** The value of `--flag value` or `--flag=value` in the command, or undefined. */
export function flagValue(command: readonly string[] | undefined, ...flags: string[]): string | undefined {
  if (!command) return undefined;
  for (let i = 0; i < command.length; i++) {
    const arg = command[i];
    for (const f of flags) {
      if (arg === f && i + 1 < command.length) return command[i + 1];
      if (arg.startsWith(`${f}=`)) return arg.slice(f.length + 1);
    }
  }
  return undefined;
}

const isAbsolute = (p: string | undefined): p is string => !!p && p.startsWith('/') && !p.includes('$');

function postgresPath(ctx: ImageContext, opts: { majorFrom: RegExp; latestMajor?: number; label: string }): DataPath {
  const pgdata = envValue(ctx, 'PGDATA');
  if (isAbsolute(pgdata)) return { kind: 'path', path: pgdata, why: `${ctx.ref.repository} keeps its data in PGDATA=${pgdata}` };
  if (ctx.environment && typeof ctx.environment.PGDATA === 'string' && ctx.environment.PGDATA.includes('$'))
    return { kind: 'unknown', why: 'PGDATA is set from a variable' };
  const { ref } = ctx;
  let major = tagMajor(ref.tag, opts.majorFrom);
  if (major === null && (ref.tag === null || /^(latest|alpine\d*(\.\d+)*|bookworm|trixie|bullseye)$/.test(ref.tag)) && !ref.tagUnresolved) {
    if (ref.digest && ref.tag === null) return { kind: 'unknown', why: 'the image is pinned by digest only, so its major version is unknown' };
    if (opts.latestMajor !== undefined) major = opts.latestMajor;
  }
  if (major === null)
    return { kind: 'unknown', why: `the PostgreSQL major version cannot be told from the tag \`${ref.tag ?? (ref.tagUnresolved ? '${...}' : 'latest')}\`` };
  if (major >= 18)
    return {
      kind: 'path',
      path: '/var/lib/postgresql',
      why: `${opts.label} ${major}+ keeps its data in /var/lib/postgresql/${major}/docker (the image's VOLUME is /var/lib/postgresql)`,
    };
  return { kind: 'path', path: '/var/lib/postgresql/data', why: `${opts.label} ${major} keeps its data in /var/lib/postgresql/data` };
}

export const STATEFUL_IMAGES: readonly StatefulImage[] = [
  {
    id: 'postgres',
    repositories: ['postgres', 'postgis/postgis'],
    role: 'database',
    datastore: true,
    persistent: true,
    // postgres: `latest` is 18 since September 2025 (docker-library/postgres#1259 moved PGDATA
    // to /var/lib/postgresql/MAJOR/docker and the VOLUME to /var/lib/postgresql for 18+).
    dataPath: (ctx) =>
      postgresPath(ctx, {
        majorFrom: /^v?(\d+)(?!\d)/,
        latestMajor: ctx.ref.repository === 'postgres' ? 18 : undefined,
        label: 'postgres',
      }),
    volumeHints: ['postgres', 'postgresql', 'pg', 'pgdata', 'db', 'database'],
  },
  {
    id: 'postgres',
    // images built FROM the official postgres image, versioned `pg16`, `0.8.0-pg17`, `latest-pg16`
    repositories: ['pgvector/pgvector', 'timescale/timescaledb'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: (ctx) => postgresPath(ctx, { majorFrom: /(?:^|-)pg(\d+)(?!\d)/, label: 'postgres' }),
    volumeHints: ['postgres', 'postgresql', 'pg', 'pgdata', 'db', 'database'],
  },
  {
    id: 'mysql',
    repositories: ['mysql', 'mysql/mysql-server', 'percona', 'percona/percona-server'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: fixed('/var/lib/mysql', 'mysql'),
    volumeHints: ['mysql', 'db', 'database'],
  },
  {
    id: 'mariadb',
    repositories: ['mariadb'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: fixed('/var/lib/mysql', 'mariadb'),
    volumeHints: ['mariadb', 'maria', 'mysql', 'db', 'database'],
  },
  {
    id: 'mongo',
    repositories: ['mongo', 'mongodb/mongodb-community-server', 'mongodb/mongodb-enterprise-server'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: (ctx) => {
      const dbpath = flagValue(ctx.command, '--dbpath');
      if (isAbsolute(dbpath)) return { kind: 'path', path: dbpath, why: `mongod runs with --dbpath ${dbpath}` };
      if (dbpath !== undefined) return { kind: 'unknown', why: `mongod runs with --dbpath ${dbpath}` };
      return { kind: 'path', path: '/data/db', why: 'mongo keeps its data in /data/db' };
    },
    volumeHints: ['mongo', 'mongodb', 'db', 'database'],
  },
  {
    id: 'redis',
    repositories: [
      'redis',
      'redis/redis-stack',
      'redis/redis-stack-server',
      'redislabs/redismod',
      'valkey/valkey',
      'eqalpha/keydb',
      'docker.dragonflydb.io/dragonflydb/dragonfly',
    ],
    role: 'cache',
    datastore: true,
    persistent: true,
    dataPath: (ctx) => {
      const cmd = ctx.command ?? [];
      const save = flagValue(cmd, '--save');
      const aof = flagValue(cmd, '--appendonly');
      if (save === '' && aof !== 'yes')
        return { kind: 'ephemeral', why: 'it runs with `--save ""` (snapshots disabled) and without `--appendonly yes`' };
      const dir = flagValue(cmd, '--dir');
      if (isAbsolute(dir)) return { kind: 'path', path: dir, why: `the server runs with --dir ${dir}` };
      if (dir !== undefined) return { kind: 'unknown', why: `the server runs with --dir ${dir}` };
      if (cmd.some((a) => /\.conf$/.test(a)))
        return { kind: 'path', path: '/data', why: `${ctx.ref.repository} writes its snapshots to /data (check \`dir\` in the mounted config file)` };
      return { kind: 'path', path: '/data', why: `${ctx.ref.repository} writes its snapshots (RDB/AOF) to /data` };
    },
    volumeHints: ['redis', 'valkey', 'keydb', 'dragonfly', 'cache'],
  },
  {
    id: 'rabbitmq',
    repositories: ['rabbitmq'],
    role: 'queue',
    datastore: true,
    persistent: true,
    dataPath: fixed('/var/lib/rabbitmq', 'rabbitmq'),
    volumeHints: ['rabbitmq', 'rabbit', 'mq', 'queue'],
  },
  {
    id: 'elasticsearch',
    repositories: ['elasticsearch', 'docker.elastic.co/elasticsearch/elasticsearch'],
    role: 'search',
    datastore: true,
    persistent: true,
    dataPath: fixed('/usr/share/elasticsearch/data', 'elasticsearch'),
    volumeHints: ['elasticsearch', 'elastic', 'es', 'search'],
  },
  {
    id: 'opensearch',
    repositories: ['opensearchproject/opensearch'],
    role: 'search',
    datastore: true,
    persistent: true,
    dataPath: fixed('/usr/share/opensearch/data', 'opensearch'),
    volumeHints: ['opensearch', 'search'],
  },
  {
    id: 'clickhouse',
    repositories: ['clickhouse', 'clickhouse/clickhouse-server', 'yandex/clickhouse-server'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: fixed('/var/lib/clickhouse', 'clickhouse'),
    volumeHints: ['clickhouse', 'ch', 'db'],
  },
  {
    id: 'influxdb',
    repositories: ['influxdb'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: (ctx) => {
      const major = tagMajor(ctx.ref.tag);
      if (major === 1) return { kind: 'path', path: '/var/lib/influxdb', why: 'influxdb 1.x keeps its data in /var/lib/influxdb' };
      if (major === 2) return { kind: 'path', path: '/var/lib/influxdb2', why: 'influxdb 2.x keeps its data in /var/lib/influxdb2' };
      // `latest` moved to InfluxDB 3 Core (April 2026), whose data directory is a command flag
      return { kind: 'unknown', why: `the InfluxDB major version (1.x and 2.x differ) cannot be told from the tag \`${ctx.ref.tag ?? 'latest'}\`` };
    },
    volumeHints: ['influxdb', 'influx'],
  },
  {
    id: 'minio',
    repositories: ['minio/minio', 'quay.io/minio/minio'],
    role: 'object-store',
    datastore: true,
    persistent: true,
    dataPath: (ctx) => {
      const cmd = ctx.command ?? [];
      const i = cmd.indexOf('server');
      const args = i >= 0 ? cmd.slice(i + 1) : [];
      const paths: string[] = [];
      for (let j = 0; j < args.length; j++) {
        if (args[j].startsWith('-')) {
          if (!args[j].includes('=') && !['--quiet', '--anonymous', '--json'].includes(args[j])) j++;
          continue;
        }
        paths.push(args[j]);
      }
      if (paths.length === 1 && isAbsolute(paths[0]) && !paths[0].includes('...'))
        return { kind: 'path', path: paths[0], why: `minio serves ${paths[0]} (\`server ${paths[0]}\`)` };
      return { kind: 'unknown', why: 'the minio data directory comes from its `server` command, which names no single local directory' };
    },
    volumeHints: ['minio', 's3', 'storage'],
  },
  {
    id: 'neo4j',
    repositories: ['neo4j'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: fixed('/data', 'neo4j'),
    volumeHints: ['neo4j', 'graph', 'db'],
  },
  {
    id: 'cassandra',
    repositories: ['cassandra'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: fixed('/var/lib/cassandra', 'cassandra'),
    volumeHints: ['cassandra', 'db'],
  },
  {
    id: 'couchdb',
    repositories: ['couchdb'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: fixed('/opt/couchdb/data', 'couchdb'),
    volumeHints: ['couchdb', 'couch', 'db'],
  },
  {
    id: 'mssql',
    repositories: ['mcr.microsoft.com/mssql/server', 'mcr.microsoft.com/azure-sql-edge'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: fixed('/var/opt/mssql', 'SQL Server'),
    volumeHints: ['mssql', 'sqlserver', 'sql', 'db'],
  },
  {
    id: 'meilisearch',
    repositories: ['getmeili/meilisearch'],
    role: 'search',
    datastore: true,
    persistent: true,
    dataPath: fixed('/meili_data', 'meilisearch'),
    volumeHints: ['meili', 'meilisearch', 'search'],
  },
  {
    id: 'qdrant',
    repositories: ['qdrant/qdrant'],
    role: 'search',
    datastore: true,
    persistent: true,
    dataPath: fixed('/qdrant/storage', 'qdrant'),
    volumeHints: ['qdrant', 'vector'],
  },
  {
    id: 'solr',
    repositories: ['solr'],
    role: 'search',
    datastore: true,
    persistent: true,
    dataPath: fixed('/var/solr', 'solr'),
    volumeHints: ['solr', 'search'],
  },
  {
    id: 'etcd',
    repositories: ['quay.io/coreos/etcd', 'gcr.io/etcd-development/etcd'],
    role: 'database',
    datastore: true,
    persistent: true,
    dataPath: (ctx) => {
      const dir = flagValue(ctx.command, '--data-dir') ?? envValue(ctx, 'ETCD_DATA_DIR');
      if (isAbsolute(dir)) return { kind: 'path', path: dir, why: `etcd runs with --data-dir ${dir}` };
      return { kind: 'unknown', why: 'etcd has no fixed data directory: set --data-dir (or ETCD_DATA_DIR)' };
    },
    volumeHints: ['etcd'],
  },
  {
    id: 'prometheus',
    repositories: ['prom/prometheus', 'quay.io/prometheus/prometheus'],
    role: 'metrics',
    datastore: false,
    persistent: true,
    dataPath: (ctx) => {
      const p = flagValue(ctx.command, '--storage.tsdb.path');
      if (p === undefined) return { kind: 'path', path: '/prometheus', why: 'prometheus keeps its TSDB in /prometheus' };
      if (isAbsolute(p)) return { kind: 'path', path: p, why: `prometheus runs with --storage.tsdb.path=${p}` };
      return { kind: 'unknown', why: `prometheus runs with --storage.tsdb.path=${p}` };
    },
    volumeHints: ['prometheus', 'prom', 'metrics', 'tsdb'],
  },
  {
    id: 'grafana',
    repositories: ['grafana/grafana', 'grafana/grafana-oss', 'grafana/grafana-enterprise'],
    role: 'metrics',
    datastore: false,
    persistent: true,
    dataPath: (ctx) => {
      const p = envValue(ctx, 'GF_PATHS_DATA');
      if (isAbsolute(p)) return { kind: 'path', path: p, why: `grafana runs with GF_PATHS_DATA=${p}` };
      return { kind: 'path', path: '/var/lib/grafana', why: 'grafana keeps its database (dashboards, users) in /var/lib/grafana' };
    },
    volumeHints: ['grafana'],
  },
  // Bitnami images keep everything under /bitnami/<name> (the paths their READMEs document).
  ...(
    [
      ['postgres', 'postgresql', '/bitnami/postgresql', 'database'],
      ['mysql', 'mysql', '/bitnami/mysql/data', 'database'],
      ['mariadb', 'mariadb', '/bitnami/mariadb', 'database'],
      ['mongo', 'mongodb', '/bitnami/mongodb', 'database'],
      ['redis', 'redis', '/bitnami/redis/data', 'cache'],
      ['rabbitmq', 'rabbitmq', '/bitnami/rabbitmq/mnesia', 'queue'],
    ] as const
  ).map(
    ([id, name, path, role]): StatefulImage => ({
      id,
      repositories: [`bitnami/${name}`, `bitnamilegacy/${name}`],
      role,
      datastore: true,
      persistent: true,
      dataPath: fixed(path, `bitnami/${name}`),
      volumeHints: [id, name, 'db', 'data'],
    }),
  ),
  // Data stores without anything on disk: only for network-split.
  { id: 'memcached', repositories: ['memcached', 'bitnami/memcached'], role: 'cache', datastore: true, persistent: false, volumeHints: [] },
];

const byRepository = new Map<string, StatefulImage>();
for (const entry of STATEFUL_IMAGES) for (const r of entry.repositories) byRepository.set(r, entry);

/** The table entry of an image reference (tags, digests and registry prefixes allowed). */
export function lookupImage(image: unknown): { entry: StatefulImage; ref: ImageName } | undefined {
  const ref = imageName(image);
  if (!ref) return undefined;
  const entry = byRepository.get(ref.repository);
  return entry ? { entry, ref } : undefined;
}

/** Where a service keeps its data, or undefined when its image is not in the table. */
export function dataPathOf(
  image: unknown,
  command?: readonly string[],
  environment?: Readonly<Record<string, string | null>>,
): { entry: StatefulImage; ref: ImageName; data: DataPath } | undefined {
  const hit = lookupImage(image);
  if (!hit || !hit.entry.persistent || !hit.entry.dataPath) return undefined;
  return { ...hit, data: hit.entry.dataPath({ ref: hit.ref, command, environment }) };
}
