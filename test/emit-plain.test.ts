/**
 * emit's fast path for plain scalars agrees with the general judgement (write plain, read back
 * under YAML 1.2 and 1.1): whatever `obviouslyPlain` accepts, parsing accepts too, in block and
 * in flow position.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { obviouslyPlain, judgeByParsing, plainSafe } from '../src/core/emit.js';

const alphabet = 'aAbByYnNoOtTfFlLuUeEsS019_./@+-'.split('');

describe('plain scalar fast path', () => {
  it('never calls a string plain that YAML 1.1 or 1.2 would read as something else', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 8 }), (chars) => {
        const s = chars.join('');
        if (obviouslyPlain(s)) {
          expect(judgeByParsing(s, false), s).toBe(true);
          expect(judgeByParsing(s, true), s).toBe(true);
        }
      }),
      { numRuns: 20000 },
    );
  });

  it('the special words in every case stay quoted; ordinary names are plain', () => {
    for (const w of ['yes', 'No', 'ON', 'off', 'True', 'FALSE', 'null', 'Null', 'y', 'N']) {
      expect(obviouslyPlain(w), w).toBe(false);
      expect(plainSafe(w), w).toBe(false);
    }
    for (const w of ['nginx', 'library/postgres', 'ghcr.io/acme/api', 'redis_data', 'app-1.2', 'yesterday', 'nullable']) {
      expect(obviouslyPlain(w), w).toBe(true);
      expect(plainSafe(w), w).toBe(true);
    }
    for (const w of ['8080:80', '0755', '1.0', '~', '.inf', '2024-01-15', '']) expect(plainSafe(w), w).toBe(false);
  });
});
