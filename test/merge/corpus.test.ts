/**
 * Every real-world file of ../shared/corpus/single: canonicalize and configModel either
 * succeed or throw a ComposemodError, never another exception. Skipped when the corpus is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ComposemodError } from '../../src/core/errors.js';
import { toModel } from '../../src/core/model.js';
import { canonicalize, configModel, normalize } from '../../src/core/merge/index.js';

const dir = fileURLToPath(new URL('../../../shared/corpus/single', import.meta.url));
const present = existsSync(dir);
if (!present) console.warn('skipping: ../shared/corpus absent');
const names = present ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : [];

function outcome(run: () => unknown): 'ok' | 'error' {
  try {
    run();
    return 'ok';
  } catch (e) {
    if (!(e instanceof ComposemodError)) throw e;
    return 'error';
  }
}

describe.skipIf(!present)('corpus: single files', () => {
  it('has files', () => {
    expect(names.length).toBeGreaterThan(0);
  });
  it.each(names)('%s', (name) => {
    const text = readFileSync(`${dir}/${name}`, 'utf8');
    const doc = parseDocument(text, { merge: true, uniqueKeys: false });
    if (outcome(() => toModel(doc, name)) === 'error') return;
    const model = toModel(doc, name);
    outcome(() => canonicalize(model, name));
    if (outcome(() => configModel([{ path: name, model }])) === 'ok') {
      const normal = configModel([{ path: name, model }]);
      expect(normalize(normal)).toEqual(normal);
    }
  });
});
