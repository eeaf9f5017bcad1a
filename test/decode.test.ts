import { describe, expect, it } from 'vitest';
import { DECODE_LIMITS, encodedSpans } from '../src/detect/decode.js';
import { Matcher } from '../src/detect/matcher.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { githubToken } from './helpers/secrets.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('decoding', () => {
  it('finds a token inside a base64 Kubernetes Secret value and says how and where it was decoded', () => {
    const token = githubToken();
    const value = b64(`GITHUB_TOKEN=${token}`);
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  env: ${value}\n`;
    const { matches } = new Matcher(builtinRules).scan(Buffer.from(manifest));
    const hit = matches.find((m) => m.secret === token);
    expect(hit).toBeDefined();
    expect(hit!.line).toBe(6);
    expect(hit!.column).toBe(8);
    expect(hit!.decoded).toEqual([{ encoding: 'base64', start: manifest.indexOf(value), end: manifest.indexOf(value) + value.length }]);
  });

  it('an allow on the line of an encoded span covers what it decodes to; a span that decodes to nothing costs no line index', () => {
    const token = githubToken();
    const quiet = b64('just some words that decode to plain text');
    const text = `a: ${quiet}\nb: ${b64(`GITHUB_TOKEN=${token}`)}  # nhiscan:allow\nc: ${quiet}\nd: ${b64(`GITHUB_TOKEN=${token}`)}\n`;
    const m = new Matcher(builtinRules);
    const { matches, allowed } = m.scan(Buffer.from(text));
    const hits = matches.filter((x) => x.secret === token);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.line).toBe(4);
    expect(hits[0]!.column).toBe(4);
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(m.dropped['inline-allow']).toBe(1);
    // Only spans that decode to nothing: no match, nothing counted.
    const none = new Matcher(builtinRules);
    expect(none.scan(Buffer.from(`a: ${quiet}\nb: ${quiet}\n`)).matches).toEqual([]);
    expect(none.dropped).toEqual({});
  });

  it('decodes docker auths and data URLs the same way', () => {
    const token = githubToken('ghs_');
    const text = `<a href="data:text/plain;base64,${b64(`token: ${token}`)}">x</a>`;
    expect(new Matcher(builtinRules).scan(text).matches.map((m) => m.secret)).toContain(token);
  });

  it('finds percent-encoded secrets', () => {
    const token = githubToken();
    const text = `redirect=https%3A%2F%2Fci.example.net%2Fhook%3Ftoken%3D${token}%26x%3D1`;
    const hit = new Matcher(builtinRules).scan(text).matches.find((m) => m.secret === token);
    expect(hit?.decoded?.[0]?.encoding).toBe('percent');
  });

  it('goes one level deep by default and deeper with --decode-depth', () => {
    const token = githubToken();
    const twice = b64(b64(`export GITHUB_TOKEN=${token}`));
    const text = `blob: ${twice}\n`;
    expect(new Matcher(builtinRules, 1).scan(text).matches.map((m) => m.secret)).not.toContain(token);
    const deep = new Matcher(builtinRules, 2).scan(text).matches.find((m) => m.secret === token);
    expect(deep?.decoded?.map((d) => d.encoding)).toEqual(['base64', 'base64']);
    expect(deep?.column).toBe(7);
    expect(new Matcher(builtinRules, 0).scan(b64(`GITHUB_TOKEN=${token}`)).matches).toEqual([]);
  });

  it('ignores hashes, identifiers and binary payloads', () => {
    const integrity = 'sha512-' + Buffer.alloc(64, 7).toString('base64');
    const spans = encodedSpans(`"integrity": "${integrity}", id: 3f786850e387550fdab836ed7e6dc881de23001b, CONSTANT_NAME_THAT_IS_LONG_ENOUGH`);
    expect(spans).toEqual([]);
  });

  it('bounds the work on a blob full of base64', { timeout: 20_000 }, () => {
    const chunk = b64('just some harmless text that decodes fine, ') + ' ';
    const text = chunk.repeat(100_000);
    expect(encodedSpans(text).length).toBeLessThanOrEqual(DECODE_LIMITS.maxSpans);
    expect(() => new Matcher(builtinRules).scan(text)).not.toThrow();
  });
});

describe('percent runs refused before decoding', () => {
  // decodePercent's early refusal (a `%` that starts no `%XX`, too few characters, too many control
  // escapes) must refuse only what decodeURIComponent and the text check would refuse anyway.
  function reference(run: string): boolean {
    let text: string;
    try {
      text = decodeURIComponent(run);
    } catch {
      return false;
    }
    if (text === run || text.length < 12 || text.includes('\uFFFD')) return false;
    let printable = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 || c >= 0xa0) printable++;
    }
    return printable / text.length >= 0.95;
  }

  it('keeps exactly the runs that decode to text', () => {
    const runs = [
      'printf("%s/%s%02x")', '%02x%02x%02x%02x%02x%02x%02x%02x', 'token%3Dghp_abcdefghijklmnop', '%E2%9C%93%20done%20and%20dusted',
      'a%00b%00c%00d%00e%00f%00g%00h', 'caf%C3%A9%20au%20lait%20please', '%C3%28%20broken%20utf8%20here', 'x%2', '%%41%41%41%41%41%41%41%41%41%41%41%41',
      'short%20one', 'exactly%20twelve', '%7F%7Fabcdefghijklmnopqrstuvwxyz0123456789', '%09tabs%09and%0Anewlines%0Dare%20fine',
    ];
    let seed = 11;
    const parts = ['%20', '%3D', '%02', '%s', '%d', 'abc', 'XYZ', '%E2%9C%93', '%C3%A9', '%0A', '%7F', '%', 'token', '_-.'];
    for (let k = 0; k < 2000; k++) {
      let s = '';
      const n = 1 + (k % 17);
      for (let i = 0; i < n; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        s += parts[seed % parts.length];
      }
      runs.push(s);
    }
    let text = 0;
    for (const run of runs) {
      const spans = encodedSpans(` ${run} `).filter((s) => s.step.encoding === 'percent');
      const want = reference(run);
      if (want) text++;
      expect(spans.length > 0, run).toBe(want);
    }
    expect(text).toBeGreaterThan(20);
  });
});
