/**
 * Test fleets: folders of real git repositories, from small inline compose files and from the
 * corpus (`../shared/corpus`).
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { corpusPairs, corpusSingle } from '../helpers/shared.js';
import { corpusFiles, makeRepo } from './helpers.js';

export const SECRET = 's3cr3t-Passw0rd-42';

const NESTED_DEV = `services:
  web:
    image: example/web:1.4.2
    command: ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]
    ports:
      - "8000:8000"
    environment:
      DEBUG: "1"
      DATABASE_HOST: db
      DATABASE_PORT: "5432"
      CACHE_URL: redis://cache:6379/0
    depends_on:
      - db
      - cache
  db:
    image: postgres:16.4
    environment:
      POSTGRES_USER: app
      POSTGRES_DB: app
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app"]
      interval: 10s
      timeout: 5s
      retries: 5
  cache:
    image: redis:7.2.4
`;

const NESTED_PROD = NESTED_DEV.replace('"8000:8000"', '"80:8000"')
  .replace('DEBUG: "1"', 'DEBUG: "0"')
  .replace('      - cache\n', '      - cache\n    restart: always\n')
  .replace('      retries: 5\n', '      retries: 5\n    restart: always\n')
  .replace('    image: redis:7.2.4\n', '    image: redis:7.2.4\n    restart: always\n');

const AMBIGUOUS_DEV = `services:
  web:
    image: app:1
    ports:
      - "80:80"
    environment:
      A: "1"
      B: "2"
      C: "3"
      D: "4"
    restart: always
`;
const AMBIGUOUS_PROD = `services:
  web:
    image: app:2
    restart: always
    ports:
      - "8080:80"
`;

/** Inline repositories: what each one is for is in its name. */
export const INLINE: Record<string, Record<string, string>> = {
  // fix: secrets (a literal password) + add-volumes; the secret must never be printed
  // the repository's own policy moves its dev literal (the default keeps a dev literal committed)
  'app-secrets': {
    'composemod.config.json': '{ "secrets": { "devSecrets": "move" } }\n',
    'compose.yaml': `services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: ${SECRET}\n`,
  },
  // a per-environment pair two levels down, beside compose files batch must never open
  // (each invalid: visiting one would make the repository an error)
  'nested-deploy': {
    'deploy/compose.yaml': NESTED_DEV,
    'deploy/compose.prod.yaml': NESTED_PROD,
    'node_modules/some-pkg/compose.yaml': 'services: [\n',
    'vendor/lib/docker-compose.yml': 'services: [\n',
    'web/vendor/docker-compose.yml': 'services: [\n',
    '.gitignore': 'local/\n',
    'README.md': '# nested\n',
  },
  // nothing to do for any command
  'clean-app': { 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      - "8080:80"\n    security_opt: [no-new-privileges:true]\n' },
  // bad input: reported with file:line, the batch goes on
  'invalid-yaml': { 'compose.yaml': 'services:\n  web:\n    image: [nginx\n' },
  // detection cannot tell full files from overrides: refused (needs --env)
  'ambiguous-layout': { 'compose.yaml': AMBIGUOUS_DEV, 'compose.prod.yaml': AMBIGUOUS_PROD },
  // no compose file at all
  'no-compose': { 'README.md': '# not a compose project\n', 'app/main.py': 'print("hi")\n' },
};

/** Untracked files written after the commit (git ignores `local/`: batch must not look there). */
function untracked(root: string): void {
  const dir = path.join(root, 'nested-deploy', 'local');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'compose.yaml'), 'services: [\n');
}

export function inlineFleet(root: string, names: readonly string[] = Object.keys(INLINE)): string[] {
  for (const name of names) makeRepo(path.join(root, name), INLINE[name]);
  if (names.includes('nested-deploy')) untracked(root);
  return [...names];
}

/** Corpus pairs used by the suites (all of them would take minutes on 2 shared cores). */
export const PAIRS = [
  '001-testdrivenio-django-on-docker',
  '002-testdrivenio-flask-on-docker',
  '007-NodeBB-NodeBB',
  '008-miniflux-v2',
  '014-testdrivenio-fastapi-docker-traefik',
  '015-nextcloud-docker',
  '018-dockersamples-laravel-docker-examples',
  '024-123456wda-feed_system_Golang',
  '102-fastapi-full-stack-fastapi-template',
  '105-sqshq-piggymetrics',
];

export const SINGLES = [
  '004-docker-awesome-compose__django__compose.yaml',
  '007-docker-awesome-compose__flask-redis__compose.yaml',
  '009-docker-awesome-compose__gitea-postgres__compose.yaml',
  '005-docker-awesome-compose__elasticsearch-logstash-kibana__compose.yaml',
];

/** Repositories built from the corpus: `pair-<name>` (paths restored) and `single-<n>` (as compose.yaml). */
export function corpusFleet(root: string, pairs = PAIRS, singles = SINGLES): string[] {
  const names: string[] = [];
  for (const p of pairs) {
    const name = `pair-${p}`;
    makeRepo(path.join(root, name), corpusFiles(path.join(corpusPairs, p)));
    names.push(name);
  }
  for (const s of singles) {
    const name = `single-${s.slice(0, 3)}`;
    makeRepo(path.join(root, name), corpusFiles(path.join(corpusSingle, s), 'compose.yaml'));
    names.push(name);
  }
  return names;
}

/** A copy of a whole fleet (work trees and .git), for comparing two modes on the same input. */
export function copyFleet(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  return to;
}
