/**
 * Which of the two networks `frontend` / `backend` each service of a flat project belongs on,
 * and why (network-split). Pure: merged services in, roles out.
 *
 * - Data stores (the stateful-image table: postgres, redis, mongo, rabbitmq, elasticsearch...)
 *   go on `backend` only.
 * - The public edge (nginx, traefik, caddy, haproxy, envoy...) and services that publish
 *   ports go on `frontend`.
 * - Every "talks to" relation (depends_on, links, a service name used as a host in the
 *   environment or the command) must keep a network in common: a service that talks to a data
 *   store joins `backend`; a service the edge talks to joins `frontend`. So an app server behind
 *   the edge that uses a database ends up on both.
 * - A service with no relation at all is put on both (nothing tells what it needs; this keeps
 *   it reachable), and so is one that publishes ports but shows no relation (its database URL
 *   may come from a variable) or reads an env_file (which may name any service).
 * - Images not in the table whose name says data store (`zulip/zulip-postgresql`,
 *   `confluentinc/cp-kafka`) are data stores too.
 * Order of the rules (so the result does not depend on the order of the services): talkers to
 * data stores join backend; what a frontend service talks to joins frontend unless they share
 * backend already; then an unplaced talker joins its peer's network (backend first), and a
 * backend talker pulls a frontend-only peer onto backend; repeated until nothing changes.
 */
import { lookupImage } from '../data/stateful-images.js';
import { imageName } from '../util/image-ref.js';
import { serviceReferences, type MountedFiles, type Relation } from './references.js';
import { isObj, type Obj } from '../../core/plain.js';

export type NetRole = 'frontend' | 'backend';

export type { Relation };

export interface ServiceFacts {
  name: string;
  image?: string;
  /** The image is a data store (see data/stateful-images.ts): id of the table entry. */
  datastore?: string;
  /** The image is a reverse proxy / edge: its repository. */
  edge?: string;
  /** Published ports, as written for messages (`80`, `8080->80`). */
  published: string[];
  talksTo: Relation[];
  /** Reads environment from env_file: its relations may be invisible here. */
  envFile?: boolean;
}

/**
 * Image names that are data stores even when the table does not list them (custom builds of
 * postgres, kafka...), for placing them on the backend only: a word of the last path
 * component (`zulip/zulip-postgresql`, `bitnami/kafka`, `confluentinc/cp-kafka`).
 */
const DATASTORE_WORDS =
  /(^|[-_.])(postgres|postgresql|postgis|pgvector|timescaledb|mysql|mariadb|percona|mongo|mongodb|redis|valkey|keydb|dragonfly|memcached|rabbitmq|kafka|zookeeper|nats|elasticsearch|opensearch|clickhouse|cassandra|scylla|couchdb|couchbase|influxdb|neo4j|etcd|meilisearch|typesense|qdrant|milvus|minio|mssql)([-_.]|$)/;

export function datastoreByName(repository: string | undefined): string | undefined {
  if (!repository) return undefined;
  const last = repository.split('/').pop()!;
  // tools around a data store are not one (postgres-exporter, mongo-express, kafka-ui...)
  if (/(^|[-_.])(exporter|express|commander|insight|admin|ui|backup|proxy|connect|rest|manager|console|web|operator|client|cli)([-_.]|$)/.test(last)) return undefined;
  const m = DATASTORE_WORDS.exec(last);
  return m ? m[2] : undefined;
}

export interface Placement {
  frontend: boolean;
  backend: boolean;
  /** Why, in order: one short phrase each. */
  why: string[];
}

/** Reverse proxies and tunnels: the public edge of a stack. Normalized repositories. */
export const EDGE_IMAGES: readonly string[] = [
  'nginx',
  'nginxinc/nginx-unprivileged',
  'openresty/openresty',
  'traefik',
  'caddy',
  'haproxy',
  'haproxytech/haproxy-alpine',
  'haproxytech/haproxy-debian',
  'envoyproxy/envoy',
  'httpd',
  'kong',
  'jc21/nginx-proxy-manager',
  'nginxproxy/nginx-proxy',
  'jwilder/nginx-proxy',
  'cloudflare/cloudflared',
  'lucaslorentz/caddy-docker-proxy',
];

/** Facts about each merged service (normal form) relevant to the split. */
export function serviceFacts(services: Record<string, Obj>, mounted?: MountedFiles): ServiceFacts[] {
  const refs = serviceReferences(services, mounted);
  const all = Object.entries(services).map(([name, svc]) => {
    const hit = lookupImage(svc.image);
    const ref = imageName(svc.image);
    const facts: ServiceFacts = {
      name,
      image: typeof svc.image === 'string' ? svc.image : undefined,
      datastore: hit ? (hit.entry.datastore ? hit.entry.id : undefined) : datastoreByName(ref?.repository),
      edge: ref && EDGE_IMAGES.includes(ref.repository) ? ref.repository : undefined,
      published: [],
      talksTo: [...(refs.get(name) ?? [])],
      envFile: Array.isArray(svc.env_file) ? svc.env_file.length > 0 : svc.env_file !== undefined,
    };
    for (const p of Array.isArray(svc.ports) ? svc.ports : []) {
      if (!isObj(p)) continue;
      facts.published.push(p.published !== undefined ? `${String(p.published)}:${String(p.target)}` : String(p.target));
    }
    return facts;
  });
  // proxies that discover their upstreams from labels or environment variables
  for (const f of all) {
    const discovers = DISCOVERY[f.edge ?? ''];
    if (!discovers) continue;
    for (const [name, svc] of Object.entries(services)) {
      if (name === f.name || f.talksTo.some((r) => r.to === name)) continue;
      const via = discovers(svc);
      if (via) f.talksTo.push({ to: name, via });
    }
  }
  return all;
}

const labelKeys = (svc: Obj): string[] => (isObj(svc.labels) ? Object.keys(svc.labels) : []);
const DISCOVERY: Record<string, (svc: Obj) => string | undefined> = {
  traefik: (svc) => (labelKeys(svc).some((k) => k.startsWith('traefik.')) ? 'traefik labels' : undefined),
  'lucaslorentz/caddy-docker-proxy': (svc) => (labelKeys(svc).some((k) => /^caddy($|[._])/.test(k)) ? 'caddy labels' : undefined),
  'nginxproxy/nginx-proxy': (svc) => (isObj(svc.environment) && 'VIRTUAL_HOST' in svc.environment ? 'VIRTUAL_HOST' : undefined),
  'jwilder/nginx-proxy': (svc) => (isObj(svc.environment) && 'VIRTUAL_HOST' in svc.environment ? 'VIRTUAL_HOST' : undefined),
};

/** `a, b, c and 4 more`. */
export function shortList(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Place every service; see the module comment for the rules. */
export function classify(facts: readonly ServiceFacts[]): Map<string, Placement> {
  const out = new Map<string, Placement>();
  const byName = new Map(facts.map((f) => [f.name, f]));
  for (const f of facts) {
    // a publishing service with no visible relation may still use a data store through a
    // variable (`DATABASE_URL=${DATABASE_URL}`): it stays on both
    const blind = !f.datastore && !f.edge && ((f.published.length > 0 && !f.talksTo.length) || !!f.envFile);
    out.set(f.name, { frontend: !f.datastore && (!!f.edge || f.published.length > 0), backend: !!f.datastore || blind, why: [] });
  }
  const empty = (p: Placement): boolean => !p.frontend && !p.backend;
  const shares = (a: Placement, b: Placement): boolean => (a.frontend && b.frontend) || (a.backend && b.backend);
  // 1. whoever talks to a data store is on the backend
  for (const f of facts) if (f.talksTo.some((r) => byName.get(r.to)!.datastore)) out.get(f.name)!.backend = true;
  for (let round = 0, changed = true; changed && round < 100; round++) {
    changed = false;
    // 2. what a frontend service talks to is reachable on the frontend (unless they already share one)
    for (const f of facts) {
      const s = out.get(f.name)!;
      if (!s.frontend) continue;
      for (const rel of f.talksTo) {
        const t = out.get(rel.to)!;
        if (byName.get(rel.to)!.datastore || shares(s, t)) continue;
        t.frontend = true;
        changed = true;
      }
    }
    // 3. the other relations: an unplaced talker joins its peer; a backend talker pulls its peer in
    for (const f of facts) {
      const s = out.get(f.name)!;
      for (const rel of f.talksTo) {
        const t = out.get(rel.to)!;
        if (shares(s, t) || (empty(s) && empty(t))) continue;
        if (empty(s)) {
          if (t.backend) s.backend = true;
          else s.frontend = true;
        } else if (s.backend) t.backend = true;
        else continue;
        changed = true;
      }
    }
  }
  // reasons, from the final placement
  const reachedBy = (name: string, net: 'frontend' | 'backend'): string[] =>
    facts.filter((x) => out.get(x.name)![net] && x.talksTo.some((r) => r.to === name)).map((x) => `${x.name} (${x.talksTo.find((r) => r.to === name)!.via})`);
  for (const f of facts) {
    const p = out.get(f.name)!;
    if (empty(p)) {
      p.frontend = p.backend = true;
      p.why.push('no relation found (depends_on, links, host names in the environment): kept on both to stay reachable');
      continue;
    }
    if (p.frontend) {
      if (f.edge) p.why.push(`${f.edge} is a public edge (reverse proxy)`);
      else if (f.published.length) p.why.push(`publishes port${f.published.length > 1 ? 's' : ''} ${shortList([...new Set(f.published)])}`);
      else {
        const by = reachedBy(f.name, 'frontend');
        const to = f.talksTo.filter((r) => out.get(r.to)!.frontend && !out.get(r.to)!.backend).map((r) => `${r.to} (${r.via})`);
        if (by.length) p.why.push(`reached from the frontend by ${shortList(by)}`);
        if (to.length) p.why.push(`talks to ${shortList(to)} on the frontend`);
      }
    }
    if (p.backend) {
      if (f.datastore) p.why.push(`${f.datastore} is a data store`);
      else if (f.envFile) p.why.push('reads env_file, which may name any service (a database URL...), so it stays on backend too');
      else if (!f.edge && f.published.length && !f.talksTo.length)
        p.why.push('no relation to other services found (depends_on, links, host names): it may reach a data store through a variable, so it stays on backend too');
      else {
        const stores = f.talksTo.filter((r) => byName.get(r.to)!.datastore).map((r) => `${r.to} (${r.via})`);
        const to = f.talksTo.filter((r) => !byName.get(r.to)!.datastore && out.get(r.to)!.backend && !(p.frontend && out.get(r.to)!.frontend)).map((r) => `${r.to} (${r.via})`);
        const by = reachedBy(f.name, 'backend').filter((x) => !(p.frontend && out.get(x.split(' ')[0])!.frontend));
        if (stores.length) p.why.push(`talks to the data store${stores.length > 1 ? 's' : ''} ${shortList(stores)}`);
        if (to.length) p.why.push(`talks to ${shortList(to)} on the backend`);
        if (by.length) p.why.push(`reached from the backend by ${shortList(by)}`);
      }
    }
  }
  return out;
}
