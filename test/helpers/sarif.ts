/**
 * Microsoft's SARIF validator (the Sarif.Multitool of the npm package
 * @microsoft/sarif-multitool-linux, installed outside the project by scripts/sarif-validator.sh,
 * which .ci/run calls). `sarifValidator` is false when it is not installed (tests skip with
 * `sarifSkipMessage`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';

const cache = process.env.COMPOSEMOD_SARIF_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'composemod', 'sarif-multitool');
const multitool = path.join(cache, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
export const sarifValidator = existsSync(multitool) && process.env.COMPOSEMOD_TEST_UNIT !== '1';
export const sarifSkipMessage = `skipping the SARIF validation: ${multitool} is absent (scripts/sarif-validator.sh installs it)`;

export interface ValidationResult {
  ruleId: string;
  level?: string;
  message: { text?: string; id?: string; arguments?: string[] };
}

/** Validates a SARIF file; resolves to the validator's results (each with its effective level). */
export function validateSarif(file: string): Promise<ValidationResult[]> {
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
