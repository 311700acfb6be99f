/** image-major-drift under the rule contract: majors compared per service across environments. */
import rule from '../../src/rules/image-major-drift.js';
import { ruleTester } from '../helpers/rule-tester.js';

const two = (base: string, prod: string): { files: Record<string, string>; env: Record<string, string[]> } => ({
  files: { 'compose.yaml': base, 'compose.prod.yaml': prod },
  env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
});

ruleTester(rule, {
  valid: [
    'services:\n  db:\n    image: postgres:16\n',
    { name: 'same major, other minor', ...two('services:\n  db:\n    image: postgres:16.3\n', 'services:\n  db:\n    image: postgres:16.4-alpine\n') },
    { name: 'latest is not judged', ...two('services:\n  db:\n    image: postgres:16\n', 'services:\n  db:\n    image: postgres\n') },
    { name: 'a variable tag is not judged', ...two('services:\n  db:\n    image: postgres:16\n', 'services:\n  db:\n    image: postgres:${PG_TAG}\n') },
    { name: 'another repository is another image', ...two('services:\n  db:\n    image: postgres:16\n', 'services:\n  db:\n    image: postgis/postgis:17-3.5\n') },
    {
      name: 'suppressed at the owning line',
      ...two('services:\n  db:\n    image: postgres:16\n', 'services:\n  db:\n    image: postgres:18 # composemod-disable-line image-major-drift -- upgrade under test\n'),
    },
  ],
  invalid: [
    {
      name: 'postgres 16 in dev, 18 in prod: reported at the override that sets 18',
      ...two('services:\n  db:\n    image: postgres:16 # dev\n', '# prod\nservices:\n  db:\n    image: docker.io/library/postgres:18.1\n'),
      findings: [{ id: 'image-major-drift', file: 'compose.prod.yaml', line: 4, column: 5, severity: 'warning', environments: ['prod'], fixable: false, message: 'db runs postgres 18 in prod but 16 in dev' }],
    },
    {
      name: 'three environments: the majority is the reference, each odd file reported once',
      files: {
        'compose.yaml': 'services:\n  cache:\n    image: redis:7\n',
        'compose.staging.yaml': 'services:\n  cache:\n    image: redis:8\n',
        'compose.qa.yaml': 'services:\n  cache:\n    restart: always\n',
      },
      env: { dev: ['compose.yaml'], qa: ['compose.yaml', 'compose.qa.yaml'], staging: ['compose.yaml', 'compose.staging.yaml'] },
      findings: [{ id: 'image-major-drift', file: 'compose.staging.yaml', line: 3, environments: ['staging'], message: 'redis 8 in staging but 7 in dev, qa' }],
    },
  ],
});
