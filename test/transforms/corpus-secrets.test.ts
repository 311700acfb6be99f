/**
 * secrets and (offline) pin-images over every file of the shared corpus: never crash (a
 * ComposemodError on invalid input is acceptable and counted), the output re-parses and
 * validates against the compose schema, a second run changes nothing, and no literal secret
 * is left in a note or warning.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, mkdtempSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { secrets } from '../../src/transforms/secrets.js';
import { pinImages } from '../../src/transforms/pin-images.js';
import { runFixes } from '../../src/transforms/runner.js';
import type { Transform } from '../../src/transforms/types.js';
import { writeChanges } from '../../src/core/save.js';
import { parseSource } from '../../src/core/source.js';
import { toModel } from '../../src/core/model.js';
import { schemaIssues } from '../../src/core/schema.js';
import { isComposemodError } from '../../src/core/errors.js';

const corpus = fileURLToPath(new URL('../../../shared/corpus/single', import.meta.url));
const present = existsSync(corpus);
if (!present) console.log(`corpus tests SKIPPED: ${corpus} not found`);

async function overCorpus(fix: Transform, options: Record<string, unknown>) {
  const counts = { files: 0, changed: 0, unchanged: 0, invalidInput: 0, notes: 0, warnings: 0 };
  const failures: string[] = [];
  for (const name of readdirSync(corpus).sort()) {
    if (!/\.ya?ml$/i.test(name)) continue;
    counts.files++;
    const dir = mkdtempSync(path.join(tmpdir(), `cm-corpus-${fix.meta.name}-`));
    const file = path.join(dir, 'compose.yaml');
    copyFileSync(path.join(corpus, name), file);
    const target = { dir, environments: [{ name: 'default', files: [file] }] };
    try {
      let result;
      try {
        result = await runFixes(target, [fix], options);
      } catch (e) {
        if (isComposemodError(e)) {
          counts.invalidInput++;
          continue;
        }
        failures.push(`${name}: crashed: ${(e as Error).stack}`);
        continue;
      }
      counts.notes += result.notes.length;
      counts.warnings += result.warnings.length;
      const report = JSON.stringify({ notes: result.notes, warnings: result.warnings });
      // weak values (`secret`, `wordpress`, `gitea`) are words our messages and the service
      // names use too: only values of 10+ characters are checked here (test/transforms/
      // secrets.test.ts checks distinctive values exactly)
      for (const m of result.masks)
        if (m.length >= 10 && report.includes(m)) failures.push(`${name}: a masked value appears in notes/warnings`);
      if (!result.changes.length) {
        counts.unchanged++;
        continue;
      }
      counts.changed++;
      await writeChanges(result.changes);
      const text = readFileSync(file, 'utf8');
      try {
        const model = toModel(parseSource(text, file), file);
        const issues = schemaIssues(model);
        if (issues.length) failures.push(`${name}: output does not validate: ${issues[0].message}`);
      } catch (e) {
        failures.push(`${name}: output does not re-parse: ${(e as Error).message}`);
      }
      const second = await runFixes(target, [fix], options);
      if (second.changes.length) failures.push(`${name}: second run changed ${second.changes.map((c) => path.basename(c.path)).join(', ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { counts, failures };
}

describe.skipIf(!present)('corpus', () => {
  it('secrets', async () => {
    const { counts, failures } = await overCorpus(secrets, {});
    console.log(`corpus secrets: ${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
  }, 120_000);

  it('secrets --assume-file-support', async () => {
    const { counts, failures } = await overCorpus(secrets, { assumeFileSupport: true });
    console.log(`corpus secrets --assume-file-support: ${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
  }, 120_000);

  it('pin-images (offline: --pin only, no registry)', async () => {
    const { counts, failures } = await overCorpus(pinImages, { pin: ['nginx=1.27.3', 'nginx:alpine=1.27.3-alpine', 'redis:alpine=7.4.1-alpine'], pinMajor: true });
    console.log(`corpus pin-images: ${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
  }, 120_000);
});
