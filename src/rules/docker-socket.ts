/**
 * docker-socket: a bind mount of the container engine's API socket (Docker, Podman,
 * containerd) gives the container the engine: it can start a privileged container that mounts
 * the host's `/`. Short and long volume syntax, interpolated sources (judged per environment),
 * and a mount of the socket's directory are recognised. A read-only mount is its own kind: `ro`
 * only stops the container from replacing the socket file; every API call still works.
 * Reported at the volume item, for the environments whose merged service has it. Findings only.
 */
import type { Rule } from './types.js';
import { bindMounts, defaultNote, reportHits, resolver, type Hit } from './lib/security.js';

/** Engine sockets, as absolute host paths (`*` is one path segment). */
const SOCKETS: readonly RegExp[] = [
  /^\/(var\/)?run\/docker\.sock$/,
  /^\/(var\/)?run\/podman\/podman\.sock$/,
  /^\/(var\/)?run\/user\/[^/]+\/(podman\/podman|docker)\.sock$/,
  /^\/(var\/)?run\/containerd\/containerd\.sock$/,
  /^\/(var\/)?run\/crio\/crio\.sock$/,
  /^~\/\.docker\/(run\/)?docker\.sock$/,
  /^\/(home\/[^/]+|root)\/\.docker\/(run\/)?docker\.sock$/,
];

/** Directories whose mount carries a socket with them. */
const SOCKET_DIRS: readonly RegExp[] = [/^\/(var\/)?run\/(docker|podman|containerd)$/];

export const isEngineSocket = (host: string): boolean => SOCKETS.some((r) => r.test(host));

const rule: Rule = {
  meta: {
    id: 'docker-socket',
    description: 'Report services that mount the Docker (or Podman, containerd) API socket',
    rationale:
      'Whoever can talk to the engine socket can start a privileged container mounting the host root: a service with the socket is root on the host, whatever its own user and capabilities.',
    severity: 'warning',
    fixable: false,
    options: [],
    kinds: {
      'read-only': { severity: 'warning', description: 'the socket is mounted read-only, which does not restrict the API' },
      directory: { severity: 'warning', description: 'a directory holding the engine socket is mounted' },
    },
    docs: 'docs/rules/docker-socket.md',
  },
  check(ctx) {
    reportHits(ctx, (svc, service, env) => {
      const out: Hit[] = [];
      for (const m of bindMounts(svc, env, resolver(ctx, env))) {
        const what = `${m.host}${defaultNote(m.r)} at ${m.target}`;
        if (isEngineSocket(m.host)) {
          out.push(
            m.readOnly
              ? { attr: 'volumes', item: m.item, kind: 'read-only', message: `${service} mounts the engine socket ${what} read-only: \`ro\` does not restrict the API, the service still controls the engine (root on the host); use a socket proxy that allows only the calls it needs` }
              : { attr: 'volumes', item: m.item, message: `${service} mounts the engine socket ${what}: it controls the engine, which makes it root on the host; use a socket proxy that allows only the calls it needs` },
          );
        } else if (SOCKET_DIRS.some((r) => r.test(m.host)))
          out.push({ attr: 'volumes', item: m.item, kind: 'directory', message: `${service} mounts ${what}, which holds the engine socket: it controls the engine (root on the host)` });
      }
      return out;
    });
  },
};

export default rule;
