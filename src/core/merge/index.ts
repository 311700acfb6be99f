/** The pure Compose v2 merge engine: plain values in, plain values out. */
import { normalize } from './normalize.js';
import { mergeFiles, type ComposeModel, type InputFile, type MergeOptions } from './pipeline.js';
import { deepEqual } from './values.js';

export { canonicalize, mergeFiles } from './pipeline.js';
export type { ComposeModel, InputFile, MergeOptions } from './pipeline.js';
export { normalize } from './normalize.js';
export { shellSplit } from './shell.js';
export { RESET, Override, isReset, isOverride } from './sentinels.js';

/** The final model of `docker compose -f ... config`, in the normal form. */
export function configModel(files: readonly InputFile[], opts?: MergeOptions): ComposeModel {
  return normalize(mergeFiles(files, opts));
}

/** Deep equality in the normal form (sequence order significant). */
export function modelsEqual(a: ComposeModel, b: ComposeModel): boolean {
  return deepEqual(normalize(a), normalize(b));
}
