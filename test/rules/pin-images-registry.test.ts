/**
 * pin-images against a REAL registry: Debian's `docker-registry` package (distribution v2)
 * started on 127.0.0.1 with filesystem storage in a temp dir; images are pushed over its
 * HTTP API (blob uploads + manifest PUTs). Skipped, with a message, when the binary is absent
 * (CI installs it: `apt-get install -y --no-install-recommends docker-registry`).
 *
 * The Bearer token flow is tested through a small node http server on 127.0.0.1 that plays a
 * token-protected registry: it answers 401 with a `WWW-Authenticate: Bearer realm=...` challenge
 * unless the request carries the token its /token endpoint hands out, and proxies authorized
 * requests to the real registry. (distribution's own `auth: token` mode needs a signing
 * certificate and a JWT-issuing server; the proxy exercises the same client code path.)
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pinImages from '../../src/rules/pin-images.js';
import { runFixes } from '../helpers/run-fixes.js';
import { RegistryClient } from '../../src/rules/util/registry.js';

const BIN = process.env.DOCKER_REGISTRY_BIN ?? '/usr/bin/docker-registry';
const haveRegistry = existsSync(BIN);
if (!haveRegistry)
  console.log(`pin-images registry tests SKIPPED: ${BIN} not found (apt-get install -y docker-registry, or set DOCKER_REGISTRY_BIN)`);

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

class TestRegistry {
  proc?: ChildProcess;
  dir = mkdtempSync(path.join(tmpdir(), 'cm-registry-'));
  base = '';
  log = '';

  async start(): Promise<void> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    const config = path.join(this.dir, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: error',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${path.join(this.dir, 'data')}`,
        'http:',
        `  addr: 127.0.0.1:${port}`,
        '',
      ].join('\n'),
    );
    this.proc = spawn(BIN, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (d) => (this.log += String(d)));
    this.proc.stderr?.on('data', (d) => (this.log += String(d)));
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const r = await fetch(`${this.base}/v2/`);
        if (r.status === 200) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline || this.proc.exitCode !== null) throw new Error(`registry did not start:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): void {
    if (this.proc && this.proc.exitCode === null) this.proc.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  async blob(repo: string, content: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha(content);
    const start = await fetch(`${this.base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
    const loc = new URL(start.headers.get('location')!, this.base);
    loc.searchParams.set('digest', digest);
    const put = await fetch(loc, { method: 'PUT', body: content, headers: { 'Content-Type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`blob put: ${put.status} ${await put.text()}`);
    return { digest, size: content.length };
  }

  async manifest(repo: string, ref: string, body: string, mediaType: string): Promise<string> {
    const r = await fetch(`${this.base}/v2/${repo}/manifests/${ref}`, { method: 'PUT', body, headers: { 'Content-Type': mediaType } });
    if (r.status !== 201) throw new Error(`manifest put ${repo}:${ref}: ${r.status} ${await r.text()}`);
    return r.headers.get('docker-content-digest') ?? sha(body);
  }

  /** A single-platform image (Docker v2 manifest) wrapped in an OCI index; returns the index digest. */
  async image(repo: string, flavour: string): Promise<string> {
    const layer = await this.blob(repo, Buffer.from(`layer of ${repo} ${flavour}`));
    const cfg = await this.blob(
      repo,
      Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { flavour } }, rootfs: { type: 'layers', diff_ids: [layer.digest] } })),
    );
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: cfg.size, digest: cfg.digest },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.size, digest: layer.digest }],
    });
    const mDigest = await this.manifest(repo, sha(manifest), manifest, 'application/vnd.docker.distribution.manifest.v2+json');
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          size: Buffer.byteLength(manifest),
          digest: mDigest,
          platform: { architecture: 'amd64', os: 'linux' },
        },
      ],
    });
    return this.manifest(repo, sha(index), index, 'application/vnd.oci.image.index.v1+json');
  }

  async tag(repo: string, digest: string, tags: string[]): Promise<void> {
    const r = await fetch(`${this.base}/v2/${repo}/manifests/${digest}`, { headers: { Accept: 'application/vnd.oci.image.index.v1+json' } });
    const body = await r.text();
    for (const t of tags) await this.manifest(repo, t, body, 'application/vnd.oci.image.index.v1+json');
  }
}

/** A token-protected front for the real registry (see the module comment). */
class TokenProxy {
  server?: Server;
  base = '';
  tokenRequests: URLSearchParams[] = [];
  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.base);
      if (url.pathname === '/token') {
        this.tokenRequests.push(url.searchParams);
        const ok = url.searchParams.get('service') === 'composemod-test' && /^repository:library\/nginx:pull$/.test(url.searchParams.get('scope') ?? '');
        res.writeHead(ok ? 200 : 403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(ok ? { token: 'good-token', expires_in: 300 } : { error: 'bad scope' }));
        return;
      }
      if (req.headers.authorization !== 'Bearer good-token') {
        const repo = /^\/v2\/(.+?)\/(?:tags|manifests)\//.exec(url.pathname)?.[1] ?? 'library/nginx';
        res.writeHead(401, {
          'WWW-Authenticate': `Bearer realm="${this.base}/token",service="composemod-test",scope="repository:${repo}:pull"`,
          'Content-Type': 'application/json',
        });
        res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const headers: Record<string, string> = {};
      if (req.headers.accept) headers.Accept = req.headers.accept;
      fetch(`${this.upstream}${url.pathname}${url.search}`, { method: req.method, headers })
        .then(async (up) => {
          const out: Record<string, string> = {};
          for (const h of ['content-type', 'docker-content-digest', 'link']) {
            const v = up.headers.get(h);
            if (v) out[h] = v;
          }
          res.writeHead(up.status, out);
          res.end(req.method === 'HEAD' ? undefined : Buffer.from(await up.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

async function runPin(compose: string, options: Record<string, unknown>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-pin-'));
  const file = path.join(dir, 'compose.yaml');
  writeFileSync(file, compose);
  const target = { dir, environments: [{ name: 'compose.yaml', files: [file] }] };
  const result = await runFixes(target, [pinImages], options);
  const after = result.changes.find((c) => c.path === file)?.after ?? compose;
  let second: Awaited<ReturnType<typeof runFixes>> | undefined;
  if (after !== compose) {
    writeFileSync(file, after);
    second = await runFixes(target, [pinImages], options);
  }
  rmSync(dir, { recursive: true, force: true });
  return { after, warnings: result.warnings.map((w) => w.message), notes: result.notes, second };
}

describe.skipIf(!haveRegistry)('pin-images with a real registry (docker-registry)', () => {
  const reg = new TestRegistry();
  let proxy: TokenProxy;
  const d: Record<string, string> = {};

  beforeAll(async () => {
    await reg.start();
    d.debian = await reg.image('library/nginx', 'debian 1.27.3');
    d.alpine = await reg.image('library/nginx', 'alpine 1.27.3');
    d.old = await reg.image('library/nginx', 'debian 1.26.2');
    d.mainline = await reg.image('library/nginx', 'mainline nightly');
    await reg.tag('library/nginx', d.debian, ['1', '1.27', '1.27.3', 'latest', 'stable']);
    await reg.tag('library/nginx', d.alpine, ['1.27-alpine', '1.27.3-alpine', 'alpine', 'stable-alpine']);
    await reg.tag('library/nginx', d.old, ['1.26', '1.26.2', '1.28.0-rc1']);
    await reg.tag('library/nginx', d.mainline, ['mainline']);
    d.pg = await reg.image('library/postgres', '16.4');
    await reg.tag('library/postgres', d.pg, ['16', '16.4', 'latest']);
    proxy = new TokenProxy(reg.base);
    await proxy.start();
  }, 30_000);

  afterAll(async () => {
    await proxy?.stop();
    reg.stop();
  });

  const compose = [
    'services:',
    '  web:',
    '    image: nginx:alpine # front',
    '  api:',
    '    image: nginx',
    '  edge:',
    '    image: nginx:mainline',
    '  db:',
    '    image: postgres:16.4',
    '',
  ].join('\n');

  it('pins floating tags to the newest concrete tag with the same digest', async () => {
    const r = await runPin(compose, { registryLookup: true, registryMirror: [`docker.io=${reg.base}`] });
    expect(r.after).toBe(compose.replace('nginx:alpine #', 'nginx:1.27.3-alpine #').replace('image: nginx\n', 'image: nginx:1.27.3\n'));
    expect(r.warnings.join('\n')).toContain('nginx:mainline not pinned: no version tag has the same digest as mainline');
    expect(r.second?.changes).toEqual([]);
  });

  it('--digest adds the manifest (index) digest and keeps the tag, also on concrete tags', async () => {
    const r = await runPin(compose, { registryLookup: true, digest: true, registryMirror: [`docker.io=${reg.base}`] });
    expect(r.after).toContain(`image: nginx:1.27.3-alpine@${d.alpine} # front`);
    expect(r.after).toContain(`image: nginx:1.27.3@${d.debian}\n`);
    expect(r.after).toContain(`image: nginx:mainline@${d.mainline}\n`);
    expect(r.after).toContain(`image: postgres:16.4@${d.pg}\n`);
    expect(r.second?.changes).toEqual([]);
  });

  it('pinMajor pins major-only tags within the major', async () => {
    const r = await runPin('services:\n  db:\n    image: postgres:16\n', { registryLookup: true, pinMajor: true, registryMirror: [`docker.io=${reg.base}`] });
    expect(r.after).toBe('services:\n  db:\n    image: postgres:16.4\n');
  });

  it('follows Link pagination of the tag list', async () => {
    const client = new RegistryClient({ mirrors: { 'docker.io': reg.base }, pageSize: 2 });
    const tags = await client.tags('docker.io', 'library/nginx');
    expect([...tags].sort()).toEqual(
      ['1', '1.26', '1.26.2', '1.27', '1.27-alpine', '1.27.3', '1.27.3-alpine', '1.28.0-rc1', 'alpine', 'latest', 'mainline', 'stable', 'stable-alpine'].sort(),
    );
  });

  it('answers a Bearer challenge with a token from the realm and retries', async () => {
    const r = await runPin(compose, { registryLookup: true, registryMirror: [`docker.io=${proxy.base}`] });
    expect(r.after).toContain('image: nginx:1.27.3-alpine # front');
    expect(proxy.tokenRequests.length).toBeGreaterThan(0);
    expect(proxy.tokenRequests[0].get('scope')).toBe('repository:library/nginx:pull');
    expect(proxy.tokenRequests[0].get('service')).toBe('composemod-test');
    expect(r.second?.changes).toEqual([]);
  });

  it('a failing lookup is a warning and leaves the image untouched', async () => {
    const port = await freePort();
    const r = await runPin(compose, { registryLookup: true, registryMirror: [`docker.io=http://127.0.0.1:${port}`] });
    expect(r.after).toBe(compose);
    expect(r.warnings.join('\n')).toMatch(/web: nginx:alpine not pinned: 127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it('times out on a registry that never answers', async () => {
    const hang = createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as AddressInfo).port;
    try {
      const r = await runPin('services:\n  web:\n    image: nginx:alpine\n', {
        registryLookup: true,
        registryTimeout: '300',
        registryMirror: [`docker.io=http://127.0.0.1:${port}`],
      });
      expect(r.warnings.join('\n')).toContain('no answer within 300 ms');
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((r) => hang.close(() => r()));
    }
  });
});

describe('registry client safety (no network)', () => {
  it('refuses plain http except on loopback', async () => {
    const r = await runPin('services:\n  web:\n    image: nginx:alpine\n', { registryLookup: true, registryMirror: ['docker.io=http://registry.example.com'] });
    expect(r.after).toBe('services:\n  web:\n    image: nginx:alpine\n');
    expect(r.warnings.join('\n')).toContain('refusing http://registry.example.com');
  });
});
