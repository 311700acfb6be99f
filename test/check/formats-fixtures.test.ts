/**
 * Byte-exact outputs of `composemod check` in every format: fixtures/check/<case>/input/ (a
 * project), args.json ({ "args": [...], "exitCode": N }) and expected.<format> for text, json,
 * github, junit and sarif. The SARIF file's `%SRCROOT%` (the temporary directory) is written
 * as `file:///SRCROOT/`. `UPDATE_CHECK_FIXTURES=1` rewrites the expected files (review the diff).
 */
import { describe, it, expect } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';

const root = path.join(projectRoot, 'fixtures', 'check');
const update = process.env.UPDATE_CHECK_FIXTURES === '1';
const formats = ['text', 'json', 'github', 'junit', 'sarif'];

describe('check output fixtures', () => {
  for (const name of readdirSync(root).sort()) {
    const dir = path.join(root, name);
    const { args, exitCode } = JSON.parse(readFileSync(path.join(dir, 'args.json'), 'utf8')) as { args: string[]; exitCode: number };
    for (const format of formats)
      it(`${name}: --format ${format}`, async () => {
        const work = mkdtempSync(path.join(tmpdir(), 'cm-check-fixture-'));
        cpSync(path.join(dir, 'input'), work, { recursive: true });
        const r = await cli(['check', '--format', format, ...args], { cwd: work });
        expect(r.code, r.stderr).toBe(exitCode);
        const out = r.stdout.split(pathToFileURL(`${work}/`).href).join('file:///SRCROOT/');
        const file = path.join(dir, `expected.${format}`);
        if (update || !existsSync(file)) writeFileSync(file, out);
        expect(out).toBe(readFileSync(file, 'utf8'));
      });
  }
});
