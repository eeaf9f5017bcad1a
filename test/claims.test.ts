// The matcher's claimed spans (src/detect/claims.ts) answer "does this span overlap one?" by binary
// search; it must give the answer a search of every claim gives, whatever order claims come in.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Claims, type Claim } from '../src/detect/claims.js';
import { Matcher } from '../src/detect/matcher.js';
import type { Rule } from '../src/detect/rule.js';

/** The old rule: a span overlaps a claim when each starts before the other ends. */
const naive = (list: Claim[], s: number, e: number) => list.some(([cs, ce]) => s < ce && e > cs);

/** A small deterministic generator, so a failure can be replayed. */
function lcg(seed: number) {
  let x = seed >>> 0;
  return (n: number) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
}

describe('claims', () => {
  it('answers overlap as a search of every claim does, with claims added as the matcher adds them', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = lcg(seed);
      const claims = new Claims();
      const ref: Claim[] = [];
      // Rules in turn, each adding ascending spans that overlap nothing claimed (touching allowed).
      for (let rule = 0, rules = 1 + rnd(6); rule < rules; rule++) {
        let at = rnd(20);
        for (let k = 0, tries = rnd(40); k < tries; k++) {
          const s = at + rnd(15);
          const e = s + 1 + rnd(12);
          at = rnd(4) === 0 ? rnd(200) : e - rnd(3);
          const hit = claims.overlaps(s, e);
          expect(hit, `seed ${seed}: [${s}, ${e})`).toBe(naive(ref, s, e));
          if (!hit) {
            claims.add(s, e, rule % 2 === 0);
            ref.push([s, e, rule % 2 === 0]);
          }
        }
      }
      for (let s = 0; s < 240; s += 1 + rnd(3)) for (const len of [1, 2, 7, 40]) expect(claims.overlaps(s, s + len)).toBe(naive(ref, s, s + len));
      expect(claims.list).toEqual(ref);
    }
  });

  it('takes claims made elsewhere that overlap one another', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const rnd = lcg(seed);
      const ref: Claim[] = Array.from({ length: rnd(30) }, () => {
        const s = rnd(150);
        return [s, s + 1 + rnd(25)] as Claim;
      });
      const claims = Claims.of(ref);
      for (let s = 0; s < 200; s++) for (const len of [1, 3, 30]) expect(claims.overlaps(s, s + len), `seed ${seed}`).toBe(naive(ref, s, s + len));
    }
    expect(Claims.of([]).overlaps(0, 10)).toBe(false);
  });

  it('in the matcher: an earlier rule keeps its spans, a later one is reported only outside them, across many matches', () => {
    const rule = (id: string, pattern: RegExp, keyword: string): Rule => ({
      id,
      title: id,
      severity: 'high',
      provider: 't',
      keywords: [keyword],
      pattern,
      examples: { positive: [], negative: [] },
    });
    const a = rule('a', /(?<secret>tok_[a-z0-9]{12})/g, 'tok_');
    // Matches every token a finds (and more): only the ones a did not take are its own.
    const b = rule('b', /(?<secret>(?:tok|key)_[a-z0-9]{12})/g, '_');
    const lines: string[] = [];
    const want = { a: 0, b: 0 };
    for (let i = 0; i < 3000; i++) {
      // Random-looking, so no placeholder filter takes any.
      const id = createHash('sha1').update(String(i)).digest('hex').slice(0, 12);
      if (i % 3 === 0) {
        lines.push(`key_${id}`);
        want.b++;
      } else {
        lines.push(`tok_${id}`);
        want.a++;
      }
    }
    const { matches } = new Matcher([a, b], 0).scan(lines.join('\n'));
    const count = (id: string) => matches.filter((m) => m.rule.id === id).length;
    expect(count('a')).toBe(want.a);
    expect(count('b')).toBe(want.b);
    expect(matches.every((m) => m.rule.id === 'a' || m.secret.startsWith('key_'))).toBe(true);
  });
});
