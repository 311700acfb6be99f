/**
 * Known images, for the container rules (healthcheck, read-only, cap-drop): how to ask each
 * one whether it is ready, which paths it writes outside its volumes, and which capabilities
 * its entrypoint needs once every other one is dropped.
 *
 * Every entry comes from the image's own documentation or entrypoint (Docker Hub page, vendor
 * docs); when the answer depends on the configuration (a password, a setting that enables
 * the health endpoint, the major version), the entry reads it from the service's merged model
 * and answers `unknown` with the reason rather than guessing.
 */
import { imageName, tagMajor, type ImageName } from '../util/image-ref.js';
import { flagValue } from './stateful-images.js';

/** What a service runs, from its merged model (normal form). */
export interface ServiceContext {
  ref: ImageName;
  /** `command` in the normal form, if any. */
  command?: readonly string[];
  /** `environment` in the normal form (KEY -> value or null), if any. */
  environment: Readonly<Record<string, string | null>>;
}

/** A healthcheck the fix can write: `test` in list form, as written in the file (`$$` escapes). */
export type HealthProbe =
  | { kind: 'probe'; test: string[]; why: string; startPeriod?: string }
  /** The image is known, but no probe works without a change the fix will not make. */
  | { kind: 'unknown'; why: string };

export interface KnownImage {
  /** Short name used in messages: `postgres`, `redis`... */
  id: string;
  /** Normalized repositories (image-ref.ts `imageName`). */
  repositories: readonly string[];
  /** How to probe readiness; absent: the image offers nothing to probe with. */
  health?(ctx: ServiceContext): HealthProbe;
  /** Why it has no probe (for `health` absent). */
  noHealth?: string;
  /**
   * Read-only root filesystem: the paths it writes besides its data directory (tmpfs), and
   * the mount it needs for its data (absent: writes nothing else). Absent: not known to work.
   */
  readOnly?: { tmpfs: readonly string[]; needsData?: boolean; unless?(ctx: ServiceContext): string | undefined };
  /** Capabilities its entrypoint needs after `cap_drop: [ALL]`. Absent: not known. */
  capAdd?: readonly string[];
}

/** The value of an environment variable when it is a literal (no `${...}`). */
export function literalEnv(ctx: ServiceContext, key: string): string | undefined {
  const v = ctx.environment[key];
  return typeof v === 'string' && !v.includes('$') ? v : undefined;
}

const truthy = (v: string | undefined): boolean => v !== undefined && /^(true|1|yes|on)$/i.test(v);
const shell = (script: string): string[] => ['CMD-SHELL', script];

/** Capabilities of an entrypoint that runs as root, fixes ownership of its data, then drops to a user (gosu/su-exec). */
const CHOWN_AND_DROP = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'] as const;

function redisProbe(cli: string) {
  return (ctx: ServiceContext): HealthProbe => {
    const pass = flagValue(ctx.command, '--requirepass');
    const ping = `${cli} --no-auth-warning`;
    if (pass !== undefined) {
      // the password as the command gives it: a literal, or the same ${VAR} Compose interpolates there
      if (!/^[\w.:@%+=,/${}-]+$/.test(pass) || /\$\$/.test(pass))
        return { kind: 'unknown', why: 'its --requirepass value cannot be repeated safely in a shell command' };
      return { kind: 'probe', test: shell(`${ping} -a "${pass}" ping | grep -q PONG`), why: `${cli} ping (with the --requirepass of the command) answers PONG once it accepts commands` };
    }
    for (const key of ['REDIS_PASSWORD', 'VALKEY_PASSWORD'])
      if (key in ctx.environment)
        return { kind: 'probe', test: shell(`${ping} -a "$$${key}" ping | grep -q PONG`), why: `${cli} ping (with the container's ${key}) answers PONG once it accepts commands` };
    return { kind: 'probe', test: shell(`${cli} ping | grep -q PONG`), why: `${cli} ping answers PONG once it accepts commands` };
  };
}

export const KNOWN_IMAGES: readonly KnownImage[] = [
  {
    id: 'postgres',
    repositories: ['postgres', 'postgis/postgis', 'timescale/timescaledb', 'pgvector/pgvector'],
    health: () => ({
      kind: 'probe',
      // the container's own variables, so values from env_file or .env count too
      test: shell('pg_isready -U "$${POSTGRES_USER:-postgres}" -d "$${POSTGRES_DB:-$${POSTGRES_USER:-postgres}}"'),
      why: 'pg_isready reports when the server accepts connections (as the configured POSTGRES_USER, on POSTGRES_DB)',
    }),
    readOnly: { tmpfs: ['/var/run/postgresql', '/tmp'], needsData: true },
    capAdd: CHOWN_AND_DROP,
  },
  {
    id: 'mysql',
    repositories: ['mysql', 'mysql/mysql-server'],
    // 127.0.0.1: the entrypoint's temporary init server listens on the socket only, so this
    // passes once the real server is up
    health: () => ({ kind: 'probe', test: ['CMD', 'mysqladmin', 'ping', '-h', '127.0.0.1', '--silent'], why: 'mysqladmin ping succeeds once the server accepts TCP connections' }),
    capAdd: CHOWN_AND_DROP,
  },
  {
    id: 'mariadb',
    repositories: ['mariadb'],
    health: (ctx) => {
      const major = tagMajor(ctx.ref.tag);
      const minor = ctx.ref.tag ? Number(/^\d+\.(\d+)/.exec(ctx.ref.tag)?.[1] ?? NaN) : NaN;
      if (major !== null && (major < 10 || (major === 10 && minor < 4)))
        return { kind: 'unknown', why: `mariadb ${ctx.ref.tag} has no healthcheck.sh (10.4 and later have it)` };
      return {
        kind: 'probe',
        test: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
        why: "the image's healthcheck.sh checks the server accepts connections and InnoDB is initialised",
      };
    },
    capAdd: CHOWN_AND_DROP,
  },
  {
    id: 'redis',
    repositories: ['redis', 'redis/redis-stack-server'],
    health: redisProbe('redis-cli'),
    readOnly: { tmpfs: ['/tmp'], needsData: true },
    capAdd: ['CHOWN', 'SETGID', 'SETUID'],
  },
  {
    id: 'valkey',
    repositories: ['valkey/valkey'],
    health: redisProbe('valkey-cli'),
    readOnly: { tmpfs: ['/tmp'], needsData: true },
    capAdd: ['CHOWN', 'SETGID', 'SETUID'],
  },
  {
    id: 'mongo',
    repositories: ['mongo'],
    health: (ctx) => {
      const major = tagMajor(ctx.ref.tag);
      // mongosh ships from 5.0 on; 6.0 dropped the legacy `mongo` shell
      const cli = major !== null && major < 5 ? 'mongo' : 'mongosh';
      return { kind: 'probe', test: ['CMD', cli, '--quiet', '--eval', 'db.runCommand({ping:1}).ok'], why: `${cli} runs a ping once the server accepts connections (no credentials needed)` };
    },
    capAdd: CHOWN_AND_DROP,
  },
  {
    id: 'rabbitmq',
    repositories: ['rabbitmq'],
    health: () => ({ kind: 'probe', test: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], why: 'rabbitmq-diagnostics ping succeeds once the node runs', startPeriod: '60s' }),
  },
  {
    id: 'elasticsearch',
    repositories: ['elasticsearch', 'docker.elastic.co/elasticsearch/elasticsearch'],
    health: (ctx) => {
      const security = literalEnv(ctx, 'xpack.security.enabled');
      const major = tagMajor(ctx.ref.tag);
      const off = security !== undefined ? !truthy(security) : major !== null && major < 8;
      if (!off) return { kind: 'unknown', why: 'security is enabled (the default from 8.0), so the HTTP API needs TLS and credentials' };
      return {
        kind: 'probe',
        test: shell('curl -fsS http://localhost:9200/_cluster/health >/dev/null'),
        why: 'the cluster health API answers once the node serves HTTP (curl is in the image)',
        startPeriod: '60s',
      };
    },
  },
  {
    id: 'opensearch',
    repositories: ['opensearchproject/opensearch'],
    health: (ctx) => {
      if (!truthy(literalEnv(ctx, 'DISABLE_SECURITY_PLUGIN')) && !truthy(literalEnv(ctx, 'plugins.security.disabled')))
        return { kind: 'unknown', why: 'the security plugin is enabled, so the HTTP API needs TLS and credentials' };
      return {
        kind: 'probe',
        test: shell('curl -fsS http://localhost:9200/_cluster/health >/dev/null'),
        why: 'the cluster health API answers once the node serves HTTP (curl is in the image)',
        startPeriod: '60s',
      };
    },
  },
  {
    id: 'minio',
    repositories: ['minio/minio', 'quay.io/minio/minio'],
    health: (ctx) => {
      if (ctx.ref.tag && /^RELEASE\.(20(?:1\d|2[0-2]))/.test(ctx.ref.tag))
        return { kind: 'unknown', why: `minio ${ctx.ref.tag} predates \`mc ready\`` };
      return { kind: 'probe', test: ['CMD', 'mc', 'ready', 'local'], why: 'mc ready local succeeds once the server is ready (mc is in the image)' };
    },
  },
  {
    id: 'keycloak',
    repositories: ['quay.io/keycloak/keycloak', 'keycloak/keycloak'],
    health: (ctx) => {
      if (!truthy(literalEnv(ctx, 'KC_HEALTH_ENABLED')) && !(ctx.command ?? []).some((a) => /^--health-enabled(=true)?$/.test(a)))
        return { kind: 'unknown', why: 'its health endpoint is off: set KC_HEALTH_ENABLED=true' };
      const major = tagMajor(ctx.ref.tag);
      if (major === null || major < 25) return { kind: 'unknown', why: 'the health endpoint is on port 9000 from Keycloak 25 on; the tag does not say which port it uses' };
      return {
        kind: 'probe',
        // the image has no curl: bash's /dev/tcp speaks HTTP to the management port
        test: shell("exec 3<>/dev/tcp/127.0.0.1/9000 && printf 'GET /health/ready HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && grep -q '\"UP\"' <&3"),
        why: '/health/ready on the management port reports UP once Keycloak is ready',
        startPeriod: '60s',
      };
    },
  },
  {
    id: 'traefik',
    repositories: ['traefik'],
    health: (ctx) => {
      const cmd = ctx.command ?? [];
      const ping = cmd.some((a) => /^--ping(=true)?$/i.test(a)) || truthy(literalEnv(ctx, 'TRAEFIK_PING'));
      if (!ping) return { kind: 'unknown', why: 'ping is not enabled (--ping=true)' };
      if (cmd.some((a) => /^--(ping\.entrypoint|entrypoints\.traefik\.address)=/i.test(a)))
        return { kind: 'unknown', why: 'ping is on a custom entrypoint; `traefik healthcheck` needs the same flags' };
      return { kind: 'probe', test: ['CMD', 'traefik', 'healthcheck', '--ping'], why: 'traefik healthcheck --ping asks the ping endpoint' };
    },
  },
  { id: 'nginx', repositories: ['nginx'], noHealth: 'nginx has no health endpoint unless its configuration defines one', readOnly: {
    tmpfs: ['/var/cache/nginx', '/var/run', '/tmp'],
    unless: (ctx) => ('NGINX_ENVSUBST_TEMPLATE_DIR' in ctx.environment || 'NGINX_ENVSUBST_OUTPUT_DIR' in ctx.environment ? 'its entrypoint writes templates into /etc/nginx' : undefined),
  }, capAdd: ['CHOWN', 'DAC_OVERRIDE', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'] },
  { id: 'caddy', repositories: ['caddy'], noHealth: 'caddy has no health endpoint unless its Caddyfile defines one' },
  { id: 'memcached', repositories: ['memcached'], noHealth: 'the image has no client to probe with', readOnly: { tmpfs: [] }, capAdd: [] },
];

const byRepository = new Map<string, KnownImage>();
for (const entry of KNOWN_IMAGES) for (const r of entry.repositories) byRepository.set(r, entry);

/** The entry of an image reference, with the parsed reference. */
export function knownImage(image: unknown): { entry: KnownImage; ref: ImageName } | undefined {
  const ref = imageName(image);
  const entry = ref ? byRepository.get(ref.repository) : undefined;
  return entry && ref ? { entry, ref } : undefined;
}
