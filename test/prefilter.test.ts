import { describe, expect, it } from 'vitest';
import { base64Runs, KeywordPrefilter, MAX_HITS, MIN_RUN } from '../src/detect/prefilter.js';
import type { Rule } from '../src/detect/rule.js';
import { builtinRules } from '../src/detect/rules/index.js';

/** Base64 of plain text, aligned at 0: a run of it is kept by the prefilter (it could decode to text). */
const B64_TEXT = Buffer.from('Jumpy zebras quiz vexed folk; '.repeat(40)).toString('base64');

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
    // Decided once per path and remembered: asked again, in any order, the same answers.
    expect(ids('secret', 'home/.pgpass')).toEqual(['b', 'e']);
    expect(ids('secret', 'notes.txt')).toEqual(['b']);
    expect(ids('nothing', '')).toEqual([]);
    for (let i = 0; i < 5000; i++) ids('x', `many/${i}.pgpass`);
    expect(ids('nothing to see', 'home/.pgpass')).toEqual(['e']);
    expect(ids('nothing to see', 'many/4999.pgpass')).toEqual(['e']);
  });

  it('records where each rule\'s keywords start, and gives up on windows for a common keyword', () => {
    const r = pf.pass(Buffer.from('x secret y ghp_ z secret'), false, 'home/.pgpass');
    const of = (id: string) => r.hits[r.rules.findIndex((i) => rules[i]!.id === id)];
    expect(of('b')).toEqual([2, 18]);
    expect(of('c')).toEqual([11]);
    expect(of('e')).toBeNull(); // a path rule sees the whole text
    const common = pf.pass(Buffer.from('secret '.repeat(MAX_HITS + 1)), false);
    expect(common.hits[common.rules.findIndex((i) => rules[i]!.id === 'b')]).toBeNull();
    // Up to MAX_HITS, every position is kept.
    const many = pf.pass(Buffer.from('secret '.repeat(MAX_HITS)), false);
    expect(many.hits[many.rules.findIndex((i) => rules[i]!.id === 'b')]).toHaveLength(MAX_HITS);
  });

  it('finds keywords at the very start and end of the input, and across non-ASCII bytes', () => {
    expect(ids('secret')).toContain('b');
    expect(ids('xxxx ghp_')).toContain('c');
    expect(ids('é ghp_ ü')).toContain('c');
  });
});

describe('the WebAssembly kernel', () => {
  // Random text seeded with keywords, so hits land at every offset: quarter boundaries included.
  function corpus(seed: number, len: number, words: string[]): Buffer {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_-./:= \n"\'%+';
    let s = '';
    while (s.length < len) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      if (seed % 23 === 0) s += words[seed % words.length]!;
      else s += alphabet[seed % alphabet.length]!;
      if (seed % 997 === 0) s += 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo'.repeat(1 + (seed % 3));
    }
    return Buffer.from(s.slice(0, len), 'latin1');
  }

  it('is the kernel in use after the build (the JS loop is only a fallback)', () => {
    expect(new KeywordPrefilter(builtinRules).kernelName).toBe('wasm');
    expect(new KeywordPrefilter(builtinRules, { kernel: 'js' }).kernelName).toBe('js');
  });

  it('gives exactly the JS kernel\'s candidates, hit positions and base64 runs', () => {
    const wasm = new KeywordPrefilter(builtinRules);
    const js = new KeywordPrefilter(builtinRules, { kernel: 'js' });
    const words = [...new Set(builtinRules.flatMap((r) => r.keywords))];
    // Short texts (one automaton), long ones (four quarters), and one past the module's first memory.
    const lengths = [0, 1, 5, 1023, 1024, 1025, 4099, 65_537, 300_001, 3_000_000];
    for (const [k, len] of lengths.entries()) {
      const data = corpus(k + 1, len, words);
      expect(wasm.pass(data, true, 'a/.env'), `length ${len}`).toEqual(js.pass(data, true, 'a/.env'));
    }
    // A keyword straddling each quarter boundary of a 4096-byte text is seen once.
    for (const at of [1024, 2048, 3072]) {
      for (let back = 0; back <= 12; back++) {
        const data = Buffer.alloc(4096, 0x20);
        data.write('aws_secret_access_key', at - back, 'latin1');
        const w = wasm.pass(data, false);
        expect(w, `boundary ${at} - ${back}`).toEqual(js.pass(data, false));
        expect(w.rules.length).toBeGreaterThan(0);
      }
    }
    // Base64 runs (of text, so that they are kept) across each quarter boundary, starting before a
    // quarter's look-back, or ending at the end.
    let kept = 0;
    for (const at of [1024, 2048, 3072, 4096]) {
      for (const [back, len] of [[0, 24], [1, 24], [23, 24], [24, 30], [60, 100], [200, 400], [5, 23]] as const) {
        const data = Buffer.alloc(4096, 0x20);
        data.write(B64_TEXT.slice(0, len), Math.max(0, Math.min(4096 - len, at - back)), 'latin1');
        const w = wasm.pass(data, true);
        expect(w.runs, `run at ${at} - ${back}, ${len} long`).toEqual(base64Runs(data));
        expect(w).toEqual(js.pass(data, true));
        kept += w.runs.length / 2;
      }
    }
    expect(kept).toBe(24);
    // Every keyword common: the pass stops early, and the runs are still all found.
    const saturating = Buffer.from(words.map((w) => `${w} `.repeat(300)).join('') + B64_TEXT.slice(0, 40), 'latin1');
    expect(wasm.pass(saturating, true)).toEqual(js.pass(saturating, true));
    expect(wasm.pass(saturating, true).runs.length).toBeGreaterThan(0);
    // Common keywords go quiet (whole-text rules) identically, and a quiet state wakes up in the next blob.
    const common = Buffer.from('ghp_ secret '.repeat(5000), 'latin1');
    expect(wasm.pass(common, false)).toEqual(js.pass(common, false));
    const after = Buffer.from('x ghp_ y', 'latin1');
    expect(wasm.pass(after, false)).toEqual(js.pass(after, false));
    expect(wasm.pass(after, false).hits.some((h) => h !== null && h.includes(2))).toBe(true);
  });
  it('runs a rule with an empty keyword on every text, and still finds every other keyword', () => {
    // An empty keyword made the root a hit state, and with it every state: the pass started in a
    // row that was no longer the root and found nothing (a config's aws keys went unseen).
    const rules = [rule('empty', ['', 'zzz']), rule('aws', ['aws_secret']), rule('gh', ['ghp_'])];
    const wasm = new KeywordPrefilter(rules);
    const js = new KeywordPrefilter(rules, { kernel: 'js' });
    for (const text of ['nothing here', 'x aws_secret y ghp_ z', 'ghp_'.repeat(2000) + ' aws_secret'.repeat(3)]) {
      const data = Buffer.from(text, 'latin1');
      const w = wasm.pass(data, false);
      expect(w).toEqual(js.pass(data, false));
      const named = w.rules.map((i) => rules[i]!.id);
      expect(named[0]).toBe('empty');
      expect(w.hits[0]).toBeNull();
      expect(named.includes('aws')).toBe(text.includes('aws_secret'));
      expect(named.includes('gh')).toBe(text.includes('ghp_'));
    }
  });

  it('gives the JS kernel\'s result for keyword sets of every size, byte classes past 64 included', () => {
    // The kernel keeps classes as 16-bit byte offsets and numbers terminal states from a power of
    // two on: sets from one keyword to ones using almost every printable byte put that bound below,
    // at and above a row's edge, and give more classes than an 8-bit offset could hold.
    const printable = [...Array(95).keys()].map((i) => String.fromCharCode(32 + i)).filter((c) => !/[A-Z]/.test(c));
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const widths: number[] = [];
    for (const count of [1, 2, 3, 7, 20, 60, 150]) {
      const words = [...Array(count).keys()].map(() => [...Array(2 + rand(6))].map(() => printable[rand(printable.length)]).join(''));
      const rules = words.map((w, i) => rule(`k${i}`, [w]));
      const wasm = new KeywordPrefilter(rules);
      const js = new KeywordPrefilter(rules, { kernel: 'js' });
      expect(wasm.kernelName).toBe('wasm');
      widths.push(new Set(words.join('')).size + 1);
      for (const len of [3, 1500, 70_000]) {
        let text = '';
        while (text.length < len) text += rand(5) === 0 ? words[rand(words.length)] : printable[rand(printable.length)];
        const data = Buffer.from(text, 'latin1');
        const w = wasm.pass(data, false);
        expect(w, `${count} keywords, length ${len}`).toEqual(js.pass(data, false));
        if (len > 3) expect(w.rules.length).toBeGreaterThan(0);
      }
    }
    expect(Math.max(...widths)).toBeGreaterThan(64);
  });
});

describe('the kernel\'s base64 runs, 64 bytes at a time', () => {
  // The kernel reads 64-byte blocks as bit masks; these runs start and end at every offset around
  // block edges, run across several blocks, sit next to each other, and mix every byte value.
  it('finds exactly the runs of the sampled JS search, at every offset around block edges', () => {
    const wasm = new KeywordPrefilter(builtinRules);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-';
    let seed = 11;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let kept = 0;
    let compared = 0;
    for (const at of [0, 1, 40, 63, 64, 65, 100, 127, 128, 191]) {
      for (const len of [16, 23, 24, 25, 39, 40, 41, 63, 64, 65, 88, 128, 129, 200, 333]) {
        for (const before of ['', 'a', 'Zz9', ' x', '=']) {
          const data = Buffer.alloc(at + len + 70 + rand(70), 0x20);
          for (let i = 0; i < data.length; i++) if (rand(3) === 0) data[i] = rand(256);
          const run = Buffer.from(B64_TEXT.slice(0, len), 'latin1');
          run.copy(data, at);
          data.write(before, Math.max(0, at - before.length), 'latin1');
          // Another text run right after a single separator byte, sometimes.
          if (rand(2) === 0) data.write(` ${B64_TEXT.slice(4, 4 + 24 + rand(60))}`, Math.min(data.length - 1, at + len), 'latin1');
          const got = wasm.pass(data, true).runs;
          expect(got, `run at ${at}, ${len} long, after ${JSON.stringify(before)}`).toEqual(base64Runs(data));
          kept += got.length / 2;
          compared++;
        }
      }
    }
    expect(compared).toBe(750);
    // Not vacuous: most cases hold a kept run.
    expect(kept).toBeGreaterThan(500);
    // Every byte value next to alphabet bytes, in blocks of all-alphabet and none.
    const mixed = Buffer.alloc(64 * 40);
    for (let i = 0; i < mixed.length; i++) mixed[i] = i % 97 < 60 ? alphabet.charCodeAt(rand(64)) : rand(256);
    for (let v = 0; v < 256; v++) mixed[(v * 37) % mixed.length] = v;
    expect(wasm.pass(mixed, true).runs).toEqual(base64Runs(mixed));
  });
});

describe('base64 runs', () => {
  // The per-byte definition the sampled scan must agree with.
  function reference(data: Uint8Array): number[] {
    const out: number[] = [];
    let start = -1;
    for (let i = 0; i <= data.length; i++) {
      const b64 = i < data.length && /[A-Za-z0-9+/_-]/.test(String.fromCharCode(data[i]!));
      if (b64 && start === -1) start = i;
      if (!b64 && start !== -1) {
        if (i - start >= MIN_RUN) out.push(start, i);
        start = -1;
      }
    }
    return out;
  }

  /** What decode.ts would make of a run, were it not refused earlier: printable text or not. */
  function decodesToText(run: string): boolean {
    const text = Buffer.from(run, /[-_]/.test(run) ? 'base64url' : 'base64').toString('utf8');
    if (text.length < 12 || text.includes('\uFFFD')) return false;
    let printable = 0;
    for (const ch of text) {
      const c = ch.charCodeAt(0);
      if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 || c >= 0xa0) printable += ch.length;
    }
    return printable / text.length >= 0.95;
  }

  it('keeps every run of 24 or more that decodes to text, at the edges and at every length around the limit, and drops most others', () => {
    const cases = ['', B64_TEXT.slice(0, 23), B64_TEXT.slice(0, 24), ` ${B64_TEXT.slice(4, 28)}`, `${B64_TEXT.slice(0, 25)} `, 'a'.repeat(24), `x ${'Q'.repeat(23)} ${'R'.repeat(24)} ${'S'.repeat(47)}=${'T'.repeat(48)}`];
    cases.push(Buffer.from('naïve café — ünïcödé text, ' + 'ok '.repeat(20)).toString('base64'));
    let seed = 7;
    for (let k = 0; k < 300; k++) {
      let s = '';
      const len = 1 + (k * 37) % 400;
      while (s.length < len) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        // Random alphabet bytes, spaces, and (aligned) base64 of text, some of it url-safe.
        if (seed % 5 === 0) s += ` ${B64_TEXT.slice(0, 4 * (6 + (seed % 20)))}${seed % 2 ? '' : '-_'} `;
        else s += seed % 9 === 0 ? ' ' : 'aZ9+/_-'[seed % 7];
      }
      cases.push(s);
    }
    let dropped = 0;
    let keptText = 0;
    for (const c of cases) {
      const data = Buffer.from(c, 'latin1');
      const all = reference(data);
      const got = base64Runs(data);
      const pairs = (r: number[]) => Array.from({ length: r.length / 2 }, (_, i) => `${r[2 * i]}-${r[2 * i + 1]}`);
      const gotPairs = new Set(pairs(got));
      // Only runs of 24 or more, each as the per-byte definition finds it...
      for (const p of gotPairs) expect(pairs(all), JSON.stringify(c.slice(0, 40))).toContain(p);
      // ...and none the decoder would turn into text is left out.
      for (let i = 0; i < all.length; i += 2) {
        const run = c.slice(all[i], all[i + 1]);
        const text = decodesToText(run);
        if (text) expect(gotPairs.has(`${all[i]}-${all[i + 1]}`), run.slice(0, 40)).toBe(true);
        if (text) keptText++;
        else if (!gotPairs.has(`${all[i]}-${all[i + 1]}`)) dropped++;
      }
    }
    // Not vacuous: text runs were kept, and runs of random alphabet bytes dropped.
    expect(keptText).toBeGreaterThan(10);
    expect(dropped).toBeGreaterThan(100);
  });
});

describe('keyword hits handed to the matcher', () => {
  it('are each rule\'s keyword starts, ascending and once each, on both kernels and past the split kernel\'s quarters', () => {
    // Overlapping keywords of one rule ("http" and "http://" start at one place), another rule
    // sharing one, and a blob long enough to be split into quarters.
    const rs = [rule('u', ['http', 'http://', 'tp:']), rule('v', ['http']), rule('w', ['zz'])];
    const words = ['http://a', 'HTTP', 'xhttpx', 'tp:', 'zz', 'zzz', 'filler', 'filler', 'filler'];
    let seed = 5;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const text = Array.from({ length: 3000 }, () => words[rand(words.length)]).join(' ');
    const lower = text.toLowerCase();
    const expected = (r: Rule) => {
      const at = new Set<number>();
      for (const k of r.keywords) for (let i = lower.indexOf(k); i !== -1; i = lower.indexOf(k, i + 1)) at.add(i);
      return [...at].sort((a, b) => a - b);
    };
    for (const kernel of ['wasm', 'js']) {
      const saved = process.env.NHISCAN_PREFILTER;
      if (kernel === 'js') process.env.NHISCAN_PREFILTER = 'js';
      try {
        const pf = new KeywordPrefilter(rs);
        const r = pf.pass(Buffer.from(text), false);
        expect(r.rules).toEqual([0, 1, 2]);
        // Both sides of the bound are seen: some rule gets its positions, and 'w' is common.
        expect(r.hits.filter((h) => h !== null).length).toBeGreaterThan(0);
        for (let k = 0; k < rs.length; k++) {
          const want = expected(rs[k]!);
          // Past MAX_HITS a keyword is common and the rule sees the whole text.
          if (rs[k]!.keywords.some((kw) => expected(rule('x', [kw])).length > MAX_HITS)) expect(r.hits[k], `${kernel} ${rs[k]!.id}`).toBeNull();
          else expect(r.hits[k], `${kernel} ${rs[k]!.id}`).toEqual(want);
        }
      } finally {
        if (saved === undefined) delete process.env.NHISCAN_PREFILTER;
        else process.env.NHISCAN_PREFILTER = saved;
      }
    }
  });
});
