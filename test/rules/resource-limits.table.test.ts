/** resource-limits under the rule contract. */
import rule from '../../src/rules/resource-limits.js';
import { ruleTester } from '../helpers/rule-tester.js';

const prod = { prod: ['compose.yaml'] };

ruleTester(rule, {
  valid: [
    'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n',
    { name: 'mem_limit', files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    mem_limit: 512m\n' }, env: prod },
    { name: 'deploy limits', files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    deploy:\n      resources:\n        limits:\n          memory: 1G\n' }, env: prod },
    { name: 'dev', files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n' }, env: { dev: ['compose.yaml'] } },
  ],
  invalid: [
    {
      name: 'no size configured: a finding that names the option, no fix',
      files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n' },
      env: prod,
      findings: [{ id: 'resource-limits', severity: 'warning', line: 3, environments: ['prod'], fixable: false, message: '--memory-limit api=SIZE' }],
    },
    {
      name: 'base + override: the size from the config goes into the prod override; reported once at the base image',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n  db:\n    image: postgres:16.4\n    mem_limit: 2g\n',
        'compose.prod.yaml': '# production\nservices:\n  api:\n    deploy:\n      resources:\n        limits:\n          cpus: "1.0"\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      options: { memoryLimit: ['api=512m'] },
      findings: [{ id: 'resource-limits', file: 'compose.yaml', line: 3, environments: ['prod'], fixable: true }],
      output: { 'compose.prod.yaml': '# production\nservices:\n  api:\n    deploy:\n      resources:\n        limits:\n          cpus: "1.0"\n          memory: "512m"\n' },
    },
    {
      name: '* for every service; mem_limit where no deploy limits exist',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n',
        'compose.prod.yaml': 'services:\n  api:\n    restart: always\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      options: { memoryLimit: ['*=256m'] },
      findings: [{ id: 'resource-limits', line: 3, environments: ['prod'] }],
      output: { 'compose.prod.yaml': 'services:\n  api:\n    restart: always\n    mem_limit: 256m\n' },
    },
    {
      name: 'an invalid option value',
      files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    mem_limit: 1g\n' },
      env: prod,
      options: { memoryLimit: ['api=lots'] },
      findings: [{ id: 'resource-limits/invalid-option', severity: 'error', message: 'api=lots' }],
    },
    {
      name: 'prod shares every file with dev',
      files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n' },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml'] },
      options: { memoryLimit: ['api=512m'] },
      findings: [{ id: 'resource-limits/no-own-file', line: 3, environments: ['prod'], fixable: false }],
    },
  ],
});
