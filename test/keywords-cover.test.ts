// The prefilter runs a rule only where one of its keywords is, so every string a rule's pattern
// can match must hold a keyword (and, for a rule tried anchored, start with one). The rules'
// examples check that for a few strings each (windows.test.ts, anchored.test.ts); this checks it
// for strings generated from the patterns themselves, which is how nine rules were found whose
// patterns took spellings their keywords did not (GH_API_TOKEN, SECRETACCESS_KEY, a .pypirc
// section not named pypi). Generated strings are a regression test, not a corpus.
import { RegExpParser, visitRegExpAST } from '@eslint-community/regexpp';
import RandExpModule from 'randexp';
import { describe, expect, it } from 'vitest';
import { WINDOW } from '../src/detect/matcher.js';
import { maxMatchLength, startsWithKeyword } from '../src/detect/match-span.js';
import { builtinRules } from '../src/detect/rules/index.js';

/**
 * The pattern's source with what a generator cannot honour cut out: lookarounds, word boundaries,
 * ^ and $, and backreferences (generated strings are then checked against the real pattern, which
 * puts them back); group names dropped.
 */
function generatorSource(re: RegExp): string {
  const source = re.source;
  const ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(source, 0, source.length, { unicode: re.flags.includes('u') });
  const cuts: Array<[number, number, string]> = [];
  visitRegExpAST(ast, {
    onAssertionEnter: (node) => void cuts.push([node.start, node.end, '']),
    onBackreferenceEnter: (node) => void cuts.push([node.start, node.end, '']),
    onCapturingGroupEnter: (node) => {
      if (node.name) cuts.push([node.start, node.start + `(?<${node.name}>`.length, '(']);
    },
  });
  // Outermost first, and nothing inside a cut (a lookahead holding a group).
  cuts.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let at = 0;
  for (const [start, end, put] of cuts) {
    if (start < at) continue;
    out += source.slice(at, start) + put;
    at = end;
  }
  return out + source.slice(at);
}

/** A small deterministic generator, so a failure can be rerun. */
function prng(seed: number): (a: number, b: number) => number {
  let s = seed >>> 0;
  return (a, b) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return a + Math.floor((s / 2 ** 32) * (b - a + 1));
  };
}

const SAMPLES = 200;
// randexp is CommonJS whose module.exports is the class; its types describe an ES default export.
const RandExp = RandExpModule as unknown as typeof import('randexp').default;

describe('every match of a rule holds one of its keywords', () => {
  it('on strings generated from each windowed rule\'s pattern; anchored rules start with one', () => {
    const offenders: string[] = [];
    const checked: string[] = [];
    for (const rule of builtinRules) {
      const pattern = rule.pattern as RegExp;
      // Rules searched whole (context keywords, path rules, unbounded matches) need no keyword in the match.
      if (rule.structured || rule.keywordsAreContext || rule.paths || maxMatchLength(pattern) > WINDOW.maxSpan) continue;
      const flags = pattern.flags.replace('g', '');
      const real = new RegExp(pattern.source, flags);
      const gen = new RandExp(new RegExp(generatorSource(pattern), flags.includes('i') ? 'i' : ''));
      gen.randInt = prng(rule.id.length * 7919 + rule.id.charCodeAt(0));
      gen.max = 4;
      // Printable ASCII, tab and LF only: what configs and sources are made of.
      gen.defaultRange.subtract(0, 8).subtract(11, 31).subtract(127, 0x10ffff);
      const keywords = rule.keywords.map((k) => k.toLowerCase());
      const anchored = startsWithKeyword(pattern, rule.keywords);
      let matched = 0;
      const misses: string[] = [];
      // Long patterns (key blocks, session tokens) make long strings: a budget of characters, not
      // of samples, keeps them short (randexp makes about 100,000 characters a second), with at least 20 each.
      let chars = 0;
      for (let i = 0; i < SAMPLES && (i < 20 || chars < 30_000); i++) {
        const s = gen.gen();
        chars += s.length;
        const m = [s, ` ${s} `, `\n${s}\n`].map((t) => real.exec(t)).find((x) => x !== null);
        if (!m) continue;
        matched++;
        const text = m[0].toLowerCase();
        if (!keywords.some((k) => (anchored ? text.startsWith(k) : text.includes(k)))) misses.push(m[0].slice(0, 60));
      }
      if (misses.length) offenders.push(`${rule.id}${anchored ? ' (anchored)' : ''}: ${misses.length} of ${matched}, e.g. ${JSON.stringify(misses[0])}`);
      if (matched >= 20) checked.push(rule.id);
    }
    expect(offenders).toEqual([]);
    // Not vacuous: nearly every windowed rule had generated matches to check.
    expect(checked.length).toBeGreaterThan(170);
    for (const id of ['github-legacy-token-env', 'aws-secret-access-key', 'pypirc-password', 'generic-password', 'generic-secret']) expect(checked).toContain(id);
  });

  it('the generator keeps what it cannot honour out, and the real pattern still decides', () => {
    expect(generatorSource(/(?<![a-z])gh(?<secret>[0-9]{4})(?![0-9])\b$/)).toBe('gh([0-9]{4})');
    expect(generatorSource(/(?<q>["']?)x\k<q>(?=(?:a|b))/)).toBe('(["\']?)x');
  });
});
