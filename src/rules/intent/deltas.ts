/**
 * The intended effect of a fix, as typed changes to what one service's containers get in one
 * environment. A fix declares every change it means to make (`ctx.intend`); the intent check
 * (check.ts) refuses a run in which anything else changed, or a declared change did not hold.
 */

/**
 * The value the container got in `variable` is now delivered by the secret `secret`, with the
 * same bytes.
 * - `file-var`: `variable` leaves the environment and `<variable>_FILE` names the secret's
 *   target (for images that read `*_FILE`);
 * - `env-var`: `variable` keeps its value (now perhaps interpolated from .env) and the secret
 *   is mounted beside it, for the app to switch to.
 */
export interface SecretDelivers {
  kind: 'secret-delivers';
  env: string;
  service: string;
  variable: string;
  secret: string;
  mode: 'file-var' | 'env-var';
}

/** A named volume is mounted at `target`, where nothing was mounted. */
export interface VolumeMounted {
  kind: 'volume-mounted';
  env: string;
  service: string;
  target: string;
  volume: string;
}

/** The service is attached to exactly `networks` (services that reach each other keep one in common). */
export interface NetworksChanged {
  kind: 'networks-changed';
  env: string;
  service: string;
  networks: string[];
}

/** `container_name` no longer applies (the service scales). */
export interface ContainerNameRemoved {
  kind: 'container-name-removed';
  env: string;
  service: string;
}

/** The image reference becomes `image` (a pinned tag or digest of the same repository). */
export interface ImageChanged {
  kind: 'image-changed';
  env: string;
  service: string;
  image: string;
}

/** `option` is added to the service's security_opt (nothing else of security_opt changes). */
export interface SecurityOptAdded {
  kind: 'security-opt-added';
  env: string;
  service: string;
  option: string;
}

/**
 * One value among the service's other attributes (`logging`, `restart`, `mem_limit`, `deploy`,
 * `ports`...: everything view.ts compares whole) becomes `value`, in the normal form; the path
 * starts with the attribute (`['logging', 'options', 'max-size']`, `['ports', 0, 'host_ip']`).
 * `value` undefined removes it (a list item leaves the list; an attribute left empty is absent).
 * Everything else of the attribute stays as it was.
 */
export interface AttributeSet {
  kind: 'attribute-set';
  env: string;
  service: string;
  path: (string | number)[];
  value: unknown;
}

/**
 * A service attribute the intent view compares whole (`healthcheck`, `depends_on`, `read_only`,
 * `tmpfs`, `cap_drop`, `cap_add`...) changes, and afterwards contains `value` (normal form,
 * interpolated): a mapping contains every key given (recursively), a list every item given.
 * A `tmpfs` delta also allows tmpfs mounts to appear at the targets it lists. Looser than
 * AttributeSet (what else the attribute holds may change): for additions such as a healthcheck.
 */
export interface AttributeContains {
  kind: 'attribute-contains';
  env: string;
  service: string;
  key: string;
  value: unknown;
}

export type Delta = SecretDelivers | VolumeMounted | NetworksChanged | ContainerNameRemoved | ImageChanged | SecurityOptAdded | AttributeSet | AttributeContains;

/** A declared delta and the rule whose fix declared it. */
export type Intent = Delta & { rule: string };

type Scope = { env: string; service: string };

export const secretDelivers = (s: Scope, variable: string, secret: string, mode: SecretDelivers['mode']): SecretDelivers => ({
  kind: 'secret-delivers',
  ...s,
  variable,
  secret,
  mode,
});
export const volumeMounted = (s: Scope, target: string, volume: string): VolumeMounted => ({ kind: 'volume-mounted', ...s, target, volume });
export const networksChanged = (s: Scope, networks: string[]): NetworksChanged => ({ kind: 'networks-changed', ...s, networks });
export const containerNameRemoved = (s: Scope): ContainerNameRemoved => ({ kind: 'container-name-removed', ...s });
export const imageChanged = (s: Scope, image: string): ImageChanged => ({ kind: 'image-changed', ...s, image });
export const securityOptAdded = (s: Scope, option: string): SecurityOptAdded => ({ kind: 'security-opt-added', ...s, option });
export const attributeSet = (s: Scope, path: (string | number)[], value: unknown): AttributeSet => ({ kind: 'attribute-set', ...s, path, value });
export const attributeContains = (s: Scope, key: string, value: unknown): AttributeContains => ({ kind: 'attribute-contains', ...s, key, value });

/** One line per delta, for reports (never a value). */
export function describeDelta(d: Delta): string {
  switch (d.kind) {
    case 'secret-delivers':
      return `${d.env}/${d.service}: ${d.variable} delivered by secret ${d.secret} (${d.mode === 'file-var' ? `${d.variable}_FILE` : 'variable kept'})`;
    case 'volume-mounted':
      return `${d.env}/${d.service}: volume ${d.volume} at ${d.target}`;
    case 'networks-changed':
      return `${d.env}/${d.service}: networks ${d.networks.join(', ')}`;
    case 'container-name-removed':
      return `${d.env}/${d.service}: container_name removed`;
    case 'image-changed':
      return `${d.env}/${d.service}: image ${d.image}`;
    case 'security-opt-added':
      return `${d.env}/${d.service}: security_opt ${d.option}`;
    case 'attribute-set':
      return `${d.env}/${d.service}: ${d.path.join('.')} ${d.value === undefined ? 'removed' : 'set'}`;
    case 'attribute-contains':
      return `${d.env}/${d.service}: ${d.key} set`;
  }
}
