/**
 * secrets and (offline) pin-images over every file of the shared corpus: never crash (a
 * ComposemodError on invalid input is acceptable and counted), the output re-parses and
 * validates against the compose schema, a second run changes nothing, and no literal secret
 * is left in a note or warning.
 */
import { describe, it, expect } from 'vitest';
import { secrets } from '../../src/transforms/secrets.js';
import { pinImages } from '../../src/transforms/pin-images.js';
import type { Transform } from '../../src/transforms/types.js';
import { corpusDir, corpusPresent as present, runOverCorpus } from './corpus-structural-helper.js';

if (!present) console.log(`corpus tests SKIPPED: ${corpusDir} not found`);

const overCorpus = (fix: Transform, options: Record<string, unknown>) => runOverCorpus(fix, options);

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
