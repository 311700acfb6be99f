/**
 * The SARIF `composemod check` writes, validated by Microsoft's own validator (the
 * Sarif.Multitool of the npm package @microsoft/sarif-multitool-linux, installed outside the
 * project by scripts/sarif-validator.sh, which .ci/run calls). No error-level result may
 * remain. Skips with a message when the validator is not installed.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sarifValidator, sarifSkipMessage, validateSarif } from '../helpers/sarif.js';
import { cli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';

const present = sarifValidator;
if (!present) console.log(sarifSkipMessage);
const validate = validateSarif;

describe.skipIf(!present)('SARIF output passes Microsoft\'s SARIF validator', () => {
  it('the demo project (fixes, several files) and a project with suppressions and project-level findings', async () => {
    const demo = mkdtempSync(path.join(tmpdir(), 'cm-sarif-'));
    cpSync(path.join(projectRoot, 'fixtures', 'demo'), demo, { recursive: true });
    const other = mkdtempSync(path.join(tmpdir(), 'cm-sarif-'));
    writeFileSync(
      path.join(other, 'compose.yaml'),
      '# composemod-disable pin-images -- pinned by the deploy pipeline\nservices:\n  cache:  # composemod-disable-line add-volumes -- scratch\n    image: redis:latest\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: not-a-real-one\n  # composemod-disable-next-line add-volume\n  web:\n    image: nginx:1.27.3\n    container_name: web\n    deploy:\n      replicas: 2\n',
    );
    for (const [dir, args] of [
      [demo, []],
      [other, ['--pin', 'traefik=v3.2.1', '--env', 'prod=compose.yaml']],
    ] as const) {
      const r = await cli(['check', '--format', 'sarif', '--output', 'out.sarif', ...args], { cwd: dir });
      expect(r.code).toBe(1);
      const results = await validate(path.join(dir, 'out.sarif'));
      const errors = results.filter((x) => x.level === 'error');
      expect(errors, JSON.stringify(errors, null, 2)).toEqual([]);
      const log = JSON.parse(readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as { runs: { results: { fixes?: unknown[]; suppressions?: unknown[] }[] }[] };
      expect(log.runs[0].results.length).toBeGreaterThan(2);
      if (dir === demo) expect(log.runs[0].results.some((x) => x.fixes?.length)).toBe(true);
      else expect(log.runs[0].results.some((x) => x.suppressions?.length)).toBe(true);
    }
  });
});
