/** read-only under the rule contract: tmpfs per image, data on a mount first, per environment placement. */
import rule from '../../src/rules/read-only.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27\n    read_only: true\n',
    { name: 'read_only: false is a choice', code: 'services:\n  app:\n    image: acme/app:1\n    read_only: false\n' },
    { name: 'suppressed', code: 'services:\n  app:  # composemod-disable-line read-only/unknown-image\n    image: acme/app:1\n' },
  ],
  invalid: [
    {
      name: 'nginx: read-only with its three tmpfs paths',
      code: '# edge\nservices:\n  web:\n    image: nginx:1.27-alpine # proxy\n    ports:\n      - "8080:80"\n',
      findings: [{ id: 'read-only', line: 3, column: 3, severity: 'note', environments: ['default'], fixable: true, message: 'tmpfs at /var/cache/nginx, /var/run, /tmp' }],
      output: '# edge\nservices:\n  web:\n    image: nginx:1.27-alpine # proxy\n    ports:\n      - "8080:80"\n    read_only: true\n    tmpfs:\n      - /var/cache/nginx\n      - /var/run\n      - /tmp\n',
    },
    {
      name: 'postgres with its data on a volume: tmpfs only where nothing is mounted',
      code: 'services:\n  db:\n    image: postgres:16\n    volumes:\n      - pg:/var/lib/postgresql/data\n    tmpfs:\n      - /tmp\nvolumes:\n  pg:\n',
      findings: [{ id: 'read-only', line: 2, fixable: true, message: 'tmpfs at /var/run/postgresql' }],
      output: 'services:\n  db:\n    image: postgres:16\n    volumes:\n      - pg:/var/lib/postgresql/data\n    tmpfs:\n      - /tmp\n      - /var/run/postgresql\n    read_only: true\nvolumes:\n  pg:\n',
    },
    {
      name: 'redis without a data volume, nginx with templates, unknown image: notes',
      code: 'services:\n  cache:\n    image: redis:7\n  web:\n    image: nginx:1.27\n    environment:\n      NGINX_ENVSUBST_OUTPUT_DIR: /etc/nginx/conf.d\n  app:\n    image: acme/app:1\n',
      findings: [
        { id: 'read-only/needs-data-volume', line: 2, severity: 'note', fixable: false, message: '/data is not on a mount' },
        { id: 'read-only/unknown-image', line: 4, fixable: false, message: 'writes templates into /etc/nginx' },
        { id: 'read-only/unknown-image', line: 8, fixable: false, message: 'acme/app:1' },
      ],
    },
    {
      name: 'base + override: prod chose read_only: false, dev gets it in its own override',
      files: {
        'compose.yaml': 'services:\n  mc:\n    image: memcached:1.6\n',
        'compose.override.yaml': 'services:\n  mc:\n    ports:\n      - 11211:11211\n',
        'compose.prod.yaml': 'services:\n  mc:\n    read_only: false\n',
      },
      env: { dev: ['compose.yaml', 'compose.override.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'read-only', file: 'compose.override.yaml', line: 2, environments: ['dev'], fixable: true }],
      output: { 'compose.override.yaml': 'services:\n  mc:\n    ports:\n      - 11211:11211\n    read_only: true\n' },
    },
  ],
});
