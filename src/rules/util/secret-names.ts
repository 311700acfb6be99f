/**
 * Which environment variables hold secrets, and which images read `<VAR>_FILE`.
 */
import { parseImageRef, familiarName } from './image-ref.js';

/**
 * The documented default pattern. A variable is secret-like when its name, split on `_`, `.`
 * and `-` and upper-cased, has
 *   - a component PASSWORD, PASSWD, PASS, PWD, SECRET, SECRETS, TOKEN, PASSPHRASE, CREDENTIAL,
 *     CREDENTIALS, APIKEY, SALT; or
 *   - a component KEY right after API, ACCESS, PRIVATE, SECRET, AUTH, ENCRYPTION, SIGNING,
 *     MASTER, LICENSE, SESSION, JWT, HMAC, APP, CLIENT, ENC (API_KEY, PRIVATE_KEY, ...);
 * unless
 *   - it is PWD or OLDPWD (shell working directories), or
 *   - its last component says it is not the secret itself: FILE, PATH, DIR, HOST, PORT, URL,
 *     USER, USERNAME, NAME, ID, LENGTH, EXPIRE, EXPIRES, EXPIRY, EXPIRATION, TTL, TIMEOUT,
 *     LIFETIME, ENABLED, DISABLED, REQUIRED, POLICY, ALGORITHM, ALGO, TYPE, HEADER, FORMAT,
 *     MODE, MINUTES, SECONDS, HOURS, DAYS, MIN, MAX, COUNT, ROTATION, LOCATION, PREFIX, FIELD,
 *     PARAM, ISSUER, AUDIENCE; or
 *   - it has a component ALLOW, RANDOM, ONETIME, SKIP, GENERATE (flags such as
 *     MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD).
 * `secretsAllow` / `secretsDeny` (names or globs with `*` and `?`, case-insensitive) override
 * the pattern; deny wins over allow.
 */
const SECRET_WORDS = new Set([
  'PASSWORD', 'PASSWD', 'PASS', 'PWD', 'SECRET', 'SECRETS', 'TOKEN', 'PASSPHRASE', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'SALT',
]);
const KEY_PREFIXES = new Set([
  'API', 'ACCESS', 'PRIVATE', 'SECRET', 'AUTH', 'ENCRYPTION', 'SIGNING', 'MASTER', 'LICENSE', 'SESSION', 'JWT', 'HMAC', 'APP', 'CLIENT', 'ENC',
]);
const NOT_SECRET_LAST = new Set([
  'FILE', 'PATH', 'DIR', 'HOST', 'PORT', 'URL', 'USER', 'USERNAME', 'NAME', 'ID', 'LENGTH', 'EXPIRE', 'EXPIRES', 'EXPIRY', 'EXPIRATION',
  'TTL', 'TIMEOUT', 'LIFETIME', 'ENABLED', 'DISABLED', 'REQUIRED', 'POLICY', 'ALGORITHM', 'ALGO', 'TYPE', 'HEADER', 'FORMAT', 'MODE',
  'MINUTES', 'SECONDS', 'HOURS', 'DAYS', 'MIN', 'MAX', 'COUNT', 'ROTATION', 'LOCATION', 'PREFIX', 'FIELD', 'PARAM', 'ISSUER', 'AUDIENCE',
]);
const FLAG_WORDS = new Set(['ALLOW', 'RANDOM', 'ONETIME', 'SKIP', 'GENERATE']);

export function defaultSecretLike(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper === 'PWD' || upper === 'OLDPWD') return false;
  const parts = upper.split(/[_.-]+/).filter(Boolean);
  if (!parts.length) return false;
  if (NOT_SECRET_LAST.has(parts[parts.length - 1])) return false;
  if (parts.some((p) => FLAG_WORDS.has(p))) return false;
  if (parts.some((p) => SECRET_WORDS.has(p))) return true;
  return parts.some((p, i) => p === 'KEY' && i > 0 && KEY_PREFIXES.has(parts[i - 1]));
}

function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

export function secretMatcher(allow: readonly string[], deny: readonly string[]): (name: string) => boolean {
  const a = allow.map(globToRegExp);
  const d = deny.map(globToRegExp);
  return (name) => {
    if (d.some((r) => r.test(name))) return false;
    if (a.some((r) => r.test(name))) return true;
    return defaultSecretLike(name);
  };
}

/**
 * Official images whose entrypoint reads `<VAR>_FILE` (the `file_env` helper), from each
 * image's "Docker Secrets" section in github.com/docker-library/docs (`<image>/content.md`,
 * "Currently, this is only supported for ..."), checked when this table was written:
 * - postgres: POSTGRES_INITDB_ARGS, POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB
 * - mysql, percona: MYSQL_ROOT_PASSWORD, MYSQL_ROOT_HOST, MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD
 * - mariadb: MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ROOT_HOST, MARIADB_DATABASE,
 *   MARIADB_USER, MARIADB_PASSWORD, MARIADB_PASSWORD_HASH "(and MYSQL_* equivalents of these)"
 * - mongo: MONGO_INITDB_ROOT_USERNAME, MONGO_INITDB_ROOT_PASSWORD
 * - wordpress: WORDPRESS_DB_HOST, _USER, _PASSWORD, _NAME, the eight AUTH/NONCE/LOGGED_IN keys and
 *   salts, WORDPRESS_TABLE_PREFIX
 * - nextcloud (github.com/nextcloud/docker README): NEXTCLOUD_ADMIN_PASSWORD, NEXTCLOUD_ADMIN_USER,
 *   MYSQL_DATABASE, MYSQL_PASSWORD, MYSQL_USER, POSTGRES_DB, POSTGRES_PASSWORD, POSTGRES_USER,
 *   REDIS_HOST_PASSWORD, SMTP_PASSWORD, OBJECTSTORE_S3_KEY, OBJECTSTORE_S3_SECRET
 * - redmine: REDMINE_DB_MYSQL, REDMINE_DB_POSTGRES, REDMINE_DB_PORT, REDMINE_DB_USERNAME,
 *   REDMINE_DB_PASSWORD, REDMINE_DB_DATABASE, REDMINE_DB_ENCODING, REDMINE_SECRET_KEY_BASE
 */
const MYSQL_VARS = ['MYSQL_ROOT_PASSWORD', 'MYSQL_ROOT_HOST', 'MYSQL_DATABASE', 'MYSQL_USER', 'MYSQL_PASSWORD'];
const WP_KEYS = ['AUTH', 'SECURE_AUTH', 'LOGGED_IN', 'NONCE'].flatMap((k) => [`WORDPRESS_${k}_KEY`, `WORDPRESS_${k}_SALT`]);
export const FILE_ENV_IMAGES: Readonly<Record<string, readonly string[]>> = {
  postgres: ['POSTGRES_INITDB_ARGS', 'POSTGRES_PASSWORD', 'POSTGRES_USER', 'POSTGRES_DB'],
  mysql: MYSQL_VARS,
  percona: MYSQL_VARS,
  mariadb: [
    'MARIADB_ROOT_PASSWORD', 'MARIADB_ROOT_PASSWORD_HASH', 'MARIADB_ROOT_HOST', 'MARIADB_DATABASE', 'MARIADB_USER',
    'MARIADB_PASSWORD', 'MARIADB_PASSWORD_HASH', ...MYSQL_VARS, 'MYSQL_ROOT_PASSWORD_HASH', 'MYSQL_PASSWORD_HASH',
  ],
  mongo: ['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_PASSWORD'],
  wordpress: ['WORDPRESS_DB_HOST', 'WORDPRESS_DB_USER', 'WORDPRESS_DB_PASSWORD', 'WORDPRESS_DB_NAME', ...WP_KEYS, 'WORDPRESS_TABLE_PREFIX'],
  nextcloud: [
    'NEXTCLOUD_ADMIN_PASSWORD', 'NEXTCLOUD_ADMIN_USER', 'MYSQL_DATABASE', 'MYSQL_PASSWORD', 'MYSQL_USER', 'POSTGRES_DB',
    'POSTGRES_PASSWORD', 'POSTGRES_USER', 'REDIS_HOST_PASSWORD', 'SMTP_PASSWORD', 'OBJECTSTORE_S3_KEY', 'OBJECTSTORE_S3_SECRET',
  ],
  redmine: [
    'REDMINE_DB_MYSQL', 'REDMINE_DB_POSTGRES', 'REDMINE_DB_PORT', 'REDMINE_DB_USERNAME', 'REDMINE_DB_PASSWORD', 'REDMINE_DB_DATABASE',
    'REDMINE_DB_ENCODING', 'REDMINE_SECRET_KEY_BASE',
  ],
};

/** Whether `image` (any tag or digest of an official image above) reads `<name>_FILE`. */
export function imageReadsFileVar(image: string | undefined, name: string): boolean {
  if (!image) return false;
  const ref = parseImageRef(image);
  if (!ref || ref.registry !== 'docker.io') return false;
  const vars = FILE_ENV_IMAGES[familiarName(ref)];
  return !!vars && vars.includes(name);
}
