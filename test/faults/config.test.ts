// Config safety: a scanned repository's own .nhiscan.toml is untrusted input. Its regexes must not
// hang the scan, and no config error may echo a value (a regex or key can be the very secret).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { Matcher } from '../../src/detect/matcher.js';
import { UsageError } from '../../src/errors.js';
import { githubToken } from '../helpers/secrets.js';
import { cli, expectContract } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function target(config: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-config-'));
  dirs.push(dir);
  writeFileSync(join(dir, '.nhiscan.toml'), config);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

// A hang is seen as the harness killing the child, long before the suite's own timeout.
const HANG = { timeoutMs: 15_000 };
const EVIL = '(a+)+$';
const FIFTY_ONE = `${'a'.repeat(50)}!`;

describe('config regexes run in linear time', () => {
  it('a [[rule]] regex with nested repetition does not hang the scan', { timeout: 20_000 }, async () => {
    const dir = target(`[[rule]]\nid = "evil"\nregex = "${EVIL}"\n`, { 'f.txt': FIFTY_ONE });
    const started = Date.now();
    const r = await cli(['scan', '--no-git', dir, '--format', 'json'], HANG);
    expectContract(r, { code: 0 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a [[rule]] paths regex with nested repetition does not hang the scan', { timeout: 20_000 }, async () => {
    const dir = target(`[[rule]]\nid = "evil"\nregex = "zzz"\npaths = "${EVIL}"\n`, { [`${'a'.repeat(40)}!`]: 'x' });
    expectContract(await cli(['scan', '--no-git', dir, '--format', 'json'], HANG), { code: 0 });
  });

  it('an [allowlist] lines regex does not hang on the line of a finding', { timeout: 20_000 }, async () => {
    const token = githubToken();
    const dir = target(`[allowlist]\nlines = ["${EVIL}"]\n`, { 'f.txt': `k = ${token} ${FIFTY_ONE}\n` });
    const r = await cli(['scan', '--no-git', dir, '--format', 'json'], HANG);
    expectContract(r, { code: 1, secrets: [token] });
  });

  it('an [allowlist] regexes regex does not hang on a secret', { timeout: 20_000 }, async () => {
    const token = githubToken();
    const dir = target(`[allowlist]\nregexes = ["^([A-Za-z0-9_]+)+!$"]\n`, { 'f.txt': `k = ${token}\n` });
    const r = await cli(['scan', '--no-git', dir, '--format', 'json'], HANG);
    expectContract(r, { code: 1, secrets: [token] });
  });

  it('still honours RE2 features: (?i), (?P<secret>…), UTF-16 columns after astral characters', () => {
    const cfg = parseConfig('[[rule]]\nid = "acme"\nregex = "(?i)acme_(?P<secret>[a-z0-9]{8})"\nkeywords = ["acme_"]\n', 'x.toml');
    const { matches } = new Matcher(cfg.customRules).scan('x 😀😀 ACME_ab12cd34 ok\nnext acme_zz99yy88\n');
    expect(matches.map((m) => [m.secret, m.line, m.column])).toEqual([
      ['ab12cd34', 1, 13],
      ['zz99yy88', 2, 11],
    ]);
  });

  it('a rule whose every match reads to the end of the text is stopped and reported, not left to run for minutes', { timeout: 20_000 }, () => {
    const cfg = parseConfig('[[rule]]\nid = "slow"\nregex = "a.*b|a"\n', 'x.toml');
    const matcher = new Matcher(cfg.customRules);
    const started = Date.now();
    // Unbounded, these 40 KB take about 50 s: each of the 40,000 matches reads to the end.
    matcher.scan('a'.repeat(40_000), 'big.txt');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(matcher.gaps()).toEqual([{ scope: 'custom rule slow', reason: expect.stringMatching(/stopped on 1 text\(s\), first big\.txt/) }]);
  });

  it('the CLI reports a rule stopped early as incomplete (exit 3), with the report still written', { timeout: 20_000 }, async () => {
    const dir = target('[[rule]]\nid = "slow"\nregex = "a.*b|a"\n', { 'big.txt': 'a'.repeat(40_000) });
    const r = await cli(['scan', '--no-git', dir, '--format', 'json'], HANG);
    expectContract(r, { code: 3, says: /incomplete: custom rule slow/ });
    expect(JSON.parse(r.stdout).coverage.gaps[0].scope).toBe('custom rule slow');
  });

  it.each([
    ['lookahead', '(?=x)abc'],
    ['backreference', '(a)\\\\1'],
  ])('rejects a %s (it cannot run in linear time) with exit 2, file and line', async (_kind, regex) => {
    const dir = target(`# custom\n[[rule]]\nid = "r"\nregex = "${regex}"\n`);
    const r = await cli(['scan', '--no-git', dir]);
    expectContract(r, { code: 2, says: /\.nhiscan\.toml:4: invalid regex in \[\[rule\]\] r regex: .*RE2 syntax/ });
  });
});

/** Lower-case hex: the shape the stderr safety net leaves readable (commit ids), so only the config code can keep it out. */
const hexSecret = (): string => randomBytes(20).toString('hex');

describe('config errors never echo a value', () => {
  const cases: Array<[string, (s: string) => string, RegExp]> = [
    ['[allowlist] regexes', (s) => `[allowlist]\nregexes = ["ok", "${s}("]\n`, /:2: invalid regex in \[allowlist\] regexes entry 2: missing closing \)$/],
    ['[allowlist] lines', (s) => `[allowlist]\nlines = [\n  "${s}[",\n]\n`, /:3: invalid regex in \[allowlist\] lines entry 1: missing closing \]$/],
    ['[[rule]] regex', (s) => `[[rule]]\nid = "r"\nregex = "${s}\\\\1"\n`, /:3: invalid regex in \[\[rule\]\] r regex: invalid escape sequence/],
    ['[[rule]] paths', (s) => `[[rule]]\nid = "r"\nregex = "x"\npaths = "(${s}"\n`, /:4: invalid regex in \[\[rule\]\] r paths: missing closing \)$/],
    ['[[rule]] without a regex', (s) => `[[rule]]\nid = "${s}"\n`, /:2: \[\[rule\]\] #1 needs a string "regex"$/],
    ['a top-level key', (s) => `"${s}" = 1\n`, /:1: unknown key \(not shown\) \(expected one of/],
    ['a key in [allowlist]', (s) => `[allowlist]\n${s} = 1\n`, /:2: unknown key \(not shown\) in \[allowlist\]/],
    ['a key in [[rule]]', (s) => `[[rule]]\nid = "r"\nregex = "x"\n"${s}" = "y"\n`, /:4: unknown key \(not shown\) in \[\[rule\]\] r/],
    ['[rules] severity', (s) => `[rules]\nseverity = { "${s}" = "urgent" }\n`, /:2: severity for a rule in \[rules\] must be/],
    ['a TOML syntax error', (s) => `[allowlist]\nregexes = ["${s}" "x"]\n`, /:2:\d+: expected comma or end of structure$/],
  ];

  for (const [kind, config, says] of cases) {
    for (const [shape, make] of [
      ['a GitHub token', () => githubToken()],
      ['a hex secret', hexSecret],
    ] as const) {
      it(`${kind} holding ${shape}: exit 2, file and line, no value (with and without --debug)`, async () => {
        const secret = make();
        const dir = target(config(secret));
        const plain = await cli(['scan', '--no-git', dir]);
        expectContract(plain, { code: 2, secrets: [secret], says: new RegExp(`^nhiscan: .*\\.nhiscan\\.toml${says.source}`, 'm') });
        // --debug adds the stack (which expectContract forbids): its first line is the message, the rest are frames.
        const debug = await cli(['scan', '--no-git', dir, '--debug']);
        expect(debug.code, debug.stderr).toBe(2);
        expect(debug.stderr).toMatch(/^UsageError: /m);
        expect(debug.stderr.includes(secret), debug.stderr).toBe(false);
        expect(debug.stdout.includes(secret)).toBe(false);
      });
    }
  }

  it('names an unknown key shaped like nhiscan’s own keys (a typo), so it stays useful', () => {
    expect(() => parseConfig('[allowlist]\nregex = ["x"]\n', 'x.toml')).toThrow(/^x\.toml:2: unknown key "regex" in \[allowlist\]/);
  });

  it('names a built-in rule id in a severity error, as it is public', () => {
    expect(() => parseConfig('[rules]\nseverity = { generic-password = 3 }\n', 'x.toml')).toThrow(/^x\.toml:2: severity for "generic-password" in \[rules\]/);
  });

  it.each([
    ['[allowlist] as a string', 'allowlist = "x"', /^x\.toml:1: \[allowlist\] must be a table$/],
    ['[rules] severity as a string', '[rules]\nseverity = "low"', /^x\.toml:2: \[rules\] severity must be a table$/],
    ['[[rule]] entries that are not tables', 'rule = [1]', /^x\.toml:1: \[\[rule\]\] #1 must be a table$/],
    ['entropy that is not a number', '[[rule]]\nid = "r"\nregex = "x"\nentropy = nan', /^x\.toml:4: \[\[rule\]\] r: entropy must be a non-negative number$/],
    ['paths that is not a string', '[[rule]]\nid = "r"\nregex = "x"\npaths = ["a"]', /^x\.toml:4: \[\[rule\]\] r: paths must be a regex string$/],
  ])('rejects %s as a usage error', (_name, text, says) => {
    let caught: unknown;
    try {
      parseConfig(text, 'x.toml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(says);
  });
});

describe('an allowlist entry that matches everything is a config error, not a silent exit 0', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['an empty stopword', `[allowlist]\nstopwords = ["example", ""]\n`, /:2: \[allowlist\] stopwords entry 2 is empty, so it would allowlist everything$/],
    ['an empty regexes entry', `[allowlist]\nregexes = [""]\n`, /:2: \[allowlist\] regexes entry 1 matches the empty string/],
    ['a .* regexes entry', `[allowlist]\nregexes = [\n  "^test-",\n  ".*",\n]\n`, /:4: \[allowlist\] regexes entry 2 matches the empty string/],
    ['a ^ lines entry', `[allowlist]\nlines = ["^"]\n`, /:2: \[allowlist\] lines entry 1 matches the empty string/],
    ['an alternation with an empty branch in lines', `[allowlist]\nlines = ["nosecret|"]\n`, /:2: \[allowlist\] lines entry 1 matches the empty string/],
  ];
  for (const [kind, config, says] of cases) {
    it(`${kind}: exit 2 naming table and line`, async () => {
      const token = githubToken();
      const dir = target(config, { 'app.env': `TOKEN=${token}\n` });
      const r = await cli(['scan', '--no-git', dir, '-f', 'json']);
      expectContract(r, { code: 2, secrets: [token], says: new RegExp(`^nhiscan: .*\\.nhiscan\\.toml${says.source}`, 'm') });
      expect(r.stdout).toBe('');
    });
  }

  it('entries that match something still work (the token is allowlisted by its own prefix)', async () => {
    const token = githubToken();
    const dir = target(`[allowlist]\nregexes = ["^ghp_"]\nstopwords = ["example"]\nlines = ["^#"]\n`, { 'app.env': `TOKEN=${token}\n` });
    const r = await cli(['scan', '--no-git', dir, '-f', 'json']);
    expectContract(r, { code: 0, secrets: [token] });
  });
});
