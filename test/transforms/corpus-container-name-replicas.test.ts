/** container-name-replicas over every file of the shared corpus (see corpus-structural-helper.ts for the checks). */
import { describe, it, expect } from 'vitest';
import { containerNameReplicas } from '../../src/transforms/container-name-replicas.js';
import { corpusDir, corpusPresent, runOverCorpus } from './corpus-structural-helper.js';

if (!corpusPresent) console.log(`corpus tests for container-name-replicas SKIPPED: ${corpusDir} not found`);

describe.skipIf(!corpusPresent)('corpus: container-name-replicas', () => {
  it('never crashes, output valid, idempotent', async () => {
    const { counts, failures, changedFiles } = await runOverCorpus(containerNameReplicas, {});
    console.log(`corpus container-name-replicas: ${JSON.stringify(counts)}\n  changed: ${changedFiles.join(', ')}`);
    expect(failures).toEqual([]);
  }, 300_000);

  it('--allow-reset', async () => {
    const { counts, failures } = await runOverCorpus(containerNameReplicas, { allowReset: true });
    console.log(`corpus container-name-replicas --allow-reset: ${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
  }, 300_000);
});
