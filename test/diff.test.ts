import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { formatDiff } from '../src/core/diff.js';
import type { FileChange } from '../src/core/save.js';

function gitApply(dir: string, patch: string): void {
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(path.join(dir, 'p.diff'), patch);
  execFileSync('git', ['apply', '--whitespace=nowarn', 'p.diff'], { cwd: dir });
}

describe('formatDiff', () => {
  it('produces a patch git apply accepts for modified, created and deleted files (LF, CRLF, no final newline)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-diff-'));
    mkdirSync(path.join(dir, 'sub'));
    const files: Record<string, [string | null, string | null]> = {
      'a.yml': ['services:\n  web:\n    image: nginx\n    container_name: web\n', 'services:\n  web:\n    image: nginx:1.27\n'],
      'sub/crlf.yml': ['a: 1\r\nb: 2\r\nc: 3\r\n', 'a: 1\r\nb: 20\r\nc: 3\r\n'],
      'nonl.yml': ['x: 1\ny: 2', 'x: 1\ny: 3'],
      'new.yml': [null, 'services:\n  db:\n    image: postgres:16\n'],
      'gone.yml': ['version: "3"\n', null],
      'same.yml': ['k: v\n', 'k: v\n'],
    };
    const changes: FileChange[] = [];
    for (const [name, [before, after]] of Object.entries(files)) {
      const p = path.join(dir, name);
      if (before !== null) writeFileSync(p, before);
      changes.push({ path: p, before, after });
    }
    const patch = formatDiff(changes, { cwd: dir });
    expect(patch).not.toContain('same.yml');
    expect(patch).toContain('new file mode 100644');
    expect(patch).toContain('deleted file mode 100644');
    expect(patch).toContain('\\ No newline at end of file');
    gitApply(dir, patch);
    for (const [name, [, after]] of Object.entries(files)) {
      const p = path.join(dir, name);
      if (after === null) expect(existsSync(p)).toBe(false);
      else expect(readFileSync(p, 'utf8')).toBe(after);
    }
  });

  it('colours only when asked', () => {
    const change: FileChange = { path: '/tmp/x.yml', before: 'a: 1\n', after: 'a: 2\n' };
    expect(formatDiff([change], { cwd: '/tmp' })).not.toContain('\u001b[');
    expect(formatDiff([change], { cwd: '/tmp', color: true })).toContain('\u001b[32m+a: 2');
  });

  it('is empty when nothing changes', () => {
    expect(formatDiff([{ path: '/tmp/x.yml', before: 'a\n', after: 'a\n' }])).toBe('');
  });
});
