import { describe, expect, it } from 'vitest';
import { KeywordPrefilter } from '../src/detect/prefilter.js';
import type { Rule } from '../src/detect/rule.js';

function rule(id: string, keywords: string[], paths?: RegExp): Rule {
  return { id, title: id, severity: 'low', provider: 't', keywords, pattern: /(?<secret>x)/, examples: { positive: [], negative: [] }, ...(paths ? { paths } : {}) };
}

describe('keyword prefilter (Aho-Corasick over bytes)', () => {
  const rules = [rule('a', ['aws_secret']), rule('b', ['secret']), rule('c', ['ghp_']), rule('d', ['cret_ke']), rule('e', [':'], /pgpass$/)];
  const pf = new KeywordPrefilter(rules);
  const ids = (s: string, path = '') => pf.candidates(Buffer.from(s), path).map((i) => rules[i]!.id);

  it('finds keywords case-insensitively, including ones inside and overlapping others', () => {
    expect(ids('AWS_SECRET_KEY=1')).toEqual(['a', 'b', 'd']);
    expect(ids('token GHP_abc')).toEqual(['c']);
    expect(ids('nothing to see')).toEqual([]);
  });

  it('decides path rules by the path alone, before any byte', () => {
    expect(ids('nothing to see', 'home/.pgpass')).toEqual(['e']);
    expect(ids('host:5432:db:user:pw', 'notes.txt')).toEqual([]);
  });

  it('records where each rule\'s keywords end, and gives up on windows for a common keyword', () => {
    const r = pf.pass(Buffer.from('x secret y ghp_ z secret'), false, 'home/.pgpass');
    const of = (id: string) => r.hits[r.rules.findIndex((i) => rules[i]!.id === id)];
    expect(of('b')).toEqual([8, 24]);
    expect(of('c')).toEqual([15]);
    expect(of('e')).toBeNull(); // a path rule sees the whole text
    const common = pf.pass(Buffer.from('secret '.repeat(300)), false);
    expect(common.hits[common.rules.findIndex((i) => rules[i]!.id === 'b')]).toBeNull();
  });

  it('finds keywords at the very start and end of the input, and across non-ASCII bytes', () => {
    expect(ids('secret')).toContain('b');
    expect(ids('xxxx ghp_')).toContain('c');
    expect(ids('é ghp_ ü')).toContain('c');
  });
});
