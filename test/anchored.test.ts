// A rule whose every match starts with one of its keywords is tried anchored at each keyword hit
// (src/detect/match-span.ts startsWithKeyword, Matcher.scanAnchored) instead of searched for.
import { describe, expect, it } from 'vitest';
import { matchAlphabet, minMatchLength, startsWithKeyword } from '../src/detect/match-span.js';
import { Matcher } from '../src/detect/matcher.js';
import { builtinRules } from '../src/detect/rules/index.js';
import type { Rule } from '../src/detect/rule.js';

describe('startsWithKeyword', () => {
  it('sees a literal start through lookbehinds, groups, alternations and optional characters', () => {
    expect(startsWithKeyword(/(?<![a-z])(?<secret>pat[A-Za-z0-9]{14})/, ['pat'])).toBe(true);
    expect(startsWithKeyword(/(?:https?|ftp):\/\/x/, ['http://', 'https://', 'ftp://'])).toBe(true);
    expect(startsWithKeyword(/postgres(?:ql)?:\/\//i, ['POSTGRES'])).toBe(true);
    expect(startsWithKeyword(/[Gg]hp_[A-Za-z0-9]{36}/, ['ghp_'])).toBe(true);
    expect(startsWithKeyword(/\bAKIA[0-9A-Z]{16}/, ['akia'])).toBe(true);
    expect(startsWithKeyword(/(?:ab){2}c/, ['ababc'])).toBe(true);
    // A class of a few characters is one branch each; a branch that has its keyword stops growing,
    // so the optional parts after it (the generic rules') do not multiply the branches.
    expect(startsWithKeyword(/[ab]cd/, ['acd', 'bc'])).toBe(true);
    expect(startsWithKeyword(/api[_-]?key/i, ['api_key', 'api-key', 'apikey'])).toBe(true);
    expect(startsWithKeyword(/(?:password|passwd)[A-Za-z0-9_]{0,16}["']?\s{0,4}(?:=|:|:=|=>)\s{0,4}(?<q>["'`]?)x/i, ['password', 'passwd'])).toBe(true);
  });

  it('says no whenever some match could start elsewhere', () => {
    // "http://" is not a prefix of every match: "https://" has an s before the slashes.
    expect(startsWithKeyword(/https?:\/\//, ['http://'])).toBe(false);
    // The keyword sits after the start.
    expect(startsWithKeyword(/[0-9a-f]{32}-us[0-9]{1,2}/, ['-us'])).toBe(false);
    // One branch is shorter than the keyword: "gh.token" starts with "gh", not "gh_token".
    expect(startsWithKeyword(/(?:github|gh)[_.-]?token/, ['github', 'gh_token'])).toBe(false);
    // An optional leading character, or a class of two different letters.
    expect(startsWithKeyword(/x?abc/, ['abc'])).toBe(false);
    expect(startsWithKeyword(/[ab]cd/, ['acd', 'bd'])).toBe(false);
    expect(startsWithKeyword(/api[_-]?key/, ['api_key', 'apikey'])).toBe(false);
    expect(startsWithKeyword(/abc|def/, ['abc'])).toBe(false);
    expect(startsWithKeyword(/a*bc/, ['abc'])).toBe(false);
    expect(startsWithKeyword(/abc/, [])).toBe(false);
  });
});

/** A whole-text search with the rule's own regex: what an anchored try must reproduce. */
function searched(rule: Rule, text: string): Array<[number, string]> {
  const re = new RegExp((rule.pattern as RegExp).source, `${(rule.pattern as RegExp).flags.replace(/[gy]/g, '')}gd`);
  return [...text.matchAll(re)].filter((m) => m.groups?.secret).map((m) => [m.indices!.groups!.secret![0], m.groups!.secret!]);
}

describe('anchored matching', () => {
  const anchored = builtinRules.filter((r) => r.pattern instanceof RegExp && !r.paths && !r.structured && startsWithKeyword(r.pattern, r.keywords));

  it('covers most built-in rules', () => {
    expect(anchored.length).toBeGreaterThan(builtinRules.length / 2);
  });

  it('every positive example of an anchored rule starts at one of its keywords', () => {
    for (const rule of anchored) {
      for (const ex of rule.examples?.positive ?? []) {
        for (const [at, secret] of searched(rule, ex.text)) {
          const m = new RegExp((rule.pattern as RegExp).source, `${(rule.pattern as RegExp).flags.replace(/[gy]/g, '')}gd`);
          const start = [...ex.text.matchAll(m)].find((x) => x.groups?.secret === secret)!.index;
          const lower = ex.text.toLowerCase();
          expect(rule.keywords.some((k) => lower.startsWith(k.toLowerCase(), start)), `${rule.id} at ${at}`).toBe(true);
        }
      }
    }
  });

  it('finds exactly what a whole-text search finds, with many examples in one long text', () => {
    // Each rule alone, so overlap between rules does not hide a difference; the text is long enough
    // (over 4 KiB) for keyword hits to be used, and repeats every example among filler and near
    // misses. The reference is the same rule marked keywordsAreContext: always searched whole.
    let compared = 0;
    for (const rule of anchored) {
      const parts: string[] = [];
      for (const ex of rule.examples?.positive ?? []) parts.push(ex.text, ...(rule.examples?.negative ?? []), 'filler '.repeat(90));
      // Back to back too: a hit inside an earlier match is skipped as a search skips past it.
      parts.push((rule.examples?.positive ?? []).map((e) => e.text).join(''));
      const text = parts.join('\n').repeat(3);
      const seen = (r: Rule) => new Matcher([r], 0).scan(text, 'src/app.txt').matches.map((m) => [m.start, m.end, m.secret, m.line, m.column]);
      const got = seen(rule);
      expect(got, rule.id).toEqual(seen({ ...rule, keywordsAreContext: true }));
      // As bytes (ASCII, so read through ByteText): each try runs on the span it reads only.
      expect(new Matcher([rule], 0).scan(Buffer.from(text), 'src/app.txt').matches.map((m) => [m.start, m.end, m.secret, m.line, m.column]), rule.id).toEqual(got);
      if (got.length) compared++;
      // Acceptance (entropy, placeholders, validators) may drop a match, never add one elsewhere.
      const found = searched(rule, text);
      for (const [start, , secret] of got) expect(found, rule.id).toContainEqual([start, secret]);
    }
    expect(compared).toBeGreaterThan(anchored.length / 2);
  });

  it('finds exactly what a whole-text search finds on mutated examples (the alphabet and length checks lose nothing)', () => {
    // Each variant changes one character inside the first characters of an example's match, where
    // the length check decides, to any printable ASCII character or one of these: Latin-1, letters
    // that fold across ranges under a case-blind match (Kelvin sign, long s), a surrogate pair.
    const pool = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), '\t', '\u00e9', '\u00a0', '\u212a', '\u017f', '\ud83d\ude00'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    let compared = 0;
    for (const rule of anchored) {
      const re = rule.pattern as RegExp;
      const reach = minMatchLength(re) + 2;
      let found = 0;
      for (const ex of rule.examples?.positive ?? []) {
        for (const m of ex.text.matchAll(new RegExp(re.source, `${re.flags.replace(/[gy]/g, '')}g`))) {
          // In texts of 100 variants: fewer keyword hits than the prefilter keeps positions for.
          for (let chunk = 0; chunk < 8; chunk++) {
            const parts: string[] = [ex.text.toUpperCase()];
            for (let k = 0; k < 100; k++) {
              const at = m.index + rand(Math.min(reach, m[0].length));
              parts.push(ex.text.slice(0, at) + pool[rand(pool.length)]! + ex.text.slice(at + 1), 'filler '.repeat(8));
            }
            const text = parts.join('\n');
            const seen = (r: Rule) => new Matcher([r], 0).scan(text, 'src/app.txt').matches.map((x) => [x.start, x.end, x.secret]);
            const got = seen(rule);
            expect(got, rule.id).toEqual(seen({ ...rule, keywordsAreContext: true }));
            // The same text as bytes: read through ByteText when the variants are all ASCII.
            const ascii = text.replace(/[^\x00-\x7f]/g, '?');
            expect(new Matcher([rule], 0).scan(Buffer.from(ascii), 'src/app.txt').matches.map((x) => [x.start, x.end, x.secret]), rule.id).toEqual(
              new Matcher([{ ...rule, keywordsAreContext: true }], 0).scan(ascii, 'src/app.txt').matches.map((x) => [x.start, x.end, x.secret]),
            );
            found += got.length;
          }
        }
      }
      if (found) compared++;
    }
    expect(compared).toBeGreaterThan(anchored.length / 2);
  });

  it('every character of every example match, and the one after it, is in the rule\'s alphabet', () => {
    let bounded = 0;
    for (const rule of anchored) {
      const re = rule.pattern as RegExp;
      const a = matchAlphabet(re);
      if (!a) continue;
      bounded++;
      const inA = (c: number) => (c < 256 ? a.latin1[c] === 1 : a.wide);
      for (const ex of rule.examples?.positive ?? []) {
        for (const m of ex.text.matchAll(new RegExp(re.source, `${re.flags.replace(/[gy]/g, '')}g`))) {
          for (let i = m.index; i < m.index + m[0].length; i++) expect(inA(ex.text.charCodeAt(i)), `${rule.id}: ${JSON.stringify(ex.text[i])}`).toBe(true);
          expect(m[0].length).toBeGreaterThanOrEqual(minMatchLength(re));
        }
      }
    }
    expect(bounded).toBeGreaterThan(anchored.length / 2);
  });
});

describe('matchAlphabet and minMatchLength', () => {
  it('bounds a token by its classes and literals, lookaheads included, lookbehinds not', () => {
    const a = matchAlphabet(/(?<![A-Za-z0-9_$])(?<secret>pat[A-Za-z0-9]{14}\.[a-f0-9]{64})(?![A-Za-z0-9_-])/)!;
    const has = (ch: string) => a.latin1[ch.charCodeAt(0)] === 1;
    expect(['p', 'Z', '7', '.', '-', '_'].every(has)).toBe(true);
    expect([' ', '"', '\n', '$', '/'].some(has)).toBe(false);
    expect(a.wide).toBe(false);
    expect(minMatchLength(/pat[A-Za-z0-9]{14}\.[a-f0-9]{64}/)).toBe(82);
    expect(minMatchLength(/ab(?:cd|e)?f{2,}/)).toBe(4);
  });

  it('a negated class is everything but what it lists; under /i only when the list has no letters', () => {
    const a = matchAlphabet(/x:\/\/[^\s:\/@'"`]{3,}/i)!;
    expect(a.latin1[' '.charCodeAt(0)]).toBe(0);
    expect(a.latin1['Q'.charCodeAt(0)]).toBe(1);
    expect(a.wide).toBe(true);
    expect(matchAlphabet(/[^a-f]+/i)).toBeNull();
    expect(matchAlphabet(/[^\w]+/i)).toBeNull();
  });

  it('a case-blind letter brings its other case, and the wide characters that fold to it', () => {
    const a = matchAlphabet(/key/i)!;
    expect(a.latin1['K'.charCodeAt(0)]).toBe(1);
    expect(a.wide).toBe(true);
    expect(matchAlphabet(/a.b/)).toBeNull();
    expect(matchAlphabet(/\p{L}+/u)).toBeNull();
  });
});
