/**
 * The merge engine (core/merge: what extract and fix compare environments with) against the
 * project loader (core/loader: Docker Compose's pipeline, byte-identical to `docker compose
 * config` over this corpus, test/reference/config-corpus.test.ts) on every file of
 * ../shared/corpus/single: both accept or both reject each file, and where they accept, the
 * normal forms are equal. Skips with a message when the corpus is absent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComposemodError } from '../../src/core/errors.js';
import { parseSource } from '../../src/core/source.js';
import { toModel } from '../../src/core/model.js';
import { configModel, normalize } from '../../src/core/merge/index.js';
import { loadProject } from '../../src/core/loader/index.js';
import { corpusSingle, sharedPresent, sharedSkipMessage } from '../helpers/shared.js';

if (!sharedPresent) console.log(sharedSkipMessage);
const names = sharedPresent ? readdirSync(corpusSingle).filter((f) => /\.ya?ml$/.test(f)) : [];

function outcome<T>(run: () => T): T | ComposemodError {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof ComposemodError)) throw e;
    return e;
  }
}

describe.skipIf(!sharedPresent)('corpus: merge engine = project loader (no interpolation)', () => {
  it('has files', () => {
    expect(names.length).toBeGreaterThan(200);
  });
  it.each(names)('%s', (name) => {
    const file = path.join(corpusSingle, name);
    const engine = outcome(() => configModel([{ path: file, model: toModel(parseSource(readFileSync(file, 'utf8'), file)) }]));
    const loader = outcome(
      () => loadProject({ workingDir: corpusSingle, files: [name], projectName: 'x', environment: {}, interpolate: false, resolvePaths: false, normalize: false }).model,
    );
    if (engine instanceof ComposemodError || loader instanceof ComposemodError) {
      expect(engine instanceof ComposemodError, `engine: ${String(engine)}, loader: ${String(loader)}`).toBe(loader instanceof ComposemodError);
      return;
    }
    expect(normalize(engine)).toEqual(engine);
    expect(engine).toEqual(normalize(loader));
  });
});
