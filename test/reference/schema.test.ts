/**
 * schema/compose-spec.json is the schema the reference Compose validates with: the exact bytes
 * embedded in its binary (scripts/compose-schema.mjs extracts them), with the sha256 schema/SOURCE
 * records.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractSchema, sha256 } from '../../scripts/compose-schema.mjs';
import { dockerCompose, referenceSkipMessage } from '../helpers/reference.js';
import { projectRoot } from '../helpers/shared.js';

if (!dockerCompose) console.log(referenceSkipMessage);

const vendored = readFileSync(path.join(projectRoot, 'schema', 'compose-spec.json'), 'utf8');

describe('schema/SOURCE', () => {
  it('records the sha256 of schema/compose-spec.json', () => {
    const source = readFileSync(path.join(projectRoot, 'schema', 'SOURCE'), 'utf8');
    expect(source).toMatch(new RegExp(`^sha256: +${sha256(vendored)}$`, 'm'));
  });
});

describe.skipIf(!dockerCompose)('schema/compose-spec.json (reference)', () => {
  it("is byte for byte the schema embedded in the reference Docker Compose binary", () => {
    expect(dockerCompose!.version).toMatch(/^2\.40\.3/);
    const embedded = extractSchema(dockerCompose!.path);
    expect(sha256(embedded)).toBe(sha256(vendored));
    expect(embedded).toBe(vendored);
  });
});
