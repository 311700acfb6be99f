/**
 * Every offline fix together over every file of ../shared/corpus/single: never crashes (bad
 * input is a ComposemodError, counted), every output re-parses and validates against the
 * compose-spec schema, and a second run changes nothing. Prints the counts per fix.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, mkdtempSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../src/rules/index.js';
import { runFixes } from './helpers/run-fixes.js';
import { writeChanges } from '../src/core/save.js';
import { parseSource } from '../src/core/source.js';
import { toComposeModel } from '../src/core/project.js';
import { ComposemodError } from '../src/core/errors.js';

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'corpus', 'single');
const present = existsSync(corpus);
if (!present) console.warn(`skipping fix corpus test: ${corpus} is absent`);

describe('all offline fixes over corpus/single', () => {
  it.skipIf(!present)('never crash, outputs validate, second run changes nothing', async () => {
    const offline = (await loadRules()).filter((t) => !t.meta.network && t.meta.fixable);
    const perFix: Record<string, { files: number; changes: number; warnings: number }> = {};
    for (const t of offline) perFix[t.meta.id] = { files: 0, changes: 0, warnings: 0 };
    let changed = 0;
    const rejected: string[] = [];
    const files = readdirSync(corpus).filter((f) => /\.ya?ml$/.test(f));
    for (const name of files) {
      const dir = mkdtempSync(path.join(tmpdir(), 'cm-corpus-fix-'));
      const file = path.join(dir, name);
      copyFileSync(path.join(corpus, name), file);
      const target = { dir, environments: [{ name: 'default', files: [file] }] };
      let first;
      try {
        first = await runFixes(target, offline, {});
      } catch (e) {
        expect(e, `${name}: only ComposemodError may escape`).toBeInstanceOf(ComposemodError);
        expect((e as ComposemodError).message).not.toMatch(/^internal/);
        rejected.push(`${name}: ${(e as ComposemodError).format()}`);
        continue;
      }
      if (first.changes.length) changed++;
      for (const t of offline) {
        const n = first.notes.filter((x) => x.rule === t.meta.id).length;
        perFix[t.meta.id].changes += n;
        if (n) perFix[t.meta.id].files++;
        perFix[t.meta.id].warnings += first.warnings.filter((x) => x.rule === t.meta.id).length;
      }
      await writeChanges(first.changes);
      const out = readFileSync(file, 'utf8');
      expect(() => toComposeModel(parseSource(out, file)), `${name} output validates`).not.toThrow();
      const second = await runFixes(target, offline, {});
      expect(second.changes.map((c) => c.path), `${name}: second run`).toEqual([]);
    }
    console.log(
      `fix over corpus/single: ${files.length} files, ${changed} changed, ${rejected.length} rejected as invalid input\n` +
        Object.entries(perFix)
          .map(([k, v]) => `  ${k}: ${v.files} files, ${v.changes} changes, ${v.warnings} warnings`)
          .join('\n') +
        (rejected.length ? `\n  rejected:\n    ${rejected.join('\n    ')}` : ''),
    );
    expect(changed).toBeGreaterThan(0);
  });
});
