import { describe, expect, it } from 'vitest';
import { Matcher, printableRuns, MIN_PRINTABLE } from '../src/detect/matcher.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { runCli, tempRepos } from './helpers/git.js';
import { githubToken } from './helpers/secrets.js';

// A token sitting in a SQLite file or a build artifact used to be skipped with the whole file.
function sqliteLike(...texts: string[]): Buffer {
  const junk = Buffer.from([0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x00, 0x03, 0x10, 0x00, 0xff, 0x01]);
  return Buffer.concat(texts.flatMap((t) => [junk, Buffer.from(t, 'latin1'), Buffer.alloc(7, 0)]));
}

describe('secrets in binary files', () => {
  const matcher = new Matcher(builtinRules);

  it('finds provider tokens in printable runs and locates them by byte offset', () => {
    const token = githubToken();
    const data = sqliteLike('CREATE TABLE settings(key TEXT, value TEXT)', `github ${token}`);
    const { matches } = matcher.scanBinary(data, 'app.db');
    expect(matches.map((m) => [m.rule.id, m.secret])).toEqual([['github-personal-access-token', token]]);
    const at = data.indexOf(token);
    expect(matches[0]!.column).toBe(at + 1);
    expect(matches[0]!.decoded).toEqual([{ encoding: 'strings', start: at, end: at + token.length }]);
  });

  it('keeps generic rules off: a password column beside a value is not reported', () => {
    const data = sqliteLike('password = "Xk9!mQ2#vL7@pR4$wN8z"', 'secret_key: "q8Zr2LmX0vT6yB4nK1sD"');
    expect(matcher.scanBinary(data, 'app.db').matches).toEqual([]);
  });

  it('reads only runs of at least MIN_PRINTABLE printable bytes', () => {
    const data = Buffer.concat([Buffer.from('a'.repeat(MIN_PRINTABLE - 1)), Buffer.from([0]), Buffer.from('b'.repeat(MIN_PRINTABLE)), Buffer.from([0x80])]);
    expect(printableRuns(data)).toEqual([MIN_PRINTABLE, 2 * MIN_PRINTABLE]);
    expect(printableRuns(Buffer.from('c'.repeat(MIN_PRINTABLE)))).toEqual([0, MIN_PRINTABLE]);
    expect(printableRuns(Buffer.alloc(0))).toEqual([]);
  });

  describe('through the CLI, in history', () => {
    const repos = tempRepos();
    it('reports a token committed inside a .sqlite file, and says it came from printable text', () => {
      const repo = repos();
      const token = githubToken();
      repo.commit('add db', { 'data/app.sqlite': sqliteLike('table tokens', `token ${token} `) });
      const json = runCli(['scan', repo.dir, '-f', 'json']);
      expect(json.code).toBe(1);
      const findings = JSON.parse(json.stdout).findings as Array<{ ruleId: string; path?: string; location?: { path: string } }>;
      expect(findings.map((f) => f.ruleId)).toContain('github-personal-access-token');
      const text = runCli(['scan', repo.dir, '-f', 'text']);
      expect(text.stdout).toContain("binary file's printable text");
      expect(text.stdout).not.toContain(token);
    });
  });
});
