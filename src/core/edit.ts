/**
 * Fidelity-first edits: every change is a text edit at node ranges of the original text;
 * the rest of the file is never re-serialized. `Editor.apply()` re-parses the result and
 * checks it against the intended model before returning anything. The conventions the
 * Editor follows (model paths into the original document, comments deleted with their
 * entry, empty collections left as `{}` / `[]`, blank lines around inserts) are listed in
 * `edit/editor.ts` and docs/ARCHITECTURE.md.
 *
 * Modules under `edit/`:
 * - `editor.ts`  — the `Editor`: records operations and the intended model, verifies on apply
 * - `apply.ts`   — `TextEdit` and `applyEdits`
 * - `context.ts` — what edit computations share with their Editor (lines, entries, ops so far)
 * - `lines.ts`   — line geometry over the original text
 * - `entries.ts` — entry regions of collections (with attached comments) and node ranges
 * - `model.ts`   — the intended model: clone, getIn/setIn, purge, deepEqual
 * - `render.ts`  — values written in the file's style (inline, block, tagged)
 * - `replace.ts` — replacing a scalar or a whole value in place
 * - `insert.ts`  — inserting entries into block / flow collections and empty values
 * - `delete.ts`  — deleting entries with their comments and spacing
 * - `combine.ts` — ordering and merging all edits, and the end of the text
 * - `reuse.ts`   — the original text of an entry, its column, and re-indenting it
 */
export { applyEdits } from './edit/apply.js';
export type { TextEdit } from './edit/apply.js';
export type { InsertOptions } from './edit/context.js';
export { Editor } from './edit/editor.js';
export { deepEqual } from './edit/model.js';
export { entryColumn, nodeText, reindent } from './edit/reuse.js';
export type { NodeTextOptions } from './edit/reuse.js';
