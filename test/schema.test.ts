/**
 * The compose-spec validator generated at build time (scripts/build-schema.mjs, ajv standalone
 * code) against the same schema compiled at run time by ajv: same verdict and same errors on
 * every fixture input and on documents that hit each kind of schema error, and the messages
 * composemod prints from them.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { assertSchema, schemaIssues } from '../src/core/schema.js';
import { parseSource } from '../src/core/source.js';
import { toModel } from '../src/core/model.js';
import { buildSchema } from '../scripts/build-schema.mjs';
import { projectRoot } from './helpers/shared.js';

type Validate = ((d: unknown) => boolean) & { errors?: unknown[] | null };

const require = createRequire(import.meta.url);
const generated = require(path.join(projectRoot, 'schema', 'compose-spec.validate.cjs')) as Validate;

/** The schema compiled now, with the options build-schema.mjs generates with. */
function compiled(): Validate {
  const Ajv = (require('ajv') as { default: new (o: object) => { compile(s: object): Validate } }).default;
  const schema = JSON.parse(readFileSync(path.join(projectRoot, 'schema', 'compose-spec.json'), 'utf8'));
  delete schema.$schema;
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

/** The model of every fixture YAML file composemod can read (some are invalid on purpose). */
function fixtureModels(): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const file of yamlFiles(path.join(projectRoot, 'fixtures'))) {
    try {
      out.push([file, toModel(parseSource(readFileSync(file, 'utf8'), file))]);
    } catch {
      /* not a readable compose document: not the validator's concern */
    }
  }
  return out;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** One document per kind of schema error composemod turns into a message. */
const invalid: Record<string, unknown> = {
  'unknown top-level key': { services: {}, servics: {} },
  'unknown service key': { services: { web: { image: 'a', imag: 'b' } } },
  'wrong type': { services: { web: { image: 1 } } },
  enum: { services: { web: { image: 'a', depends_on: { db: { condition: 'service_ready' } } }, db: { image: 'b' } } },
  'duplicate items': { services: { web: { image: 'a', security_opt: ['x', 'x'] } } },
  'pattern (service name)': { services: { 'we b': { image: 'a' } } },
  'oneOf (build)': { services: { web: { build: 1 } } },
  'nested long syntax': { services: { web: { image: 'a', ports: [{ target: 'x', bogus: 1 }] } } },
  'document not an object': ['services'],
  'null model entry accepted by 2.40.3 only if in mapping form': { services: { web: { image: 'a', models: { llm: 1 } } } },
};

/** Documents valid for Compose 2.40.3's schema (and not all for older copies). */
const valid: Record<string, unknown> = {
  minimal: { services: { web: { image: 'a' } } },
  'build.provenance / sbom (compose-go v2.9.1)': { services: { web: { build: { context: '.', provenance: true, sbom: 'x' } } } },
  'develop.watch initial_sync': {
    services: { web: { image: 'a', develop: { watch: [{ path: '.', action: 'sync+restart', target: '/app', initial_sync: true }] } } },
  },
  'null models entry (compose-go abb36f7)': { services: { web: { image: 'a', models: { llm: null } } }, models: { llm: { model: 'ai/x' } } },
};

describe('generated compose-spec validator', () => {
  it('is current: regenerating it changes nothing', () => {
    expect(buildSchema()).toBe(false);
  });

  it('gives the verdict and the errors of a run-time compile, on every fixture input and each kind of error', () => {
    const runtime = compiled();
    const docs: [string, unknown][] = [
      ...fixtureModels(),
      ...Object.entries(invalid),
      ...Object.entries(valid),
    ];
    let rejected = 0;
    for (const [name, doc] of docs) {
      const ok = generated(doc);
      expect(ok, name).toBe(runtime(doc));
      expect(generated.errors ?? null, name).toEqual(runtime.errors ?? null);
      if (!ok) rejected++;
    }
    expect(docs.length).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThanOrEqual(Object.keys(invalid).length);
  });

  it('accepts what Compose 2.40.3 accepts that the schema composemod had before did not', () => {
    for (const [name, doc] of Object.entries(valid)) expect(schemaIssues(doc), name).toEqual([]);
  });

  it('turns errors into the messages and paths composemod prints', () => {
    const first = (doc: unknown) => schemaIssues(doc)[0];
    expect(first(invalid['unknown top-level key'])).toEqual({ path: ['servics'], message: 'unknown key "servics" at top level' });
    expect(first(invalid['unknown service key'])).toEqual({
      path: ['services', 'web', 'imag'],
      message: 'unknown key "imag" in services.web',
    });
    expect(first(invalid['wrong type'])).toEqual({ path: ['services', 'web', 'image'], message: 'services.web.image must be string' });
    expect(first(invalid.enum)).toEqual({
      path: ['services', 'web', 'depends_on', 'db', 'condition'],
      message: 'services.web.depends_on.db.condition must be one of service_started, service_healthy, service_completed_successfully',
    });
    expect(first(invalid['duplicate items'])).toEqual({
      path: ['services', 'web', 'security_opt'],
      message: 'services.web.security_opt must not contain duplicate items',
    });
    expect(first(invalid['document not an object'])).toEqual({ path: [], message: 'document must be object' });
    expect(schemaIssues(invalid['pattern (service name)'])[0].path).toEqual(['services', 'we b']);
  });

  it('assertSchema throws the first issue with its location and how many more there are', () => {
    const doc = { services: { web: { image: 1, imag: 'b' } } };
    const where = (p: (string | number)[]) => (p.join('.') === 'services.web' ? { line: 3, col: 5 } : undefined);
    expect(() => assertSchema(doc, 'compose.yaml', where)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^invalid compose file: unknown key "imag" in services\.web \(and 1 more schema issue\)$/),
        line: 3,
        col: 5,
      }),
    );
  });
});
