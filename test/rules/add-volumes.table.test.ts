/** add-volumes under the rule contract: findings, their lines and environments, fixes, suppressions. */
import addVolumes from '../../src/rules/add-volumes.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(addVolumes, {
  valid: [
    'services:\n  db:\n    image: postgres:16\n    volumes:\n      - pgdata:/var/lib/postgresql/data\nvolumes:\n  pgdata:\n',
    'services:\n  web:\n    image: nginx:1.27.3\n',
    { name: 'a built image is not judged', code: 'services:\n  db:\n    build: ./db\n    image: postgres:16\n' },
    { name: 'a suppressed finding is no finding', code: 'services:\n  # composemod-disable-next-line add-volumes -- scratch database\n  db:\n    image: postgres:16\n' },
  ],
  invalid: [
    {
      name: 'postgres without a volume: reported at the service, fixed with a named volume',
      code: 'services:\n  db:\n    image: postgres:16\n',
      findings: [{ id: 'add-volumes', line: 2, column: 3, severity: 'warning', environments: ['default'], fixable: true, message: 'db keeps its data in /var/lib/postgresql/data' }],
      output: 'services:\n  db:\n    image: postgres:16\n    volumes:\n      - db_data:/var/lib/postgresql/data\nvolumes:\n  db_data:\n',
    },
    {
      name: 'base + override: one finding at the base, with both environments, one edit in the base',
      files: {
        'compose.yaml': 'services:\n  cache:\n    image: redis:7\n',
        'compose.prod.yaml': 'services:\n  cache:\n    restart: always\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'add-volumes', file: 'compose.yaml', line: 2, environments: ['dev', 'prod'] }],
      output: { 'compose.yaml': 'services:\n  cache:\n    image: redis:7\n    volumes:\n      - cache_data:/data\nvolumes:\n  cache_data:\n' },
    },
    {
      name: 'postgres 18 with the old mount: an error, no fix',
      code: 'services:\n  db:\n    image: postgres:18\n    volumes:\n      - pg:/var/lib/postgresql/data\nvolumes:\n  pg:\n',
      findings: [{ id: 'add-volumes/postgres18-layout', severity: 'error', line: 3, fixable: false, message: 'refuses to start' }],
    },
    {
      name: 'disable-line on the service: suppressed, reported as such, never fixed',
      code: 'services:\n  db:  # composemod-disable-line add-volumes\n    image: postgres:16\n  cache:\n    image: redis:7\n',
      findings: [
        { id: 'add-volumes', line: 2, suppressed: true, fixable: false },
        { id: 'add-volumes', line: 4, suppressed: false, fixable: true },
      ],
      output: 'services:\n  db:  # composemod-disable-line add-volumes\n    image: postgres:16\n  cache:\n    image: redis:7\n    volumes:\n      - cache_data:/data\n\nvolumes:\n  cache_data:\n',
    },
    {
      name: 'a level from the config: off for a kind',
      code: 'services:\n  cache:\n    image: redis:7\n    tmpfs:\n      - /data\n  db:\n    image: postgres:16\n    volumes: [pg:/var/lib/postgresql/data]\nvolumes:\n  pg:\n',
      levels: { 'add-volumes/tmpfs': 'off' },
      findings: [],
    },
  ],
});
