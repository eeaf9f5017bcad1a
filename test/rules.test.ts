import { describe, expect, it } from 'vitest';
import type { Rule } from '../src/detect/rule.js';
import { exampleProblems, isNearMiss } from '../src/detect/rules/examples.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { fileRules } from '../src/detect/rules/files.js';
import { FileMatcher } from '../src/detect/file-matcher.js';

// Every rule carries its own examples and counter-examples, and they all run against the whole rule
// set, as a scan would: a positive another rule claims, or a negative any rule reports, fails here.
describe('rule examples', () => {
  it('has unique ids and at least 2 positive and 2 negative examples per rule', () => {
    const ids = builtinRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of builtinRules) {
      expect(rule.examples.positive.length, rule.id).toBeGreaterThanOrEqual(2);
      expect(rule.examples.negative.length, rule.id).toBeGreaterThanOrEqual(2);
      if (!rule.structured) expect(rule.pattern.source, rule.id).toContain('(?<secret>');
    }
  });

  it('reports each positive by its own rule at its exact span, and each negative by no rule; each rule has a near miss', () => {
    expect(exampleProblems(builtinRules)).toEqual([]);
  });
});

// The check above passes only if it can fail: each kind of broken example is caught.
describe('the example check', () => {
  const base: Rule = {
    id: 'demo-token',
    title: 'demo',
    severity: 'high',
    provider: 'demo',
    keywords: ['dmo_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>dmo_[A-Za-z0-9]{24})(?![A-Za-z0-9_])/,
    examples: {
      positive: [{ text: 'DEMO=dmo_Q7wE3rT9yU1iO5pA2sD8fG4h', secret: 'dmo_Q7wE3rT9yU1iO5pA2sD8fG4h' }],
      negative: ['DEMO=dmo_Q7wE3rT9yU1iO5pA2sD8fG4', 'dmo_ is the prefix'],
    },
  };
  const withExamples = (examples: Partial<Rule['examples']>, over: Partial<Rule> = {}): Rule => ({ ...base, ...over, examples: { ...base.examples, ...examples } });
  const problems = (...rules: Rule[]) => exampleProblems(rules).map((p) => `${p.rule} ${p.example}: ${p.problem}`);

  it('accepts a rule whose examples hold', () => {
    expect(problems(base)).toEqual([]);
  });

  it('rejects a secret that is not exactly what the rule reports (a quote, a key name, a cut)', () => {
    for (const secret of ['dmo_Q7wE3rT9yU1iO5pA2sD8fG4', 'DEMO=dmo_Q7wE3rT9yU1iO5pA2sD8fG4h']) {
      const out = problems(withExamples({ positive: [{ text: 'DEMO=dmo_Q7wE3rT9yU1iO5pA2sD8fG4h', secret }] }));
      expect(out.join('\n')).toMatch(/positive\[0\]: not reported by demo-token at/);
    }
  });

  it('rejects a secret found twice or not at all in its text', () => {
    const twice = problems(withExamples({ positive: [{ text: 'dmo_Q7wE3rT9yU1iO5pA2sD8fG4h dmo_Q7wE3rT9yU1iO5pA2sD8fG4h', secret: 'dmo_Q7wE3rT9yU1iO5pA2sD8fG4h' }] }));
    expect(twice).toEqual(['demo-token positive[0]: its secret must occur exactly once in its text (found 2)']);
    expect(problems(withExamples({ positive: [{ text: 'DEMO=1', secret: '' }] }))[0]).toContain('(found 0)');
  });

  it('rejects a positive an earlier rule claims, and one that is reported twice', () => {
    const greedy: Rule = { ...base, id: 'greedy', keywords: ['dmo_'], pattern: /(?<secret>dmo_[A-Za-z0-9]{24})/, examples: { positive: [], negative: [] } };
    expect(problems(greedy, base).filter((p) => p.startsWith('demo-token positive'))).toEqual([
      'demo-token positive[0]: not reported by demo-token at 5-33; reported: greedy at 5-33',
    ]);
    const other: Rule = { ...greedy, id: 'other', keywords: ['demo='], pattern: /(?<secret>DEMO)=/ };
    expect(problems(base, other).filter((p) => p.startsWith('demo-token positive'))).toEqual(['demo-token positive[0]: also reported: other at 0-4']);
  });

  it('rejects a negative that any rule reports, naming the rule but not the text it matched', () => {
    const loose = withExamples({ negative: [...base.examples.negative, 'DEMO=dmo_Q7wE3rT9yU1iO5pA2sD8fG4hJ'] }, { pattern: /(?<secret>dmo_[A-Za-z0-9]{24,25})/ });
    expect(problems(loose)).toEqual(['demo-token negative[2]: reported: demo-token at 5-34']);
  });

  it('requires a near miss, not only placeholders and prose', () => {
    const trivial = withExamples({ negative: ['DEMO=dmo_xxxxxxxxxxxxxxxxxxxxxxxx', 'dmo_ is the prefix of demo token values'] });
    expect(problems(trivial)).toEqual([expect.stringMatching(/^demo-token negative: no near-miss negative/)]);
    expect(isNearMiss(base, 'DEMO=dmo_Q7wE3rT9yU1iO5pA2sD8fG4')).toBe(true);
    expect(isNearMiss(base, 'DEMO=Q7wE3rT9yU1iO5pA2sD8fG4')).toBe(false); // no keyword: the rule never runs
  });
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
