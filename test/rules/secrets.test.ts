/**
 * secrets: what the fixtures cannot show — file modes, and that a literal secret never reaches
 * notes, warnings or (after masking) the diff — plus the pure helpers.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, statSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import secrets from '../../src/rules/secrets.js';
import { runFixes, maskSecrets } from '../helpers/run-fixes.js';
import { writeChanges } from '../../src/core/save.js';
import { formatDiff } from '../../src/core/diff.js';
import { classifyInterpolation } from '../../src/rules/util/interpolation.js';
import { dotenvSafe, parseDotenv, gitignoreHas } from '../../src/rules/util/dotenv.js';
import { defaultSecretLike, secretMatcher, imageReadsFileVar } from '../../src/rules/util/secret-names.js';

const LITERALS = ['hunter2-Xq9', 'sk_live_51HqL$$zz', 'tok#en with spaces'];

const compose = `services:
  app:
    build: .
    environment:
      API_KEY: ${LITERALS[1]}
      AUTH_TOKEN: "${LITERALS[2]}"
      POSTGRES_PASSWORD: ${LITERALS[0]}
  db:
    image: postgres:16
    environment:
      - POSTGRES_PASSWORD=${LITERALS[0]}
`;

async function run(dir: string) {
  const file = path.join(dir, 'compose.yaml');
  return runFixes({ dir, environments: [{ name: 'default', files: [file] }] }, [secrets], {});
}

describe('secrets: confidentiality', () => {
  it('creates secret files with mode 0600 and never shows a literal in notes, warnings or the masked diff', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-secrets-'));
    try {
      writeFileSync(path.join(dir, 'compose.yaml'), compose);
      const result = await run(dir);
      const delivered = ['hunter2-Xq9', 'sk_live_51HqL$zz', 'tok#en with spaces'];
      const report = JSON.stringify({ notes: result.notes, warnings: result.warnings });
      for (const v of [...LITERALS, ...delivered]) expect(report).not.toContain(v);
      for (const v of delivered) expect(result.masks).toContain(v);
      const diff = maskSecrets(formatDiff(result.changes, { cwd: dir }), result.masks);
      for (const v of [...LITERALS, ...delivered]) expect(diff).not.toContain(v);
      expect(diff).toContain('********');

      await writeChanges(result.changes);
      const created = result.changes.filter((c) => c.path.includes(`${path.sep}secrets${path.sep}`));
      expect(created.map((c) => path.basename(c.path)).sort()).toEqual(['app_api_key.txt', 'app_auth_token.txt', 'postgres_password.txt']);
      for (const c of created) expect(statSync(c.path).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dir, 'secrets')).mode & 0o777, 'secrets/ is private').toBe(0o700);
      expect(statSync(path.join(dir, '.env')).mode & 0o777, 'a new .env holds values: private').toBe(0o600);
      expect(readFileSync(path.join(dir, 'secrets', 'app_api_key.txt'), 'utf8')).toBe('sk_live_51HqL$zz');
      expect(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).not.toMatch(/hunter2|sk_live|tok#en/);
      // what the app still receives comes unchanged from .env
      const env = parseDotenv(readFileSync(path.join(dir, '.env'), 'utf8'));
      expect(env.get('APP_API_KEY')?.value).toBe('sk_live_51HqL$zz');
      expect(env.get('APP_AUTH_TOKEN')?.value).toBe('tok#en with spaces');
      expect(env.get('POSTGRES_PASSWORD')?.value).toBe('hunter2-Xq9');
      const again = await run(dir);
      expect(again.changes).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets: helpers', () => {
  it('classifies interpolation', () => {
    expect(classifyInterpolation('pa$$word')).toEqual({ kind: 'literal', value: 'pa$word' });
    expect(classifyInterpolation('${DB_PW}')).toEqual({ kind: 'variable', name: 'DB_PW' });
    expect(classifyInterpolation('$DB_PW')).toEqual({ kind: 'variable', name: 'DB_PW' });
    expect(classifyInterpolation('postgres://u:${PW}@db').kind).toBe('partial');
    expect(classifyInterpolation('${PW:-secret}')).toMatchObject({ kind: 'partial', hasDefault: true });
    expect(classifyInterpolation('${PW:?required}')).toMatchObject({ kind: 'partial', hasDefault: true });
    expect(classifyInterpolation('cost: 5$').kind).toBe('partial');
  });

  it('knows which values a .env file carries verbatim', () => {
    expect(dotenvSafe('a$b#c "d" e')).toBe(true);
    expect(dotenvSafe("it's")).toBe(false);
    expect(dotenvSafe('back\\slash')).toBe(false);
    expect(dotenvSafe('two\nlines')).toBe(false);
  });

  it('recognises an existing gitignore entry', () => {
    expect(gitignoreHas('node_modules\n/secrets/\n', 'secrets/')).toBe(true);
    expect(gitignoreHas('secrets/*\n!secrets/README\n', 'secrets/')).toBe(true);
    expect(gitignoreHas('secrets/\n!secrets/\n', 'secrets/')).toBe(false);
    expect(gitignoreHas('.env.example\n', '.env')).toBe(false);
  });

  it('applies the documented name pattern and the allow/deny globs', () => {
    for (const n of ['POSTGRES_PASSWORD', 'DB_PASSWD', 'SMTP_PASS', 'JWT_SECRET', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'PRIVATE_KEY', 'WORDPRESS_AUTH_SALT'])
      expect(defaultSecretLike(n), n).toBe(true);
    for (const n of ['PWD', 'POSTGRES_USER', 'PASSWORD_FILE', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'MYSQL_RANDOM_ROOT_PASSWORD', 'JWT_SECRET_EXPIRES', 'TOKEN_TTL', 'KEY', 'SSH_KEY_PATH', 'API_KEY_HEADER'])
      expect(defaultSecretLike(n), n).toBe(false);
    const m = secretMatcher(['DATABASE_URL', '*_DSN'], ['CI_*']);
    expect(m('DATABASE_URL')).toBe(true);
    expect(m('sentry_dsn')).toBe(true);
    expect(m('CI_JOB_TOKEN')).toBe(false);
  });

  it('knows the images that read <VAR>_FILE', () => {
    expect(imageReadsFileVar('postgres:16-alpine', 'POSTGRES_PASSWORD')).toBe(true);
    expect(imageReadsFileVar('docker.io/library/mariadb:11', 'MYSQL_ROOT_PASSWORD')).toBe(true);
    expect(imageReadsFileVar('mongo', 'MONGO_INITDB_ROOT_PASSWORD')).toBe(true);
    expect(imageReadsFileVar('bitnami/postgresql', 'POSTGRES_PASSWORD')).toBe(false);
    expect(imageReadsFileVar('ghcr.io/x/postgres:16', 'POSTGRES_PASSWORD')).toBe(false);
    expect(imageReadsFileVar('postgres', 'PGDATA')).toBe(false);
  });
});
