#!/usr/bin/env node
// Generates the compose-spec validator at build time (ajv standalone code), so no composemod
// run compiles a JSON schema: schema/compose-spec.json -> schema/compose-spec.validate.cjs.
//
//   node scripts/build-schema.mjs          (re)generate when the schema, ajv or this script changed
//
// The output starts with a stamp of its inputs (sha256 of the schema and of this script, ajv's
// version); when it matches, nothing is written, so the build and the test set-up call it freely.
// The generated module needs ajv's small runtime helpers (ajv/dist/runtime/*) at run time.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaFile = path.join(root, 'schema', 'compose-spec.json');
export const validatorFile = path.join(root, 'schema', 'compose-spec.validate.cjs');

/** The ajv options the validator is generated with; schema.ts maps its errors to messages. */
const AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: false, code: { source: true } };

function stamp(require) {
  const hash = createHash('sha256');
  hash.update(readFileSync(schemaFile));
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(require('ajv/package.json').version);
  return `// composemod generated validator: ${hash.digest('hex')}`;
}

/** Writes the validator unless it is current; returns whether it wrote. */
export function buildSchema() {
  const require = createRequire(import.meta.url);
  const want = stamp(require);
  if (existsSync(validatorFile) && readFileSync(validatorFile, 'utf8').startsWith(want + '\n')) return false;
  const Ajv = require('ajv').default;
  const standalone = require('ajv/dist/standalone').default;
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  // "$schema" names draft-07 by an https URL ajv does not know; the keywords are draft-07's.
  delete schema.$schema;
  const ajv = new Ajv(AJV_OPTIONS);
  const code = standalone(ajv, ajv.compile(schema));
  const header = `${want}\n// from schema/compose-spec.json (see schema/SOURCE) by scripts/build-schema.mjs; do not edit\n`;
  const tmp = `${validatorFile}.${process.pid}.tmp`;
  writeFileSync(tmp, header + code + '\n');
  renameSync(tmp, validatorFile);
  return true;
}

const configSchemaFile = path.join(root, 'schema', 'composemod-config.schema.json');
export const configValidatorFile = path.join(root, 'schema', 'composemod-config.validate.cjs');

/**
 * The same for composemod's own config file schema (schema/composemod-config.schema.json ->
 * schema/composemod-config.validate.cjs): `check` and `fix` validate a config file on every
 * run, so it is not compiled at run time either. Returns whether it wrote.
 */
export function buildConfigSchema() {
  const require = createRequire(import.meta.url);
  const hash = createHash('sha256');
  hash.update(readFileSync(configSchemaFile));
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(require('ajv/package.json').version);
  const want = `// composemod generated validator: ${hash.digest('hex')}`;
  if (existsSync(configValidatorFile) && readFileSync(configValidatorFile, 'utf8').startsWith(want + '\n')) return false;
  const Ajv = require('ajv').default;
  const standalone = require('ajv/dist/standalone').default;
  const schema = JSON.parse(readFileSync(configSchemaFile, 'utf8'));
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true, code: { source: true } });
  const code = standalone(ajv, ajv.compile(schema));
  const header = `${want}\n// from schema/composemod-config.schema.json by scripts/build-schema.mjs; do not edit\n`;
  const tmp = `${configValidatorFile}.${process.pid}.tmp`;
  writeFileSync(tmp, header + code + '\n');
  renameSync(tmp, configValidatorFile);
  return true;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && buildSchema()) console.error(`build-schema: wrote ${path.relative(root, validatorFile)}`);
if (isMain && buildConfigSchema()) console.error(`build-schema: wrote ${path.relative(root, configValidatorFile)}`);
