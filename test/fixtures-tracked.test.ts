/**
 * Fixture trees hold files that the fixtures' own `.gitignore`s ignore (a fix writes `.env`,
 * `secrets/` and the `.gitignore` that hides them). Such files must be force-added, or a clean
 * clone lacks them and the byte-exact fixture tests fail in CI only. In a git checkout, every
 * file under fixtures/ must be tracked (or be deliberately new and untracked, which `git status`
 * shows): none may be hidden by an ignore rule.
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './helpers/shared.js';

const inGit = existsSync(path.join(projectRoot, '.git'));

describe.skipIf(!inGit)('fixtures are all in git', () => {
  it('no fixture file is hidden by a .gitignore (force-add it: git add -f)', () => {
    const hidden = execFileSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--', 'fixtures'], {
      cwd: projectRoot,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    expect(hidden).toEqual([]);
  });
});
