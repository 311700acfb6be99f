/** environment-value-types: non-string environment values, quoted as the string Docker Compose passes. */
import rule from '../../src/rules/environment-value-types.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'services:\n  web:\n    image: x\n    environment:\n      DEBUG: "true"\n      PORT: \'8080\'\n      NAME: web\n',
    { name: 'list form is already strings', code: 'services:\n  web:\n    image: x\n    environment:\n      - DEBUG=true\n      - PORT=8080\n' },
    { name: 'null is pass-through from the shell: not touched', code: 'services:\n  web:\n    image: x\n    environment:\n      HOME:\n      USER: ~\n' },
    { name: 'labels are not environment', code: 'services:\n  web:\n    image: x\n    labels:\n      traefik.enable: true\n' },
    { name: 'suppressed', code: 'services:\n  web:\n    image: x\n    environment:\n      DEBUG: true  # composemod-disable-line environment-value-types\n' },
  ],
  invalid: [
    {
      name: 'booleans, numbers and YAML 1.1 booleans: quoted as Compose passes them (1.0 -> "1", 0x10 -> "16", 1e3 -> "1000", .inf -> +Inf, a plain string for every reader)',
      code: 'services:\n  web:\n    image: x\n    environment:\n      DEBUG: true\n      PORT: 8080\n      RATIO: 1.0\n      MASK: 0x10\n      MAX: 1e3\n      LIMIT: .inf\n      FLAG: yes\n      OFF: Off\n',
      findings: [
        { id: 'environment-value-types', line: 5, column: 7, environments: ['default'], fixable: true, message: 'Docker Compose passes "true"' },
        { line: 6, message: '"8080"' },
        { line: 7, message: 'the number 1.0, not a string: Docker Compose passes "1"' },
        { line: 8, message: '"16"' },
        { line: 9, message: '"1000"' },
        { line: 10, message: '"+Inf"' },
        { line: 11, message: 'podman-compose passes True' },
        { line: 12, message: '"Off"' },
      ],
      output:
        'services:\n  web:\n    image: x\n    environment:\n      DEBUG: "true"\n      PORT: "8080"\n      RATIO: "1"\n      MASK: "16"\n      MAX: "1000"\n      LIMIT: +Inf\n      FLAG: "yes"\n      OFF: "Off"\n',
    },
    {
      name: 'base + override: the override replaces the value for prod, so the base value is reported for dev only, and the override value for prod',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: x\n    environment:\n      WORKERS: 4  # dev default\n',
        'compose.prod.yaml': 'services:\n  api:\n    environment:\n      WORKERS: 16\n',
      },
      env: { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] },
      findings: [
        { id: 'environment-value-types', file: 'compose.prod.yaml', line: 4, environments: ['prod'] },
        { id: 'environment-value-types', file: 'compose.yaml', line: 5, environments: ['dev'] },
      ],
      output: {
        'compose.yaml': 'services:\n  api:\n    image: x\n    environment:\n      WORKERS: "4"  # dev default\n',
        'compose.prod.yaml': 'services:\n  api:\n    environment:\n      WORKERS: "16"\n',
      },
    },
    {
      name: 'the project runs podman-compose: booleans and floats, which it passes as True / 1.0, are reported, not fixed; a decimal integer is quoted',
      code: 'services:\n  web:\n    image: x\n    environment:\n      DEBUG: true\n      PORT: 8080\n      RATIO: 1.5\n',
      settings: { runtime: { kind: 'podman-compose', composeVersion: '2.40.3', source: 'option' } },
      findings: [
        { id: 'environment-value-types/runtime-differs', line: 5, fixable: false, message: 'podman-compose (which runs this project)' },
        { id: 'environment-value-types', line: 6, fixable: true },
        { id: 'environment-value-types/runtime-differs', line: 7, fixable: false },
      ],
      output: 'services:\n  web:\n    image: x\n    environment:\n      DEBUG: true\n      PORT: "8080"\n      RATIO: 1.5\n',
    },
    {
      name: 'a value inside an anchor that an alias reuses: not-editable',
      code: 'x-env: &env\n  DEBUG: false\nservices:\n  a:\n    image: x\n    environment: *env\n',
      findings: [{ id: 'environment-value-types/not-editable', line: 2, fixable: false, message: 'quote it ("false") by hand' }],
    },
    {
      name: 'a value under `<<`: not-editable where the anchor writes it; the service\'s own value is fixed',
      code: 'x-env: &env\n  DEBUG: false\nservices:\n  a:\n    image: x\n    environment:\n      <<: *env\n      PORT: 80\n',
      findings: [
        { id: 'environment-value-types/not-editable', line: 2, fixable: false, message: 'inherited through `<<`' },
        { id: 'environment-value-types', line: 8, message: '"80"' },
      ],
      output: 'x-env: &env\n  DEBUG: false\nservices:\n  a:\n    image: x\n    environment:\n      <<: *env\n      PORT: "80"\n',
    },
  ],
});
