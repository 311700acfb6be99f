import { defineConfig } from 'vitest/config';

/**
 * Two projects; `npm test` (vitest run) runs both.
 * - unit: no corpus, no real tools, no registry. `npm run test:unit` runs it alone with
 *   COMPOSEMOD_TEST_UNIT=1: the helpers in test/helpers/ then report ../shared and the reference
 *   tools as absent (a suite that needs them skips even when its file name does not say so).
 * - integration: the suites that read ../shared/corpus (file names containing "corpus"), run the
 *   reference tools (test/reference/) or a real registry (file names containing "registry").
 */
const integration = ['test/**/*corpus*.test.ts', 'test/reference/**/*.test.ts', 'test/**/*registry*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: integration },
      },
      { extends: true, test: { name: 'integration', include: integration } },
    ],
  },
});
