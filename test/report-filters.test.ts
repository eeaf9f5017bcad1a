import { describe, expect, it } from 'vitest';
import { atLeast, type Report } from '../src/model.js';
import { isKnownRuleId } from '../src/cli/report-options.js';
import { CLOUD_RULES } from '../src/score/rules/index.js';
import { runCli, tempRepos } from './helpers/git.js';
import { githubToken } from './helpers/secrets.js';

const json = (args: string[]) => {
  const r = runCli([...args, '-f', 'json']);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
};

describe('report filters (scan, aws, audit)', () => {
  const repo = tempRepos();

  it('--severity hides below it from every format; the summary counts and --fail-on still see everything', () => {
    const all = json(['audit', '--demo']).report;
    const { report, code } = json(['audit', '--demo', '--severity', 'high', '--fail-on', 'low']);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => atLeast(f.severity, 'high'))).toBe(true);
    expect(report.summary.total).toBe(all.summary.total);
    expect(report.summary.hidden).toBe(all.findings.filter((f) => !atLeast(f.severity, 'high')).length);
    expect(code).toBe(1);
    const text = runCli(['audit', '--demo', '-f', 'text', '--severity', 'critical']).stdout;
    expect(text).toMatch(/^ {2}shown {7}\d+ \(\d+ below --severity not shown\)$/m);
    expect(text).not.toMatch(/^HIGH /m);
  });

  it('--only and --exclude change what is reported and what fails', () => {
    const only = json(['audit', '--demo', '--only', 'aws-root-no-mfa,aws-key-age', '--fail-on', 'critical']);
    expect(new Set(only.report.findings.map((f) => f.ruleId))).toEqual(new Set(['aws-root-no-mfa', 'aws-key-age']));
    expect(only.report.summary.total).toBe(only.report.findings.length);
    // aws-root-no-mfa is critical: it fails the run.
    expect(only.code).toBe(1);
    const low = json(['audit', '--demo', '--only', 'aws-key-age', '--fail-on', 'critical']);
    expect(low.report.findings.every((f) => f.severity !== 'critical')).toBe(true);
    expect(low.code).toBe(0);
    const excl = json(['audit', '--demo', '--exclude', 'aws-key-age', '--exclude', 'aws-root-no-mfa']);
    expect(excl.report.findings.some((f) => f.ruleId === 'aws-key-age' || f.ruleId === 'aws-root-no-mfa')).toBe(false);
    expect(excl.report.summary.byRule['aws-key-age']).toBeUndefined();
  });

  it('an unknown rule id is a usage error (exit 2), not echoed, for each command', () => {
    for (const cmd of [['scan', '.'], ['aws', '--credential-report', 'x', '--authorization-details', 'y'], ['audit', '--demo']]) {
      const r = runCli([...cmd, '--only', 'no-such-rule-xyzzy']);
      expect(r.code, cmd[0]).toBe(2);
      expect(r.stderr).toMatch(/unknown rule id/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(runCli(['scan', '.', '--exclude', 'github-personal-access-token,nope-nope']).code).toBe(2);
  });

  it('every rule id the demo audit reports is one --only accepts', () => {
    for (const f of json(['audit', '--demo']).report.findings) expect(isKnownRuleId(f.ruleId), f.ruleId).toBe(true);
    // Every cloud rule of the registry too, including ones the demo does not raise.
    for (const r of CLOUD_RULES) expect(isKnownRuleId(r.id), r.id).toBe(true);
    for (const id of ['aws-group-admin', 'aws-user-idle', 'aws-data-access']) expect(isKnownRuleId(id), id).toBe(true);
    expect(isKnownRuleId('aws-no-such-check')).toBe(false);
  });

  it('-q prints the summary and the exit reason only', () => {
    const r = runCli(['audit', '--demo', '-f', 'text', '-q', '--fail-on', 'high']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}findings {4}\d+: /m);
    expect(r.stdout).not.toMatch(/^(Leaked and live|Secrets in git|Cloud identities)/m);
    expect(r.stdout).not.toMatch(/^ {2}where /m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^exit 1: \d+ finding\(s\) at or above --fail-on high$/);
  });

  it('--verbose shows every occurrence; by default five, then a count', () => {
    const r = repo();
    const token = githubToken();
    r.commit('first', { 'p0.env': `TOKEN=${token}\n` });
    for (let i = 1; i <= 7; i++) r.commit(`copy ${i}`, { [`p${i}.env`]: `TOKEN=${token}\n` });
    const plain = runCli(['scan', r.dir, '-f', 'text']).stdout;
    const verbose = runCli(['scan', r.dir, '-f', 'text', '--verbose']).stdout;
    expect(plain.match(/^ {2}also {8}/gm)).toHaveLength(5);
    expect(plain).toMatch(/… and 2 more \(--verbose shows every occurrence\)/);
    expect(verbose.match(/^ {2}also {8}/gm)).toHaveLength(7);
    expect(verbose).not.toContain(token);
  });

  it('--fail-on is honoured with --demo; without it the demo exits 0', () => {
    expect(runCli(['audit', '--demo', '-f', 'json']).code).toBe(0);
    expect(runCli(['audit', '--demo', '-f', 'json', '--fail-on', 'critical']).code).toBe(1);
    expect(runCli(['audit', '--demo', '-f', 'json', '--fail-on', 'critical', '--only', 'aws-key-age']).code).toBe(0);
  });
});
