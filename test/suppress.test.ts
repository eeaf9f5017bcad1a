import { describe, expect, it } from 'vitest';
import { runCli, tempRepos } from './helpers/git.js';
import { githubToken } from './helpers/secrets.js';

// One suppression stage: whatever drops a candidate, the summary counts it under its reason.
type Scan = { findings: Array<{ ruleId: string }>; summary: { scan: { dropped?: Record<string, number> } } };
const scanJson = (dir: string, ...args: string[]): Scan => {
  const r = runCli(['scan', dir, '-f', 'json', ...args]);
  expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
  return JSON.parse(r.stdout) as Scan;
};

describe('suppression counts by reason', () => {
  const repos = tempRepos();

  it('counts placeholders, allow comments, and the line, secret, path and commit allowlists', () => {
    const repo = repos();
    const [a, b, c, d, e] = [githubToken(), githubToken(), githubToken(), githubToken(), githubToken()];
    repo.commit('app', {
      'app.env': `API_TOKEN=${a} # nhiscan:allow\nGH=${b} # rotated-2024\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nX=${c}\n`,
      'vendor/lib.env': `T=${d}\n`,
    });
    const allowedCommit = repo.commit('later', { 'late.env': `T=${e}\n` });
    repo.write('.nhiscan.toml', `[allowlist]\nlines = ["rotated-2024"]\nstopwords = ["${c.slice(4, 16).toLowerCase()}"]\npaths = ["vendor/**"]\ncommits = ["${allowedCommit}"]\n`);
    repo.commit('config');
    const report = scanJson(repo.dir);
    expect(report.findings).toEqual([]);
    expect(report.summary.scan.dropped).toEqual({
      placeholder: 1,
      'inline-allow': 1,
      'allowlist-line': 1,
      'allowlist-secret': 1,
      'allowlist-path': 1,
      'allowlist-commit': 1,
    });
    const text = runCli(['scan', repo.dir, '-f', 'text']);
    // The header names what was dropped, by reason; the closing line repeats it.
    expect(text.stdout).toMatch(/^ {2}dropped {5}1 placeholder · 1 inline-allow · 1 allowlist-line · 1 allowlist-secret ·\n {14}1 allowlist-path · 1 allowlist-commit$/m);
    expect(text.stdout.replace(/\n {2}/g, ' ')).toContain('not reported: 1 placeholder, 1 inline-allow, 1 allowlist-line, 1 allowlist-secret, 1 allowlist-path, 1 allowlist-commit');
  });

  it('counts what the baseline holds back', () => {
    const repo = repos();
    repo.commit('leak', { 'a.env': `T=${githubToken()}\n` });
    expect(runCli(['baseline', 'create', repo.dir]).code).toBe(0);
    const report = scanJson(repo.dir);
    expect(report.findings).toEqual([]);
    expect(report.summary.scan.dropped?.baseline).toBe(1);
  });

  it('gives the same counts with 1 and 2 workers', () => {
    const repo = repos();
    repo.commit('x', { 'a.env': `A=${githubToken()} # nhiscan:allow\npassword = "changeme"\n`, 'b.env': `password = "placeholder"\n` });
    const one = scanJson(repo.dir, '--workers', '1');
    const two = scanJson(repo.dir, '--workers', '2');
    expect(two.summary.scan.dropped).toEqual(one.summary.scan.dropped);
    expect(one.summary.scan.dropped?.['inline-allow']).toBe(1);
  });
});
