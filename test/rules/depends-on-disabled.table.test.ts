/** depends-on-disabled under the rule contract (seeds 001 and 004: a profile turns the database off in one environment). */
import rule from '../../src/rules/depends-on-disabled.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27.3\n    depends_on: [db]\n  db:\n    image: postgres:16.4\n',
    {
      name: 'required: false',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    depends_on:\n      db:\n        condition: service_started\n        required: false\n  db:\n    image: postgres:16.4\n    profiles: [full]\n',
    },
    {
      name: 'the dependent service has the profile too',
      code: 'services:\n  admin:\n    image: adminer:4.8.1\n    profiles: [debug]\n    links: [db]\n  db:\n    image: postgres:16.4\n    profiles: [debug]\n',
    },
    {
      name: 'the profile is enabled in .env',
      files: { 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n    depends_on: [db]\n  db:\n    image: postgres:16.4\n    profiles: [full]\n', '.env': 'COMPOSE_PROFILES=full\n' },
      env: { default: ['compose.yaml'] },
    },
    'services:\n  web:\n    image: nginx:1.27.3\n    volumes_from: ["container:legacy"]\n',
  ],
  invalid: [
    {
      name: 'seed 001: dev keeps postgres off with a profile, the base depends on it: once, at the base entry, for dev',
      files: {
        'docker-compose.yml':
          '# base\nservices:\n  postgres:\n    image: postgres:16-alpine\n  redis:\n    image: redis:7-alpine\n  web:\n    build: .\n    depends_on:\n      postgres:\n        condition: service_healthy\n      redis:\n        condition: service_healthy\n',
        'docker-compose.dev.yml': '# Development doesn\'t need PostgreSQL (uses SQLite)\nservices:\n  postgres:\n    profiles:\n      - full\n  web:\n    depends_on:\n      - redis\n',
        'docker-compose.prod.yml': 'services:\n  web:\n    restart: unless-stopped\n',
      },
      env: { dev: ['docker-compose.yml', 'docker-compose.dev.yml'], prod: ['docker-compose.yml', 'docker-compose.prod.yml'] },
      findings: [{ id: 'depends-on-disabled', severity: 'error', file: 'docker-compose.yml', line: 10, column: 7, environments: ['dev'], fixable: false, message: 'which the profile full keeps off in dev' }],
    },
    {
      name: 'seed 004: the aws target disables postgres and redis',
      files: {
        'docker-compose.yml': 'services:\n  backend:\n    build: ./backend\n    depends_on:\n      - postgres\n      - redis\n  postgres:\n    image: postgres:16-alpine\n  redis:\n    image: redis:7-alpine\n',
        'compose.aws.yaml': 'services:\n  postgres:\n    profiles: ["disabled"]\n  redis:\n    profiles: ["disabled"]\n',
        'compose.production.yaml': 'services:\n  backend:\n    restart: unless-stopped\n',
      },
      env: { aws: ['docker-compose.yml', 'compose.aws.yaml'], production: ['docker-compose.yml', 'compose.production.yaml'] },
      findings: [
        { id: 'depends-on-disabled', file: 'docker-compose.yml', line: 5, environments: ['aws'], message: 'backend depends on postgres' },
        { id: 'depends-on-disabled', file: 'docker-compose.yml', line: 6, environments: ['aws'], message: 'backend depends on redis' },
      ],
    },
    {
      name: 'links, network_mode and volumes_from to an undefined service',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    links: ["cache:redis"]\n  sidecar:\n    image: busybox:1.37\n    network_mode: "service:vpn"\n    volumes_from: [data]\n',
      findings: [
        { id: 'depends-on-disabled/undefined-service', line: 4, message: 'web links to cache' },
        { id: 'depends-on-disabled/undefined-service', line: 7, message: 'shares the network namespace of vpn' },
        { id: 'depends-on-disabled/undefined-service', line: 8, message: 'mounts the volumes of data' },
      ],
    },
    {
      name: 'suppressed',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    depends_on:\n      # composemod-disable-next-line depends-on-disabled -- always run with --profile full\n      - db\n  db:\n    image: postgres:16.4\n    profiles: [full]\n',
      findings: [{ id: 'depends-on-disabled', suppressed: true }],
    },
  ],
});
