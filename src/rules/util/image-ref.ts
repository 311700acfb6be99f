/**
 * Docker image references (`[registry/]path[:tag][@digest]`), parsed the way the distribution
 * reference grammar does: the first path component is a registry host when it contains `.` or
 * `:` or is `localhost`; otherwise the image lives on Docker Hub (`docker.io`), where a
 * one-component path means `library/<name>`.
 */
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
