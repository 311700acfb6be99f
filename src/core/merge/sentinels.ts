/**
 * The values of a model that are not plain JSON: the two markers `!reset` and `!override`
 * leave (see core/model.ts) and the timestamps Compose's YAML reader produces. They live here,
 * free of any YAML dependency, so the pure merge engine can recognise them; core/model.ts
 * re-exports them.
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

/**
 * A plain YAML timestamp (`2024-01-15`, `2001-12-14t21:59:43.10-05:00`), which go-yaml v3
 * decodes to a Go `time.Time`. Compose 2.40 rejects it wherever the schema wants a string or a
 * number and prints it as RFC 3339 in `x-` extensions; Compose 2.26 turned it into
 * `fmt.Sprint(t)` (`2024-01-15 00:00:00 +0000 UTC`) where a string was expected.
 */
export class GoTime {
  constructor(
    /** The scalar as written. */
    readonly source: string,
    /** `t.Format(time.RFC3339Nano)`. */
    readonly rfc3339: string,
    /** `fmt.Sprint(t)` (Go's `Time.String()`). */
    readonly text: string,
  ) {
    Object.freeze(this);
  }
}

export function isGoTime(value: unknown): value is GoTime {
  return value instanceof GoTime;
}
