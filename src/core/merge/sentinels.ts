/**
 * The two markers `!reset` and `!override` leave in a model (see core/model.ts). They live
 * here, free of any YAML dependency, so the pure merge engine can recognise them;
 * core/model.ts re-exports them.
 */

/** The value of a node tagged `!reset` (whatever it was written as: its value is ignored). */
export const RESET: unique symbol = Symbol('composemod.reset');
export type Reset = typeof RESET;

export function isReset(value: unknown): value is Reset {
  return value === RESET;
}

/** A node tagged `!override`: its value replaces the accumulated one wholesale. */
export class Override {
  constructor(readonly value: unknown) {
    Object.freeze(this);
  }
}

export function isOverride(value: unknown): value is Override {
  return value instanceof Override;
}
