/**
 * pin-images: replace floating image tags (none, `latest`, `stable`, `alpine`, ... and, with
 * `pinMajor`, `16` / `16-alpine`) by concrete ones, optionally with the manifest digest.
 *
 * Where the concrete tag comes from, first match wins:
 *  1. `pin` (`--pin IMAGE[:TAG]=TAG[@DIGEST]`, repeatable) and the `pinLock` file: a pin for
 *     `IMAGE:TAG` first, then a `--pin IMAGE=TAG` without a tag on the image, which applies to
 *     every floating reference of that image (`--pin nginx=1.27.3-alpine` pins `nginx:alpine`
 *     and `nginx`); a `--pin` that matched nothing is reported;
 *  2. the same image with a concrete tag of the same variant elsewhere in the project
 *     (e.g. `nginx:1.27.3-alpine` in compose.prod.yaml pins `nginx:alpine` in compose.yaml);
 *     the newest one when there are several; not for channel tags (`stable`, `mainline`,
 *     `lts`, `current`), whose meaning a version used elsewhere does not tell;
 *  3. with `registryLookup` only (network): the registry's tag list. Rule: among the tags that
 *     look like `[v]N(.N)*[-variant]` with the floating tag's variant (and major, if any), the
 *     newest, most specific one whose manifest digest equals the floating tag's digest today
 *     (`alpine` -> `1.27.3-alpine` when both point at the same index). When none does, the tag
 *     is left (with `digest`, pinned as `alpine@sha256:...`) and a warning says so.
 * `digest` (`--digest`) adds `@sha256:...` and keeps the tag, as Renovate does; it also adds
 * digests to concrete tags that have none (registry lookup or lock entry needed).
 *
 * Lock file (`pinLock`, e.g. composemod.lock.json, relative to the project directory):
 *   { "images": { "nginx:alpine": "1.27.3-alpine@sha256:...", "postgres": "16.4" } }
 * Keys are image references (any spelling: `docker.io/library/nginx:alpine` = `nginx:alpine`);
 * a key without a tag stands for the untagged image / `:latest`. Each pinned reference is
 * reported with the environments that take their image from it.
 *
 * Not touched (warned): images of services that build them (`build:` + `image:` names the
 * result), `${VAR}` images, images reached through YAML aliases. A failed lookup is a warning;
 * the image stays as it was.
 */
import type { Rule, RuleContext } from './types.js';
import type { ComposeFile } from './project.js';
import { nodeAt, notPhysical, services as listServices, type Path } from '../core/query.js';
import { isScalar } from 'yaml';
import { ComposemodError } from '../core/errors.js';
import { parseImageRef, familiarName, formatImageRef, type ImageRef } from './util/image-ref.js';
import { floatingTag, candidates, parseConcrete, compareDesc, matches, type FloatingTag, type ConcreteTag } from './util/tags.js';
import { RegistryClient, RegistryError } from './util/registry.js';
import { imageChanged } from './intent/deltas.js';
import { ownerOf } from './place.js';
import { asObj as asObject, stringList } from '../core/plain.js';

interface Pin {
  tag: string | null;
  digest: string | null;
  source: string;
  /** From --pin or the lock file. */
  explicit?: boolean;
}

interface Use {
  file: ComposeFile;
  service: string;
  path: Path;
  ref: ImageRef;
}

/** `nginx:alpine` / `nginx` (=`nginx:latest`) as a lookup key. */
function keyOf(ref: ImageRef, tag: string | null = ref.tag): string {
  return `${familiarName(ref)}:${tag ?? 'latest'}`;
}

function parsePinValue(v: string): { tag: string | null; digest: string | null } | null {
  const at = v.indexOf('@');
  const tag = at === -1 ? v : v.slice(0, at);
  const digest = at === -1 ? null : v.slice(at + 1);
  if (tag && !/^[\w][\w.-]{0,127}$/.test(tag)) return null;
  if (digest !== null && !/^sha256:[a-f0-9]{64}$/.test(digest)) return null;
  if (!tag && !digest) return null;
  return { tag: tag || null, digest };
}

const rule: Rule = {
  meta: {
    id: 'pin-images',
    description: 'Pin floating image tags (latest, alpine, none, ...) to concrete versions, optionally with digests',
    rationale:
      'A floating tag pulls whatever was pushed last: two machines running the same compose file get different software, ' +
      'and a rebuild can break without any change in the repository.',
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/pin-images.md',
    kinds: {
      'no-pin-source': { severity: 'warning', description: 'a floating tag with nothing to pin it to (no --pin, lock entry, concrete tag in the project or registry lookup)' },
      'unused-pin': { severity: 'warning', description: 'a --pin matched no floating image reference' },
      interpolated: { severity: 'note', description: 'the image is a variable: pin it where the variable is set' },
      'build-output': { severity: 'note', description: 'the image names the output of `build:`: not pinned' },
      alias: { severity: 'warning', description: 'the image is reached through a YAML alias or `<<`: pin it where it is defined' },
      'lookup-failed': { severity: 'warning', description: 'the registry lookup failed' },
      'digest-failed': { severity: 'warning', description: 'the digest lookup failed' },
      'digest-missing': { severity: 'warning', description: '--digest without --registry-lookup or a lock entry with a digest' },
    },
    options: [
      { name: 'pin', type: 'list', placeholder: 'IMAGE=TAG', description: 'pin IMAGE (e.g. nginx:alpine) to TAG[@sha256:...]; repeatable' },
      { name: 'pinLock', type: 'string', placeholder: 'FILE', description: 'JSON lock file {"images": {"nginx:alpine": "1.27.3-alpine"}}' },
      { name: 'pinMajor', type: 'boolean', default: false, description: 'also pin major-only tags (postgres:16, node:20-alpine)' },
      {
        name: 'registryLookup',
        type: 'boolean',
        default: false,
        description: 'ask the registry (NETWORK) for the newest concrete tag with the same digest as the floating one',
      },
      { name: 'digest', type: 'boolean', default: false, description: 'also pin the manifest digest (image:tag@sha256:...)' },
      {
        name: 'registryMirror',
        type: 'list',
        placeholder: 'REGISTRY=URL',
        description: 'query URL instead of REGISTRY (e.g. docker.io=http://127.0.0.1:5000; http only for localhost)',
      },
      { name: 'registryTimeout', type: 'string', placeholder: 'MS', default: '10000', description: 'timeout of each registry request' },
    ],
  },
  async check(ctx) {
    await new PinFix(ctx).run();
  },
};

export default rule;

class PinFix {
  private readonly pinMajor: boolean;
  private readonly lookup: boolean;
  private readonly wantDigest: boolean;
  private readonly pins = new Map<string, Pin>();
  /** `--pin IMAGE=TAG` without a tag on IMAGE: every floating reference of that image. */
  private readonly imagePins = new Map<string, Pin>();
  /** Pins (by source) that matched a reference. */
  private readonly used = new Set<string>();
  private readonly client: RegistryClient;
  private readonly resolved = new Map<string, Promise<Pin | string>>();
  private readonly digests = new Map<string, Promise<string>>();
  private readonly warned = new Set<string>();

  constructor(private readonly ctx: RuleContext) {
    const o = ctx.options;
    this.pinMajor = o.pinMajor === true;
    this.lookup = o.registryLookup === true;
    this.wantDigest = o.digest === true;
    const mirrors: Record<string, string> = {};
    for (const m of stringList(o.registryMirror)) {
      const eq = m.indexOf('=');
      if (eq <= 0) throw new ComposemodError(`--registry-mirror ${m}: expected REGISTRY=URL`);
      mirrors[m.slice(0, eq)] = m.slice(eq + 1);
    }
    const timeout = Number(o.registryTimeout ?? 10_000);
    this.client = new RegistryClient({ mirrors, timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000 });
  }

  async run(): Promise<void> {
    this.loadPins();
    const uses = this.collect();
    const concrete = this.concreteInProject(uses);
    for (const u of uses) await this.pinUse(u, concrete);
    for (const pin of [...this.pins.values(), ...this.imagePins.values()])
      if (pin.source.startsWith('--pin ') && !this.used.has(pin.source))
        this.warnOnce(`unused-pin ${pin.source}`, undefined, undefined, `${pin.source} matched no floating image reference in any environment; nothing pinned with it`);
  }

  // ----- inputs ---------------------------------------------------------------------------

  private loadPins(): void {
    const lockPath = typeof this.ctx.options.pinLock === 'string' ? this.ctx.options.pinLock : '';
    if (lockPath) {
      const text = this.ctx.readFile(lockPath);
      if (text === null) throw new ComposemodError('pin lock file not found', { file: lockPath });
      let images: Record<string, unknown> | undefined;
      try {
        images = asObject(asObject(JSON.parse(text))?.images);
      } catch (e) {
        throw new ComposemodError(`invalid JSON: ${(e as Error).message}`, { file: lockPath });
      }
      if (!images) throw new ComposemodError('expected {"images": {"IMAGE": "TAG[@DIGEST]", ...}}', { file: lockPath });
      for (const [k, v] of Object.entries(images)) this.addPin(k, String(v), lockPath, lockPath);
    }
    for (const p of stringList(this.ctx.options.pin)) {
      const eq = p.lastIndexOf('=');
      if (eq <= 0) throw new ComposemodError(`--pin ${p}: expected IMAGE=TAG`);
      this.addPin(p.slice(0, eq), p.slice(eq + 1), `--pin ${p}`, undefined, true);
    }
  }

  private addPin(image: string, value: string, source: string, file?: string, imageWide = false): void {
    const ref = parseImageRef(image);
    const v = parsePinValue(value);
    if (!ref || !v || ref.digest) throw new ComposemodError(`${source}: expected IMAGE=TAG[@sha256:DIGEST], got ${image}=${value}`, { file });
    if (imageWide && !ref.tag) this.imagePins.set(familiarName(ref), { ...v, source, explicit: true });
    else this.pins.set(keyOf(ref), { ...v, source, explicit: true });
  }

  private collect(): Use[] {
    const out: Use[] = [];
    for (const file of this.ctx.project.files) {
      for (const svc of listServices(file.source)) {
        const path: Path = ['services', svc.name, 'image'];
        const ref = nodeAt(file.source, path);
        if (!ref || !ref.node || !isScalar(ref.node) || typeof ref.node.value !== 'string') continue;
        const image = ref.node.value;
        if (image.includes('$')) {
          this.warnOnce(`interpolated ${file.path} ${svc.name}`, file, svc.name, `${svc.name}: image ${image} is interpolated; pin it where the variable is set`);
          continue;
        }
        const parsed = parseImageRef(image);
        if (!parsed) continue;
        if (this.builds(file, svc.name)) {
          if (floatingTag(parsed.tag, this.pinMajor))
            this.warnOnce(`build-output ${file.path} ${svc.name}`, file, svc.name, `${svc.name}: image ${image} is the tag of its build: output, not pinned`);
          continue;
        }
        const why = notPhysical(ref);
        if (why) {
          if (floatingTag(parsed.tag, this.pinMajor) && !parsed.digest)
            this.warnOnce(`alias ${file.path} ${svc.name}`, file, svc.name, `${svc.name}: image ${image} not pinned: ${why}; pin it where it is defined`);
          continue;
        }
        out.push({ file, service: svc.name, path, ref: parsed });
      }
    }
    return out;
  }

  /** Does the service build its image in any environment that contains `file`? */
  private builds(file: ComposeFile, service: string): boolean {
    for (const env of this.ctx.project.environments) {
      if (!env.files.includes(file)) continue;
      const svc = asObject(asObject(env.merged.services)?.[service]);
      if (svc && svc.build !== undefined && svc.build !== null) return true;
    }
    const own = asObject(asObject(file.model.services)?.[service]);
    return !!own && own.build !== undefined && own.build !== null;
  }

  /** Concrete tags (and digests) written anywhere in the project, per image. */
  private concreteInProject(uses: Use[]): Map<string, { c: ConcreteTag; digest: string | null; file: string }[]> {
    const out = new Map<string, { c: ConcreteTag; digest: string | null; file: string }[]>();
    for (const u of uses) {
      if (!u.ref.tag) continue;
      const c = parseConcrete(u.ref.tag);
      if (!c || floatingTag(u.ref.tag, this.pinMajor)) continue;
      const k = familiarName(u.ref);
      const list = out.get(k) ?? [];
      list.push({ c, digest: u.ref.digest, file: u.file.path });
      out.set(k, list);
    }
    return out;
  }

  // ----- pinning --------------------------------------------------------------------------

  private async pinUse(u: Use, concrete: Map<string, { c: ConcreteTag; digest: string | null; file: string }[]>): Promise<void> {
    const { ref } = u;
    if (ref.digest) return;
    const f = floatingTag(ref.tag, this.pinMajor);
    if (!f) {
      if (this.wantDigest && ref.tag) await this.addDigestOnly(u, ref.tag);
      return;
    }
    const image = familiarName(ref);
    let pin: Pin | undefined = this.pins.get(keyOf(ref)) ?? this.imagePins.get(image);
    if (pin) this.used.add(pin.source);
    // a concrete tag used elsewhere stands for `latest`-like tags only: `stable` / `mainline`
    // / `lts` name a release channel that a version used elsewhere says nothing about
    if (!pin && !f.channel) {
      const same = (concrete.get(image) ?? []).filter((x) => matches(f, x.c)).sort((a, b) => compareDesc(a.c, b.c));
      if (same.length) pin = { tag: same[0].c.tag, digest: same[0].digest, source: `${same[0].file} uses ${image}:${same[0].c.tag}` };
    }
    if (!pin && this.lookup) {
      const r = await this.fromRegistry(ref, f);
      if (typeof r === 'string') {
        this.warnOnce(`lookup-failed ${keyOf(ref)} ${u.file.path}`, u.file, u.service, `${u.service}: ${ref.raw} not pinned: ${r}`);
        return;
      }
      pin = r;
    }
    if (!pin) {
      this.warnOnce(
        `no-pin-source ${keyOf(ref)}`,
        u.file,
        u.service,
        `${ref.raw} not pinned: no --pin, lock entry or concrete ${image} tag in the project; pass --pin ${image}${ref.tag ? `:${ref.tag}` : ''}=TAG or use --registry-lookup`,
      );
      return;
    }
    let digest = pin.digest;
    if (this.wantDigest && !digest && pin.tag) {
      if (this.lookup) {
        try {
          digest = await this.digestOf(ref, pin.tag);
        } catch (e) {
          this.warnOnce(`digest-failed ${keyOf(ref, pin.tag)}`, u.file, u.service, `${image}:${pin.tag}: digest not added: ${this.message(e)}`);
        }
      } else
        this.warnOnce(`digest-missing ${keyOf(ref, pin.tag)}`, u.file, u.service, `${image}:${pin.tag}: digest not added (needs --registry-lookup or a lock entry with @sha256:...)`);
    }
    // registry / project digests only with --digest; a digest given in --pin or the lock is kept
    if (!this.wantDigest && !pin.explicit) digest = null;
    const next = formatImageRef(ref, pin.tag ?? f.tag, digest);
    if (next === ref.raw) return;
    this.replace(u, next, `${ref.tag ?? 'no tag'} is a floating tag; pinned from ${pin.source}`, `${u.service}: image ${ref.raw} uses a floating tag (${ref.tag ?? 'none: latest'}); it pulls whatever was pushed last`);
  }

  /** Writes the new reference, declares it for every environment that takes the image from this file, and says where. */
  private replace(u: Use, next: string, reason: string, problem: string): void {
    const envs = this.ctx.project.environments.filter((e) => e.files.includes(u.file) && ownerOf(e, u.service, 'image') === u.file);
    const fix = this.ctx.report({ message: problem, file: u.file, path: u.path, service: u.service, environments: envs.map((e) => e.name) });
    if (!fix) return;
    fix.editor(u.file).replaceScalar(u.path, next);
    for (const e of envs) fix.intend(imageChanged({ env: e.name, service: u.service }, next));
    const many = this.ctx.project.environments.length > 1;
    fix.note({
      file: u.file.path,
      service: u.service,
      message: `image ${u.ref.raw} -> ${next}${many ? ` (${envs.length ? envs.map((e) => e.name).join(', ') : 'no environment uses this value'})` : ''}`,
      reason,
    });
  }

  private async addDigestOnly(u: Use, tag: string): Promise<void> {
    const pin = this.pins.get(keyOf(u.ref));
    let digest = pin && pin.tag === tag ? pin.digest : null;
    if (!digest && this.lookup) {
      try {
        digest = await this.digestOf(u.ref, tag);
      } catch (e) {
        this.warnOnce(`digest-failed ${keyOf(u.ref)}`, u.file, u.service, `${u.ref.raw}: digest not added: ${this.message(e)}`);
        return;
      }
    }
    if (!digest) return;
    this.replace(u, formatImageRef(u.ref, tag, digest), 'a tag can be re-pushed; the digest cannot', `${u.service}: image ${u.ref.raw} has no digest; a tag can be re-pushed`);
  }

  private digestOf(ref: ImageRef, tag: string): Promise<string> {
    const k = `${ref.registry}/${ref.repository}:${tag}`;
    let p = this.digests.get(k);
    if (!p) {
      p = this.client.digest(ref.registry, ref.repository, tag);
      this.digests.set(k, p);
    }
    return p;
  }

  /** The registry rule (see the module comment); a string is the reason it failed. */
  private fromRegistry(ref: ImageRef, f: FloatingTag): Promise<Pin | string> {
    const k = `${ref.registry}/${ref.repository}:${f.tag}`;
    let p = this.resolved.get(k);
    if (!p) {
      p = this.lookupRegistry(ref, f).catch((e: unknown) => this.message(e));
      this.resolved.set(k, p);
    }
    return p;
  }

  private async lookupRegistry(ref: ImageRef, f: FloatingTag): Promise<Pin | string> {
    const floatingDigest = await this.digestOf(ref, f.tag);
    const tags = await this.client.tags(ref.registry, ref.repository);
    const list = candidates(f, tags).slice(0, 40);
    for (const c of list) {
      const d = await this.digestOf(ref, c.tag);
      if (d === floatingDigest) return { tag: c.tag, digest: floatingDigest, source: `the registry (${f.tag} and ${c.tag} are ${floatingDigest.slice(0, 19)}…)` };
    }
    if (this.wantDigest) return { tag: null, digest: floatingDigest, source: `the registry (no concrete tag shares ${f.tag}'s digest)` };
    return `no ${f.variant ? `*-${f.variant} ` : ''}version tag has the same digest as ${f.tag} (${list.length} compared); use --pin or --digest`;
  }

  private message(e: unknown): string {
    if (e instanceof RegistryError || e instanceof ComposemodError) return e.message;
    return (e as Error).message ?? String(e);
  }

  private warnOnce(key: string, file: ComposeFile | undefined, service: string | undefined, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.ctx.report({ kind: key.split(' ')[0], file, ...(file && service ? { path: ['services', service, 'image'] } : {}), service, message });
  }
}
