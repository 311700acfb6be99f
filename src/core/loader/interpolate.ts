/**
 * Interpolation of a whole file model, as compose-go's `interpolation.Interpolate` with the
 * loader's type casts: every string is substituted (see template.ts); at the `cast` paths of
 * the attribute table (core/attributes.ts) the
 * result is then cast (`"true"` -> true, `"8080"` -> 8080), whatever the string was, since
 * an environment variable can only give text. Values that were not strings are left alone.
 */
import { ComposemodError } from '../errors.js';
import { attribute, type CastRule } from '../attributes.js';
import { LIST, dottedPath, isMap, parseGoFloat, parseGoInt, type TreePath } from '../go.js';
import { InvalidTemplateError, substitute, type Lookup } from './template.js';

type Cast = (value: string, warn: (m: string) => void) => unknown;

const castError = (what: string, value: string, why: string) => new CastError(`strconv.${what}: parsing ${JSON.stringify(value)}: ${why}`);

class CastError extends Error {}

const toInt: Cast = (v) => {
  const n = parseGoInt(v);
  if (n === undefined) throw castError('Atoi', v, /^[-+]?[0-9]+$/.test(v) ? 'value out of range' : 'invalid syntax');
  return n;
};
const toInt64: Cast = (v) => {
  const n = parseGoInt(v);
  if (n === undefined) throw castError('ParseInt', v, /^[-+]?[0-9]+$/.test(v) ? 'value out of range' : 'invalid syntax');
  return n;
};
const toFloat: Cast = (v) => {
  const f = parseGoFloat(v);
  if (f === undefined) throw castError('ParseFloat', v, 'invalid syntax');
  return f;
};
const toFloat32: Cast = (v) => Math.fround(toFloat(v, () => {}) as number);

/** compose-go's `toBoolean`: YAML 1.1 spellings work with a warning. */
export function toBoolean(value: string, warn: (m: string) => void): boolean {
  switch (value.toLowerCase()) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'y':
    case 'yes':
    case 'on':
      warn(`${JSON.stringify(value)} for boolean is not supported by YAML 1.2, please use \`true\``);
      return true;
    case 'n':
    case 'no':
    case 'off':
      warn(`${JSON.stringify(value)} for boolean is not supported by YAML 1.2, please use \`false\``);
      return false;
    default:
      throw new CastError(`invalid boolean: ${value}`);
  }
}

const CASTS: Record<CastRule, Cast> = { int: toInt, int64: toInt64, float: toFloat, float32: toFloat32, bool: toBoolean };

export interface InterpolateOptions {
  lookup: Lookup;
  warn: (message: string) => void;
  /** Apply compose-go's type casts (the project loader does; `include`d and extended files too). */
  casts?: boolean;
}

/** A new model with every string interpolated (and cast where Compose casts). */
export function interpolateModel(model: Record<string, unknown>, opts: InterpolateOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(model)) out[k] = walk(v, [k], opts);
  return out;
}

/** Interpolates one string as compose-go does for the project `name:`. */
export function interpolateString(text: string, path: TreePath, opts: InterpolateOptions): string {
  return walk(text, path, { ...opts, casts: false }) as string;
}

function walk(value: unknown, path: TreePath, opts: InterpolateOptions): unknown {
  if (typeof value === 'string') {
    let text: string;
    try {
      text = substitute(value, opts.lookup, { warn: opts.warn });
    } catch (e) {
      if (e instanceof InvalidTemplateError) {
        throw new ComposemodError(
          `invalid interpolation format for ${dottedPath(path)}.\nYou may need to escape any $ with another $.\n${e.template}`,
          { modelPath: modelPath(path) },
        );
      }
      throw new ComposemodError(`error while interpolating ${dottedPath(path)}: ${(e as Error).message}`, { modelPath: modelPath(path) });
    }
    if (opts.casts === false) return text;
    const rule = attribute(path, 'cast');
    if (!rule) return text;
    const cast = CASTS[rule];
    try {
      return cast(text, opts.warn);
    } catch (e) {
      throw new ComposemodError(
        `error while interpolating ${dottedPath(path)}: failed to cast to expected type: ${(e as Error).message}`,
        { modelPath: modelPath(path) },
      );
    }
  }
  if (isMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k], opts);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, [...path, LIST], opts));
  return value;
}

/** A tree path as a model path (for locating errors); `[]` parts are unknown indexes. */
function modelPath(path: TreePath): (string | number)[] {
  const out: (string | number)[] = [];
  for (const p of path) {
    if (p === LIST) break;
    out.push(p);
  }
  return out;
}
