/** secrets under the rule contract. */
import secrets from '../../src/rules/secrets.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(secrets, {
  valid: ['services:\n  web:\n    image: nginx:1.27.3\n    environment:\n      LOG_LEVEL: info\n'],
  invalid: [
    {
      name: 'a literal password for an image that reads *_FILE: a secret file and POSTGRES_PASSWORD_FILE',
      files: { 'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: s3cr3t-value\n' },
      env: { prod: ['compose.yaml'] },
      findings: [{ id: 'secrets', line: 5, column: 7, environments: ['prod'], fixable: true, message: 'db.environment.POSTGRES_PASSWORD holds a secret value' }],
      output: {
        'compose.yaml':
          'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_postgres_password\n    secrets:\n      - db_postgres_password\n\nsecrets:\n  db_postgres_password:\n    file: ./secrets/db_postgres_password.txt\n',
        'secrets/db_postgres_password.txt': 's3cr3t-value',
      },
    },
    {
      name: 'a credential inside a URL: a warning at its line, not moved',
      files: { 'compose.yaml': 'services:\n  web:\n    image: app:1.0.0\n    environment:\n      DATABASE_URL: postgres://shop:devsecret@db/shop\n' },
      env: { prod: ['compose.yaml'] },
      findings: [{ id: 'secrets/credential-in-url', line: 5, fixable: false }],
    },
    {
      name: 'suppressed for the whole file: nothing moved',
      files: { 'compose.yaml': '# composemod-disable secrets -- test fixtures, not real credentials\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: s3cr3t-value\n' },
      env: { prod: ['compose.yaml'] },
      findings: [{ id: 'secrets', line: 6, suppressed: true }],
      output: {},
    },
  ],
});
