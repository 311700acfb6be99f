/**
 * obsolete-version: the top-level `version:` of a compose file. The Compose Specification has
 * no version; Docker Compose ignores the key and warns ("the attribute `version` is obsolete,
 * it will be ignored"). The fix deletes the key, with the comments that belong to it, in every
 * file that has it: nothing any container gets depends on it, so no environment changes.
 *
 * A comment above `version:` that documents the file (a header separated from it by a blank
 * line, or the document's leading comment) stays; the Editor deletes only the comment lines
 * attached to the entry.
 */
import type { Rule, RuleContext } from './types.js';
import { isObj } from '../core/plain.js';
import { editBlocker } from './place.js';

const rule: Rule = {
  meta: {
    id: 'obsolete-version',
    description: 'Remove the obsolete top-level version key',
    rationale:
      'The Compose Specification has no file version: Docker Compose ignores `version:` and warns on every run, and the number misleads readers into thinking a 2.x or 3.x feature set applies.',
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/obsolete-version.md',
    kinds: {
      'not-editable': { severity: 'warning', description: 'version is reached through an alias or a merge key: remove it by hand' },
    },
    options: [],
  },
  check(ctx: RuleContext): void {
    for (const file of ctx.project.files) {
      if (!isObj(file.model) || !('version' in file.model)) continue;
      const value = file.model.version;
      const shown = typeof value === 'string' || typeof value === 'number' ? ` ${JSON.stringify(value)}` : '';
      const why = editBlocker(file, ['version']);
      if (why) {
        ctx.report({ kind: 'not-editable', file, path: ['version'], message: `version${shown} is obsolete (Compose ignores it) but cannot be removed in place: ${why}` });
        continue;
      }
      const fix = ctx.report({
        file,
        path: ['version'],
        message: `version${shown} is obsolete: Docker Compose ignores it and warns on every run`,
      });
      if (!fix) continue;
      fix.editor(file).deletePair(['version']);
      fix.note({ file: file.path, message: `removed version${shown}`, reason: 'the Compose Specification has no version; Docker Compose ignores the key and warns that it is obsolete' });
    }
  },
};

export default rule;
