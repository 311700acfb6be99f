/** depends-on-healthy under the rule contract: short and long syntax, per-environment placement. */
import rule from '../../src/rules/depends-on-healthy.js';
import { ruleTester } from '../helpers/rule-tester.js';

const DB = '  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n';

ruleTester(rule, {
  valid: [
    `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      db:\n        condition: service_healthy\n${DB}`,
    { name: 'the dependency has no healthcheck', code: 'services:\n  app:\n    image: acme/app:1\n    depends_on: [db]\n  db:\n    image: postgres:16\n' },
    {
      name: 'the dependency disabled its healthcheck',
      code: 'services:\n  app:\n    image: acme/app:1\n    depends_on: [db]\n  db:\n    image: postgres:16\n    healthcheck:\n      disable: true\n',
    },
    { name: 'service_completed_successfully is a choice', code: `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      db:\n        condition: service_completed_successfully\n${DB}` },
    { name: 'suppressed', code: `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      - db # composemod-disable-line depends-on-healthy\n${DB}` },
  ],
  invalid: [
    {
      name: 'short syntax: the list becomes a mapping, the other entries keep service_started',
      code: `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      - db\n      - cache\n${DB}  cache:\n    image: memcached:1\n`,
      findings: [{ id: 'depends-on-healthy', line: 5, column: 9, severity: 'warning', environments: ['default'], fixable: true, message: 'app starts as soon as db has started' }],
      output: `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      db:\n        condition: service_healthy\n      cache:\n        condition: service_started\n${DB}  cache:\n    image: memcached:1\n`,
    },
    {
      name: 'short syntax with two dependencies that have healthchecks: one list, one finding, one edit',
      code: `services:\n  app:\n    image: acme/app:1\n    depends_on: [db, cache]\n${DB}  cache:\n    image: redis:7\n    healthcheck:\n      test: ["CMD", "redis-cli", "ping"]\n`,
      findings: [{ id: 'depends-on-healthy', line: 4, fixable: true, message: 'app starts as soon as db, cache have started' }],
      output: `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      db:\n        condition: service_healthy\n      cache:\n        condition: service_healthy\n${DB}  cache:\n    image: redis:7\n    healthcheck:\n      test: ["CMD", "redis-cli", "ping"]\n`,
    },
    {
      name: 'long syntax: only the condition changes, restart is kept',
      code: `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      db:\n        condition: service_started # was\n        restart: true\n${DB}`,
      findings: [{ id: 'depends-on-healthy', line: 6, fixable: true }],
      output: `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      db:\n        condition: service_healthy # was\n        restart: true\n${DB}`,
    },
    {
      name: 'base + override: only prod gives db a healthcheck, so only prod waits (in its override)',
      files: {
        'compose.yaml': 'services:\n  app:\n    image: acme/app:1\n    depends_on: [db]\n  db:\n    image: postgres:16\n',
        'compose.dev.yaml': 'services:\n  db:\n    ports: ["5432:5432"]\n',
        'compose.prod.yaml': 'services:\n  db:\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n',
      },
      env: { dev: ['compose.yaml', 'compose.dev.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'depends-on-healthy', file: 'compose.prod.yaml', line: 1, environments: ['prod'], fixable: true }],
      output: {
        'compose.prod.yaml':
          'services:\n  db:\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n  app:\n    depends_on:\n      db:\n        condition: "service_healthy"\n',
      },
    },
    {
      name: 'base + override: both environments have the healthcheck, one edit in the base',
      files: {
        'compose.yaml': `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      - db\n${DB}`,
        'compose.prod.yaml': 'services:\n  app:\n    restart: always\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'depends-on-healthy', file: 'compose.yaml', line: 5, environments: ['dev', 'prod'], fixable: true }],
      output: { 'compose.yaml': `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      db:\n        condition: service_healthy\n${DB}` },
    },
    {
      name: 'reached through a merge key: not editable',
      code: `x-app: &app\n  depends_on:\n    db:\n      condition: service_started\nservices:\n  app:\n    <<: *app\n    image: acme/app:1\n${DB}`,
      findings: [{ id: 'depends-on-healthy/not-editable', fixable: false }],
    },
    {
      name: 'a comment line between depends_on: and its first item would be lost by the rewrite: not editable (found by the fix property test)',
      code: `services:\n  app:\n    image: acme/app:1\n    depends_on:\n      # the database first\n      - db\n${DB}`,
      findings: [{ id: 'depends-on-healthy/not-editable', fixable: false }],
    },
  ],
});
