// The byte filter that spares a string per line when a pass over git output wants a few ids.
import { describe, expect, it } from 'vitest';
import { idPrefixFilter } from '../src/sources/git/id-prefix.js';
import { inStoreOrder } from '../src/sources/git/store-order.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('idPrefixFilter', () => {
  it('passes an id whose first four bytes a wanted one has, and refuses the others', () => {
    const mayBe = idPrefixFilter(['abcd1234', 'ffff0000']);
    const text = b('xx abcd9999 ffff0000 abce1234');
    expect(mayBe(text, 3, 8)).toBe(true); // same first four bytes, another id: the lookup decides
    expect(mayBe(text, 12, 8)).toBe(true);
    expect(mayBe(text, 21, 8)).toBe(false);
  });

  it('passes everything it cannot judge: a short id seen, or a short id wanted', () => {
    expect(idPrefixFilter(['abcd1234'])(b('ab'), 0, 2)).toBe(true);
    expect(idPrefixFilter(['abc', 'abcd1234'])(b('zzzz9999'), 0, 8)).toBe(true);
    expect(idPrefixFilter([])(b('zzzz9999'), 0, 8)).toBe(false);
  });

  it("finds each wanted id's place in a held walk, whatever ids share its prefix", () => {
    const ids = ['1111aaaa', '1111bbbb', '2222cccc', '3333dddd'];
    const walk = [`${ids[0]} a`, ids[1], `${ids[2]} c d`, `${ids[3]} e`].join('\n');
    const held = inStoreOrder([b(walk)], [b(ids.map((id) => `${id} blob`).join('\n') + '\n')], () => undefined);
    expect(Object.fromEntries(held.walkIndexOf(new Set([ids[1]!, ids[3]!, '9999eeee'])))).toEqual({ [ids[1]!]: 1, [ids[3]!]: 3 });
  });
});
