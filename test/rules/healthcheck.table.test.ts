/** healthcheck under the rule contract: probes per image, per environment placement, kinds without a fix. */
import healthcheck from '../../src/rules/healthcheck.js';
import { ruleTester } from '../helpers/rule-tester.js';

const HC = (indent: string, test: string[], start = '30s'): string =>
  `${indent}healthcheck:\n${indent}  test:\n${test.map((t) => `${indent}    - ${t}\n`).join('')}${indent}  interval: 10s\n${indent}  timeout: 5s\n${indent}  retries: 5\n${indent}  start_period: ${start}\n`;
const PG = ['CMD-SHELL', 'pg_isready -U "$${POSTGRES_USER:-postgres}" -d "$${POSTGRES_DB:-$${POSTGRES_USER:-postgres}}"'];

ruleTester(healthcheck, {
  valid: [
    'services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n',
    { name: 'a disabled healthcheck is a choice', code: 'services:\n  db:\n    image: postgres:16\n    healthcheck:\n      disable: true\n' },
    { name: 'a built image may declare HEALTHCHECK', code: 'services:\n  app:\n    build: .\n    image: postgres:16\n' },
    { name: 'suppressed', code: 'services:\n  # composemod-disable-next-line healthcheck, healthcheck/unknown-image\n  db:\n    image: postgres:16\n' },
    {
      name: 'the override gives every environment that loads the base a healthcheck',
      files: {
        'compose.yaml': 'services:\n  cache:\n    image: redis:7\n',
        'compose.override.yaml': 'services:\n  cache:\n    healthcheck:\n      test: ["CMD", "redis-cli", "ping"]\n',
      },
      env: { dev: ['compose.yaml', 'compose.override.yaml'] },
    },
  ],
  invalid: [
    {
      name: 'postgres: pg_isready with the container variables, reported at the service',
      code: 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n',
      findings: [{ id: 'healthcheck', line: 2, column: 3, severity: 'warning', environments: ['default'], fixable: true, message: 'db has no healthcheck' }],
      output: `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n${HC('    ', PG)}`,
    },
    {
      name: 'redis with --requirepass in the command: the same value in the probe',
      code: 'services:\n  cache:\n    image: redis:7-alpine\n    command: redis-server --requirepass ${REDIS_PASSWORD}\n',
      findings: [{ id: 'healthcheck', line: 2, fixable: true }],
      output: `services:\n  cache:\n    image: redis:7-alpine\n    command: redis-server --requirepass \${REDIS_PASSWORD}\n${HC('    ', ['CMD-SHELL', 'redis-cli --no-auth-warning -a "${REDIS_PASSWORD}" ping | grep -q PONG'])}`,
    },
    {
      name: 'mariadb, mongo, rabbitmq: their own probes',
      code: 'services:\n  a:\n    image: mariadb:11.4\n  b:\n    image: mongo:7\n  c:\n    image: rabbitmq:3-management\n',
      findings: [
        { id: 'healthcheck', line: 2, fixable: true },
        { id: 'healthcheck', line: 4, fixable: true },
        { id: 'healthcheck', line: 6, fixable: true },
      ],
      output:
        `services:\n  a:\n    image: mariadb:11.4\n${HC('    ', ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'])}` +
        `  b:\n    image: mongo:7\n${HC('    ', ['CMD', 'mongosh', '--quiet', '--eval', "db.runCommand({ping:1}).ok"])}` +
        `  c:\n    image: rabbitmq:3-management\n${HC('    ', ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], '60s')}`,
    },
    {
      name: 'unknown image and a known one without a probe: notes, no fix',
      code: 'services:\n  app:\n    image: ghcr.io/acme/app:1.2\n  web:\n    image: nginx:1.27\n  kc:\n    image: quay.io/keycloak/keycloak:26.0\n',
      findings: [
        { id: 'healthcheck/unknown-image', line: 2, severity: 'note', fixable: false, message: 'knows no probe for ghcr.io/acme/app:1.2' },
        { id: 'healthcheck/no-probe', line: 4, severity: 'note', fixable: false, message: 'nginx has no health endpoint' },
        { id: 'healthcheck/no-probe', line: 6, severity: 'note', fixable: false, message: 'KC_HEALTH_ENABLED=true' },
      ],
    },
    {
      name: 'base + override: prod has its own healthcheck, so dev gets one in its override, not in the base',
      files: {
        'compose.yaml': 'services:\n  db:\n    image: postgres:16\n',
        'compose.dev.yaml': 'services:\n  db:\n    ports: ["5432:5432"]\n',
        'compose.prod.yaml': 'services:\n  db:\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n',
      },
      env: { dev: ['compose.yaml', 'compose.dev.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'healthcheck', file: 'compose.dev.yaml', line: 2, environments: ['dev'], fixable: true }],
      // the override quotes its strings: so does the edit
      output: {
        'compose.dev.yaml':
          'services:\n  db:\n    ports: ["5432:5432"]\n    healthcheck:\n      test:\n        - "CMD-SHELL"\n' +
          '        - "pg_isready -U \\"$${POSTGRES_USER:-postgres}\\" -d \\"$${POSTGRES_DB:-$${POSTGRES_USER:-postgres}}\\""\n' +
          '      interval: "10s"\n      timeout: "5s"\n      retries: 5\n      start_period: "30s"\n',
      },
    },
    {
      name: 'base + override: both lack it, one edit in the base for both',
      files: {
        'compose.yaml': 'services:\n  cache:\n    image: valkey/valkey:8\n',
        'compose.prod.yaml': 'services:\n  cache:\n    restart: always\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'healthcheck', file: 'compose.yaml', line: 2, environments: ['dev', 'prod'], fixable: true }],
      output: { 'compose.yaml': `services:\n  cache:\n    image: valkey/valkey:8\n${HC('    ', ['CMD-SHELL', 'valkey-cli ping | grep -q PONG'])}` },
    },
    {
      name: 'inside an anchor used elsewhere: not editable',
      code: 'x-db: &db\n  image: postgres:16\nservices:\n  a: *db\n',
      findings: [{ id: 'healthcheck/not-editable', line: 4, fixable: false }],
    },
    {
      name: 'redis with a mounted configuration file: read; a requirepass there means no probe',
      files: {
        'compose.yaml':
          'services:\n  a:\n    image: redis:7\n    command: ["redis-server", "/etc/redis.conf"]\n    volumes:\n      - ./a.conf:/etc/redis.conf:ro\n' +
          '  b:\n    image: redis:7\n    command: ["redis-server", "/etc/redis.conf"]\n    volumes:\n      - ./b.conf:/etc/redis.conf:ro\n' +
          '  c:\n    image: redis:7\n    command: ["redis-server", "/usr/local/etc/redis/redis.conf"]\n',
        'a.conf': 'appendonly yes\n',
        'b.conf': 'appendonly yes\nrequirepass s3cret\n',
      },
      env: { default: ['compose.yaml'] },
      findings: [
        { id: 'healthcheck', line: 2, fixable: true },
        { id: 'healthcheck/no-probe', line: 7, fixable: false, message: 'sets a password' },
        { id: 'healthcheck/no-probe', line: 12, fixable: false, message: 'may set a password' },
      ],
      output: {
        'compose.yaml':
          'services:\n  a:\n    image: redis:7\n    command: ["redis-server", "/etc/redis.conf"]\n    volumes:\n      - ./a.conf:/etc/redis.conf:ro\n' +
          '    healthcheck:\n      test:\n        - "CMD-SHELL"\n        - "redis-cli ping | grep -q PONG"\n      interval: "10s"\n      timeout: "5s"\n      retries: 5\n      start_period: "30s"\n' +
          '  b:\n    image: redis:7\n    command: ["redis-server", "/etc/redis.conf"]\n    volumes:\n      - ./b.conf:/etc/redis.conf:ro\n' +
          '  c:\n    image: redis:7\n    command: ["redis-server", "/usr/local/etc/redis/redis.conf"]\n',
      },
    },
    {
      name: 'a level from the config: notes off',
      code: 'services:\n  app:\n    image: acme/app:1\n',
      levels: { 'healthcheck/unknown-image': 'off' },
      findings: [],
    },
  ],
});
