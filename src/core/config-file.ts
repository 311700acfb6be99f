/**
 * composemod's config file: found by lilconfig from the project directory upwards
 * (`package.json` "composemod" key, `.composemodrc`, `.composemodrc.{json,yaml,yml}`,
 * `composemod.config.{json,yaml,yml,mjs}`), or named with `--config FILE`. JSON and YAML are
 * parsed with `yaml` (JSON is YAML), so every error in them names `file:line:col`; an `.mjs`
 * file's default export is taken as it is (errors name the file). The content is validated
 * against schema/composemod-config.schema.json (precompiled by scripts/build-schema.mjs).
 * An invalid config is a ComposemodError, exit 2.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ErrorObject } from 'ajv';
import { lilconfig } from 'lilconfig';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ComposemodError } from './errors.js';
import { isObj } from './plain.js';

export type ConfigLevel = 'off' | 'note' | 'warning' | 'error';

/** The config file's content (schema/composemod-config.schema.json). */
export interface ComposemodConfig {
  rules?: Record<string, ConfigLevel | [ConfigLevel] | [ConfigLevel, Record<string, unknown>]>;
  environments?: Record<string, string[]>;
  runtime?: 'docker' | 'podman-compose';
  composeVersion?: string;
  pins?: Record<string, string>;
  lockFile?: string;
  networks?: { frontend?: string; backend?: string; internalBackend?: boolean };
  secrets?: { allow?: string[]; deny?: string[]; devSecrets?: 'keep' | 'move'; assumeFileSupport?: boolean };
  exclude?: string[];
}

export interface ConfigFile {
  /** Absolute path of the file; paths in the config are relative to its directory. */
  file: string;
  config: ComposemodConfig;
  /** `file:line:col` of a value in the config (the file alone when unknown). */
  error(message: string, at: readonly (string | number)[]): ComposemodError;
}

export const CONFIG_FILES = [
  'package.json',
  '.composemodrc',
  '.composemodrc.json',
  '.composemodrc.yaml',
  '.composemodrc.yml',
  'composemod.config.json',
  'composemod.config.yaml',
  'composemod.config.yml',
  'composemod.config.mjs',
];

interface Parsed {
  doc: Document.Parsed;
  lines: LineCounter;
}

/**
 * The config for a project in `dir`: `explicit` (relative to `cwd`) when given, else the first
 * config file found from `dir` upwards; null when there is none.
 */
export async function loadConfigFile(dir: string, explicit?: string, cwd = process.cwd()): Promise<ConfigFile | null> {
  const parsed = new Map<string, Parsed>();
  const yamlLoader = (filepath: string, content: string): unknown => {
    const lines = new LineCounter();
    const doc = parseDocument(content, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const err = doc.errors[0];
    if (err) {
      const pos = lines.linePos(err.pos[0]);
      throw new ComposemodError(`invalid config: ${err.message.split('\n')[0]}`, { file: filepath, line: pos.line, col: pos.col, exitCode: 2 });
    }
    parsed.set(filepath, { doc, lines });
    return doc.toJS() ?? {};
  };
  const explorer = lilconfig('composemod', {
    searchPlaces: CONFIG_FILES,
    loaders: {
      '.json': yamlLoader,
      '.yaml': yamlLoader,
      '.yml': yamlLoader,
      noExt: yamlLoader,
      '.mjs': async (filepath: string) => {
        try {
          const mod = (await import(pathToFileURL(filepath).href)) as { default?: unknown };
          return mod.default;
        } catch (e) {
          throw new ComposemodError(`invalid config: ${(e as Error).message}`, { file: filepath, exitCode: 2 });
        }
      },
    },
  });
  let found: { filepath: string; config: unknown } | null;
  if (explicit) {
    const file = path.resolve(cwd, explicit);
    if (!existsSync(file)) throw new ComposemodError('config file not found', { file: explicit, exitCode: 2 });
    const base = path.basename(file);
    if (!/\.(json|ya?ml|mjs)$/.test(base) && !base.startsWith('.composemodrc'))
      throw new ComposemodError('a config file is .json, .yaml, .yml or .mjs', { file: explicit, exitCode: 2 });
    found = await explorer.load(file);
    if (base === 'package.json') found = { filepath: file, config: isObj(found?.config) ? (found.config as Record<string, unknown>).composemod : undefined };
  } else found = await explorer.search(dir);
  if (!found) return null;
  const file = found.filepath;
  const src = parsed.get(file);
  const prefix = path.basename(file) === 'package.json' ? ['composemod'] : [];
  const error = (message: string, at: readonly (string | number)[]): ComposemodError => {
    const pos = src ? position(src, [...prefix, ...at]) : undefined;
    return new ComposemodError(`invalid config: ${message}`, { file, ...(pos ? { line: pos.line, col: pos.col } : {}), exitCode: 2 });
  };
  const config = found.config ?? {};
  validate(config, error);
  return { file, config: config as ComposemodConfig, error };
}

/** Line and column of the node at `at` (a mapping entry: its key), or of its deepest existing ancestor. */
function position(src: Parsed, at: readonly (string | number)[]): { line: number; col: number } | undefined {
  for (let n = at.length; n >= 0; n--) {
    const parentPath = at.slice(0, n - 1);
    const parent = n === 0 ? null : parentPath.length ? src.doc.getIn(parentPath, true) : src.doc.contents;
    const last = at[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === last);
      const range = (pair?.key as { range?: [number, number] } | null)?.range;
      if (range) return src.lines.linePos(range[0]);
    } else if (isSeq(parent) && typeof last === 'number') {
      const range = (parent.items[last] as { range?: [number, number] } | undefined)?.range;
      if (range) return src.lines.linePos(range[0]);
    } else if (n === 0) {
      const range = (src.doc.contents as { range?: [number, number] } | null)?.range;
      return range ? src.lines.linePos(range[0]) : undefined;
    }
  }
  return undefined;
}

type GeneratedValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let validator: GeneratedValidator | undefined;

function validate(config: unknown, error: ConfigFile['error']): void {
  if (!validator) {
    const file = fileURLToPath(new URL('../../schema/composemod-config.validate.cjs', import.meta.url));
    if (!existsSync(file)) throw new Error(`the config schema validator is not built (${file}): run \`npm run build\` (or node scripts/build-schema.mjs)`);
    validator = createRequire(import.meta.url)(file) as GeneratedValidator;
  }
  if (validator(config)) return;
  const errors = [...(validator.errors ?? [])];
  // the most specific first: the deepest path, and a named property over a oneOf summary
  errors.sort((a, b) => depth(b) - depth(a) || rank(a) - rank(b));
  const e = errors[0];
  const at = pathOf(e);
  throw error(`${at.length ? at.join('.') : 'the config'}: ${describe(e)}`, at);
}

function pathOf(e: ErrorObject): (string | number)[] {
  const at = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (e.keyword === 'additionalProperties') at.push((e.params as { additionalProperty: string }).additionalProperty);
  if (e.keyword === 'propertyNames') at.push((e.params as { propertyName: string }).propertyName);
  return at;
}

const depth = (e: ErrorObject): number => pathOf(e).length;
const rank = (e: ErrorObject): number => (e.keyword === 'oneOf' ? 2 : e.keyword === 'enum' || e.keyword === 'additionalProperties' ? 0 : 1);

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key (see schema/composemod-config.schema.json)`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'propertyNames':
      return 'is not a valid name';
    case 'oneOf':
      return 'must be a level (off, note, warning, error) or [level, {options}]';
    default:
      return e.message ?? e.keyword;
  }
}
