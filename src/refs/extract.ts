/**
 * What `extract` does after planning, outside the compose files: the repository's references
 * to the old file lists follow the new ones, and prettier keeps the repository's formatting.
 * One call from the extract command; pure of writes (returns the changes).
 */
import path from 'node:path';
import type { ExtractResult } from '../extract/extract.js';
import { prettierChanges } from '../core/prettier.js';
import { updateReferences, type UpdateResult } from './update.js';
import { referencesJson, referencesSummary } from './report.js';

export interface AfterExtract {
  result: ExtractResult;
  references?: UpdateResult;
  /** Summary lines (references, prettier) to print after extract's own summary. */
  summary(cwd: string, written: boolean): string;
  /** Keys to add to extract's JSON report. */
  json(cwd: string): Record<string, unknown>;
}

export async function afterExtract(result: ExtractResult, opts: { updateRefs?: boolean } = {}): Promise<AfterExtract> {
  if (result.status !== 'extracted' || !result.base) return { result, summary: () => '', json: () => ({}) };
  const projectDir = path.dirname(result.base);
  const envs = result.environments.map((e) => ({ name: e.name, before: e.before, after: e.after }));
  const references = opts.updateRefs === false ? undefined : await updateReferences({ projectDir, envs, changes: result.changes });
  const changes = references?.changes ?? result.changes;
  const pretty = await prettierChanges(changes, references?.root ?? projectDir, projectDir);
  const next: ExtractResult = { ...result, changes: pretty.changes };
  return {
    result: next,
    references,
    summary: (cwd, written) =>
      (references ? referencesSummary(references, cwd, written) : 'references: not updated (--no-update-refs)\n') + pretty.notes.map((n) => `note: ${n}\n`).join(''),
    json: (cwd) => ({ references: references ? referencesJson(references, cwd) : null, prettier: pretty.use ? pretty.notes : null }),
  };
}
