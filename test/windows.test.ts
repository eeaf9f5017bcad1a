// Rule regexes run only in windows around their keyword hits; these tests pin what that may not change.
import { describe, expect, it } from 'vitest';
import { Matcher } from '../src/detect/matcher.js';
import { lookaroundReach, maxMatchLength, minMatchLength } from '../src/detect/match-span.js';
import type { Rule } from '../src/detect/rule.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { githubToken } from './helpers/secrets.js';

function rule(id: string, keyword: string, pattern: RegExp): Rule {
  return { id, title: id, severity: 'high', provider: 't', keywords: [keyword], pattern, examples: { positive: [], negative: [] } };
}

const filler = (n: number) => 'lorem ipsum dolor '.repeat(Math.ceil(n / 18)).slice(0, n);

describe('windowed matching', () => {
  // The longest match is SPAN, and this one is that long: it starts exactly SPAN characters before
  // its keyword ends, at the window's first character, where the window hides what precedes it.
  const SPAN = 1024;
  const edge = rule('edge', 'zzz', new RegExp(`(?<![a-z0-9])(?<secret>[a-y0-9]{${SPAN - 3}}zzz)`));
  // Random-looking, so no placeholder filter drops it.
  const body = `${Array.from({ length: SPAN - 3 }, (_, i) => 'q7w3e9r1t5y2u8i4o6p0'[(i * 7) % 20]).join('')}zzz`;

  it('a lookbehind at a cut window edge is judged on the whole text (no false match)', () => {
    const text = `${filler(20_000)}b${body} ${filler(20_000)}`;
    expect(new Matcher([edge], 0).scan(text).matches).toEqual([]);
  });

  it('and the same match with a real boundary before it is found, at its exact span', () => {
    const text = `${filler(20_000)} ${body} ${filler(20_000)}`;
    const [m] = new Matcher([edge], 0).scan(text).matches;
    expect(m?.secret).toBe(body);
    expect(m?.start).toBe(text.indexOf(body));
  });

  it('finds a provider token inside one 400 KB minified line, with the built-in rules', () => {
    const token = githubToken();
    const text = `${'var a=1;'.repeat(25_000)}const t="${token}";${'var b=2;'.repeat(25_000)}`;
    const found = new Matcher(builtinRules, 0).scan(text).matches.find((m) => m.secret === token);
    expect(found?.rule.id).toBe('github-personal-access-token');
    expect(found?.column).toBe(text.indexOf(token) + 1);
  });

  it('a keyword too common for windows falls back to the whole text', () => {
    const r = rule('common', 'key', /key=(?<secret>[0-9]{6})/);
    const text = `${'key '.repeat(400)}${filler(30_000)}key=123456`;
    expect(new Matcher([r], 0).scan(text).matches.map((m) => m.secret)).toEqual(['123456']);
  });

  it('non-ASCII text is scanned whole (byte offsets are not character offsets there)', () => {
    const r = rule('t', 'tok_', /tok_(?<secret>[0-9]{6})/);
    const text = `${'é'.repeat(30_000)} tok_654321`;
    expect(new Matcher([r], 0).scan(text).matches.map((m) => m.secret)).toEqual(['654321']);
  });
});

describe('the invariant windows rely on', () => {
  it('every bounded built-in rule\'s examples hold a keyword inside the match (or the rule says its keywords are context)', () => {
    const offenders: string[] = [];
    for (const r of builtinRules) {
      const pattern = r.pattern as RegExp; // built-in rules are V8 regexes
      if (r.structured || r.keywordsAreContext || r.paths || maxMatchLength(pattern) > 20_000) continue;
      const re = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
      for (const { text } of r.examples.positive) {
        re.lastIndex = 0;
        const m = re.exec(text);
        if (m && !r.keywords.some((k) => m[0].toLowerCase().includes(k.toLowerCase()))) offenders.push(r.id);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('bounds match lengths from the pattern, counting back-references by their group', () => {
    expect(maxMatchLength(/ab{2,5}c/)).toBe(7);
    expect(maxMatchLength(/(?<q>["']?)x{3}\k<q>/)).toBe(5);
    expect(maxMatchLength(/a+/)).toBe(Infinity);
    expect(maxMatchLength(/(?<![a-z])x(?=y)/)).toBe(1);
  });

  it('answers each question of the pattern asked, with questions of different patterns interleaved (the parse is memoised)', () => {
    const a = /(?<=k)ab{2,5}c/;
    const b = /x{3}(?!z)/;
    // Same source, other object: its own answers, not a stale tree's.
    const a2 = new RegExp(a.source);
    for (let i = 0; i < 2; i++) {
      expect(maxMatchLength(a)).toBe(7);
      expect(maxMatchLength(b)).toBe(3);
      expect(minMatchLength(a)).toBe(4);
      expect(lookaroundReach(b)).toEqual(lookaroundReach(new RegExp(b.source)));
      expect(minMatchLength(b)).toBe(3);
      expect(maxMatchLength(a2)).toBe(7);
      expect(maxMatchLength(/q{9}/)).toBe(9);
    }
    expect(lookaroundReach(a).behind).toBeGreaterThan(0);
    expect(lookaroundReach(b).ahead).toBeGreaterThan(0);
  });
});

describe('the count of characters the regexes read', () => {
  it('unionLength gives what merging sorted pairs gives, on random overlapping and unsorted spans', async () => {
    const { unionLength, unionLengthOfPairs } = await import('../src/detect/matcher.js');
    let seed = 3;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let t = 0; t < 300; t++) {
      const pairs: number[] = [];
      for (let i = 0, n = 1 + rand(40); i < n; i++) {
        const lo = rand(t % 2 ? 100 : 5_000_000);
        pairs.push(lo, lo + rand(300));
      }
      expect(unionLength(pairs)).toBe(unionLengthOfPairs(pairs));
    }
    expect(unionLength([5, 10, 0, 7, 20, 20, 8, 9])).toBe(10);
  });
});
