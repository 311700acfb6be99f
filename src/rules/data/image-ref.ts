/**
 * Image references for the stateful-image table: the reference grammar is in
 * `util/image-ref.ts`; this adds `${VAR:-default}` defaults and the folding of Docker Hub
 * spellings, so `postgres`, `library/postgres`, `docker.io/library/postgres` and
 * `public.ecr.aws/docker/library/postgres` all have the repository `postgres`, and
 * `docker.io/bitnami/redis` has `bitnami/redis`. Other registries keep their host:
 * `quay.io/minio/minio`. Pure string work: no registry is ever contacted.
 */
import { familiarName, parseImageRef as parseReference } from '../util/image-ref.js';

export interface ImageRef {
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
 * Replace `${VAR:-default}` / `${VAR-default}` by their default and report whether a
 * variable without default remains. `$$` is a literal `$`.
 */
export function applyDefaults(text: string): { text: string; unresolved: boolean } {
  let unresolved = false;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    if (text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (text[i + 1] === '{') {
      // find the matching brace (defaults may nest `${A:-${B:-x}}`)
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      if (j >= text.length) {
        unresolved = true;
        out += text.slice(i);
        break;
      }
      const body = text.slice(i + 2, j);
      const m = /^[A-Za-z_][A-Za-z0-9_]*(:?[-?+])?([\s\S]*)$/.exec(body);
      if (m && (m[1] === ':-' || m[1] === '-')) {
        const inner = applyDefaults(m[2]);
        out += inner.text;
        unresolved ||= inner.unresolved;
      } else {
        unresolved = true;
        out += text.slice(i, j + 1);
      }
      i = j;
      continue;
    }
    const m = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (m) {
      unresolved = true;
      out += m[0];
      i += m[0].length - 1;
      continue;
    }
    out += c;
  }
  return { text: out, unresolved };
}

/**
 * Parse an image reference for table lookups; null when the repository part is not known
 * (a variable without default) or the reference is invalid.
 */
export function parseImageRef(image: unknown): ImageRef | null {
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
  const ref = parseReference(text);
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
