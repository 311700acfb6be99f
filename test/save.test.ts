import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, statSync, chmodSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeChanges } from '../src/core/save.js';
import { ComposemodError } from '../src/core/errors.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'cm-save-'));

describe('writeChanges', () => {
  it('modifies, creates and deletes; keeps the mode of modified files; leaves no temp files', async () => {
    const dir = tmp();
    const a = path.join(dir, 'a.yml');
    const gone = path.join(dir, 'gone.yml');
    const created = path.join(dir, 'secrets', 'pw.txt');
    writeFileSync(a, 'a: 1\r\n');
    chmodSync(a, 0o640);
    writeFileSync(gone, 'x: 1\n');
    await writeChanges([
      { path: a, before: 'a: 1\r\n', after: '\ufeffa: 2\r\n' },
      { path: gone, before: 'x: 1\n', after: null },
      { path: created, before: null, after: 's3cret', mode: 0o600 },
    ]);
    expect(readFileSync(a, 'utf8')).toBe('\ufeffa: 2\r\n');
    expect(statSync(a).mode & 0o777).toBe(0o640);
    expect(existsSync(gone)).toBe(false);
    expect(readFileSync(created, 'utf8')).toBe('s3cret');
    expect(statSync(created).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(created)).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).filter((f) => f.includes('composemod'))).toEqual([]);
  });

  it('never rewrites an unchanged file', async () => {
    const dir = tmp();
    const a = path.join(dir, 'a.yml');
    writeFileSync(a, 'a: 1\n');
    const before = statSync(a).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await writeChanges([{ path: a, before: 'a: 1\n', after: 'a: 1\n' }]);
    expect(statSync(a).mtimeMs).toBe(before);
  });

  it('writes nothing at all when one precondition fails', async () => {
    const dir = tmp();
    const a = path.join(dir, 'a.yml');
    const b = path.join(dir, 'b.yml');
    writeFileSync(a, 'a: 1\n');
    writeFileSync(b, 'b: changed behind our back\n');
    const err = await writeChanges([
      { path: a, before: 'a: 1\n', after: 'a: 2\n' },
      { path: b, before: 'b: 1\n', after: 'b: 2\n' },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComposemodError);
    expect((err as ComposemodError).format()).toContain('b.yml');
    expect(readFileSync(a, 'utf8')).toBe('a: 1\n');
    expect(readdirSync(dir).sort()).toEqual(['a.yml', 'b.yml']);
  });

  it('refuses to create over an existing file', async () => {
    const dir = tmp();
    const a = path.join(dir, 'a.yml');
    writeFileSync(a, 'keep\n');
    await expect(writeChanges([{ path: a, before: null, after: 'new\n' }])).rejects.toThrow(/already exists/);
    expect(readFileSync(a, 'utf8')).toBe('keep\n');
  });
});
