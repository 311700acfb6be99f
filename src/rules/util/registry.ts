/**
 * A minimal Registry HTTP API v2 client (distribution spec): tag lists with `Link` pagination,
 * manifest digests, and the generic Bearer token flow any registry may answer with
 * (`401` + `WWW-Authenticate: Bearer realm=...,service=...,scope=...` -> GET realm -> retry),
 * which is how Docker Hub, GHCR, Quay, GCR/Artifact Registry and ECR-public work anonymously.
 *
 * Uses Node's global fetch. Every request has a timeout. Plain http is refused except for
 * loopback hosts (127.0.0.1, ::1, localhost), which tests and local mirrors use.
 */
import { createHash } from 'node:crypto';

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface RegistryClientOptions {
  /** Registry host -> base URL (`docker.io` -> `http://127.0.0.1:5000`). */
  mirrors?: Record<string, string>;
  /** Per request, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Maximum number of tag-list pages followed (default 50). */
  maxPages?: number;
  /** Tags asked for per page (`?n=`, default 1000; registries may return fewer). */
  pageSize?: number;
  fetch?: typeof fetch;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The base URL of a registry host (`docker.io` is served by registry-1.docker.io). */
export function registryBase(registry: string, mirrors: Record<string, string> = {}): string {
  const mirror = mirrors[registry];
  const base = mirror ?? `https://${registry === 'docker.io' ? 'registry-1.docker.io' : registry}`;
  checkUrl(base);
  return base.replace(/\/+$/, '');
}

function checkUrl(u: string): URL {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    throw new RegistryError(`invalid registry URL ${u}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return url;
  throw new RegistryError(`refusing ${url.protocol}//${url.host}: only https, or http on 127.0.0.1/localhost, is allowed`);
}

/** Parses `Bearer realm="...",service="...",scope="..."` (quoted or bare values). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } | null {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return null;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]))) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  return { scheme: m[1].toLowerCase(), params };
}

/** The `rel="next"` target of a Link header, resolved against `base`. */
export function nextLink(header: string | null, base: string): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (m && /rel\s*=\s*"?next"?/i.test(m[2])) return new URL(m[1], base).toString();
  }
  return null;
}

export class RegistryClient {
  private readonly mirrors: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly maxPages: number;
  private readonly pageSize: number;
  private readonly fetchFn: typeof fetch;
  private readonly tokens = new Map<string, string>();

  constructor(opts: RegistryClientOptions = {}) {
    this.mirrors = opts.mirrors ?? {};
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxPages = opts.maxPages ?? 50;
    this.pageSize = opts.pageSize ?? 1000;
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** Every tag of `repository` on `registry` (following pagination). */
  async tags(registry: string, repository: string): Promise<string[]> {
    const base = registryBase(registry, this.mirrors);
    let url: string | null = `${base}/v2/${repository}/tags/list?n=${this.pageSize}`;
    const out: string[] = [];
    for (let page = 0; url && page < this.maxPages; page++) {
      const res = await this.request(url, { method: 'GET', headers: { Accept: 'application/json' } }, repository);
      if (!res.ok) throw new RegistryError(`${registry}/${repository}: tag list failed (HTTP ${res.status})`, res.status);
      const body = (await res.json()) as { tags?: unknown };
      if (Array.isArray(body.tags)) for (const t of body.tags) if (typeof t === 'string') out.push(t);
      url = nextLink(res.headers.get('link'), base);
    }
    return out;
  }

  /** The manifest digest of `reference` (a tag): an index / manifest list digest for multi-arch images. */
  async digest(registry: string, repository: string, reference: string): Promise<string> {
    const base = registryBase(registry, this.mirrors);
    const url = `${base}/v2/${repository}/manifests/${encodeURIComponent(reference)}`;
    const head = await this.request(url, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } }, repository);
    if (head.status === 404) throw new RegistryError(`${registry}/${repository}:${reference} not found`, 404);
    const d = head.ok ? head.headers.get('docker-content-digest') : null;
    if (d) return d;
    const res = await this.request(url, { method: 'GET', headers: { Accept: MANIFEST_ACCEPT } }, repository);
    if (!res.ok) throw new RegistryError(`${registry}/${repository}:${reference}: manifest request failed (HTTP ${res.status})`, res.status);
    const header = res.headers.get('docker-content-digest');
    const body = Buffer.from(await res.arrayBuffer());
    return header ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
  }

  private async request(url: string, init: { method: string; headers: Record<string, string> }, repository: string): Promise<Response> {
    checkUrl(url);
    const origin = new URL(url).origin;
    const token = this.tokens.get(`${origin} ${repository}`);
    const first = await this.send(url, init, token);
    if (first.status !== 401) return first;
    const challenge = parseChallenge(first.headers.get('www-authenticate') ?? '');
    await first.body?.cancel();
    if (!challenge || challenge.scheme !== 'bearer' || !challenge.params.realm) {
      throw new RegistryError(`${new URL(url).host} requires credentials (${challenge?.scheme ?? 'no'} challenge); anonymous pulls only`, 401);
    }
    const fresh = await this.fetchToken(challenge.params, repository);
    this.tokens.set(`${origin} ${repository}`, fresh);
    const second = await this.send(url, init, fresh);
    if (second.status === 401) throw new RegistryError(`${new URL(url).host} refused the token for ${repository}`, 401);
    return second;
  }

  private async fetchToken(params: Record<string, string>, repository: string): Promise<string> {
    const realm = checkUrl(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? `repository:${repository}:pull`);
    const res = await this.send(realm.toString(), { method: 'GET', headers: { Accept: 'application/json' } });
    if (!res.ok) throw new RegistryError(`token request to ${realm.host} failed (HTTP ${res.status})`, res.status);
    const body = (await res.json()) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : null;
    if (!token) throw new RegistryError(`token response from ${realm.host} has no token`);
    return token;
  }

  private async send(url: string, init: { method: string; headers: Record<string, string> }, token?: string): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.fetchFn(url, { method: init.method, headers, redirect: 'follow', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new RegistryError(`${new URL(url).host}: no answer within ${this.timeoutMs} ms`);
      throw new RegistryError(`${new URL(url).host}: ${err.cause?.code ?? err.message}`);
    }
  }
}
