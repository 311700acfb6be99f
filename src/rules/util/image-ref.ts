/**
 * Docker image references, the one module for them. `parseImageRef` follows the reference grammar
 * (pin-images rewrites references with it); `imageName` is the form the image tables look up
 * (stateful images, network roles). Pure string work: no registry is ever contacted.
 *
 * References (`[registry/]path[:tag][@digest]`), parsed the way the distribution
 * reference grammar does: the first path component is a registry host when it contains `.` or
 * `:` or is `localhost`; otherwise the image lives on Docker Hub (`docker.io`), where a
 * one-component path means `library/<name>`.
 */
import { applyDefaults } from './interpolation.js';

export interface ImageRef {
  /** The text as written. */
  raw: string;
  /** The registry host as written (`''` when none was written). */
  domain: string;
  /** The registry the reference resolves to (`docker.io` when none was written). */
  registry: string;
  /** The repository path as written (`nginx`, `bitnami/redis`, `library/nginx`). */
  path: string;
  /** The repository on its registry (`library/nginx` for `nginx` on Docker Hub). */
  repository: string;
  tag: string | null;
  digest: string | null;
}

const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const PATH_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** Parses a reference; null when it is not a valid one (e.g. it contains `${VAR}`). */
export function parseImageRef(raw: string): ImageRef | null {
  if (!raw || raw !== raw.trim() || raw.includes('$')) return null;
  let rest = raw;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return null;
  }
  let domain = '';
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      domain = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) return null;
  }
  if (!PATH_RE.test(rest)) return null;
  const hub = domain === '' || domain === 'docker.io' || domain === 'index.docker.io' || domain === 'registry-1.docker.io';
  const registry = hub ? 'docker.io' : domain;
  const repository = hub && !rest.includes('/') ? `library/${rest}` : rest;
  return { raw, domain, registry, path: rest, repository, tag, digest };
}

/** `nginx`, `bitnami/redis`, `ghcr.io/owner/app`: the short name users write (no tag). */
export function familiarName(ref: ImageRef): string {
  if (ref.registry === 'docker.io') return ref.repository.replace(/^library\//, '');
  return `${ref.registry}/${ref.repository}`;
}

/** Writes a reference back in the user's spelling, with a new tag and/or digest. */
export function formatImageRef(ref: ImageRef, tag: string | null, digest: string | null): string {
  const name = ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/** An image reference for table lookups (see imageName). */
export interface ImageName {
  /** The reference as written. */
  raw: string;
  /** Registry host, null for Docker Hub. */
  registry: string | null;
  /** Docker Hub: `postgres`, `bitnami/redis`; other registries: `quay.io/minio/minio`. */
  repository: string;
  /** Tag, null when absent (Docker then pulls `latest`) or unresolved. */
  tag: string | null;
  digest: string | null;
  /** The tag is a `${VAR}` without default: the real tag is not known. */
  tagUnresolved: boolean;
}

/**
 * An image as the image tables know it (`${VAR:-default}` defaults applied, Docker Hub spellings
 * folded: `postgres`, `library/postgres`, `docker.io/library/postgres` and
 * `public.ecr.aws/docker/library/postgres` are all `postgres`); null when the repository part
 * is not known (a variable without default) or the reference is invalid.
 */
export function imageName(image: unknown): ImageName | null {
  if (typeof image !== 'string') return null;
  const trimmed = image.trim();
  if (!trimmed) return null;
  const resolved = applyDefaults(trimmed);
  let text = resolved.text;
  let tagUnresolved = false;
  if (resolved.unresolved) {
    // only a variable tag is tolerated: `postgres:${PG_TAG}`
    const m = /^([^$]*):\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
    if (!m) return null;
    text = m[1];
    tagUnresolved = true;
  }
  const ref = parseImageRef(text);
  if (!ref) return null;
  let name = familiarName(ref);
  for (const mirror of ['public.ecr.aws/docker/library/', 'mirror.gcr.io/library/']) {
    if (name.startsWith(mirror) && !name.slice(mirror.length).includes('/')) name = name.slice(mirror.length);
  }
  const registry = ref.registry !== 'docker.io' && name.startsWith(`${ref.registry}/`) ? ref.registry : null;
  return { raw: trimmed, registry, repository: name, tag: ref.tag, digest: ref.digest, tagUnresolved };
}

/** The leading major version of a tag (`16-alpine` -> 16, `8.0.39` -> 8), or null. */
export function tagMajor(tag: string | null, pattern: RegExp = /^v?(\d+)(?!\d)/): number | null {
  if (!tag) return null;
  const m = pattern.exec(tag);
  return m ? Number(m[1]) : null;
}
