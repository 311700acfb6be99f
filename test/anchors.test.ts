import { describe, it, expect } from 'vitest';
import { parseDocument, isAlias, visit, type Alias } from 'yaml';
import { aliasTarget } from '../src/core/anchors.js';

function aliases(text: string) {
  const doc = parseDocument(text, { merge: true });
  const out: Alias[] = [];
  visit(doc, { Alias: (_k, a) => void out.push(a) });
  return { doc, out };
}

describe('aliasTarget', () => {
  it('agrees with yaml on every alias, including a redefined anchor and << merges', () => {
    const { doc, out } = aliases(
      'x-a: &a {restart: always}\nservices:\n  one: {<<: *a, image: x}\n  two: &a {image: y}\n  three: *a\n  list: [&b 1, *b, &b 2, *b]\n',
    );
    expect(out).toHaveLength(4);
    for (const a of out) expect(aliasTarget(doc, a)).toBe(a.resolve(doc));
    expect(isAlias(out[1])).toBe(true);
    expect((aliasTarget(doc, out[1]) as { toJSON(): unknown }).toJSON()).toEqual({ image: 'y' });
  });

  it('an unknown alias has no target; an alias inside its own anchor points at it (recursion)', () => {
    const unknown = aliases('a: *nope\n');
    expect(aliasTarget(unknown.doc, unknown.out[0])).toBeUndefined();
    const rec = aliases('a: &r [1, *r]\n');
    expect(aliasTarget(rec.doc, rec.out[0])).toBe(rec.doc.get('a', true));
  });
});
