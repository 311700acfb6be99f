/**
 * The SARIF `composemod check` writes, validated by Microsoft's own validator (the
 * Sarif.Multitool of the npm package @microsoft/sarif-multitool-linux, installed outside the
 * project by scripts/sarif-validator.sh, which .ci/run calls). No error-level result may
 * remain. Skips with a message when the validator is not installed.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, cpSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { cli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';

const cache = process.env.COMPOSEMOD_SARIF_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'composemod', 'sarif-multitool');
const multitool = path.join(cache, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
const present = existsSync(multitool) && process.env.COMPOSEMOD_TEST_UNIT !== '1';
if (!present) console.log(`skipping the SARIF validation: ${multitool} is absent (scripts/sarif-validator.sh installs it)`);

interface ValidationResult {
  ruleId: string;
  level?: string;
  message: { text?: string; id?: string; arguments?: string[] };
}

function validate(file: string): Promise<ValidationResult[]> {
  const report = `${file}.validation.sarif`;
  return new Promise((resolve, reject) => {
    execFile(multitool, ['validate', file, '-o', report], { env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' }, timeout: 120_000 }, (err) => {
      // exit 1 means "results found"; the report says which
      if (!existsSync(report)) return reject(err ?? new Error('no validation report'));
      const log = JSON.parse(readFileSync(report, 'utf8')) as {
        runs: { results?: ValidationResult[]; tool: { driver: { rules?: { id: string; defaultConfiguration?: { level?: string } }[] } } }[];
      };
      const run = log.runs[0];
      const defaults = new Map((run.tool.driver.rules ?? []).map((r) => [r.id, r.defaultConfiguration?.level ?? 'warning']));
      resolve((run.results ?? []).map((r) => ({ ...r, level: r.level ?? defaults.get(r.ruleId) ?? 'warning' })));
    });
  });
}

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
