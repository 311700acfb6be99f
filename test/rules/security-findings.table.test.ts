/**
 * The findings-only security rules: each with valid and invalid cases, lines and environments,
 * and a base + override case where only one environment is affected and the finding is
 * reported once, at the line that owns it.
 */
import privileged from '../../src/rules/privileged.js';
import dockerSocket from '../../src/rules/docker-socket.js';
import hostNamespaces from '../../src/rules/host-namespaces.js';
import sensitiveHostPaths from '../../src/rules/sensitive-host-paths.js';
import dangerousDevices from '../../src/rules/dangerous-devices.js';
import securityOptDisabled from '../../src/rules/security-opt-disabled.js';
import rootUser from '../../src/rules/root-user.js';
import capAddDangerous from '../../src/rules/cap-add-dangerous.js';
import credentialsInUrl from '../../src/rules/credentials-in-url.js';
import mountPropagation from '../../src/rules/mount-propagation.js';
import { ruleTester } from '../helpers/rule-tester.js';

const envs = { dev: ['compose.yaml'], prod: ['compose.yaml', 'compose.prod.yaml'] };
const svc = (body: string): string => `services:\n  app:\n    image: x\n${body}`;

ruleTester(privileged, {
  valid: [svc('    privileged: false\n'), svc(''), { name: 'suppressed', code: svc('    privileged: true  # composemod-disable-line privileged -- dind\n') }],
  invalid: [
    { name: 'privileged: true', code: svc('    privileged: true\n'), findings: [{ id: 'privileged', line: 4, column: 5, severity: 'error', environments: ['default'], fixable: false }] },
    {
      name: 'base sets it, prod turns it off: one finding at the base line, for dev only',
      files: { 'compose.yaml': svc('    privileged: true\n'), 'compose.prod.yaml': 'services:\n  app:\n    privileged: false\n' },
      env: envs,
      findings: [{ id: 'privileged', file: 'compose.yaml', line: 4, environments: ['dev'] }],
    },
    {
      name: 'prod override sets it: reported in the override, for prod only',
      files: { 'compose.yaml': svc(''), 'compose.prod.yaml': 'services:\n  app:\n    privileged: true\n' },
      env: envs,
      findings: [{ id: 'privileged', file: 'compose.prod.yaml', line: 3, environments: ['prod'] }],
    },
    {
      name: 'interpolated: judged with each environment\'s .env value (the default when none sets it)',
      files: { 'compose.yaml': svc('    privileged: ${PRIV:-true}\n') },
      env: { default: ['compose.yaml'] },
      findings: [{ id: 'privileged', line: 4, message: 'the default of its variable' }],
    },
    {
      name: 'inherited through extends: reported where the parent sets it',
      code: 'services:\n  base:\n    image: x\n    privileged: true\n  app:\n    extends: base\n',
      findings: [
        { id: 'privileged', line: 4, message: 'base runs privileged' },
        { id: 'privileged', line: 4, message: 'app runs privileged' },
      ],
    },
  ],
});

ruleTester(dockerSocket, {
  valid: [svc('    volumes:\n      - ./data:/data\n      - /var/run/docker.sock.bak:/x\n'), svc('    volumes: [sock:/var/run/docker.sock]\nvolumes:\n  sock:\n')],
  invalid: [
    {
      name: 'short and long syntax, rw and ro, podman, the socket directory',
      code: svc(
        '    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n      - /run/docker.sock:/s:ro\n      - type: bind\n        source: /run/user/1000/podman/podman.sock\n        target: /run/podman.sock\n      - /var/run/docker:/d\n',
      ),
      findings: [
        { id: 'docker-socket', line: 5, column: 9, severity: 'warning', environments: ['default'], message: 'mounts the engine socket /var/run/docker.sock' },
        { id: 'docker-socket/read-only', line: 6, message: '`ro` does not restrict the API' },
        { id: 'docker-socket', line: 7, message: '/run/user/1000/podman/podman.sock' },
        { id: 'docker-socket/directory', line: 10 },
      ],
    },
    {
      name: 'base + override: the base mount is reported once for both environments; the prod-only one in prod',
      files: {
        'compose.yaml': svc('    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n'),
        'compose.prod.yaml': 'services:\n  app:\n    volumes:\n      - /run/podman/podman.sock:/p.sock\n',
      },
      env: envs,
      findings: [
        { id: 'docker-socket', file: 'compose.prod.yaml', line: 4, environments: ['prod'] },
        { id: 'docker-socket', file: 'compose.yaml', line: 5, environments: ['dev', 'prod'] },
      ],
    },
    {
      name: 'prod replaces the mount at the same target: the base mount affects dev only',
      files: {
        'compose.yaml': svc('    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n'),
        'compose.prod.yaml': 'services:\n  app:\n    volumes:\n      - proxy:/var/run/docker.sock\nvolumes:\n  proxy:\n',
      },
      env: envs,
      findings: [{ id: 'docker-socket', file: 'compose.yaml', line: 5, environments: ['dev'] }],
    },
    {
      name: 'an interpolated source judged per environment (.env sets it)',
      files: { 'compose.yaml': svc('    volumes:\n      - ${DOCKER_SOCK}:/var/run/docker.sock\n'), '.env': 'DOCKER_SOCK=/var/run/docker.sock\n' },
      env: { default: ['compose.yaml'] },
      findings: [{ id: 'docker-socket', line: 5 }],
    },
  ],
});

ruleTester(hostNamespaces, {
  valid: [svc('    network_mode: bridge\n    pid: service:db\n    ipc: shareable\n'), { name: 'suppressed', code: svc('    # composemod-disable-next-line host-namespaces/network -- needs mDNS\n    network_mode: host\n') }],
  invalid: [
    {
      name: 'one kind per namespace',
      code: svc('    network_mode: host\n    pid: host\n    ipc: host\n    userns_mode: host\n    uts: host\n'),
      findings: [
        { id: 'host-namespaces/network', line: 4, severity: 'warning' },
        { id: 'host-namespaces/pid', line: 5 },
        { id: 'host-namespaces/ipc', line: 6 },
        { id: 'host-namespaces/userns', line: 7 },
        { id: 'host-namespaces/uts', line: 8, severity: 'note' },
      ],
    },
    {
      name: 'dev shares the host network; prod overrides it: reported at the base for dev only',
      files: { 'compose.yaml': svc('    network_mode: host\n'), 'compose.prod.yaml': 'services:\n  app:\n    network_mode: bridge\n' },
      env: envs,
      findings: [{ id: 'host-namespaces/network', file: 'compose.yaml', line: 4, environments: ['dev'] }],
    },
  ],
});

ruleTester(sensitiveHostPaths, {
  valid: [
    svc('    volumes:\n      - /etc/localtime:/etc/localtime:ro\n      - ./config:/config\n      - /srv/app:/data\n'),
    { name: 'the docker socket is docker-socket\'s', code: svc('    volumes: [/var/run/docker.sock:/var/run/docker.sock]\n') },
  ],
  invalid: [
    {
      name: 'system paths rw and ro, credentials, a relative path escaping to /',
      files: { 'compose.yaml': svc('    volumes:\n      - /:/host:ro\n      - /etc:/host-etc\n      - /var/lib/docker/volumes:/v\n      - ~/.ssh:/root/.ssh:ro\n      - type: bind\n        source: /proc\n        target: /host/proc\n        read_only: true\n') },
      env: { default: ['compose.yaml'] },
      findings: [
        { id: 'sensitive-host-paths/read-only', line: 5, severity: 'note' },
        { id: 'sensitive-host-paths', line: 6, severity: 'warning', message: '/etc at /host-etc writable' },
        { id: 'sensitive-host-paths', line: 7 },
        { id: 'sensitive-host-paths/credentials', line: 8 },
        { id: 'sensitive-host-paths/read-only', line: 9, message: '/proc' },
      ],
    },
    {
      name: 'prod-only mount: reported in the override for prod',
      files: { 'compose.yaml': svc(''), 'compose.prod.yaml': 'services:\n  app:\n    volumes:\n      - /sys:/sys\n' },
      env: envs,
      findings: [{ id: 'sensitive-host-paths', file: 'compose.prod.yaml', line: 4, environments: ['prod'] }],
    },
    {
      name: 'interpolated: .env points the bind at /etc',
      files: {
        'compose.yaml': svc('    volumes:\n      - ${CONF_DIR}:/conf\n'),
        '.env': 'CONF_DIR=/etc\n',
      },
      env: { default: ['compose.yaml'] },
      findings: [{ id: 'sensitive-host-paths', line: 5, environments: ['default'], message: '/etc at /conf' }],
    },
    {
      name: 'interpolated with a default that no env file overrides: judged by the default, and said so',
      files: { 'compose.yaml': svc('    volumes:\n      - ${CONF_DIR:-/etc}:/conf:ro\n      - ${DATA_DIR:-./data}:/data\n') },
      env: { default: ['compose.yaml'] },
      findings: [{ id: 'sensitive-host-paths/read-only', line: 5, message: 'the default of its variable' }],
    },
  ],
});

ruleTester(dangerousDevices, {
  valid: [svc('    devices:\n      - /dev/ttyUSB0:/dev/ttyUSB0\n      - /dev/dri:/dev/dri\n    device_cgroup_rules:\n      - "c 188:* rmw"\n')],
  invalid: [
    {
      name: 'raw disk, host memory, allow-all cgroup rule',
      code: svc('    devices:\n      - /dev/sda:/dev/xvda\n      - /dev/mem\n      - /dev/nvme0n1p2:/dev/disk\n    device_cgroup_rules:\n      - "a *:* rwm"\n      - "b *:* rwm"\n'),
      findings: [
        { id: 'dangerous-devices', line: 5, severity: 'warning', message: '/dev/sda' },
        { id: 'dangerous-devices/memory', line: 6, severity: 'error' },
        { id: 'dangerous-devices', line: 7, message: '/dev/nvme0n1p2' },
        { id: 'dangerous-devices/cgroup-all', line: 9, message: 'every device' },
        { id: 'dangerous-devices/cgroup-all', line: 10, message: 'every block device' },
      ],
    },
    {
      name: 'base + override: the disk only prod maps, reported in prod',
      files: { 'compose.yaml': svc('    devices: [/dev/ttyUSB0]\n'), 'compose.prod.yaml': 'services:\n  app:\n    devices: [/dev/sdb]\n' },
      env: envs,
      findings: [{ id: 'dangerous-devices', file: 'compose.prod.yaml', line: 3, environments: ['prod'] }],
    },
  ],
});

ruleTester(securityOptDisabled, {
  valid: [svc('    security_opt:\n      - no-new-privileges:true\n      - seccomp=./profile.json\n      - label=type:svirt_t\n')],
  invalid: [
    {
      name: 'both separators, every confinement',
      code: svc('    security_opt:\n      - seccomp:unconfined\n      - apparmor=unconfined\n      - label:disable\n      - label=disable\n      - systempaths=unconfined\n'),
      findings: [
        { id: 'security-opt-disabled/seccomp', line: 5 },
        { id: 'security-opt-disabled/apparmor', line: 6 },
        { id: 'security-opt-disabled/label', line: 7 },
        { id: 'security-opt-disabled/label', line: 8 },
        { id: 'security-opt-disabled/systempaths', line: 9 },
      ],
    },
    {
      name: 'base entry reported once for both environments, the prod one for prod',
      files: { 'compose.yaml': svc('    security_opt: [seccomp:unconfined]\n'), 'compose.prod.yaml': 'services:\n  app:\n    security_opt: [apparmor:unconfined]\n' },
      env: envs,
      findings: [
        { id: 'security-opt-disabled/apparmor', file: 'compose.prod.yaml', line: 3, environments: ['prod'] },
        { id: 'security-opt-disabled/seccomp', file: 'compose.yaml', line: 4, environments: ['dev', 'prod'] },
      ],
    },
  ],
});

ruleTester(rootUser, {
  valid: [svc('    user: "1000:1000"\n'), svc('    user: app\n'), svc('    user: rootless\n')],
  invalid: [
    { name: 'root', code: svc('    user: root\n'), findings: [{ id: 'root-user', line: 4, severity: 'warning', environments: ['default'] }] },
    { name: '0:0 and 0', code: 'services:\n  a:\n    image: x\n    user: "0:0"\n  b:\n    image: x\n    user: "0"\n', findings: [{ line: 4 }, { line: 7 }] },
    {
      name: 'dev runs as root, prod as 1000: reported at the base for dev',
      files: { 'compose.yaml': svc('    user: root\n'), 'compose.prod.yaml': 'services:\n  app:\n    user: "1000"\n' },
      env: envs,
      findings: [{ id: 'root-user', file: 'compose.yaml', line: 4, environments: ['dev'] }],
    },
  ],
});

ruleTester(capAddDangerous, {
  valid: [svc('    cap_add: [CHOWN, NET_BIND_SERVICE]\n')],
  invalid: [
    {
      name: 'by capability, CAP_ prefix and case ignored',
      code: svc('    cap_add:\n      - ALL\n      - cap_sys_admin\n      - NET_ADMIN\n      - SYS_PTRACE\n'),
      findings: [
        { id: 'cap-add-dangerous/all', line: 5, severity: 'warning' },
        { id: 'cap-add-dangerous', line: 6, message: 'SYS_ADMIN' },
        { id: 'cap-add-dangerous/net-admin', line: 7, severity: 'note' },
        { id: 'cap-add-dangerous', line: 8, message: 'SYS_PTRACE' },
      ],
    },
    {
      name: 'base + override: only prod adds SYS_ADMIN',
      files: { 'compose.yaml': svc('    cap_add: [CHOWN]\n'), 'compose.prod.yaml': 'services:\n  app:\n    cap_add: [SYS_ADMIN]\n' },
      env: envs,
      findings: [{ id: 'cap-add-dangerous', file: 'compose.prod.yaml', line: 3, environments: ['prod'] }],
    },
  ],
});

ruleTester(credentialsInUrl, {
  valid: [
    svc('    command: ["--db", "postgres://app:${DB_PASSWORD}@db/app"]\n'),
    svc('    healthcheck:\n      test: curl -f http://localhost/\n'),
    { name: 'environment is the secrets rule\'s', code: svc('    environment:\n      DB_URL: postgres://app:hunter2@db/app\n') },
  ],
  invalid: [
    {
      name: 'command, label and healthcheck; the password never appears',
      code: svc('    command: ["--upstream", "amqp://guest:hunter2@mq:5672/"]\n    labels:\n      backup.target: s3://key:hunter3@bucket/x\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://admin:hunter4@localhost/health"]\n'),
      findings: [
        { id: 'credentials-in-url', line: 4, message: /amqp:\/\/guest:\*\*\*\*@mq/ },
        { id: 'credentials-in-url', line: 6, message: 'labels.backup.target' },
        { id: 'credentials-in-url', line: 8, message: 'healthcheck.test' },
      ],
    },
    {
      name: 'prod override command: reported there, for prod',
      files: { 'compose.yaml': svc('    command: ["serve"]\n'), 'compose.prod.yaml': 'services:\n  app:\n    command: ["serve", "--db", "mysql://root:pw@db/x"]\n' },
      env: envs,
      findings: [{ id: 'credentials-in-url', file: 'compose.prod.yaml', line: 3, environments: ['prod'] }],
    },
  ],
});

ruleTester(mountPropagation, {
  valid: [svc('    volumes:\n      - /:/host:ro,rslave\n      - ./data:/data\n'), svc('    volumes:\n      - type: bind\n        source: /mnt\n        target: /mnt\n        bind:\n          propagation: rprivate\n')],
  invalid: [
    {
      name: 'short and long syntax',
      code: svc('    volumes:\n      - /var/lib/kubelet:/var/lib/kubelet:rshared\n      - type: bind\n        source: /mnt/disks\n        target: /disks\n        bind:\n          propagation: shared\n'),
      findings: [
        { id: 'mount-propagation', line: 5, severity: 'warning', message: 'rshared propagation' },
        { id: 'mount-propagation', line: 6, message: 'shared propagation' },
      ],
    },
    {
      name: 'base + override: prod switches the base mount to rshared at the same target; reported in prod only',
      files: { 'compose.yaml': svc('    volumes:\n      - /mnt:/mnt:rslave\n'), 'compose.prod.yaml': 'services:\n  app:\n    volumes:\n      - /mnt:/mnt:rshared\n' },
      env: envs,
      findings: [{ id: 'mount-propagation', file: 'compose.prod.yaml', line: 4, environments: ['prod'] }],
    },
  ],
});
