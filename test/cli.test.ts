import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, TempRepo } from './helpers/git.js';
import { sarifValidator } from './helpers/sarif.js';
import { awsKeyId, githubToken } from './helpers/secrets.js';

const token = githubToken();
const keyId = awsKeyId('210987654321');
const password = 'Zq7pN3vK9sW2xY';
let repo: TempRepo;
let clean: TempRepo;

beforeAll(() => {
  repo = new TempRepo();
  repo.commit('init', { 'README.md': '# app\n' });
  repo.commit('leak', { 'ci.env': `GITHUB_TOKEN=${token}\nAWS_ACCESS_KEY_ID=${keyId}\n`, 'db.env': `DB_PASSWORD=${password}\n` });
  clean = new TempRepo();
  clean.commit('init', { 'README.md': '# nothing here\n' });
});
afterAll(() => {
  repo.cleanup();
  clean.cleanup();
});

describe('exit codes', () => {
  it('0 when clean', () => {
    const r = runCli(['scan', clean.dir, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });

  it('1 when findings reach --fail-on, 0 when they do not', () => {
    expect(runCli(['scan', repo.dir, '-f', 'json']).code).toBe(1);
    const onlyMedium = new TempRepo();
    try {
      onlyMedium.commit('pw', { 'db.env': `DB_PASSWORD=${password}\n` });
      expect(runCli(['scan', onlyMedium.dir, '-f', 'json', '--fail-on', 'high']).code).toBe(0);
      expect(runCli(['scan', onlyMedium.dir, '-f', 'json', '--fail-on', 'medium']).code).toBe(1);
    } finally {
      onlyMedium.cleanup();
    }
  });

  it.each([
    [['scan', '--bogus'], /unknown option '--bogus'/],
    [['scan', '--fail-on', 'urgent'], /--fail-on/],
    [['scan', '--format', 'xml'], /--format/],
    [['scan', '--max-file-size', 'lots'], /invalid size/],
    [['scan', '--staged', '--range', 'a..b'], /mutually exclusive/],
    [['scna'], /unknown command 'scna'/],
    [['scan', '/definitely/not/here'], /target not found/],
  ])('2 with a one-line hint for %j', (args, hint) => {
    const r = runCli(args as string[], { cwd: clean.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(hint);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('2 for an invalid config, naming file and line', () => {
    writeFileSync(join(clean.dir, 'bad.toml'), '[allowlist]\npaths = 3\n');
    const r = runCli(['scan', clean.dir, '--config', join(clean.dir, 'bad.toml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.toml:2: paths must be a list of strings/);
  });

  it('3 when git options meet something that is not a repository', () => {
    const r = runCli(['scan', '--staged', '/tmp']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^nhiscan: not a git repository: \/tmp$/m);
  });

  it('3, never 0, when git is missing', () => {
    const r = runCli(['scan', clean.dir], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/git is not installed/);
  });

  it('3 when an object is corrupt, still printing what it found', () => {
    const broken = new TempRepo();
    try {
      broken.commit('leak', { 'a.env': `T=${githubToken()}\n` });
      broken.commit('more', { 'b.txt': 'some content that will be corrupted\n' });
      const blob = broken.git('rev-parse', 'HEAD:b.txt').trim();
      const file = join(broken.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2));
      chmodSync(file, 0o644);
      writeFileSync(file, 'garbage, not zlib');
      const r = runCli(['scan', broken.dir, '-f', 'json']);
      expect(r.code).toBe(3);
      const report = JSON.parse(r.stdout);
      expect(report.coverage.complete).toBe(false);
      expect(report.coverage.gaps.length).toBeGreaterThan(0);
    } finally {
      broken.cleanup();
    }
  });

  it('--debug says what share of the scanned bytes reached the regexes', () => {
    const r = new TempRepo();
    try {
      // 40 KiB of code with no keyword at all, and one short file that names a token.
      r.commit('code', { 'src/big.c': 'int f(int x) { return x + 1; }\n'.repeat(1300), 'ci.env': `GITHUB_TOKEN=${token}\n` });
      const run = runCli(['scan', r.dir, '-f', 'json', '--debug']);
      expect(run.code).toBe(1);
      const share = Number(/regexShare=([\d.]+)%/.exec(run.stderr)?.[1]);
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThan(5);
      const stats = JSON.parse(run.stdout).summary.scan;
      expect(share).toBeCloseTo((100 * stats.regexChars) / stats.bytes, 1);
    } finally {
      r.cleanup();
    }
  });

  it('--debug adds a stack trace to unexpected errors only when asked', () => {
    const r = runCli(['scan', '--staged', '/tmp', '--debug']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\n\s+at /);
    // Through the bundle's source maps (built beside it): the sources' names, not the chunks'.
    expect(r.stderr).toMatch(/\(.*src\/sources\/git\/repo\.ts:\d+:\d+\)/);
    expect(r.stderr).not.toMatch(/chunk-[A-Z0-9]+\.js/);
    // Without --debug: one line, no stack.
    const plain = runCli(['scan', '--staged', '/tmp']);
    expect(plain.code).toBe(3);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('formats and redaction', () => {
  it('json: the documented envelope and finding fields, secrets redacted', () => {
    const r = runCli(['scan', repo.dir, '-f', 'json']);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['tool', 'version', 'target', 'summary', 'findings']));
    expect(report.tool).toBe('nhiscan');
    const gh = report.findings.find((f: { ruleId: string }) => f.ruleId === 'github-personal-access-token');
    expect(gh).toMatchObject({ severity: 'critical', inHead: true, validation: 'checksum ok', occurrences: { commits: 1, paths: 1 } });
    expect(gh.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(gh.location).toMatchObject({ path: 'ci.env', line: 1, column: 14, author: 'Dev Eloper', message: 'leak' });
    for (const s of [token, password]) expect(r.stdout).not.toContain(s);
    expect(r.stderr).toBe('');
  });

  it('never prints a whole secret in any format unless --show-secrets', () => {
    for (const format of ['text', 'json', 'jsonl', 'sarif']) {
      const r = runCli(['scan', repo.dir, '-f', format]);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(r.stdout, format).not.toContain(token);
      expect(r.stdout, format).not.toContain(password);
    }
    const shown = runCli(['scan', repo.dir, '-f', 'json', '--show-secrets']);
    expect(shown.stdout).toContain(token);
    expect(shown.stdout).toContain(password);
  });

  it('jsonl: one finding per line, then a summary record', () => {
    const lines = runCli(['scan', repo.dir, '-f', 'jsonl']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1).type).toBe('summary');
    expect(lines.slice(0, -1).every((l: { type: string }) => l.type === 'finding')).toBe(true);
    expect(lines.length - 1).toBe(lines.at(-1).summary.total);
  });

  it('text: grouped findings and a closing summary, no colour under NO_COLOR', () => {
    const r = runCli(['scan', repo.dir, '-f', 'text']);
    expect(r.stdout).toMatch(/CRITICAL\s+GitHub personal access token/);
    expect(r.stdout).toMatch(/\d+ finding\(s\) \(.*critical.*\); scanned \d+ blob\(s\)/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('sarif: valid against the SARIF 2.1.0 schema with content-hash partial fingerprints', () => {
    const validate = sarifValidator();
    const sarif = JSON.parse(runCli(['scan', repo.dir, '-f', 'sarif']).stdout);
    const check = validate(sarif);
    expect(check.valid, check.errors).toBe(true);
    const results = sarif.runs[0].results;
    expect(results.length).toBe(3);
    for (const res of results) expect(res.partialFingerprints['nhiscanFingerprint/v1']).toMatch(/^[0-9a-f]{32}$/);
    // Moving the secret to another line must not change its fingerprint.
    const moved = new TempRepo();
    try {
      moved.commit('leak', { 'other.env': `\n\n# moved\nGITHUB_TOKEN=${token}\n` });
      const again = JSON.parse(runCli(['scan', moved.dir, '-f', 'sarif']).stdout).runs[0].results;
      const fp = (rs: Array<{ ruleId: string; partialFingerprints: Record<string, string> }>) =>
        rs.find((x) => x.ruleId === 'github-personal-access-token')!.partialFingerprints['nhiscanFingerprint/v1'];
      expect(fp(again)).toBe(fp(results));
    } finally {
      moved.cleanup();
    }
  });

  it('--output writes the report to a 0600 file and nothing to stdout', () => {
    const out = join(clean.dir, 'report.json');
    const r = runCli(['scan', repo.dir, '-f', 'json', '--show-secrets', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain(token);
  });

  it('stdin: - reads standard input', () => {
    const r = runCli(['scan', '-', '-f', 'json'], { input: `export GITHUB_TOKEN=${token}\n` });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { ruleId: string; location: { path: string } }) => [f.ruleId, f.location.path])).toEqual([
      ['github-personal-access-token', '(stdin)'],
    ]);
  });

  it('an inline nhiscan:allow comment suppresses that finding only', () => {
    const other = githubToken('gho_');
    const r = runCli(['scan', '-', '-f', 'json'], { input: `A=${token} # nhiscan:allow test fixture\nB=${other}\n` });
    const report = JSON.parse(r.stdout);
    expect(report.findings).toHaveLength(1);
    expect(report.summary.scan.suppressed).toBe(1);
  });

  it('--help and --version work on every command', () => {
    for (const args of [['--help'], ['scan', '--help'], ['hook', 'install', '--help'], ['demo', '--help']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: nhiscan/);
    }
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('pre-commit hook', () => {
  it('blocks a commit with a staged secret and lets a clean one through', () => {
    const r = new TempRepo();
    try {
      r.commit('init', { 'a.txt': 'a\n' });
      const install = runCli(['hook', 'install', r.dir]);
      expect(install.code).toBe(0);
      const hook = join(r.dir, '.git', 'hooks', 'pre-commit');
      expect(statSync(hook).mode & 0o111).not.toBe(0);
      r.write('leak.env', `T=${githubToken()}\n`);
      r.git('add', 'leak.env');
      expect(() => r.git('commit', '-q', '-m', 'leak')).toThrow();
      r.git('reset', '-q', 'leak.env');
      r.write('ok.txt', 'fine\n');
      r.git('add', 'ok.txt');
      r.git('commit', '-q', '-m', 'fine');
      expect(r.git('log', '--format=%s', '-1').trim()).toBe('fine');
      // An existing foreign hook is not overwritten without --force.
      writeFileSync(hook, '#!/bin/sh\necho mine\n');
      expect(runCli(['hook', 'install', r.dir]).code).toBe(2);
      expect(readdirSync(join(r.dir, '.git', 'hooks'))).toContain('pre-commit');
    } finally {
      r.cleanup();
    }
  });
});

describe('command groups', () => {
  it.each(['hook', 'baseline', 'rules'])('a bare `%s` is one usage line naming its commands, exit 2', (group) => {
    const r = runCli([group]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^nhiscan: ${group} needs a command: .+ \\(see nhiscan ${group} --help\\)\\n$`));
  });

  it.each([['hook', 'help'], ['rules', 'help'], ['hook', 'help', 'install'], ['baseline', '--help']])('`%s %s` is help on stdout, exit 0', (...args) => {
    const r = runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: nhiscan');
    expect(r.stderr).toBe('');
  });
});
