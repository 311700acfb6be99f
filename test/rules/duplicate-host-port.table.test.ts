/** duplicate-host-port under the rule contract. */
import rule from '../../src/rules/duplicate-host-port.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080:80"]\n  api:\n    image: nginx:1.27.3\n    ports: ["8081:80"]\n',
    // different addresses, different protocols
    'services:\n  a:\n    image: nginx:1.27.3\n    ports: ["127.0.0.1:8080:80"]\n  b:\n    image: nginx:1.27.3\n    ports: ["127.0.0.2:8080:80", "53:53/udp"]\n  c:\n    image: coredns/coredns:1.11.3\n    ports: ["53:53/tcp"]\n',
    { name: 'a profile keeps one of them off', code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080:80"]\n  debug:\n    image: nginx:1.27.3\n    profiles: [debug]\n    ports: ["8080:80"]\n' },
    { name: 'in different environments', files: { 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080:80"]\n', 'compose.dev.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080:80"]\n' } },
    'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["${PORT}:80"]\n  api:\n    image: nginx:1.27.3\n    ports: ["${PORT}:80"]\n',
  ],
  invalid: [
    {
      name: 'two services, same port: at the second one',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      - "8080:80"\n  admin:\n    image: adminer:4.8.1\n    ports:\n      - "8080:8080"\n',
      findings: [{ id: 'duplicate-host-port', severity: 'error', line: 9, column: 9, environments: ['default'], fixable: false, message: 'admin publishes 8080:8080, and web publishes 8080:80' }],
    },
    {
      name: 'every interface clashes with the loopback; a range overlaps',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["127.0.0.1:8080:80"]\n  api:\n    image: nginx:1.27.3\n    ports: ["8079-8081:80"]\n',
      findings: [{ id: 'duplicate-host-port', line: 7, message: 'api publishes 8079-8081:80' }],
    },
    {
      name: 'base + override: only dev adds the clashing port; reported once in the dev override',
      files: {
        'compose.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      - "80:80"\n  api:\n    image: ghcr.io/acme/api:2.3.1\n',
        'compose.override.yaml': '# dev\nservices:\n  api:\n    ports:\n      - "80:3000"\n',
        'compose.prod.yaml': 'services:\n  api:\n    ports:\n      - "127.0.0.1:3000:3000"\n',
      },
      env: { dev: ['compose.yaml', 'compose.override.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'duplicate-host-port', file: 'compose.override.yaml', line: 5, environments: ['dev'] }],
    },
    {
      name: 'the clash in the shared base: one finding for both environments',
      files: {
        'compose.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["443:443"]\n  proxy:\n    image: caddy:2.8.4\n    ports: ["443:443"]\n',
        'compose.prod.yaml': 'services:\n  web:\n    restart: always\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'duplicate-host-port', file: 'compose.yaml', line: 7, environments: ['dev', 'prod'] }],
    },
    {
      name: 'a variable in one item keeps the list short: the other items still count',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["${WEB_PORT:-80}:80", "8443:443"]\n  admin:\n    image: nginx:1.27.3\n    ports: ["8443:443"]\n',
      findings: [{ id: 'duplicate-host-port', line: 7, message: 'admin publishes 8443:443, and web publishes 8443:443' }],
    },
    {
      name: 'suppressed',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports: ["8080:80"]\n  api:\n    image: nginx:1.27.3\n    # composemod-disable-next-line duplicate-host-port -- never run together\n    ports: ["8080:80"]\n',
      findings: [{ id: 'duplicate-host-port', suppressed: true }],
    },
  ],
});
