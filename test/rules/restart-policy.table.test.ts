/** restart-policy under the rule contract. */
import rule from '../../src/rules/restart-policy.js';
import { ruleTester } from '../helpers/rule-tester.js';

const base = 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n  db:\n    image: postgres:16.4\n    restart: always\n';

ruleTester(rule, {
  valid: [
    // a lone compose.yaml is neither local nor deployed unless named
    'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n',
    { name: 'dev only', files: { 'compose.yaml': base }, env: { dev: ['compose.yaml'] } },
    { name: 'deploy.restart_policy counts', code: 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    deploy:\n      restart_policy:\n        condition: on-failure\n', options: { deployedEnvironments: ['default'] } },
    {
      name: 'a job others wait for to complete is one-shot',
      code: 'services:\n  migrate:\n    image: ghcr.io/acme/api:2.3.1\n    command: ["migrate"]\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    restart: always\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n',
      options: { deployedEnvironments: ['default'] },
    },
    {
      name: 'a service a profile disables does not start',
      files: { 'compose.yaml': 'services:\n  admin:\n    image: adminer:4.8.1\n    profiles: [debug]\n' },
      env: { prod: ['compose.yaml'] },
    },
  ],
  invalid: [
    {
      name: 'base + override: added in the prod override only, reported once at the base image for prod',
      files: {
        'compose.yaml': '# shared\n' + base,
        'compose.override.yaml': 'services:\n  api:\n    ports:\n      - "127.0.0.1:3000:3000"\n',
        'compose.prod.yaml': '# production\nservices:\n  api:\n    environment:\n      LOG_LEVEL: warn\n',
      },
      env: { dev: ['compose.yaml', 'compose.override.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'restart-policy', file: 'compose.yaml', line: 4, environments: ['prod'], fixable: true, message: 'stays down' }],
      output: { 'compose.prod.yaml': '# production\nservices:\n  api:\n    environment:\n      LOG_LEVEL: warn\n    restart: unless-stopped\n' },
    },
    {
      name: 'the prod override lacks the service: a new entry; staging and prod share it',
      files: {
        'compose.yaml': base,
        'compose.deploy.yaml': 'services:\n  db:\n    shm_size: 256m\n',
      },
      env: { dev: ['compose.yaml'], staging: ['compose.yaml', 'compose.deploy.yaml'], prod: ['compose.yaml', 'compose.deploy.yaml'] },
      findings: [{ id: 'restart-policy', line: 3, environments: ['staging', 'prod'] }],
      output: { 'compose.deploy.yaml': 'services:\n  db:\n    shm_size: 256m\n  api:\n    restart: unless-stopped\n' },
    },
    {
      name: 'named deployed environment, option always',
      code: 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n',
      options: { deployedEnvironments: ['default'], restartPolicy: 'always' },
      findings: [{ id: 'restart-policy', line: 3, environments: ['default'] }],
      output: 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    restart: always\n',
    },
    {
      name: 'named like a one-shot job: a note, no fix',
      files: { 'compose.yaml': 'services:\n  db-migrate:\n    image: ghcr.io/acme/api:2.3.1\n    command: ["migrate"]\n' },
      env: { prod: ['compose.yaml'] },
      findings: [{ id: 'restart-policy/maybe-one-shot', severity: 'note', line: 3, fixable: false }],
    },
    {
      name: 'prod has no file of its own: reported, not fixed',
      files: { 'compose.yaml': base },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml'] },
      findings: [{ id: 'restart-policy/no-own-file', line: 3, environments: ['prod'], fixable: false }],
    },
    {
      name: 'the service is inside an anchor used elsewhere',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n  worker:\n    image: ghcr.io/acme/api:2.3.1\n',
        'compose.prod.yaml': 'services:\n  api: &api\n    environment:\n      A: "1"\n  worker: *api\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [
        { id: 'restart-policy/not-editable', file: 'compose.yaml', line: 3, environments: ['prod'], message: 'inside the anchor &api' },
        { id: 'restart-policy/not-editable', file: 'compose.yaml', line: 5, environments: ['prod'], message: 'alias' },
      ],
    },
    {
      name: 'suppressed at the image line',
      files: { 'compose.yaml': 'services:\n  api:\n    # composemod-disable-next-line restart-policy -- systemd restarts the stack\n    image: ghcr.io/acme/api:2.3.1\n' },
      env: { prod: ['compose.yaml'] },
      findings: [{ id: 'restart-policy', suppressed: true }],
    },
  ],
});
