import { describe, expect, it } from 'vitest';
import { Matcher } from '../src/detect/matcher.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { fileRules } from '../src/detect/rules/files.js';
import { FileMatcher } from '../src/detect/file-matcher.js';

// secretlint-style: every rule carries its own examples and counter-examples, and they all run here.
describe('rule examples', () => {
  it('has unique ids and at least 2 positive and 2 negative examples per rule', () => {
    const ids = builtinRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of builtinRules) {
      expect(rule.examples.positive.length, rule.id).toBeGreaterThanOrEqual(2);
      expect(rule.examples.negative.length, rule.id).toBeGreaterThanOrEqual(2);
      expect(rule.pattern.source, rule.id).toContain('(?<secret>');
    }
  });

  for (const rule of builtinRules) {
    const alone = new Matcher([rule]);
    const path = rule.examples.path ?? '';
    describe(rule.id, () => {
      for (const example of rule.examples.positive) {
        it(`matches ${JSON.stringify(example.slice(0, 60))}`, () => {
          const { matches } = alone.scan(example, path);
          expect(matches.length).toBeGreaterThanOrEqual(1);
          expect(example).toContain(matches[0]!.secret);
        });
      }
      for (const example of rule.examples.negative) {
        it(`ignores ${JSON.stringify(example.slice(0, 60))}`, () => {
          expect(alone.scan(example, path).matches.map((m) => m.secret)).toEqual([]);
        });
      }
    });
  }
});

describe('sensitive-file rule examples', () => {
  it('has unique ids, distinct from content rules, and at least 2 examples each way', () => {
    const ids = [...builtinRules.map((r) => r.id), ...fileRules.map((r) => r.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of fileRules) {
      expect(rule.examples.positive.length, rule.id).toBeGreaterThanOrEqual(2);
      expect(rule.examples.negative.length, rule.id).toBeGreaterThanOrEqual(2);
    }
  });

  for (const rule of fileRules) {
    const alone = new FileMatcher([rule]);
    const bytes = (c?: string) => (c === undefined ? Buffer.from([0, 1, 2, 3]) : Buffer.from(c));
    describe(rule.id, () => {
      for (const ex of rule.examples.positive) {
        it(`fires on ${ex.path}`, () => expect(alone.match(ex.path, bytes(ex.content)).map((r) => r.id)).toEqual([rule.id]));
      }
      for (const ex of rule.examples.negative) {
        it(`ignores ${ex.path}`, () => expect(alone.match(ex.path, bytes(ex.content))).toEqual([]));
      }
    });
  }
});

it('ships at least 150 rules', () => {
  expect(builtinRules.length + fileRules.length).toBeGreaterThanOrEqual(150);
});
