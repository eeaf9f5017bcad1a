// A rule whose every match starts with one of its keywords is tried anchored at each keyword hit
// (src/detect/match-span.ts startsWithKeyword, Matcher.scanAnchored) instead of searched for.
import { describe, expect, it } from 'vitest';
import { startsWithKeyword } from '../src/detect/match-span.js';
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
    expect(startsWithKeyword(/[ab]cd/, ['acd', 'bc'])).toBe(false);
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
      if (got.length) compared++;
      // Acceptance (entropy, placeholders, validators) may drop a match, never add one elsewhere.
      const found = searched(rule, text);
      for (const [start, , secret] of got) expect(found, rule.id).toContainEqual([start, secret]);
    }
    expect(compared).toBeGreaterThan(anchored.length / 2);
  });
});
