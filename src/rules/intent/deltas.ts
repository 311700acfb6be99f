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

/**
 * A service attribute the intent view compares whole (`healthcheck`, `depends_on`, `read_only`,
 * `tmpfs`, `cap_drop`, `cap_add`...) changes, and afterwards contains `value` (normal form,
 * interpolated): a mapping contains every key given (recursively), a list every item given.
 * A `tmpfs` delta also allows tmpfs mounts to appear at the targets it lists.
 */
export interface AttributeSet {
  kind: 'attribute-set';
  env: string;
  service: string;
  key: string;
  value: unknown;
}

export type Delta = SecretDelivers | VolumeMounted | NetworksChanged | ContainerNameRemoved | ImageChanged | AttributeSet;

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
export const attributeSet = (s: Scope, key: string, value: unknown): AttributeSet => ({ kind: 'attribute-set', ...s, key, value });

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
    case 'attribute-set':
      return `${d.env}/${d.service}: ${d.key} set`;
  }
}
