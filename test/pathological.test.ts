import { describe, expect, it } from 'vitest';
import { Matcher } from '../src/detect/matcher.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { githubToken } from './helpers/secrets.js';

// These guard against catastrophic backtracking: each input would take minutes or hang with a
// careless pattern. The timeouts are hang detectors, not performance measurements (see bench/).
const matcher = new Matcher(builtinRules);
const HANG = 20_000;

function minifiedBundle(bytes: number): string {
  const parts = [
    'var a=function(t,e){return t.token=e.password||null,t.secret=e.apiKey};',
    'n.prototype.authToken=function(){return this._token};',
    'const x={password:"",secret:void 0,"api_key":r.env.API_KEY,url:"https://cdn.example.net/app.js"};',
    'e.exports={postgres:"postgres://",mysql:"mysql://",eyJ:"eyJ",AKIA:"AKIA",ghp_:"ghp_"};',
  ];
  let s = '';
  let i = 0;
  while (s.length < bytes) s += parts[i++ % parts.length];
  return s;
}

describe('pathological inputs', () => {
  it('scans a 5 MB single-line minified bundle and still finds a secret buried in it', { timeout: HANG }, () => {
    const token = githubToken();
    const text = `${minifiedBundle(2.5 * 1024 * 1024)}var k="${token}";${minifiedBundle(2.5 * 1024 * 1024)}`;
    expect(text.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(text.includes('\n')).toBe(false);
    const { matches } = matcher.scan(text);
    expect(matches.map((m) => m.secret)).toEqual([token]);
  });

  it.each([
    ['password assignments that never close', 'password="'.repeat(200_000)],
    ['keyword-dense separators', 'secret:='.repeat(200_000)],
    ['unterminated PEM headers', '-----BEGIN PRIVATE KEY-----\n'.repeat(50_000) + 'A'.repeat(100_000)],
    ['JWT-like dot chains', 'eyJ'.repeat(300_000) + '.' + 'eyJ'.repeat(100_000)],
    ['base32 runs after AKIA', 'AKIA' + 'A'.repeat(1_000_000)],
    ['database URL without host', 'postgres://u:' + 'p'.repeat(1_000_000)],
    ['long run of token characters', 'token=' + 'a1'.repeat(1_000_000)],
    ['url userinfo without @', 'https://user:' + 'x:'.repeat(500_000)],
    ['quotes and backslashes', 'api_key = "' + '\\"'.repeat(500_000)],
  ])('does not hang on %s', { timeout: HANG }, (_name, input) => {
    expect(() => matcher.scan(input)).not.toThrow();
  });
});
