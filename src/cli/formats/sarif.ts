/**
 * `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
 * - `tool.driver.rules`: one reportingDescriptor per rule and per kind of finding
 *   (`add-volumes`, `add-volumes/tmpfs`), with the description, the rationale as help, the
 *   default level and the docs page; `results[].ruleId` is the finding's id.
 * - `results[].locations`: the file (relative to the working directory, under `%SRCROOT%`)
 *   and region the finding is reported at; a project-level finding points at the first file
 *   of its project.
 * - `results[].fixes`: for fixable findings whose change can be shown on its own, the exact
 *   replacements (`artifactChanges`); never one that writes a secret value.
 * - `results[].suppressions`: an in-source suppression with its justification.
 * Typed with @types/sarif (types only). Validated in the tests with Microsoft's SARIF
 * multitool (test/check/sarif-validate.test.ts).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { rel, type Report } from './report.js';
import type { Severity } from '../../rules/types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  note: 'note',
};

export function formatSarif(r: Report): string {
  const descriptors: Sarif.ReportingDescriptor[] = [];
  for (const m of r.rules) {
    const help = `${m.rationale}\n\nDocs: ${m.docs}${m.fixable ? `\nFix: composemod fix --only ${m.id}${m.fixable === 'behaviour-changing' ? ' (changes behaviour)' : ''}` : ''}`;
    descriptors.push({
      id: m.id,
      // a name equal to the id (ignoring case) is not allowed (SARIF1001)
      ...(pascal(m.id).toLowerCase() !== m.id.toLowerCase() ? { name: pascal(m.id) } : {}),
      shortDescription: { text: m.description },
      fullDescription: { text: m.rationale },
      help: { text: help, markdown: `${m.rationale}\n\nSee [${m.docs}](${m.docs}).` },
      defaultConfiguration: { level: LEVEL[m.severity] },
      properties: { fixable: m.fixable, tags: ['docker-compose'] },
    });
    for (const [kind, k] of Object.entries(m.kinds ?? {}))
      descriptors.push({
        id: `${m.id}/${kind}`,
        name: pascal(`${m.id}-${kind}`),
        shortDescription: { text: `${m.id}: ${k.description}` },
        fullDescription: { text: `${k.description}. ${m.rationale}` },
        help: { text: `${k.description}.\n\n${m.rationale}\n\nDocs: ${m.docs}`, markdown: `${k.description}.\n\n${m.rationale}\n\nSee [${m.docs}](${m.docs}).` },
        defaultConfiguration: { level: LEVEL[k.severity] },
        properties: { tags: ['docker-compose'] },
      });
  }
  const index = new Map(descriptors.map((d, i) => [d.id, i]));
  const srcroot = pathToFileURL(r.cwd.endsWith('/') ? r.cwd : `${r.cwd}/`).href;
  const artifact = (uri: string): Sarif.ArtifactLocation => ({ uri: encodeURI(uri), uriBaseId: '%SRCROOT%' });

  const results: Sarif.Result[] = r.findings.map((f) => {
    const file = f.relFile ?? f.projectFile;
    const region: Sarif.Region | undefined =
      f.relFile && f.line
        ? { startLine: f.line, startColumn: f.column ?? 1, ...(f.endLine ? { endLine: f.endLine, endColumn: f.endColumn ?? 1 } : {}) }
        : file
          ? { startLine: 1 }
          : undefined;
    const envs = f.environments.length ? ` [${f.environments.join(', ')}]` : '';
    const result: Sarif.Result = {
      ruleId: f.id,
      ...(index.has(f.id) ? { ruleIndex: index.get(f.id) } : {}),
      level: LEVEL[f.severity],
      message: { text: f.message + (f.multiEnv ? envs : '') },
      ...(file ? { locations: [{ physicalLocation: { artifactLocation: artifact(file), ...(region ? { region } : {}) } }] } : {}),
      properties: { environments: f.environments, fixable: f.fixable, ...(f.service ? { service: f.service } : {}) },
    };
    if (f.proposed && !f.suppressed)
      result.fixes = [
        {
          description: { text: relPaths(r.cwd, f.proposed.description) },
          artifactChanges: f.proposed.changes.map((c) => ({
            artifactLocation: artifact(rel(r.cwd, c.file)),
            replacements: c.replacements.map((x) => ({
              deletedRegion: { startLine: x.line, startColumn: x.column, endLine: x.endLine, endColumn: x.endColumn },
              ...(x.text ? { insertedContent: { text: x.text } } : {}),
            })),
          })),
        },
      ];
    if (f.suppressed)
      result.suppressions = [
        {
          kind: 'inSource',
          status: 'accepted',
          ...(f.suppressed.justification ? { justification: f.suppressed.justification } : {}),
          location: { physicalLocation: { artifactLocation: artifact(rel(r.cwd, f.suppressed.file)), region: { startLine: f.suppressed.line } } },
        },
      ];
    return result;
  });

  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'composemod',
            semanticVersion: r.version,
            version: r.version,
            informationUri: 'https://www.npmjs.com/package/composemod',
            rules: descriptors,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: srcroot } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** `add-volumes` -> `AddVolumes` (a reportingDescriptor's `name`). */
function pascal(id: string): string {
  return id
    .split(/[-/]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Absolute paths under `cwd` in prose, relative (a report is read on another machine). */
function relPaths(cwd: string, text: string): string {
  const base = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  return text.split(base).join('');
}
