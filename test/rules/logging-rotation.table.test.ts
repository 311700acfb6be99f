/** logging-rotation under the rule contract. */
import rule from '../../src/rules/logging-rotation.js';
import { ruleTester } from '../helpers/rule-tester.js';

const prod = { prod: ['compose.yaml'] };

ruleTester(rule, {
  valid: [
    // not known to be deployed
    'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n',
    { name: 'dev is local', files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n' }, env: { dev: ['compose.yaml'] } },
    { name: 'rotated', files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    logging:\n      options:\n        max-size: 50m\n' }, env: prod },
    { name: 'the local driver rotates by default', files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    logging:\n      driver: local\n' }, env: prod },
    { name: 'logs shipped elsewhere', files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    logging:\n      driver: journald\n' }, env: prod },
  ],
  invalid: [
    {
      name: 'base + override: the base logging is shared with dev, so the options go into the prod override; reported once at the base logging',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    logging:\n      driver: json-file\n      options:\n        tag: api\n',
        'compose.override.yaml': 'services:\n  api:\n    ports:\n      - "127.0.0.1:3000:3000"\n',
        'compose.prod.yaml': '# production\nservices:\n  api:\n    environment:\n      LOG_LEVEL: warn\n',
      },
      env: { dev: ['compose.yaml', 'compose.override.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'logging-rotation', file: 'compose.yaml', line: 4, environments: ['prod'], fixable: true, message: 'no max-size in prod' }],
      output: {
        'compose.prod.yaml': '# production\nservices:\n  api:\n    environment:\n      LOG_LEVEL: warn\n    logging:\n      options:\n        max-size: 10m\n        max-file: "3"\n',
      },
    },
    {
      name: 'no logging at all: driver and options, at the image line',
      files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n' },
      env: prod,
      findings: [{ id: 'logging-rotation', line: 3, environments: ['prod'] }],
      output: 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n        max-file: "3"\n',
    },
    {
      name: 'the prod override owns the logging: completed in place in the quoting style of the file, max-file kept',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n',
        'compose.prod.yaml': 'services:\n  api:\n    logging:\n      options:\n        max-file: "10"\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      options: { logMaxSize: '50m' },
      findings: [{ id: 'logging-rotation', file: 'compose.prod.yaml', line: 3, environments: ['prod'] }],
      output: { 'compose.prod.yaml': 'services:\n  api:\n    logging:\n      driver: "json-file"\n      options:\n        max-file: "10"\n        max-size: "50m"\n' },
    },
    {
      name: 'logging disabled: a kind at the driver, no fix',
      files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    logging:\n      driver: none\n' },
      env: prod,
      findings: [{ id: 'logging-rotation/disabled', line: 5, fixable: false }],
    },
    {
      name: 'prod shares every file with dev',
      files: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n' },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml'] },
      findings: [{ id: 'logging-rotation/no-own-file', line: 3, environments: ['prod'], fixable: false }],
    },
    {
      name: 'logging from an anchor used by two services',
      files: { 'compose.yaml': 'x-log: &log\n  driver: json-file\nservices:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    logging: *log\n' },
      env: prod,
      findings: [{ id: 'logging-rotation/not-editable', line: 6, message: 'alias' }],
    },
  ],
});
