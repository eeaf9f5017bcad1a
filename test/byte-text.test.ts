// ByteText (src/detect/text.ts) stands in for an ASCII blob's string: every read the matcher makes
// must give what the same read of the whole string gives, before and after the whole string is made.
import { describe, expect, it } from 'vitest';
import { lookaroundReach } from '../src/detect/match-span.js';
import { Matcher } from '../src/detect/matcher.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { ByteText, wholeText } from '../src/detect/text.js';

let seed = 11;
const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
const asciiText = (n: number) => Array.from({ length: n }, () => (rand(9) === 0 ? '\n' : String.fromCharCode(32 + rand(95)))).join('');

describe('ByteText', () => {
  it('reads as the string does: slice (negative and out-of-range bounds too), indexOf, charCodeAt, length', () => {
    for (const n of [0, 1, 7, 300]) {
      const s = asciiText(n);
      const t = new ByteText(Buffer.from(s, 'latin1'));
      expect(t.length).toBe(s.length);
      const bounds = [-400, -5, -1, 0, 1, 3, Math.floor(n / 2), n - 1, n, n + 1, 500];
      for (const a of bounds) {
        expect(t.slice(a), `slice(${a})`).toBe(s.slice(a));
        for (const b of bounds) expect(t.slice(a, b), `slice(${a}, ${b})`).toBe(s.slice(a, b));
        expect(t.charCodeAt(a)).toEqual(s.charCodeAt(a));
        for (const ch of ['\n', '%', 'a', ' ', 'ab', '\n\n']) expect(t.indexOf(ch, a), `indexOf(${JSON.stringify(ch)}, ${a})`).toBe(s.indexOf(ch, a));
      }
      expect(t.indexOf('\n')).toBe(s.indexOf('\n'));
      expect(t.whole()).toBe(s);
      expect(wholeText(t)).toBe(s);
      expect(wholeText(s)).toBe(s);
    }
  });

  it('gives the same reads once its pieces add up to more than the text (the whole string is made then)', () => {
    const s = asciiText(1000);
    const t = new ByteText(Buffer.from(s, 'latin1'));
    // Each read below is 200 characters: the sixth passes the text's length.
    for (let k = 0; k < 12; k++) {
      const a = (k * 97) % 800;
      expect(t.slice(a, a + 200)).toBe(s.slice(a, a + 200));
      expect(t.indexOf('\n', a)).toBe(s.indexOf('\n', a));
      expect(t.charCodeAt(a)).toBe(s.charCodeAt(a));
    }
    expect(t.whole()).toBe(s);
  });
});

describe('lookaroundReach', () => {
  it('counts lookbehinds back, lookaheads forward, and one character for a boundary, ^ or $', () => {
    expect(lookaroundReach(/(?<![A-Za-z0-9_-])pat[a-z]{4}(?![a-z])/)).toEqual({ behind: 1, ahead: 1 });
    expect(lookaroundReach(/ghp_[A-Za-z0-9]{36}/)).toEqual({ behind: 0, ahead: 0 });
    expect(lookaroundReach(/\bAKIA[0-9A-Z]{16}\b/)).toEqual({ behind: 1, ahead: 1 });
    expect(lookaroundReach(/(?<=key=|token: )x(?=\s{0,3}["']|$)/)).toEqual({ behind: 7, ahead: 5 });
    expect(lookaroundReach(/password\s(?<s>\S+)(?=\s|$)/)).toEqual({ behind: 0, ahead: 2 });
  });

  it('is unbounded for an unbounded lookaround and for a lookaround inside another', () => {
    expect(lookaroundReach(/(?<=key\s*=\s*)x/).behind).toBe(Infinity);
    expect(lookaroundReach(/x(?=[a-z]+;)/).ahead).toBe(Infinity);
    expect(lookaroundReach(/x(?=(?<!a)b)/)).toEqual({ behind: Infinity, ahead: Infinity });
  });

  it('every built-in rule has a finite reach except where its lookarounds really are open-ended', () => {
    const open = builtinRules.filter((r) => r.pattern instanceof RegExp).filter((r) => {
      const reach = lookaroundReach(r.pattern as RegExp);
      return reach.behind === Infinity || reach.ahead === Infinity;
    });
    // None today: a rule that gains one still matches correctly (its tries read the whole text),
    // but its anchored tries then make every blob a whole string again.
    expect(open.map((r) => r.id)).toEqual([]);
  });
});

describe('the matcher on bytes and on the same string', () => {
  it('every built-in rule: the same matches, lines and columns from a Buffer (ByteText) as from the string', () => {
    const parts: string[] = [];
    for (const rule of builtinRules) {
      for (const ex of rule.examples.positive) parts.push(ex.text, asciiText(60));
      parts.push(...rule.examples.negative);
    }
    // ASCII only, so the Buffer is read through ByteText; long enough for windows and anchored tries.
    const text = parts.join('\n').replace(/[^\x00-\x7f]/g, '?');
    expect(text.length).toBeGreaterThan(20_000);
    const m = new Matcher(builtinRules, 2);
    const view = (r: ReturnType<Matcher['scan']>) => ({ allowed: r.allowed, matches: r.matches.map((x) => [x.rule.id, x.start, x.end, x.secret, x.line, x.column, x.validation, x.decoded]) });
    for (const path of ['src/app.txt', 'config/.env', 'x.yaml']) {
      const fromString = view(m.scan(text, path));
      expect(fromString.matches.length).toBeGreaterThan(100);
      expect(view(m.scan(Buffer.from(text), path)), path).toEqual(fromString);
    }
  });
});
