import { describe, it, expect } from 'vitest';
import { imageName as parseImageRef, tagMajor } from '../../src/rules/util/image-ref.js';
import { applyDefaults } from '../../src/rules/util/interpolation.js';
import { dataPathOf, lookupImage, flagValue } from '../../src/rules/data/stateful-images.js';

const pathOf = (image: string, command?: string[], environment?: Record<string, string | null>) => {
  const hit = dataPathOf(image, command, environment);
  return hit?.data.kind === 'path' ? hit.data.path : hit?.data.kind;
};

describe('image references', () => {
  it('folds Docker Hub spellings and keeps other registries', () => {
    for (const image of ['postgres', 'postgres:16', 'library/postgres:16', 'docker.io/library/postgres:16-alpine', 'index.docker.io/library/postgres', 'public.ecr.aws/docker/library/postgres:17', 'mirror.gcr.io/library/postgres'])
      expect(parseImageRef(image)?.repository, image).toBe('postgres');
    expect(parseImageRef('docker.io/bitnami/redis:7.2')?.repository).toBe('bitnami/redis');
    expect(parseImageRef('quay.io/minio/minio:RELEASE.2024-10-13T13-34-11Z')?.repository).toBe('quay.io/minio/minio');
    expect(parseImageRef('localhost:5000/postgres:16')?.repository).toBe('localhost:5000/postgres');
  });
  it('splits tags and digests', () => {
    expect(parseImageRef('postgres:16.4-bookworm@sha256:' + 'a'.repeat(64))).toMatchObject({ tag: '16.4-bookworm', digest: 'sha256:' + 'a'.repeat(64) });
    expect(parseImageRef('postgres@sha256:' + 'b'.repeat(64))).toMatchObject({ tag: null });
  });
  it('applies ${VAR:-default} and flags unresolved tags', () => {
    expect(applyDefaults('postgres:${PG:-16}')).toEqual({ text: 'postgres:16', unresolved: false });
    expect(applyDefaults('${A:-${B:-x}}-$$y')).toEqual({ text: 'x-$y', unresolved: false });
    expect(parseImageRef('postgres:${PG_TAG}')).toMatchObject({ repository: 'postgres', tag: null, tagUnresolved: true });
    expect(parseImageRef('${REGISTRY}/postgres:16')).toBeNull();
    expect(parseImageRef('${IMAGE}')).toBeNull();
  });
  it('reads major versions', () => {
    expect(tagMajor('16-alpine')).toBe(16);
    expect(tagMajor('18beta1')).toBe(18);
    expect(tagMajor('v2.7.1')).toBe(2);
    expect(tagMajor('latest')).toBeNull();
    expect(tagMajor('0.8.0-pg17', /(?:^|-)pg(\d+)(?!\d)/)).toBe(17);
  });
});

describe('stateful image table', () => {
  it('knows the postgres layouts (18+ keeps data in /var/lib/postgresql)', () => {
    expect(pathOf('postgres:15-alpine')).toBe('/var/lib/postgresql/data');
    expect(pathOf('postgres:17.2')).toBe('/var/lib/postgresql/data');
    expect(pathOf('postgres:18')).toBe('/var/lib/postgresql');
    expect(pathOf('postgres:19-trixie')).toBe('/var/lib/postgresql');
    expect(pathOf('postgres')).toBe('/var/lib/postgresql');
    expect(pathOf('postgres:alpine')).toBe('/var/lib/postgresql');
    expect(pathOf('postgres:${PG_TAG}')).toBe('unknown');
    expect(pathOf('postgres@sha256:' + 'c'.repeat(64))).toBe('unknown');
    expect(pathOf('postgis/postgis:16-3.4')).toBe('/var/lib/postgresql/data');
    expect(pathOf('postgis/postgis:latest')).toBe('unknown');
    expect(pathOf('pgvector/pgvector:pg18')).toBe('/var/lib/postgresql');
    expect(pathOf('timescale/timescaledb:2.17.2-pg16')).toBe('/var/lib/postgresql/data');
  });
  it('honours PGDATA', () => {
    expect(pathOf('postgres:16', undefined, { PGDATA: '/var/lib/postgresql/data/pgdata' })).toBe('/var/lib/postgresql/data/pgdata');
    expect(pathOf('postgres:16', undefined, { PGDATA: '${PGDATA}' })).toBe('unknown');
  });
  it('knows the common data stores', () => {
    expect(pathOf('mysql:8.4')).toBe('/var/lib/mysql');
    expect(pathOf('docker.io/library/mariadb:11')).toBe('/var/lib/mysql');
    expect(pathOf('mongo:7')).toBe('/data/db');
    expect(pathOf('mongo:7', ['mongod', '--dbpath', '/srv/mongo'])).toBe('/srv/mongo');
    expect(pathOf('redis:7-alpine')).toBe('/data');
    expect(pathOf('valkey/valkey:8')).toBe('/data');
    expect(pathOf('redislabs/redismod')).toBe('/data');
    expect(pathOf('redis:7', ['redis-server', '--save', '', '--appendonly', 'no'])).toBe('ephemeral');
    expect(pathOf('redis:7', ['redis-server', '--save', '', '--appendonly', 'yes'])).toBe('/data');
    expect(pathOf('redis:7', ['redis-server', '--dir', '/var/redis'])).toBe('/var/redis');
    expect(pathOf('rabbitmq:3-management')).toBe('/var/lib/rabbitmq');
    expect(pathOf('docker.elastic.co/elasticsearch/elasticsearch:8.15.0')).toBe('/usr/share/elasticsearch/data');
    expect(pathOf('opensearchproject/opensearch:2')).toBe('/usr/share/opensearch/data');
    expect(pathOf('clickhouse/clickhouse-server:24.8')).toBe('/var/lib/clickhouse');
    expect(pathOf('influxdb:1.8')).toBe('/var/lib/influxdb');
    expect(pathOf('influxdb:2.7-alpine')).toBe('/var/lib/influxdb2');
    expect(pathOf('influxdb:3-core')).toBe('unknown');
    expect(pathOf('influxdb')).toBe('unknown');
    expect(pathOf('bitnami/postgresql:16')).toBe('/bitnami/postgresql');
    expect(pathOf('bitnami/redis:7.2')).toBe('/bitnami/redis/data');
    expect(pathOf('getmeili/meilisearch:v1.10')).toBe('/meili_data');
    expect(pathOf('qdrant/qdrant')).toBe('/qdrant/storage');
    expect(pathOf('mcr.microsoft.com/mssql/server:2022-latest')).toBe('/var/opt/mssql');
    expect(pathOf('prom/prometheus', ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus/data'])).toBe('/prometheus/data');
    expect(pathOf('grafana/grafana')).toBe('/var/lib/grafana');
  });
  it('takes the minio data directory from its server command', () => {
    expect(pathOf('minio/minio', ['server', '/data', '--console-address', ':9001'])).toBe('/data');
    expect(pathOf('quay.io/minio/minio', ['server', '--console-address', ':9001', '/export'])).toBe('/export');
    expect(pathOf('minio/minio', ['server', 'http://minio{1...4}/data{1...2}'])).toBe('unknown');
    expect(pathOf('minio/minio')).toBe('unknown');
  });
  it('ignores images it does not know and those without state', () => {
    expect(lookupImage('nginx:1.27')).toBeUndefined();
    expect(lookupImage('ghcr.io/acme/postgres:16')).toBeUndefined();
    expect(dataPathOf('memcached:1.6')).toBeUndefined();
    expect(lookupImage('memcached:1.6')?.entry.datastore).toBe(true);
  });
  it('reads flags', () => {
    expect(flagValue(['--data-dir', '/x'], '--data-dir')).toBe('/x');
    expect(flagValue(['--data-dir=/y'], '--data-dir')).toBe('/y');
    expect(flagValue(['--other'], '--data-dir')).toBeUndefined();
  });
});
