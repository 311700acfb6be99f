/** datastore-ports under the rule contract (seed 004: the dev override publishes postgres on every interface). */
import rule from '../../src/rules/datastore-ports.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'services:\n  db:\n    image: postgres:16.4\n    ports: ["127.0.0.1:5432:5432"]\n',
    // not a data store; only the container port
    'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["80:80"]\n  db:\n    image: postgres:16.4\n    expose: ["5432"]\n',
    { name: 'a profile keeps it off', code: 'services:\n  db:\n    image: redis:7.4.1\n    profiles: [debug]\n    ports: ["6379:6379"]\n' },
  ],
  invalid: [
    {
      name: 'a lone file: bound to the loopback, comment kept',
      code: 'services:\n  db:\n    image: postgres:16.4\n    ports:\n      - "5432:5432" # psql from the host\n',
      findings: [{ id: 'datastore-ports', severity: 'warning', line: 5, column: 9, environments: ['default'], fixable: true, message: 'db (postgres) publishes 5432:5432 on every interface' }],
      output: 'services:\n  db:\n    image: postgres:16.4\n    ports:\n      - "127.0.0.1:5432:5432" # psql from the host\n',
    },
    {
      name: 'seed 004: dev publishes postgres everywhere in its override; prod already binds the loopback: once, in the dev override',
      files: {
        'docker-compose.yml': 'services:\n  postgres:\n    image: postgres:16-alpine\n',
        'compose.dev.yaml': '# expose for debugging\nservices:\n  postgres:\n    ports:\n      - "5432:5432"\n',
        'compose.production.yaml': 'services:\n  postgres:\n    # Bind to localhost only (security)\n    ports:\n      - "127.0.0.1:5432:5432"\n',
      },
      env: { dev: ['docker-compose.yml', 'compose.dev.yaml'], production: ['docker-compose.yml', 'compose.production.yaml'] },
      findings: [{ id: 'datastore-ports', file: 'compose.dev.yaml', line: 5, environments: ['dev'] }],
      output: { 'compose.dev.yaml': '# expose for debugging\nservices:\n  postgres:\n    ports:\n      - "127.0.0.1:5432:5432"\n' },
    },
    {
      name: 'remove in prod: the prod override loses its item, the shared base item is bound',
      files: {
        'compose.yaml': 'services:\n  cache:\n    image: redis:7.4.1\n    ports:\n      - "6379:6379"\n',
        'compose.prod.yaml': 'services:\n  cache:\n    ports:\n      - target: 6380\n        published: "6380"\n    restart: always\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      options: { datastorePortAction: 'remove' },
      findings: [
        { id: 'datastore-ports', file: 'compose.prod.yaml', line: 4, environments: ['prod'] },
        { id: 'datastore-ports', file: 'compose.yaml', line: 5, environments: ['dev', 'prod'] },
      ],
      output: {
        'compose.yaml': 'services:\n  cache:\n    image: redis:7.4.1\n    ports:\n      - "127.0.0.1:6379:6379"\n',
        'compose.prod.yaml': 'services:\n  cache:\n    restart: always\n',
      },
    },
    {
      name: 'long syntax and 0.0.0.0',
      code: 'services:\n  search:\n    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.3\n    ports:\n      - target: 9200\n        published: 9200\n      - "0.0.0.0:9300:9300"\n',
      findings: [
        { id: 'datastore-ports', line: 5 },
        { id: 'datastore-ports', line: 7 },
      ],
      output: 'services:\n  search:\n    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.3\n    ports:\n      - host_ip: 127.0.0.1\n        target: 9200\n        published: 9200\n      - "127.0.0.1:9300:9300"\n',
    },
    {
      name: 'seed 003: a variable host port is bound too (the address goes in front)',
      code: 'services:\n  db:\n    image: mysql:8.4.3\n    ports:\n      - "${DB_PORT:-3306}:3306"\n      - "33060:33060"\n',
      findings: [
        { id: 'datastore-ports', line: 5, fixable: true, message: 'publishes ${DB_PORT:-3306}:3306 on every interface' },
        { id: 'datastore-ports', line: 6 },
      ],
      output: 'services:\n  db:\n    image: mysql:8.4.3\n    ports:\n      - "127.0.0.1:${DB_PORT:-3306}:3306"\n      - "127.0.0.1:33060:33060"\n',
    },
    {
      name: 'an address from a variable is left alone',
      code: 'services:\n  db:\n    image: mysql:8.4.3\n    ports:\n      - "${BIND_IP}:3306:3306"\n',
      findings: [],
    },
    {
      name: 'a variable whose default is an address and a port is left alone (mailcow: prefixing would give 127.0.0.1:127.0.0.1:13306)',
      code: 'services:\n  db:\n    image: mysql:8.4.3\n    ports:\n      - "${SQL_PORT:-127.0.0.1:13306}:3306"\n',
      findings: [],
    },
  ],
});
