/** network-split under the rule contract. */
import networkSplit from '../../src/rules/network-split.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(networkSplit, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27.3\n',
    {
      name: 'already segmented',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    networks: [front]\n  db:\n    image: postgres:16\n    networks: [back]\nnetworks:\n  front:\n  back:\n',
    },
  ],
  invalid: [
    {
      name: 'one flat network: one finding for the project, the split as its fix',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      - "80:80"\n  db:\n    image: postgres:16\n',
      findings: [{ id: 'network-split', line: 2, message: 'every service is on one network (default)' }],
      output:
        'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      - "80:80"\n    networks:\n      - frontend\n  db:\n    image: postgres:16\n    networks:\n      - backend\n\nnetworks:\n  frontend:\n  backend:\n',
    },
    {
      name: 'network names from the options (the config file\'s `networks`)',
      code: 'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      - "80:80"\n  db:\n    image: postgres:16\n',
      options: { frontendNetwork: 'edge', backendNetwork: 'data' },
      findings: [{ id: 'network-split', message: 'split it into edge and data' }],
      output:
        'services:\n  web:\n    image: nginx:1.27.3\n    ports:\n      - "80:80"\n    networks:\n      - edge\n  db:\n    image: postgres:16\n    networks:\n      - data\n\nnetworks:\n  edge:\n  data:\n',
    },
  ],
});
