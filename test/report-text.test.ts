import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { severityRank, type Report } from '../src/model.js';
import { renderText } from '../src/report/text.js';
import { runCli } from './helpers/git.js';

/** A command line of the report: printed whole, the only kind allowed past the width. */
const COMMAND = /^\s*\$ /;

function demoText(columns: number, extra: string[] = []): string {
  const r = runCli(['audit', '--demo', '-f', 'text', ...extra], { env: { COLUMNS: String(columns) } });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

function demoJson(): Report {
  return JSON.parse(runCli(['audit', '--demo', '-f', 'json']).stdout) as Report;
}

describe('terminal report layout', () => {
  for (const columns of [80, 200]) {
    it(`fits ${columns} columns: only whole commands are wider`, () => {
      const text = demoText(columns);
      const lines = text.split('\n');
      const wide = lines.filter((l) => stringWidth(l) > columns);
      for (const l of wide) expect(l, 'a non-command line passes the width').toMatch(COMMAND);
      // Commands are never split inside a word: every command the JSON report holds is on one
      // line, whole, or (too wide for the terminal) its `&&` parts on consecutive lines joined by
      // a shell continuation, each part whole.
      let continued = 0;
      for (const f of demoJson().findings) {
        const cmd = f.remediation?.command;
        if (!cmd) continue;
        const whole = lines.some((l) => l.trim() === `$ ${cmd}`);
        const parts = cmd.split(' && ');
        const at = lines.findIndex((l) => l.trim() === `$ ${parts[0]}${parts.length > 1 ? ' && \\' : ''}`);
        const split = !whole && parts.length > 1 && at >= 0 && parts.slice(1).every((p, i) => lines[at + 1 + i]!.trim() === `${p}${i < parts.length - 2 ? ' && \\' : ''}`);
        expect(whole || split, cmd).toBe(true);
        if (split) continued++;
      }
      // At 80 columns the revoke-and-rotate commands do not fit whole; at 200 they do.
      if (columns === 80) expect(continued).toBeGreaterThan(0);
      else expect(continued).toBe(0);
      // No old-style `key=value · key=value` evidence lines.
      expect(text).not.toMatch(/\w+=\S+ · \w+=/);
    });
  }

  it('wraps narrower at 80 than at 200 columns', () => {
    expect(demoText(80).split('\n').length).toBeGreaterThan(demoText(200).split('\n').length);
  });

  it('summary first: header, counts by severity, NHI id and rule, then the three sections in order', () => {
    const text = demoText(100);
    const at = (re: RegExp) => {
      const i = text.search(re);
      expect(i, String(re)).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [/^nhiscan \d+\.\d+\.\d+ audit$/m, /^ {2}targets {5}\/.*payments-api$/m, /^ {2}account {5}\d{12} · offline/m, /^ {2}examined {4}\d+ identities \(\d+ users, \d+ roles\), \d+ access keys, \d+ secrets$/m, /^ {2}scanned {5}\d+ blobs/m, /^ {2}findings {4}\d+: \d+ critical/m, /^ {2}by NHI {6}NHI1 /m, /^ {2}by rule {5}\S+ \d+ · /m, /^Leaked and live \(\d+\)$/m, /^Secrets in git \(\d+\)$/m, /^Cloud identities \(\d+\)$/m].map(at);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Cloud tables carry column headers.
    expect(text).toMatch(/^ {2}SEVERITY {2}RISK {2}NHI +FINDING$/m);
    // The exit reason closes the report.
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^exit 0: the demo shows its findings/);
  });

  it('orders findings by severity, then risk, in every section and in JSON', () => {
    const report = demoJson();
    for (let i = 1; i < report.findings.length; i++) {
      const a = report.findings[i - 1]!;
      const b = report.findings[i]!;
      const worse = severityRank(a.severity) - severityRank(b.severity);
      expect(worse >= 0, `${a.ruleId} before ${b.ruleId}`).toBe(true);
      if (worse === 0) expect((a.risk ?? 0) >= (b.risk ?? 0)).toBe(true);
    }
    // The case: a CRITICAL 46 sits above a MEDIUM 55 in the same identity's table.
    const text = demoText(100);
    const table = text.slice(text.indexOf('prod-data-writer  workload-role'));
    expect(table.search(/CRITICAL +46 /)).toBeLessThan(table.search(/MEDIUM +55 /));
    expect(table.search(/CRITICAL +46 /)).toBeGreaterThan(0);
  });

  it('labelled fields wrap under their value column', () => {
    const lines = demoText(80).split('\n');
    const fix = lines.findIndex((l) => /^ {2}fix {9}Deactivate now/.test(l));
    expect(fix).toBeGreaterThan(0);
    expect(lines[fix + 1]).toMatch(/^ {14}\S/);
  });

  it('in colour (FORCE_COLOR, as scripts/screenshots.mjs runs it) the width holds once escapes are stripped', () => {
    const r = runCli(['audit', '--demo'], { env: { NO_COLOR: '', FORCE_COLOR: '1', COLUMNS: '100' } });
    expect(r.stdout).toMatch(/\x1b\[/);
    for (const l of r.stdout.split('\n')) if (stringWidth(l) > 100) expect(l.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(COMMAND);
  });

  it('renderText alone: a long command is printed whole even at a narrow width', () => {
    const report: Report = {
      tool: 'nhiscan', version: '0.0.0', target: 'aws:123456789012', generatedAt: '2026-01-01T00:00:00Z',
      summary: { total: 1, bySeverity: { critical: 0, high: 1, medium: 0, low: 0, info: 0 }, byNhi: { NHI7: 1 }, byRule: { 'aws-key-age': 1 }, durationMs: 1 },
      coverage: { complete: true, gaps: [] },
      findings: [{
        kind: 'cloud', ruleId: 'aws-key-age', title: 'Active access key older than 90 days and this title goes on for a while', severity: 'high', nhi: ['NHI7'], fingerprint: 'f', risk: 80,
        identity: { arn: 'arn:aws:iam::123456789012:user/a-rather-long-path/with/many/segments/svc', name: 'svc', kind: 'service-user' },
        credential: { kind: 'access-key', id: 'AKIAEXAMPLEEXAMPLE12' }, evidence: { ageDays: 400, created: '2025-01-01' },
        remediation: { hint: 'rotate it', command: 'nhiscan rotate access-key AKIAEXAMPLEEXAMPLE12 --user svc --to-secret arn:aws:secretsmanager:us-east-1:123456789012:secret:x' },
      }],
    };
    const text = renderText(report, { color: false, width: 60 });
    const lines = text.split('\n');
    expect(lines.filter((l) => l.includes('nhiscan rotate access-key'))).toHaveLength(1);
    for (const l of lines) if (l.length > 60) expect(l).toMatch(COMMAND);
    // --verbose shows the evidence as labelled fields, never key=value.
    const verbose = renderText(report, { color: false, width: 60, verbose: true });
    expect(verbose).toMatch(/ageDays {2}400/);
    expect(text).not.toMatch(/ageDays/);
  });
});
