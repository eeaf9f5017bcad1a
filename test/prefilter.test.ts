import { describe, expect, it } from 'vitest';
import { KeywordPrefilter } from '../src/detect/prefilter.js';
import type { Rule } from '../src/detect/rule.js';

function rule(id: string, keywords: string[], paths?: RegExp): Rule {
  return { id, title: id, severity: 'low', provider: 't', keywords, pattern: /(?<secret>x)/, examples: { positive: [], negative: [] }, ...(paths ? { paths } : {}) };
}

describe('keyword prefilter (Aho-Corasick over bytes)', () => {
  const rules = [rule('a', ['aws_secret']), rule('b', ['secret']), rule('c', ['ghp_']), rule('d', ['cret_ke']), rule('e', [':'], /pgpass$/)];
  const pf = new KeywordPrefilter(rules);
  const ids = (s: string) => pf.candidates(Buffer.from(s)).map((i) => rules[i]!.id);

  it('finds keywords case-insensitively, including ones inside and overlapping others', () => {
    expect(ids('AWS_SECRET_KEY=1')).toEqual(['a', 'b', 'd', 'e']);
    expect(ids('token GHP_abc')).toEqual(['c', 'e']);
    expect(ids('nothing to see')).toEqual(['e']);
  });

  it('finds keywords at the very start and end of the input, and across non-ASCII bytes', () => {
    expect(ids('secret')).toContain('b');
    expect(ids('xxxx ghp_')).toContain('c');
    expect(ids('é ghp_ ü')).toContain('c');
  });
});
