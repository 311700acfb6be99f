#!/usr/bin/env node
// Extracts the compose-spec JSON schema that a Docker Compose v2 binary validates with.
//
//   node scripts/compose-schema.mjs [docker-compose binary] [--out schema/compose-spec.json]
//   node scripts/compose-schema.mjs --check     compare schema/compose-spec.json with the binary's
//
// Compose embeds compose-go's schema/compose-spec.json (`//go:embed`) as one raw string in its
// read-only data. The schema is found by its `"$id": "compose_spec.json"` line; its extent is the
// enclosing JSON object (braces matched outside strings), and it must parse as JSON. Without an
// argument the binary is the reference Compose from scripts/reference-compose.sh's tools.env.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));

function referenceCompose() {
  if (process.env.COMPOSEMOD_DOCKER_COMPOSE) return process.env.COMPOSEMOD_DOCKER_COMPOSE;
  const cache =
    process.env.COMPOSEMOD_REFERENCE_DIR ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'composemod', 'reference');
  const env = path.join(cache, 'tools.env');
  if (!existsSync(env)) return undefined;
  return /^DOCKER_COMPOSE=(.*)$/m.exec(readFileSync(env, 'utf8'))?.[1];
}

/** The embedded schema's exact bytes, or an Error saying why not. */
export function extractSchema(binary) {
  const bytes = readFileSync(binary);
  const marker = Buffer.from('"$id": "compose_spec.json"');
  const at = bytes.indexOf(marker);
  if (at < 0) throw new Error(`${binary}: no embedded compose-spec schema ("$id": "compose_spec.json") found`);
  if (bytes.indexOf(marker, at + 1) >= 0) throw new Error(`${binary}: more than one embedded schema`);
  // The schema starts at the last '{' before the marker that begins the text (only whitespace
  // and the "$schema" line can stand between it and the marker).
  const start = bytes.lastIndexOf(0x7b /* { */, at);
  if (start < 0 || !/^\{\s*("\$schema":\s*"[^"]*",\s*)?$/.test(bytes.subarray(start, at).toString('latin1')))
    throw new Error(`${binary}: unexpected bytes before the schema's "$id"`);
  let depth = 0;
  let inString = false;
  let end = -1;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d /* } */ && --depth === 0) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) throw new Error(`${binary}: the schema's object does not end`);
  // go:embed keeps the file's bytes, final newline included.
  if (bytes[end] === 0x0a) end++;
  const text = bytes.subarray(start, end).toString('utf8');
  JSON.parse(text); // must be the whole JSON document
  return text;
}

export const sha256 = (text) => createHash('sha256').update(text).digest('hex');

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const binary = positional[0] ?? referenceCompose();
  if (!binary || !existsSync(binary)) {
    console.error('compose-schema: no Docker Compose binary (run scripts/reference-compose.sh, or pass its path)');
    process.exit(1);
  }
  const text = extractSchema(binary);
  if (check) {
    const vendored = readFileSync(path.join(root, 'schema', 'compose-spec.json'), 'utf8');
    const same = vendored === text;
    console.log(`${binary}: embedded schema sha256 ${sha256(text)} (${text.length} bytes)`);
    console.log(`schema/compose-spec.json: sha256 ${sha256(vendored)}: ${same ? 'identical' : 'DIFFERS'}`);
    process.exit(same ? 0 : 1);
  }
  if (out) {
    writeFileSync(out, text);
    console.error(`wrote ${out}: sha256 ${sha256(text)} (${text.length} bytes) from ${binary}`);
  } else process.stdout.write(text);
}
