import { describe, it, expect } from 'vitest';
import { classify, datastoreByName, serviceFacts } from '../../src/rules/lib/network-roles.js';
import { hostTokens } from '../../src/rules/lib/references.js';

type Svc = Record<string, unknown>;
const place = (services: Record<string, Svc>) => {
  const out: Record<string, string> = {};
  for (const [name, p] of classify(serviceFacts(services))) out[name] = [p.frontend ? 'F' : '', p.backend ? 'B' : ''].join('');
  return out;
};
const port = (published: string, target: number) => ({ target, published, protocol: 'tcp', mode: 'ingress' });
const dep = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { condition: 'service_started', required: true }]));

describe('network roles', () => {
  it('seed 000: frontend -> backend -> mongo, redis', () => {
    expect(
      place({
        frontend: { build: { context: './frontend' }, ports: [port('80', 80)], depends_on: dep('backend') },
        backend: { build: { context: './backend' }, ports: [port('3000', 3000)], depends_on: dep('mongo', 'redis') },
        mongo: { image: 'mongo:7.0' },
        redis: { image: 'redis:6.2.13' },
      }),
    ).toEqual({ frontend: 'F', backend: 'FB', mongo: 'B', redis: 'B' });
  });
  it('an app behind the edge that uses a data store is on both; a worker only on backend', () => {
    expect(
      place({
        proxy: { image: 'traefik:v3', ports: [port('443', 443)], depends_on: dep('app') },
        app: { image: 'ghcr.io/acme/app', environment: { DATABASE_URL: 'postgres://u:p@db:5432/app' } },
        worker: { image: 'ghcr.io/acme/worker', environment: { REDIS_URL: 'redis://cache:6379/0' } },
        db: { image: 'postgres:17' },
        cache: { image: 'valkey/valkey:8' },
      }),
    ).toEqual({ proxy: 'F', app: 'FB', worker: 'B', db: 'B', cache: 'B' });
  });
  it('traefik discovers its upstreams from labels', () => {
    expect(
      place({
        traefik: { image: 'traefik:v3', ports: [port('80', 80)] },
        app: { image: 'acme/app', labels: { 'traefik.enable': 'true' }, depends_on: dep('db') },
        db: { image: 'mariadb:11' },
      }),
    ).toEqual({ traefik: 'F', app: 'FB', db: 'B' });
  });
  it('keeps services whose relations may be invisible on both', () => {
    expect(
      place({
        ackee: { image: 'electerious/ackee', ports: [port('3000', 3000)], environment: { ACKEE_MONGODB: '${ACKEE_MONGODB}' } },
        mongo: { image: 'mongo:4' },
      }),
    ).toEqual({ ackee: 'FB', mongo: 'B' });
    expect(
      place({
        web: { image: 'nginx', depends_on: dep('app') },
        app: { build: { context: '.' }, env_file: [{ path: '.env', required: true }] },
        db: { image: 'postgres' },
      }),
    ).toEqual({ web: 'F', app: 'FB', db: 'B' });
    expect(place({ a: { image: 'acme/cron' }, db: { image: 'postgres' } })).toEqual({ a: 'FB', db: 'B' });
  });
  it('resolves ${VAR:-default} host names and container names', () => {
    expect(
      place({
        nginx: { image: 'nginx', depends_on: dep('api') },
        api: { image: 'acme/api', environment: { DB_HOST: '${DB_HOST:-pg}' } },
        database: { image: 'postgres:16', container_name: 'pg' },
      }),
    ).toEqual({ nginx: 'F', api: 'FB', database: 'B' });
  });
  it('does not depend on the order of the services', () => {
    const services: Record<string, Svc> = {
      cleanup: { image: 'acme/tool', depends_on: dep('kafka', 'redis') },
      nginx: { image: 'nginx', ports: [port('80', 80)], depends_on: dep('web') },
      web: { image: 'acme/web', depends_on: dep('kafka', 'redis') },
      kafka: { image: 'confluentinc/cp-kafka:7' },
      redis: { image: 'redis' },
    };
    const reversed = Object.fromEntries(Object.entries(services).reverse());
    expect(place(reversed)).toEqual(place(services));
    expect(place(services)).toEqual({ cleanup: 'B', nginx: 'F', web: 'FB', kafka: 'B', redis: 'B' });
  });
  it('recognises data stores by name', () => {
    expect(datastoreByName('zulip/zulip-postgresql')).toBe('postgresql');
    expect(datastoreByName('confluentinc/cp-kafka')).toBe('kafka');
    expect(datastoreByName('prometheuscommunity/postgres-exporter')).toBeUndefined();
    expect(datastoreByName('mongo-express')).toBeUndefined();
    expect(datastoreByName('provectuslabs/kafka-ui')).toBeUndefined();
    expect(datastoreByName('acme/api')).toBeUndefined();
  });
  it('finds host names in URLs', () => {
    expect(hostTokens('redis://user:secret@cache:6379/0')).toContain('cache');
    expect(hostTokens('mysql://app:secret@mariadb:3306/app?x=1')).toContain('mariadb');
    expect(hostTokens('db')).toEqual(['db']);
  });
});
