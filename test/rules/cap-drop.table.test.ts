/** cap-drop under the rule contract: capability table per image, per environment placement, kinds. */
import rule from '../../src/rules/cap-drop.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27\n    cap_drop: [ALL]\n    cap_add: [NET_BIND_SERVICE]\n',
    { name: 'lower case and CAP_ prefix count', code: 'services:\n  web:\n    image: acme/app:1\n    cap_drop: [all]\n' },
    { name: 'suppressed', code: 'services:\n  # composemod-disable-next-line cap-drop, cap-drop/unknown-image\n  app:\n    image: acme/app:1\n' },
  ],
  invalid: [
    {
      name: 'redis: drop ALL, add back what its entrypoint needs',
      code: 'services:\n  cache:\n    image: redis:7.4 # sessions\n',
      findings: [{ id: 'cap-drop', line: 2, column: 3, severity: 'warning', environments: ['default'], fixable: true, message: 'redis needs CHOWN, SETGID, SETUID back' }],
      output: 'services:\n  cache:\n    image: redis:7.4 # sessions\n    cap_drop:\n      - ALL\n    cap_add:\n      - CHOWN\n      - SETGID\n      - SETUID\n',
    },
    {
      name: 'existing lists are extended, capabilities already added are not repeated',
      code: 'services:\n  web:\n    image: nginx:1.27\n    cap_drop:\n      - NET_RAW\n    cap_add:\n      - NET_BIND_SERVICE\n',
      findings: [{ id: 'cap-drop', line: 2, fixable: true }],
      output:
        'services:\n  web:\n    image: nginx:1.27\n    cap_drop:\n      - NET_RAW\n      - ALL\n    cap_add:\n      - NET_BIND_SERVICE\n      - CHOWN\n      - DAC_OVERRIDE\n      - SETGID\n      - SETUID\n',
    },
    {
      name: 'unknown image, custom entrypoint, privileged: notes without a fix',
      code: 'services:\n  app:\n    image: acme/app:1\n  db:\n    image: postgres:16\n    entrypoint: ["/init.sh"]\n  tool:\n    image: redis:7\n    privileged: true\n',
      findings: [
        { id: 'cap-drop/unknown-image', line: 2, severity: 'note', fixable: false, message: 'acme/app:1' },
        { id: 'cap-drop/unknown-image', line: 4, fixable: false, message: 'its entrypoint is its own' },
        { id: 'cap-drop/privileged', line: 7, fixable: false },
      ],
    },
    {
      name: 'base + override: prod already drops ALL, dev gets it in its own override',
      files: {
        'compose.yaml': 'services:\n  mc:\n    image: memcached:1.6\n',
        'compose.override.yaml': 'services:\n  mc:\n    ports: ["11211:11211"]\n',
        'compose.prod.yaml': 'services:\n  mc:\n    cap_drop: [ALL]\n',
      },
      env: { dev: ['compose.yaml', 'compose.override.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'cap-drop', file: 'compose.override.yaml', line: 2, environments: ['dev'], fixable: true }],
      output: { 'compose.override.yaml': 'services:\n  mc:\n    ports: ["11211:11211"]\n    cap_drop:\n      - "ALL"\n' },
    },
    {
      name: 'the service is an alias of an anchor: not editable',
      code: 'x-mc: &mc\n  image: memcached:1.6\nservices:\n  mc: *mc\n',
      findings: [{ id: 'cap-drop/not-editable', line: 4, fixable: false }],
    },
  ],
});
