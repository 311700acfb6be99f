/** References to compose file lists in a repository: find them, update them, report them. */
export { updateReferences, gitRoot, listFiles } from './update.js';
export type { EnvFiles, UpdateInput, UpdateResult, Reference, RefStatus } from './update.js';
export type { FoundRef, RefKind, Cwd } from './types.js';
export { referencesSummary, referencesJson, countByStatus } from './report.js';
export { afterExtract } from './extract.js';
export type { AfterExtract } from './extract.js';
