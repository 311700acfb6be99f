/**
 * Adding items to a list attribute of a service (`cap_drop`, `cap_add`, `tmpfs`) in one file:
 * appended to the file's own list when it has one, else a new list (place.ts `addToService`).
 */
import { isSeq } from 'yaml';
import type { ComposeFile } from '../project.js';
import type { FixEditor } from '../types.js';
import { nodeAt } from '../../core/query.js';
import { addToService, editBlocker, exists } from '../place.js';

/** Why `services.<service>.<key>` of `file` cannot take new items, or null. */
export function listBlocker(file: ComposeFile, service: string, key: string): string | null {
  const path = ['services', service, key];
  const why = editBlocker(file, path);
  if (why) return why;
  if (!exists(file, path)) return null;
  const node = nodeAt(file.source, path)?.node;
  return isSeq(node) ? null : `${key} in ${file.path} is not a list`;
}

/** Appends `items` to `services.<service>.<key>` of `file` (check `listBlocker` first). */
export function appendToList(ed: FixEditor, file: ComposeFile, service: string, key: string, items: readonly string[]): void {
  const path = ['services', service, key];
  if (exists(file, path)) for (const item of items) ed.appendItem(path, item);
  else addToService(ed, file, service, key, [...items]);
}
