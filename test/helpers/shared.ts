/**
 * `../shared/` beside the project root: the seeds and the corpus (real compose files and
 * duplicated per-environment pairs). Tests that read it skip with `sharedSkipMessage` when it
 * is absent (a clone without it still passes `npm test`), and in `npm run test:unit`
 * (COMPOSEMOD_TEST_UNIT=1), which never reads it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = path.resolve(projectRoot, '..', 'shared');
export const corpusSingle = path.join(sharedDir, 'corpus', 'single');
export const corpusPairs = path.join(sharedDir, 'corpus', 'pairs');
export const seedsDir = path.join(sharedDir, 'seeds');
/** Set by `npm run test:unit`: suites that need ../shared or the reference tools skip. */
export const unitRun = process.env.COMPOSEMOD_TEST_UNIT === '1';
export const sharedPresent = !unitRun && existsSync(path.join(sharedDir, 'corpus'));
export const sharedSkipMessage = unitRun
  ? 'unit run (npm run test:unit): corpus tests skip; npm test runs them'
  : `../shared (the corpus and seeds beside the project root) not found at ${sharedDir}; corpus tests skip ` +
    '(see README, Development)';
