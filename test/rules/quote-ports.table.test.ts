/** quote-ports: plain short-syntax ports that YAML 1.1 reads as base-60 numbers. */
import { describe, it, expect } from 'vitest';
import quotePorts, { yaml11Sexagesimal } from '../../src/rules/quote-ports.js';
import { ruleTester } from '../helpers/rule-tester.js';

describe('yaml11Sexagesimal', () => {
  it('reads what YAML 1.1 reads as base 60, and nothing else', () => {
    expect(yaml11Sexagesimal('22:22')).toBe(1342);
    expect(yaml11Sexagesimal('1:30:00')).toBe(5400);
    expect(yaml11Sexagesimal('2:59')).toBe(179);
    expect(yaml11Sexagesimal('1:30.5')).toBe(90.5);
    // a part over 59, an address, a range, a protocol, a leading zero: strings for YAML 1.1 too
    for (const s of ['8080:80', '5432:5432', '127.0.0.1:22:22', '3000-3005:3000-3005', '22:22/udp', '0:22', '80']) expect(yaml11Sexagesimal(s), s).toBeUndefined();
  });
});

ruleTester(quotePorts, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      - "22:22"\n      - 8080:80\n      - 80\n',
    "services:\n  ssh:\n    image: alpine:3.20\n    ports: ['22:22', '127.0.0.1:2222:22']\n",
    'services:\n  ssh:\n    image: alpine:3.20\n    ports:\n      - target: 22\n        published: "22"\n',
  ],
  invalid: [
    {
      name: 'a plain 22:22: a warning at the entry, quoted in the file\'s style, comments kept',
      code: 'services:\n  ssh:\n    image: alpine:3.20\n    ports:\n      # ssh\n      - 22:22 # the host\'s 22\n      - 8080:80\n',
      findings: [{ id: 'quote-ports', severity: 'warning', line: 6, column: 9, message: 'read it as the number 1342', fixable: true }],
      output: 'services:\n  ssh:\n    image: alpine:3.20\n    ports:\n      # ssh\n      - "22:22" # the host\'s 22\n      - 8080:80\n',
    },
    {
      name: 'in a flow sequence, with single quotes as the file\'s style',
      code: "services:\n  ssh:\n    image: 'alpine:3.20'\n    ports: [22:22, '8080:80']\n",
      findings: [{ id: 'quote-ports', line: 4, column: 13 }],
      output: "services:\n  ssh:\n    image: 'alpine:3.20'\n    ports: ['22:22', '8080:80']\n",
    },
    {
      name: 'base + override: reported once, in the override that holds it, for prod only',
      files: {
        'compose.yaml': 'services:\n  ssh:\n    image: alpine:3.20\n',
        'compose.prod.yaml': 'services:\n  ssh:\n    ports:\n      - 2:22\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [{ id: 'quote-ports', file: 'compose.prod.yaml', line: 4, environments: ['prod'], message: 'number 142' }],
      output: { 'compose.prod.yaml': 'services:\n  ssh:\n    ports:\n      - "2:22"\n' },
    },
    {
      name: 'in an anchor two services alias: one finding at the anchored entry, left to a human',
      code: 'x-ports: &ports\n  - 22:22\nservices:\n  a:\n    image: alpine:3.20\n    ports: *ports\n  b:\n    image: alpine:3.20\n    ports: *ports\n',
      findings: [{ id: 'quote-ports/not-editable', line: 2, message: 'a, b publish 22:22 unquoted', fixable: false }],
    },
    {
      name: 'suppressed on its line: neither reported as open nor fixed',
      code: 'services:\n  ssh:\n    image: alpine:3.20\n    ports:\n      - 22:22 # composemod-disable-line quote-ports -- podman never runs this\n',
      findings: [{ id: 'quote-ports', line: 5, suppressed: true }],
    },
  ],
});
