import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ComposemodError } from '../../core/errors.js';
import { check, type RunRequest } from '../../api.js';
import type { Severity } from '../../rules/types.js';
import { useColor, type Io } from '../output.js';
import { buildReport, rel, summaryLine, SEVERITY_RANK } from '../formats/report.js';
import { formatText } from '../formats/text.js';
import { formatJson } from '../formats/json.js';
import { formatSarif } from '../formats/sarif.js';
import { formatGithub } from '../formats/github.js';
import { formatJunit } from '../formats/junit.js';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export interface CheckOptions {
  format?: string;
  output?: string;
  failOn?: string;
  maxWarnings?: string | number;
  config?: string;
  only?: string;
  skip?: string;
  env?: string[];
  envFile?: string[];
  runtime?: string;
  composeVersion?: string;
  color?: boolean;
  /** `fix --check`: only the rules with a fix, and the report on stderr (stdout stays the diff's). */
  fixable?: boolean;
  /** Rule options, by their camelCase names. */
  [ruleOption: string]: unknown;
}

export interface RunFlags {
  env?: string[];
  envFile?: string[];
  config?: string;
  only?: string;
  skip?: string;
  runtime?: string;
  composeVersion?: string;
  [ruleOption: string]: unknown;
}

/** What `check` and `fix` share of their command line: the project, the config, the rules and their options. */
export function runRequest(io: Io, paths: string[], opts: RunFlags): RunRequest {
  return {
    cwd: io.cwd,
    paths,
    env: opts.env,
    envFile: opts.envFile,
    config: opts.config,
    only: opts.only,
    skip: opts.skip,
    options: opts,
    runtime: opts.runtime,
    composeVersion: opts.composeVersion,
  };
}

const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };

/**
 * `composemod check`: every rule over every project, findings in the chosen format.
 * Exit 0: no finding at or above --fail-on (and no more warnings than --max-warnings);
 * 1: there are; 2: bad input (nothing else is run).
 */
export async function checkCommand(io: Io, paths: string[], opts: CheckOptions): Promise<number> {
  const format = (opts.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new ComposemodError(`invalid --format "${opts.format}": expected ${FORMATS.join(', ')}`);
  const failOn = (opts.failOn ?? 'warning') as Severity;
  if (!(failOn in SEVERITY_RANK)) throw new ComposemodError(`invalid --fail-on "${opts.failOn}": expected error, warning or note`);
  let maxWarnings: number | undefined;
  if (opts.maxWarnings !== undefined) {
    maxWarnings = Number(opts.maxWarnings);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new ComposemodError(`invalid --max-warnings "${String(opts.maxWarnings)}": expected a whole number >= 0`);
  }
  const result = await check({ ...runRequest(io, paths, opts), fixable: opts.fixable, proposeFixes: format === 'sarif' });
  const report = buildReport(io.cwd, pkg.version, result, failOn);
  const files = [...new Set(result.projects.flatMap((p) => p.target.environments.flatMap((e) => e.files)))].map((f) => rel(io.cwd, f));
  const color = !opts.output && useColor(io, opts.color) && !opts.fixable;
  const text =
    format === 'json'
      ? formatJson(report)
      : format === 'sarif'
        ? formatSarif(report)
        : format === 'github'
          ? formatGithub(report)
          : format === 'junit'
            ? formatJunit(report, files)
            : formatText(report, { color });

  if (opts.output) {
    const out = path.resolve(io.cwd, opts.output);
    await fs.mkdir(path.dirname(out), { recursive: true });
    await fs.writeFile(out, text);
    io.stderr.write(`${summaryLine(report)}\nreport written to ${rel(io.cwd, out)} (${format})\n`);
  } else if (opts.fixable && format === 'text') {
    io.stderr.write(text);
  } else {
    io.stdout.write(text);
    if (format !== 'text') io.stderr.write(`${summaryLine(report)}\n`);
  }
  if (report.summary.failing > 0) return 1;
  if (maxWarnings !== undefined && report.summary.warnings > maxWarnings) {
    io.stderr.write(`composemod: ${report.summary.warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  return 0;
}
