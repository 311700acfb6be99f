/** network-split over every file of the shared corpus (see corpus-structural-helper.ts for the checks). */
import { describe, it, expect } from 'vitest';
import networkSplit from '../../src/rules/network-split.js';
import { corpusDir, corpusPresent, runOverCorpus } from './corpus-structural-helper.js';

if (!corpusPresent) console.log(`corpus tests for network-split SKIPPED: ${corpusDir} not found`);

describe.skipIf(!corpusPresent)('corpus: network-split', () => {
  it('never crashes, output valid, idempotent', async () => {
    const { counts, failures, changedFiles } = await runOverCorpus(networkSplit, {});
    console.log(`corpus network-split: ${JSON.stringify(counts)}\n  changed: ${changedFiles.join(', ')}`);
    expect(failures).toEqual([]);
  }, 300_000);

  it('--internal-backend', async () => {
    const { counts, failures } = await runOverCorpus(networkSplit, { internalBackend: true });
    console.log(`corpus network-split --internal-backend: ${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
  }, 300_000);
});
