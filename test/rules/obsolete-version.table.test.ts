/** obsolete-version under the rule contract. */
import rule from '../../src/rules/obsolete-version.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27.3\n',
    // a label or an x- key called version is not the file format
    'x-version: "3"\nservices:\n  web:\n    image: nginx:1.27.3\n    labels:\n      version: "3.8"\n',
    {
      name: 'suppressed at the line',
      code: '# composemod-disable-next-line obsolete-version -- old docker-compose 1.x on the CI runner\nversion: "2.4"\nservices:\n  web:\n    image: nginx:1.27.3\n',
    },
  ],
  invalid: [
    {
      name: 'a lone file: the key goes; comments before the first key belong to the file and stay',
      code: '# Shop stack\n\n# file format\nversion: "3.8"\nservices:\n  web:\n    image: nginx:1.27.3\n',
      findings: [{ id: 'obsolete-version', severity: 'warning', line: 4, column: 1, environments: ['default'], fixable: true, message: 'version "3.8" is obsolete' }],
      output: '# Shop stack\n\n# file format\nservices:\n  web:\n    image: nginx:1.27.3\n',
    },
    {
      name: 'a comment attached to version below the services goes with it',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n# legacy\nversion: "2.4"\n',
      findings: [{ id: 'obsolete-version', line: 5, message: 'version "2.4" is obsolete' }],
      output: 'services:\n  web:\n    image: nginx:1.27.3\n',
    },
    {
      name: 'base + override: reported once, in the override that has it, for its environment only',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n',
        'compose.override.yaml': 'services:\n  api:\n    ports:\n      - "3000:3000"\n',
        'compose.prod.yaml': 'version: "3.9"\nservices:\n  api:\n    restart: always\n',
      },
      env: { dev: ['compose.yaml', 'compose.override.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'obsolete-version', file: 'compose.prod.yaml', line: 1, environments: ['prod'], fixable: true }],
      output: { 'compose.prod.yaml': 'services:\n  api:\n    restart: always\n' },
    },
    {
      name: 'in the shared base: one finding for both environments',
      files: {
        'compose.yaml': "version: '3'\nservices:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n",
        'compose.prod.yaml': 'services:\n  api:\n    restart: always\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'obsolete-version', file: 'compose.yaml', line: 1, environments: ['dev', 'prod'] }],
      output: { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n' },
    },
    {
      name: 'flow style (JSON) file',
      code: '{"version": "3", "services": {"web": {"image": "nginx:1.27.3"}}}\n',
      findings: [{ id: 'obsolete-version', line: 1, column: 2 }],
      output: '{"services": {"web": {"image": "nginx:1.27.3"}}}\n',
    },
    {
      name: 'the value is an alias: reported, left to a human',
      code: 'x-format: &format "3.8"\nversion: *format\nservices:\n  web:\n    image: nginx:1.27.3\n',
      findings: [{ id: 'obsolete-version/not-editable', line: 2, fixable: false }],
    },
  ],
});
