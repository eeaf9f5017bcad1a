import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { CloudFinding, Finding, Report, SecretFinding } from '../src/model.js';
import { CSV_COLUMNS } from '../src/report/csv.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../src/report/markdown.js';
import { runCli, tempRepos } from './helpers/git.js';
import { awsKeyId, githubToken } from './helpers/secrets.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'aws');
const OFFLINE = ['--credential-report', join(FIX, 'credential-report.csv'), '--authorization-details', join(FIX, 'authorization-details.json'), '--secrets', join(FIX, 'secrets.json'), '--access-keys', join(FIX, 'access-keys.json')];
const ENVELOPE = ['tool', 'version', 'command', 'target', 'targets', 'generatedAt', 'summary', 'findings', 'coverage'];

function json(args: string[]): Report {
  const r = runCli([...args, '-f', 'json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Report;
}

describe('one envelope for scan, aws and audit', () => {
  const repo = tempRepos();

  it('scan, aws and audit share the envelope; every finding has its typed `where`', () => {
    const r = repo();
    r.commit('add', { 'ci.env': `TOKEN=${githubToken()}\n` });
    const scan = json(['scan', r.dir]);
    const aws = json(['aws', ...OFFLINE]);
    const audit = json(['audit', r.dir, ...OFFLINE]);
    for (const [name, rep] of [['scan', scan], ['aws', aws], ['audit', audit]] as const) {
      for (const k of ENVELOPE) expect(rep, `${name}.${k}`).toHaveProperty(k);
      expect(rep.command).toBe(name);
      expect(rep.summary).toHaveProperty('bySeverity');
      expect(rep.summary).toHaveProperty('byNhi');
      expect(rep.summary).toHaveProperty('byRule');
      for (const f of rep.findings) expect(f.where, `${name} ${f.ruleId}`).toBeDefined();
    }
    expect(scan.targets).toEqual([r.dir]);
    expect(scan.findings[0]!.where).toMatchObject({ repository: r.dir, path: 'ci.env', line: 1 });
    for (const rep of [aws, audit]) {
      expect(rep.account).toMatch(/^\d{12}$/);
      expect(rep.mode).toBe('offline');
      expect(rep.caller).toBeNull();
      expect(rep.summary.inventory).toMatchObject({ identities: expect.any(Number), accessKeys: expect.any(Number), secrets: expect.any(Number) });
      for (const f of rep.findings) if (f.kind === 'cloud') expect(f.where).toMatchObject({ account: rep.account, arn: f.identity.arn, identity: f.identity.name });
      // Every account finding is scored.
      for (const f of rep.findings) if (f.kind !== 'secret') expect(f.risk, f.ruleId).toEqual(expect.any(Number));
    }
    expect(audit.targets).toEqual([r.dir, `aws:${audit.account}`]);
    const secret = aws.findings.find((f): f is CloudFinding => f.kind === 'cloud' && f.identity.arn.startsWith('arn:aws:secretsmanager:'));
    expect(secret?.where?.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    // jsonl's closing record carries the envelope too.
    const last = JSON.parse(runCli(['aws', ...OFFLINE, '-f', 'jsonl']).stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ type: 'summary', command: 'aws', mode: 'offline', account: aws.account });
  });

  it('a multi-repository audit names the repository of every finding, in every format', () => {
    const a = repo();
    const b = repo();
    a.commit('a', { 'deploy.sh': `export GH=${githubToken()}\n` });
    b.commit('b', { 'deploy.sh': `export GH=${githubToken()}\n` });
    const report = json(['audit', a.dir, b.dir, ...OFFLINE]);
    const secrets = report.findings.filter((f): f is SecretFinding => f.kind === 'secret');
    expect(new Set(secrets.map((f) => f.where?.repository))).toEqual(new Set([a.dir, b.dir]));
    const text = runCli(['audit', a.dir, b.dir, ...OFFLINE, '-f', 'text'], { env: { COLUMNS: '200' } }).stdout;
    expect(text).toContain(`repo        ${a.dir}`);
    expect(text).toContain(`repo        ${b.dir}`);
    const md = runCli(['audit', a.dir, b.dir, ...OFFLINE, '-f', 'markdown']).stdout;
    expect(md).toContain(`\`${a.dir}\`: \`deploy.sh:1\``);
    expect(md).toContain(`\`${b.dir}\`: \`deploy.sh:1\``);
    const rows = parse(runCli(['audit', a.dir, b.dir, ...OFFLINE, '-f', 'csv']).stdout, { columns: true }) as Record<string, string>[];
    expect(new Set(rows.filter((r) => r.path === 'deploy.sh').map((r) => r.repository))).toEqual(new Set([a.dir, b.dir]));
    const sarif = JSON.parse(runCli(['audit', a.dir, b.dir, ...OFFLINE, '-f', 'sarif']).stdout) as { runs: { results: { properties: Record<string, unknown>; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const repos = sarif.runs[0]!.results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'deploy.sh').map((r) => r.properties.repository);
    expect(new Set(repos)).toEqual(new Set([a.dir, b.dir]));
  });

  it('CSV: fixed columns, flat evidence, a row of each kind', () => {
    const out = runCli(['audit', '--demo', '-f', 'csv']).stdout;
    const header = out.split('\n')[0]!.split(',');
    expect(header.slice(0, CSV_COLUMNS.length)).toEqual([...CSV_COLUMNS]);
    expect(header.slice(CSV_COLUMNS.length).every((h) => h.startsWith('evidence.'))).toBe(true);
    expect(header).toContain('account');
    expect(header).toContain('region');
    const rows = parse(out, { columns: true }) as Record<string, string>[];
    // No cell holds JSON.
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[[{]/);
    const leak = rows.find((r) => r.rule === 'aws-leaked-key-active')!;
    expect(leak).toMatchObject({ kind: 'leak', severity: 'critical', leak_match: 'in-account', key_status: 'Active', used_after_leak: 'true', account: '493820157462', identity: 'svc-deploy', path: 'deploy/deploy.sh' });
    expect(leak.credential).toMatch(/^AKIA/);
    expect(Number(leak.exposure_days)).toBeGreaterThan(0);
    const age = rows.find((r) => r.rule === 'aws-key-age')!;
    expect(age).toMatchObject({ kind: 'cloud', account: '493820157462', identity_kind: 'service-user', path: '', leak_match: '' });
    expect(age.arn).toMatch(/^arn:aws:iam::/);
    expect(Object.keys(age).some((k) => k.startsWith('evidence.') && age[k] !== '')).toBe(true);
    const secretRow = rows.find((r) => r.rule === 'github-personal-access-token')!;
    expect(secretRow).toMatchObject({ kind: 'secret', provider: 'github', validation: 'checksum ok', arn: '' });
    expect(secretRow.secret).toMatch(/\*{4}/);
    const region = rows.find((r) => (r.arn ?? "").startsWith('arn:aws:secretsmanager:'))!;
    expect(region.region).toBe((region.arn ?? "").split(':')[3]);
  });

  it('scan writes the same fixed CSV columns, and a --format error still names its choices', () => {
    const r = repo();
    r.commit('leak', { 'ci/deploy.sh': `export GH=${githubToken()}\n` });
    const res = runCli(['scan', r.dir, '-f', 'csv']);
    expect(res.code).toBe(1);
    expect(res.stdout.split('\n')[0]!.split(',').slice(0, CSV_COLUMNS.length)).toEqual([...CSV_COLUMNS]);
    const rows = parse(res.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'secret', rule: 'github-personal-access-token', path: 'ci/deploy.sh', line: '1', repository: r.dir, account: '' });
    expect(rows[0]!.secret).toMatch(/\*{4}/);
    const bad = runCli(['scan', r.dir, '-f', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format');
    expect(bad.stderr).toContain('csv');
    expect(bad.stderr).not.toContain('[redacted]');
  });

  it('markdown names target and account, and stays under GitHub\'s comment limit with thousands of findings', () => {
    const demo = runCli(['audit', '--demo', '-f', 'markdown']).stdout;
    expect(demo).toMatch(/^\*\*Targets:\*\* `\/.*payments-api`, `aws:493820157462`$/m);
    expect(demo).toMatch(/^\*\*Account:\*\* `493820157462` \(offline\)/m);
    const base = JSON.parse(runCli(['audit', '--demo', '-f', 'json']).stdout) as Report;
    const many: Finding[] = [];
    for (let i = 0; i < 5000; i++) {
      const f = base.findings[i % base.findings.length]!;
      many.push({ ...f, fingerprint: `${f.fingerprint}-${i}`, title: `${f.title} ${'long title '.repeat(20)}` } as Finding);
    }
    const md = renderMarkdown({ ...base, findings: many, summary: { ...base.summary, total: many.length } });
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/…and \d+ more not listed \(\d+ critical/);
    const listed = md.split('\n').filter((l) => /^\| (🔴|🟠|🟡|🔵|⚪) /.test(l)).length;
    expect(listed).toBeGreaterThan(10);
    expect(listed).toBeLessThan(many.length);
  });

  it('scan reports a canary-token key id offline, as audit does', () => {
    const r = repo();
    const canary = awsKeyId('052310077262');
    const own = awsKeyId('123456789012');
    r.commit('keys', { 'notes.md': `canary ${canary}\nreal ${own}\n` });
    const report = json(['scan', r.dir]);
    const hit = report.findings.find((f) => f.ruleId === 'aws-leaked-canary-token');
    expect(hit).toMatchObject({ kind: 'leak', severity: 'info', credential: { id: canary }, cloud: { match: 'canary' } });
    // The other key stays an ordinary secret finding; the canary is not reported twice.
    expect(report.findings.filter((f) => f.ruleId === 'aws-access-key-id').map((f) => (f as SecretFinding).identifier)).toEqual([own]);
    expect(runCli(['scan', r.dir, '-f', 'text']).stdout).toMatch(/canary account \(not contacted\)/);
  });

  it('--html FILE works for scan, aws and audit (mode 0600, one row per finding)', () => {
    const r = repo();
    r.commit('add', { 'ci.env': `TOKEN=${githubToken()}\n` });
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-html-'));
    for (const [name, args] of [['scan', ['scan', r.dir]], ['aws', ['aws', ...OFFLINE]], ['audit', ['audit', '--demo']]] as const) {
      const file = join(dir, `${name}.html`);
      const res = runCli([...args, '-f', 'json', '--html', file]);
      const report = JSON.parse(res.stdout) as Report;
      const html = readFileSync(file, 'utf8');
      expect(statSync(file).mode & 0o777, name).toBe(0o600);
      expect(html, name).toMatch(/^<!doctype html>/i);
      expect(report.findings.length, name).toBeGreaterThan(0);
      for (const f of report.findings) expect(html, `${name} ${f.ruleId}`).toContain(f.ruleId);
    }
  });
});
