/** add-volumes over every file of the shared corpus (see corpus-structural-helper.ts for the checks). */
import { describe, it, expect } from 'vitest';
import addVolumes from '../../src/rules/add-volumes.js';
import { corpusDir, corpusPresent, runOverCorpus } from './corpus-structural-helper.js';

if (!corpusPresent) console.log(`corpus tests for add-volumes SKIPPED: ${corpusDir} not found`);

describe.skipIf(!corpusPresent)('corpus: add-volumes', () => {
  it('never crashes, output valid, idempotent', async () => {
    const { counts, failures, changedFiles } = await runOverCorpus(addVolumes, {});
    console.log(`corpus add-volumes: ${JSON.stringify(counts)}\n  changed: ${changedFiles.join(', ')}`);
    expect(failures).toEqual([]);
  }, 300_000);
});
