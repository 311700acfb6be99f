/** container-name-replicas under the rule contract. */
import containerNameReplicas from '../../src/rules/container-name-replicas.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(containerNameReplicas, {
  valid: ['services:\n  web:\n    image: nginx:1.27.3\n    container_name: web\n', 'services:\n  web:\n    image: nginx:1.27.3\n    deploy:\n      replicas: 3\n'],
  invalid: [
    {
      name: 'a scaled service with a fixed name: an error at container_name, removed',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    container_name: web\n    deploy:\n      replicas: 3\n',
      findings: [{ id: 'container-name-replicas', severity: 'error', line: 4, column: 5, message: 'Compose refuses to scale' }],
      output: 'services:\n  web:\n    image: nginx:1.27.3\n    deploy:\n      replicas: 3\n',
    },
    {
      name: 'scaled in prod only, the name in the shared base: moved into dev\'s own file',
      files: {
        'compose.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n    container_name: web\n',
        'compose.override.yaml': 'services:\n  web:\n    ports:\n      - "8080:80"\n',
        'compose.prod.yaml': 'services:\n  web:\n    deploy:\n      replicas: 2\n',
      },
      env: { dev: ['compose.yaml', 'compose.override.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'container-name-replicas', file: 'compose.yaml', line: 4, environments: ['prod'] }],
      output: {
        'compose.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n',
        // the file's own style: its strings are double-quoted
        'compose.override.yaml': 'services:\n  web:\n    container_name: "web"\n    ports:\n      - "8080:80"\n',
      },
    },
    {
      name: 'replicas as a variable: a warning, nothing removed',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    container_name: web\n    deploy:\n      replicas: ${N}\n',
      findings: [{ id: 'container-name-replicas/variable-replicas', severity: 'warning', line: 3, message: 'not treated as more than 1' }],
    },
  ],
});
