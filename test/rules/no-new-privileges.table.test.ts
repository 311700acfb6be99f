/** no-new-privileges: findings per environment, placement so each environment gets the option exactly once, fixes. */
import rule from '../../src/rules/no-new-privileges.js';
import { ruleTester } from '../helpers/rule-tester.js';

const twoEnvs = { dev: ['compose.yaml', 'compose.dev.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] };

ruleTester(rule, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27.3\n    security_opt: [no-new-privileges:true]\n',
    { name: '`=` separator and bare form count', code: 'services:\n  a:\n    image: x\n    security_opt: ["no-new-privileges=true"]\n  b:\n    image: x\n    security_opt: [no-new-privileges]\n' },
    { name: 'an explicit no-new-privileges:false is a choice, not a gap', code: 'services:\n  web:\n    image: x\n    security_opt: ["no-new-privileges:false"]\n' },
    {
      name: 'base sets it: every environment has it',
      files: { 'compose.yaml': 'services:\n  web:\n    image: x\n    security_opt: [no-new-privileges:true]\n', 'compose.dev.yaml': 'services:\n  web:\n    ports: ["8080:80"]\n', 'compose.prod.yaml': 'services:\n  web:\n    restart: always\n' },
      env: twoEnvs,
    },
    { name: 'suppressed', code: 'services:\n  # composemod-disable-next-line no-new-privileges -- uses sudo\n  web:\n    image: x\n' },
  ],
  invalid: [
    {
      name: 'missing: reported at the service, fixed with a new security_opt',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n',
      findings: [{ id: 'no-new-privileges', line: 2, column: 3, severity: 'warning', environments: ['default'], fixable: true }],
      output: 'services:\n  web:\n    image: nginx:1.27.3\n    security_opt:\n      - no-new-privileges:true\n',
    },
    {
      name: 'an existing list (flow) gets one more item, at the list',
      code: 'services:\n  web:\n    image: x\n    security_opt: [label=type:svirt_apache_t]\n',
      findings: [{ id: 'no-new-privileges', line: 4, environments: ['default'] }],
      output: 'services:\n  web:\n    image: x\n    security_opt: [label=type:svirt_apache_t, no-new-privileges:true]\n',
    },
    {
      name: 'base + overrides, none sets it: one finding and one edit in the base, for both environments',
      files: { 'compose.yaml': 'services:\n  web:\n    image: x\n', 'compose.dev.yaml': 'services:\n  web:\n    ports: ["8080:80"]\n', 'compose.prod.yaml': 'services:\n  web:\n    restart: always\n' },
      env: twoEnvs,
      findings: [{ id: 'no-new-privileges', file: 'compose.yaml', line: 2, environments: ['dev', 'prod'], fixable: true }],
      output: { 'compose.yaml': 'services:\n  web:\n    image: x\n    security_opt:\n      - no-new-privileges:true\n' },
    },
    {
      name: 'prod sets it in its override: only dev is affected, fixed in the dev override (the base edit would give prod a duplicate Compose refuses)',
      files: {
        'compose.yaml': 'services:\n  web:\n    image: x\n',
        'compose.dev.yaml': 'services:\n  web:\n    ports: ["8080:80"]\n',
        'compose.prod.yaml': 'services:\n  web:\n    security_opt:\n      - no-new-privileges:true\n',
      },
      env: twoEnvs,
      findings: [{ id: 'no-new-privileges', file: 'compose.dev.yaml', line: 2, environments: ['dev'], fixable: true }],
      // the dev file quotes its strings: the new item follows its style
      output: { 'compose.dev.yaml': 'services:\n  web:\n    ports: ["8080:80"]\n    security_opt:\n      - "no-new-privileges:true"\n' },
    },
    {
      name: 'every file of dev is shared with prod, which has it: no-file, not fixed',
      files: { 'compose.yaml': 'services:\n  web:\n    image: x\n', 'compose.prod.yaml': 'services:\n  web:\n    security_opt: [no-new-privileges:true]\n' },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'no-new-privileges/no-file', line: 3, environments: ['dev'], fixable: false }],
    },
    {
      name: 'security_opt reached through an alias: not-editable',
      code: 'x-sec: &sec [label=disable]\nservices:\n  web:\n    image: x\n    security_opt: *sec\n',
      findings: [{ id: 'no-new-privileges/not-editable', line: 5, fixable: false }],
    },
  ],
});
