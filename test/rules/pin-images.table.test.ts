/** pin-images under the rule contract. */
import pinImages from '../../src/rules/pin-images.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(pinImages, {
  valid: ['services:\n  web:\n    image: nginx:1.27.3\n', { name: 'a built image', code: 'services:\n  web:\n    build: .\n' }],
  invalid: [
    {
      name: 'a floating tag pinned to the concrete tag the project uses elsewhere',
      code: 'services:\n  web:\n    image: nginx:latest\n  api:\n    image: nginx:1.27.3\n',
      findings: [{ id: 'pin-images', line: 3, column: 5, fixable: true, message: 'nginx:latest uses a floating tag' }],
      output: 'services:\n  web:\n    image: nginx:1.27.3\n  api:\n    image: nginx:1.27.3\n',
    },
    {
      name: 'nothing to pin it to: a finding without a fix',
      code: 'services:\n  web:\n    image: nginx\n',
      findings: [{ id: 'pin-images/no-pin-source', line: 3, fixable: false }],
    },
    {
      name: 'a pin from the options (the config file\'s `pins`)',
      code: 'services:\n  web:\n    image: nginx:alpine\n',
      options: { pin: ['nginx=1.27.3-alpine'] },
      findings: [{ id: 'pin-images', line: 3 }],
      output: 'services:\n  web:\n    image: nginx:1.27.3-alpine\n',
    },
  ],
});
