/** duplicate-entries: repeated keys in list-form environment and labels. */
import duplicateEntries from '../../src/rules/duplicate-entries.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(duplicateEntries, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27.3\n    environment:\n      - TZ=UTC\n      - LOG_LEVEL=info\n    labels:\n      - a=1\n      - b=1\n',
    // map form cannot repeat a key (YAML refuses); an interpolated key is not judged
    'services:\n  web:\n    image: nginx:1.27.3\n    environment:\n      TZ: UTC\n      ${X}: 1\n',
  ],
  invalid: [
    {
      name: 'different values: a warning at the first, the earlier entry and its comment removed',
      code: 'services:\n  api:\n    image: example/api:1.2.3\n    environment:\n      # the old default\n      - LOG_LEVEL=debug\n      - TZ=UTC\n      - LOG_LEVEL=info # what runs\n',
      findings: [{ id: 'duplicate-entries', severity: 'warning', line: 6, column: 9, message: 'sets LOG_LEVEL 2 times with different values', fixable: true }],
      output: 'services:\n  api:\n    image: example/api:1.2.3\n    environment:\n      - TZ=UTC\n      - LOG_LEVEL=info # what runs\n',
    },
    {
      name: 'the same entry three times in labels: a note, two removed',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    labels:\n      - traefik.enable=true\n      - traefik.enable=true\n      - tier=edge\n      - traefik.enable=true\n',
      findings: [{ id: 'duplicate-entries/redundant', severity: 'note', line: 5, message: '3 times (the same entry)' }],
      output: 'services:\n  web:\n    image: nginx:1.27.3\n    labels:\n      - tier=edge\n      - traefik.enable=true\n',
    },
    {
      name: 'base + override: the same key in two files is an override, not a duplicate; a repeat inside the override is, for prod only',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: example/api:1.2.3\n    environment:\n      - LOG_LEVEL=debug\n',
        'compose.prod.yaml': 'services:\n  api:\n    environment:\n      - LOG_LEVEL=warn\n      - LOG_LEVEL=info\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'duplicate-entries', file: 'compose.prod.yaml', line: 4, environments: ['prod'] }],
      output: { 'compose.prod.yaml': 'services:\n  api:\n    environment:\n      - LOG_LEVEL=info\n' },
    },
    {
      name: 'in an anchor two services alias: one finding, left to a human',
      code: 'x-env: &env\n  - A=1\n  - A=2\nservices:\n  a:\n    image: alpine:3.20\n    environment: *env\n  b:\n    image: alpine:3.20\n    environment: *env\n',
      findings: [{ id: 'duplicate-entries/not-editable', line: 2, fixable: false }],
    },
    {
      name: 'suppressed at its line',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    environment:\n      - A=1 # composemod-disable-line duplicate-entries -- kept for the docs\n      - A=2\n',
      findings: [{ id: 'duplicate-entries', line: 5, suppressed: true }],
    },
  ],
});
