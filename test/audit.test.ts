import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { AccessKey, AwsInventory } from '../src/cloud/aws/types.js';
import type { CloudFinding, Report, SecretFinding } from '../src/model.js';
import { correlate } from '../src/score/correlate.js';
import { runCli } from './helpers/git.js';
import { awsKeyId } from './helpers/secrets.js';

const ACCOUNT = '123456789012';
const NOW = Date.parse('2026-06-01T00:00:00Z');

function leak(keyId: string, account: string | undefined, date = '2026-01-01T00:00:00+00:00', path = 'deploy.sh'): SecretFinding {
  return {
    kind: 'secret', ruleId: 'aws-access-key-id', title: 'AWS access key ID', severity: 'high', nhi: ['NHI2'], fingerprint: `fp-${keyId}`, provider: 'aws',
    secret: 'AKIA********', identifier: keyId, ...(account ? { account } : {}), validation: null, inHead: false,
    location: { path, line: 1, column: 1, commit: 'c0ffee', author: 'Dev', email: 'dev@example.org', date, message: 'm' },
    occurrences: { commits: 1, paths: 1, blobs: 1, locations: [] },
  };
}

function key(id: string, extra: Partial<AccessKey> = {}): AccessKey {
  return { id, user: 'svc-a', userArn: `arn:aws:iam::${ACCOUNT}:user/svc-a`, status: 'Active', created: '2025-06-01T00:00:00Z', lastUsed: '2026-05-30T00:00:00Z', lastUsedService: 's3', lastUsedRegion: 'us-east-1', slot: 1, ...extra };
}

function inv(keys: AccessKey[]): AwsInventory {
  return { account: ACCOUNT, caller: null, users: [], groups: [], roles: [], policies: [], report: [], keys, secrets: [] };
}

describe('correlation', () => {
  it('leaked and active: critical, with owner, exposure window, use after the leak and the exact commands', () => {
    const id = awsKeyId(ACCOUNT);
    const [f] = correlate([leak(id, ACCOUNT)], inv([key(id)]), new Map(), NOW);
    expect(f).toMatchObject({ kind: 'leak', ruleId: 'aws-leaked-key-active', severity: 'critical', nhi: ['NHI2'], risk: 100, identity: { name: 'svc-a' }, credential: { kind: 'access-key', id } });
    // Typed: the secret finding it was joined from, whole, and the cloud half.
    expect(f!.leaked).toMatchObject({ ruleId: 'aws-access-key-id', identifier: id, inHead: false, location: { path: 'deploy.sh', line: 1, commit: 'c0ffee', author: 'Dev', email: 'dev@example.org' } });
    expect(f!.cloud).toMatchObject({ match: 'in-account', account: ACCOUNT, exposure: { since: '2026-01-01T00:00:00+00:00', days: 151 }, usedAfterLeak: true, secretKeyLeakedToo: false });
    expect(f!.cloud.state).toEqual({ status: 'Active', created: '2025-06-01T00:00:00Z', lastUsed: '2026-05-30T00:00:00Z', lastUsedService: 's3', lastUsedRegion: 'us-east-1', from: 'inventory' });
    expect(f!.fingerprint).toBe(`leak:fp-${id}`);
    expect(f!.remediation?.command).toBe(`nhiscan revoke access-key ${id} --user svc-a && nhiscan rotate access-key ${id} --user svc-a`);
  });

  it('not used since the leak says so', () => {
    const id = awsKeyId(ACCOUNT);
    const [f] = correlate([leak(id, ACCOUNT, '2026-05-31T00:00:00Z')], inv([key(id)]), new Map(), NOW);
    expect(f!.cloud.usedAfterLeak).toBe(false);
  });

  it('leaked, inactive: high, and the fix is deletion', () => {
    const id = awsKeyId(ACCOUNT);
    const [f] = correlate([leak(id, ACCOUNT)], inv([key(id, { status: 'Inactive' })]), new Map(), NOW);
    expect(f).toMatchObject({ ruleId: 'aws-leaked-key-inactive', severity: 'high' });
    expect(f!.remediation?.command).toBe(`nhiscan revoke access-key ${id} --user svc-a --delete`);
  });

  it('uses an owner found by GetAccessKeyLastUsed when the inventory cannot place the key', () => {
    const id = awsKeyId(ACCOUNT);
    const owners = new Map([[id, { user: 'ghost-user', lastUsed: '2026-02-01T00:00:00.000Z', lastUsedService: 'sts' }]]);
    const [f] = correlate([leak(id, ACCOUNT)], inv([]), owners, NOW);
    expect(f).toMatchObject({ ruleId: 'aws-leaked-key-active', identity: { name: 'ghost-user' }, cloud: { match: 'in-account', state: { status: 'Active', from: 'GetAccessKeyLastUsed' }, usedAfterLeak: true } });
  });

  it('a key of another account is reported with that account, a canary as a canary, an unknown one as not found', () => {
    const foreign = awsKeyId('999988887777');
    const canary = 'AKIAQYLPMN5HHHFPZAM2';
    const gone = awsKeyId(ACCOUNT);
    const out = correlate([leak(foreign, '999988887777'), leak(canary, '052310077262'), leak(gone, ACCOUNT)], inv([]), new Map(), NOW);
    expect(out.map((f) => [f.ruleId, f.severity])).toEqual([
      ['aws-leaked-foreign-key', 'medium'],
      ['aws-leaked-canary-token', 'info'],
      ['aws-leaked-key-not-found', 'low'],
    ]);
    expect(out.map((f) => [f.cloud.match, f.cloud.account, f.cloud.state])).toEqual([
      ['foreign-account', '999988887777', null],
      ['canary', '052310077262', null],
      ['not-found', ACCOUNT, null],
    ]);
  });
});

describe('nhiscan audit --demo (end to end)', () => {
  it('prints the full demo audit with leaked-and-live keys first, and exits 0', () => {
    const r = runCli(['audit', '--demo']);
    expect(r.code).toBe(0);
    // Summary first, then the leaked-and-live section before the other two.
    expect(r.stdout.split('\n')[0]).toMatch(/^nhiscan \d+\.\d+\.\d+ audit$/);
    const leaked = r.stdout.slice(r.stdout.indexOf('Leaked and live ('), r.stdout.indexOf('Secrets in git ('));
    expect(r.stdout.indexOf('Leaked and live (')).toBeLessThan(r.stdout.indexOf('Cloud identities ('));
    expect(leaked).toMatch(/CRITICAL\s+Leaked AWS access key is active in the account {2}risk 100 · NHI2\n {2}identity {4}svc-deploy \(service-user\)/);
    expect(leaked).toMatch(/ {2}key {9}AKIAXF6PZTYLINCXSJWR · Active · created 2024-01-20 · /);
    expect(leaked).toMatch(/ {2}exposure {4}\d+ days since 2024-02-14 · used after the leak/);
    expect(leaked).toMatch(/ {2}facts {7}aws account 493820157462, long-term key · not in HEAD \(history only\)/);
    expect(leaked).toContain('  $ nhiscan revoke access-key AKIAXF6PZTYLINCXSJWR --user svc-deploy');
    expect(leaked).toMatch(/HIGH\s+Leaked AWS access key exists, inactive/);
    expect(leaked).toMatch(/Leaked AWS key belongs to another account {2}risk 40 · NHI2\n {2}identity {4}account 918273645501 \(root\)/);
    expect(leaked).toMatch(/canary token \(never contacted\)/);
    expect(r.stdout).toMatch(/GitHub personal access token/);
    expect(r.stdout).toMatch(/^svc-reporting {2}service-user · risk \d+/m);
    expect(r.stdout).toMatch(/^ {2}by NHI {6}NHI1 /m);
    // Off a terminal the demo's note is not printed: stderr is for problems.
    expect(r.stderr).not.toMatch(/^demo:/m);
  });

  it('json: a top-level summary by severity and NHI id, the leaked credential ranked first and its cloud findings boosted', () => {
    const report = JSON.parse(runCli(['audit', '--demo', '-f', 'json']).stdout) as Report;
    expect(report.summary.bySeverity.critical).toBeGreaterThan(0);
    expect(report.summary.byNhi.NHI2).toBeGreaterThan(0);
    expect(report.findings[0]).toMatchObject({ kind: 'leak', ruleId: 'aws-leaked-key-active', risk: 100 });
    const boosted = report.findings.filter((f) => f.kind === 'cloud' && (f as CloudFinding).evidence.leakedInGit === true);
    expect(boosted.map((f) => (f as CloudFinding).credential?.id)).toEqual(expect.arrayContaining(['AKIAXF6PZTYLINCXSJWR', 'AKIAXF6PZTYLDJ6AFUBQ']));
    // Non-AWS leaks stay scan findings with a provider-specific hint; AWS key ids are not reported twice.
    expect(report.findings.find((f) => f.ruleId === 'github-personal-access-token')?.remediation?.hint).toMatch(/github\.com\/settings\/tokens/);
    expect(report.findings.filter((f) => f.ruleId === 'aws-access-key-id')).toEqual([]);
  });

  it('markdown: summary tables and a row per finding', () => {
    const md = runCli(['audit', '--demo', '-f', 'markdown']).stdout;
    expect(md).toMatch(/^## nhiscan: \d+ finding\(s\)/);
    expect(md).toMatch(/\| NHI2 Secret Leakage \| \d+ \|/);
    expect(md).toMatch(/\| 🔴 critical \| 100 \| Leaked AWS access key is active in the account/);
  });

  it('--html: one self-contained 0600 file with charts, a timeline and every finding, nothing unredacted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-html-'));
    const file = join(dir, 'report.html');
    const r = runCli(['audit', '--demo', '-f', 'json', '--html', file]);
    const report = JSON.parse(r.stdout) as Report;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/i);
    const { document } = parseHTML(html);
    expect(document.querySelectorAll('#findings tbody tr').length).toBe(report.findings.length);
    expect(document.querySelector('svg[aria-label="Findings by severity"]')).not.toBeNull();
    expect(document.querySelector('svg[aria-label="Findings by OWASP NHI Top 10 (2025)"]')).not.toBeNull();
    expect(document.querySelectorAll('svg[aria-label="timeline"] g.lane').length).toBeGreaterThan(0);
    const rules = [...document.querySelectorAll('#findings tbody tr td:nth-child(4)')].map((td) => td.textContent);
    for (const f of report.findings) expect(rules).toContain(f.ruleId);
    // No secret the demo holds appears in the HTML.
    const full = JSON.parse(runCli(['audit', '--demo', '-f', 'json', '--show-secrets']).stdout) as Report;
    const secrets = full.findings.filter((f): f is SecretFinding => 'secret' in f && Boolean((f as SecretFinding).secret)).map((f) => (f as SecretFinding).secret);
    expect(secrets.length).toBeGreaterThan(5);
    for (const s of secrets) expect(html.includes(s), s.slice(0, 6)).toBe(false);
  });
});
