/**
 * Property tests for the edit layer on generated files: a file written by `emitYaml` in any
 * detected-format style (with comment lines) survives an Editor without operations byte for
 * byte, and `deletePair` of a service attribute removes exactly that entry's lines (with its
 * attached comments) and nothing else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Editor } from '../../src/core/edit.js';
import { toModel } from '../../src/core/model.js';
import { pairAt } from '../../src/core/query.js';
import { parseSource } from '../../src/core/source.js';
import { modelArb, readBack, render, runs, styleArb, type Obj } from './arbitraries.js';

/** Lines with their EOLs (so CRLF and a missing final newline are compared too). */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const linesOf = (t: string): string[] => t.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/**
 * Is `out` the lines of `before` with one block [s, e) removed, where the block holds the
 * entry's lines [first, last], and its other lines are comments: attached ones above the
 * entry (at or left of its column `col`) and deeper-indented ones after it?
 */
function oneBlockRemoved(before: string[], out: string[], first: number, last: number, col: number): boolean {
  const removed = before.length - out.length;
  if (removed <= 0) return false;
  const indent = (l: string) => /^ */.exec(l)![0].length;
  const comment = (l: string) => /^\s*#/.test(l);
  for (let s = 0; s <= first; s++) {
    const e = s + removed;
    if (e <= last) continue;
    if (!before.slice(0, s).every((l, i) => out[i] === l)) continue;
    if (!before.slice(e).every((l, i) => out[s + i] === l)) continue;
    if (!before.slice(s, first).every((l) => comment(l) && indent(l) <= col)) continue;
    if (!before.slice(last + 1, e).every((l) => comment(l) && indent(l) > col)) continue;
    return true;
  }
  return false;
}

describe('edit-layer properties', () => {
  it('an Editor without operations gives the file back byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(modelArb, styleArb, async (model, style) => {
        await tick();
        const text = render(model, style, 'f');
        const src = parseSource(text, 'compose.yaml');
        expect(new Editor(src).apply()).toBe(text);
        // the emitted text reads back as the model, and its style is detected
        expect(toModel(src)).toEqual(readBack(model, style));
        expect(src.format.eol).toBe(style.format.eol);
        expect(src.format.bom).toBe(style.format.bom);
      }),
      runs(120),
    );
  });

  it('deletePair of a service attribute removes that entry (and its attached comments) only', async () => {
    const arb = fc.record({ model: modelArb, style: styleArb, svcPick: fc.nat(9), keyPick: fc.nat(20) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ model, style, svcPick, keyPick }) => {
        await tick();
        const text = render(model, style, 'f');
        const src = parseSource(text, 'compose.yaml');
        const services = model.services as Record<string, Obj>;
        const names = Object.keys(services);
        const name = names[svcPick % names.length];
        const keys = Object.keys(services[name]);
        const key = keys[keyPick % keys.length];
        const path = ['services', name, key];
        const ref = pairAt(src, path)!;
        const expected = structuredClone(model);
        delete (expected.services as Record<string, Obj>)[name][key];
        const read = readBack(expected, style);
        if ((read.services as Record<string, Obj>)[name][key] !== undefined) {
          // a `<<: *common` merge also provides the key: deleting it would expose that value
          expect(() => new Editor(src).deletePair(path)).toThrow(/merge key also provides/);
          return;
        }
        const after = new Editor(src).deletePair(path).apply();

        // the model: the original minus that key
        expect(toModel(parseSource(after, 'compose.yaml'))).toEqual(read);

        // the text: one block of whole lines removed, holding the entry's lines; the lines of the
        // block outside the entry are comments (attached above it, or deeper-indented after it)
        const bom = style.format.bom ? '\uFEFF' : '';
        const before = linesOf(src.text);
        const out = linesOf(after.slice(bom.length));
        expect(after.slice(0, bom.length)).toBe(bom);
        const first = src.position(ref.pairRange[0]).line - 1;
        // (a null value's range can reach into the next line: the entry ends at its last content line)
        let end = ref.pairRange[1];
        while (/\s/.test(src.text[end - 1])) end--;
        let last = src.position(end - 1).line - 1;
        while (last > first && /^\s*(#.*)?\s*$/.test(before[last])) last--;
        const col = src.position(ref.pairRange[0]).col - 1;
        // deleting the last entry leaves `name: {}` on the service's line
        const header = src.position(pairAt(src, ['services', name])!.pairRange[0]).line - 1;
        const expectedBefore = (ref.parent as { items: unknown[] }).items.length === 1 ? before.map((l, i) => (i === header ? l.replace(/(\r?\n)$/, ' {}$1') : l)) : before;
        expect(oneBlockRemoved(expectedBefore, out, first, last, col), `${JSON.stringify(path)}:\n${after}`).toBe(true);
      }),
      runs(120),
    );
  });
});
