import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import { ComposemodError } from './errors.js';

/**
 * Validation against the compose-spec JSON schema Docker Compose 2.40.3 validates with
 * (schema/compose-spec.json, see schema/SOURCE). The validator is generated at build time by
 * scripts/build-schema.mjs (ajv standalone code, schema/compose-spec.validate.cjs), so no run
 * compiles the schema; it is loaded on first use only, so commands that never validate (and
 * `--version`) do not pay for it.
 */
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

type GeneratedValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

let validator: GeneratedValidator | undefined;

function getValidator(): GeneratedValidator {
  if (validator) return validator;
  const file = fileURLToPath(new URL('../../schema/compose-spec.validate.cjs', import.meta.url));
  if (!existsSync(file))
    throw new Error(`the compose schema validator is not built (${file}): run \`npm run build\` (or node scripts/build-schema.mjs)`);
  validator = createRequire(import.meta.url)(file) as GeneratedValidator;
  return validator;
}

/** Schema problems of a plain compose model, most specific first; [] when valid. */
export function schemaIssues(model: unknown): SchemaIssue[] {
  const validate = getValidator();
  if (validate(model)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  const issues = errors.map(toIssue);
  // Prefer the deepest path: oneOf/anyOf alternatives produce shallow summary errors.
  issues.sort((a, b) => b.path.length - a.path.length || rank(a) - rank(b));
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = JSON.stringify(i.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function rank(i: SchemaIssue): number {
  return i.message.startsWith('unknown key') ? 0 : 1;
}

function toIssue(e: ErrorObject): SchemaIssue {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    return { path: [...path, key], message: `unknown key "${key}"${path.length ? ` in ${path.join('.')}` : ' at top level'}` };
  }
  if (e.keyword === 'uniqueItems') return { path, message: `${path.join('.')} must not contain duplicate items` };
  if (e.keyword === 'type')
    return { path, message: `${path.join('.') || 'document'} must be ${(e.params as { type: string | string[] }).type}` };
  if (e.keyword === 'enum')
    return {
      path,
      message: `${path.join('.')} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`,
    };
  return { path, message: `${path.join('.') || 'document'} ${e.message ?? 'is invalid'}` };
}

/** Throws a ComposemodError for the first (most specific) schema issue. */
export function assertSchema(
  model: unknown,
  file: string,
  locate?: (path: (string | number)[]) => { line: number; col: number } | undefined,
): void {
  const issues = schemaIssues(model);
  if (!issues.length) return;
  const first = issues[0];
  let loc: { line: number; col: number } | undefined;
  for (let n = first.path.length; n >= 0 && !loc; n--) loc = locate?.(first.path.slice(0, n));
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more schema issue${issues.length > 2 ? 's' : ''})` : '';
  throw new ComposemodError(`invalid compose file: ${first.message}${more}`, {
    file,
    line: loc?.line,
    col: loc?.col,
    modelPath: first.path,
  });
}
