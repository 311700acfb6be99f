/** fixed-port-scaled under the rule contract. */
import rule from '../../src/rules/fixed-port-scaled.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080:80"]\n',
    // only the container port: a random host port per replica
    'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["80"]\n    deploy:\n      replicas: 3\n',
    // a range as wide as the replicas
    'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080-8082:80"]\n    scale: 3\n',
    'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080:80"]\n    deploy:\n      replicas: ${N:-2}\n',
    'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080:80"]\n    deploy:\n      replicas: 1\n',
  ],
  invalid: [
    {
      name: 'replicas 2 and a fixed port',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      - "8080:80"\n    deploy:\n      replicas: 2\n',
      findings: [{ id: 'fixed-port-scaled', severity: 'error', line: 5, column: 9, environments: ['default'], fixable: false, message: 'runs 2 replicas in default (deploy.replicas)' }],
    },
    {
      name: 'a range narrower than the replicas',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080-8081:80"]\n    scale: 3\n',
      findings: [{ id: 'fixed-port-scaled', line: 4, message: 'host port range 8080-8081:80' }],
    },
    {
      name: 'base + override: the port in the base, the replicas in prod: reported once at the base port, for prod',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    ports:\n      - "3000:3000"\n',
        'compose.prod.yaml': 'services:\n  api:\n    deploy:\n      replicas: 4\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'fixed-port-scaled', file: 'compose.yaml', line: 5, environments: ['prod'] }],
    },
    {
      name: 'suppressed',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      # composemod-disable-next-line fixed-port-scaled -- scaled down before up\n      - "8080:80"\n    scale: 2\n',
      findings: [{ id: 'fixed-port-scaled', suppressed: true }],
    },
  ],
});
