import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue, runAwsAudit } from '../src/aws-audit.js';
import { offlineInventory, offlineRead } from '../src/cloud/aws/offline.js';
import { severityRank, type CloudFinding } from '../src/model.js';
import { runCli } from './helpers/git.js';
import { sarifValidator } from './helpers/sarif.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'aws');
const files = {
  credentialReport: join(FIX, 'credential-report.csv'),
  authorizationDetails: join(FIX, 'authorization-details.json'),
  secrets: join(FIX, 'secrets.json'),
};
// The fixtures describe the account as of this day.
const NOW = Date.parse('2026-11-01T00:00:00Z');

async function audit() {
  const { report, identities } = await runAwsAudit({ offline: files, now: NOW });
  const findings = report.findings as CloudFinding[];
  const on = (name: string) => findings.filter((f) => f.identity.name === name).map((f) => f.ruleId).sort();
  return { report, findings, identities, on };
}

describe('offline audit of the fixture account', () => {
  it('fires every rule on the identity built for it', async () => {
    const { on } = await audit();
    expect(on('root')).toEqual(['aws-root-access-key', 'aws-root-no-mfa']);
    expect(on('alice')).toEqual(['aws-admin-privileges', 'aws-human-with-access-key', 'aws-key-age']);
    expect(on('bob')).toEqual(['aws-password-no-mfa', 'aws-signing-certificate-age']);
    expect(on('svc-deploy')).toEqual(['aws-ci-static-key', 'aws-ci-static-key', 'aws-key-age', 'aws-key-never-used', 'aws-privilege-escalation', 'aws-two-active-keys']);
    expect(on('svc-reporting')).toEqual([
      'aws-credential-exposure',
      // s3:* on every bucket is data access too; and nothing has used the user for 99 days.
      'aws-data-access',
      'aws-inactive-key',
      'aws-key-age',
      'aws-key-unused',
      'aws-password-no-mfa',
      'aws-service-user-console-password',
      'aws-service-wildcard',
      'aws-user-idle',
    ]);
    // The group that makes alice admin is a finding of its own (NHI5), naming its members.
    expect(on('admins')).toEqual(['aws-group-admin']);
    expect(on('billing-lambda-role')).toEqual(['aws-privilege-escalation', 'aws-role-unused']);
    expect(on('partner-audit-role')).toEqual(['aws-cross-account-no-external-id']);
    expect(on('github-actions-deploy')).toEqual(['aws-oidc-trust-no-aud', 'aws-oidc-trust-unpinned-sub']);
    expect(on('gitlab-ci-role')).toEqual(['aws-oidc-trust-no-aud', 'aws-oidc-trust-unpinned-sub']);
    expect(on('open-trust-role')).toEqual(['aws-role-trusts-anyone']);
    expect(on('support-triage-agent')).toEqual(['aws-admin-privileges']);
    expect(on('prod-data-writer')).toEqual(['aws-admin-privileges', 'aws-cross-environment-trust']);
    expect(on('prod/billing/db')).toEqual(['aws-secret-rotation-disabled']);
    expect(on('prod/stripe')).toEqual(['aws-secret-rotation-overdue']);
    expect(on('legacy/ftp')).toEqual(['aws-secret-unused']);
    expect(on('tmp/unused')).toEqual(['aws-secret-never-accessed']);
    expect(on('shared/partner-api')).toEqual(['aws-secret-public-policy']);
  });

  it('stays quiet where the configuration is right', async () => {
    const { on } = await audit();
    expect(on('vendor-backup-role')).toEqual([]); // cross-account with sts:ExternalId
    expect(on('etl-bot')).toEqual([]); // key 5 days old, inside the 7-day grace; scoped read-only policy
    expect(on('AWSServiceRoleForSupport')).toEqual([]);
  });

  it('classifies identities and says why', async () => {
    const { identities } = await audit();
    const kind = (n: string) => identities.find((i) => i.name === n);
    expect(kind('alice')).toMatchObject({ kind: 'human-user', reason: 'has a console password' });
    expect(kind('svc-reporting')).toMatchObject({ kind: 'service-user' });
    expect(kind('etl-bot')).toMatchObject({ kind: 'service-user', reason: 'tag identity-type=service' });
    expect(kind('support-triage-agent')).toMatchObject({ kind: 'ai-agent-role', reason: 'trusted by bedrock.amazonaws.com' });
    expect(kind('AWSServiceRoleForSupport')?.kind).toBe('service-linked-role');
    expect(kind('github-actions-deploy')?.kind).toBe('federated-role');
    expect(kind('partner-audit-role')?.kind).toBe('cross-account-role');
    expect(kind('billing-lambda-role')?.kind).toBe('workload-role');
    expect(kind('root')?.kind).toBe('root');
    expect(kind('prod/stripe')?.kind).toBe('secret');
  });

  it('maps risks to OWASP NHI ids, sorts by severity then risk and fills every finding field', async () => {
    const { report, findings } = await audit();
    // byNhi counts a finding under every NHI id that fits: NHI3 is the cross-account trust without
    // an external id and the role trusting anyone (primary ids), plus two unpinned OIDC trusts (NHI6 first).
    expect(report.summary.byNhi).toMatchObject({ NHI1: expect.any(Number), NHI3: 4, NHI5: expect.any(Number), NHI6: expect.any(Number), NHI7: expect.any(Number), NHI8: 1, NHI9: 1, NHI10: 2 });
    // Worst first: severity, then risk within a severity (a CRITICAL 46 above a MEDIUM 55).
    const order = findings.map((f) => [severityRank(f.severity), f.risk ?? -1] as const);
    expect(order).toEqual([...order].sort((a, b) => b[0] - a[0] || b[1] - a[1]));
    for (const f of findings) {
      expect(f.risk).toBeGreaterThanOrEqual(0);
      expect(f.risk).toBeLessThanOrEqual(100);
      expect(f.identity.arn).toMatch(/^arn:aws:/);
      expect(f.remediation?.hint.length).toBeGreaterThan(10);
    }
    const age = findings.find((f) => f.ruleId === 'aws-key-age' && f.identity.name === 'alice')!;
    expect(age).toMatchObject({ severity: 'high', nhi: ['NHI7'], credential: { kind: 'access-key', id: 'alice#1' }, evidence: { ageDays: 425 } });
    // An offline slot (`alice#1`) is not a key id: no command that cannot run, and how to find the id.
    expect(age.remediation?.command).toBeUndefined();
    expect(age.remediation?.hint).toMatch(/aws iam list-access-keys --user-name alice \(slot 1/);
    // Admin through a group's AWS-managed policy.
    expect(findings.find((f) => f.ruleId === 'aws-admin-privileges' && f.identity.name === 'alice')?.evidence.via).toBe('*:*');
  });

  it('URL-decodes policy documents before analysis (etl-bot ships an encoded one)', async () => {
    const inv = await offlineInventory(files);
    const etl = inv.users.find((u) => u.name === 'etl-bot')!;
    const doc = etl.inlinePolicies[0]!.document;
    expect(typeof doc).toBe('object');
    expect(JSON.stringify(doc)).not.toMatch(/%7B|%22/);
    expect(doc.Statement).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::etl-input/*' }]);
  });

  it('expands wildcards against the IAM action catalogue', async () => {
    const catalogue = await loadCatalogue();
    expect(catalogue.get('iam')).toContain('iam:createpolicyversion');
    const { findings } = await audit();
    const wildcard = findings.find((f) => f.ruleId === 'aws-service-wildcard')!;
    expect(wildcard.evidence.services).toEqual(['athena:*', 's3:*']);
    // s3:* and athena:* expanded, minus the denied s3:DeleteBucket, plus GetSecretValue.
    expect(Number(wildcard.evidence.actionsGranted)).toBe(catalogue.get('s3')!.length - 1 + catalogue.get('athena')!.length + 1);
  });
});

describe('offline, a credential report older than some users or keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-offline-stale-'));
  // The fixture report without etl-bot's row: as if etl-bot were created after the report.
  const csv = readFileSync(files.credentialReport, 'utf8').split('\n').filter((l) => !l.startsWith('etl-bot,')).join('\n');
  const withoutEtl = join(dir, 'report.csv');
  writeFileSync(withoutEtl, csv);
  const keysFile = join(dir, 'keys.json');
  // bob's row shows no key; the list-access-keys export has one made since.
  const exported = JSON.parse(readFileSync(join(FIX, 'access-keys.json'), 'utf8')) as { AccessKeyMetadata: object[] };
  writeFileSync(keysFile, JSON.stringify({ AccessKeyMetadata: [...exported.AccessKeyMetadata, { UserName: 'bob', AccessKeyId: 'AKIAXF6PZTYLBOBNEW01', Status: 'Active', CreateDate: '2026-10-31T10:00:00+00:00' }] }));

  it('a user not in the report, without a list-access-keys export: one gap saying its keys are unknown', async () => {
    const { inventory, gaps } = await offlineRead({ ...files, credentialReport: withoutEtl });
    expect(gaps).toEqual([{ scope: `${withoutEtl}: access keys of 1 user(s) not in the report (etl-bot)`, reason: expect.stringMatching(/newer than the report; pass --access-keys/) }]);
    expect(inventory.keys.filter((k) => k.user === 'etl-bot')).toEqual([]);
  });

  it('with the export: the user not in the report and the keyless row both get their keys, and nothing is a gap', async () => {
    const { inventory, gaps } = await offlineRead({ ...files, credentialReport: withoutEtl, accessKeys: keysFile });
    expect(gaps).toEqual([]);
    expect(inventory.keys.filter((k) => k.user === 'etl-bot' || k.user === 'bob').map((k) => [k.user, k.id, k.slot])).toEqual([
      ['bob', 'AKIAXF6PZTYLBOBNEW01', null],
      ['etl-bot', 'AKIAXF6PZTYLPR4KJT7A', null],
    ]);
  });

  it('the CLI exits 3 on the gap and names it on stderr', () => {
    const r = runCli(['aws', '--credential-report', withoutEtl, '--authorization-details', files.authorizationDetails, '--secrets', files.secrets, '-f', 'json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).coverage.gaps).toHaveLength(1);
    expect(r.stderr).toMatch(/access keys of 1 user\(s\) not in the report/);
  });
});

describe('nhiscan aws (CLI, offline)', () => {
  const args = ['aws', '--credential-report', files.credentialReport, '--authorization-details', files.authorizationDetails, '--secrets', files.secrets];

  it('json has the scan envelope with findings, summary and coverage; exit 1 on findings', () => {
    const r = runCli([...args, '-f', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ tool: 'nhiscan', target: 'aws:493820157462', coverage: { complete: true, gaps: [] } });
    expect(report.summary.bySeverity.critical).toBeGreaterThan(0);
  });

  it('text shows a table per identity and an NHI summary; csv has a header and a row per finding', () => {
    const text = runCli([...args, '-f', 'text']).stdout;
    expect(text).toMatch(/^root {2}root · risk \d+\n {2}arn:aws:iam::493820157462:root\n {2}SEVERITY {2}RISK {2}NHI +FINDING$/m);
    expect(text).toMatch(/^ {2}by NHI {6}NHI1 Improper Offboarding: \d+/m);
    expect(text).toMatch(/^ {2}account {5}493820157462 · offline/m);
    const csv = runCli([...args, '-f', 'csv']).stdout.trim().split('\n');
    expect(csv[0]!.startsWith('severity,risk,rule,kind,nhi,title,repository,path,line,column,commit,commit_date,commit_author,account,region,identity,identity_kind,arn,credential,')).toBe(true);
    expect(csv.length).toBeGreaterThan(30);
  });

  it('thresholds come from flags and from the [aws] table of the config', () => {
    const strict = JSON.parse(runCli([...args, '-f', 'json', '--max-key-age', '5000']).stdout);
    expect(strict.findings.filter((f: CloudFinding) => f.ruleId === 'aws-key-age')).toHaveLength(0);
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-cfg-'));
    writeFileSync(join(dir, 'c.toml'), '[aws]\nkey_max_age_days = 5000\n');
    const viaConfig = JSON.parse(runCli([...args, '-f', 'json', '--config', join(dir, 'c.toml')]).stdout);
    expect(viaConfig.findings.filter((f: CloudFinding) => f.ruleId === 'aws-key-age')).toHaveLength(0);
    writeFileSync(join(dir, 'bad.toml'), '[aws]\nunused_days = "ninety"\n');
    expect(runCli([...args, '--config', join(dir, 'bad.toml')]).stderr).toMatch(/bad\.toml:2: unused_days must be a whole number of days/);
  });

  it('rejects half an offline pair and unreadable exports with exit 2', () => {
    expect(runCli(['aws', '--credential-report', files.credentialReport]).code).toBe(2);
    const bad = runCli(['aws', '--credential-report', files.authorizationDetails, '--authorization-details', files.authorizationDetails]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a credential report/);
  });

  it('sarif for cloud findings is valid SARIF 2.1.0', () => {
    const sarif = JSON.parse(runCli([...args, '-f', 'sarif']).stdout);
    const check = sarifValidator()(sarif);
    expect(check.valid, check.errors).toBe(true);
    expect(sarif.runs[0].results[0].locations[0].logicalLocations[0].fullyQualifiedName).toMatch(/^arn:aws:/);
  });

  it('without --secrets, Secrets Manager is "not read", not "0 secrets", in every writer that counts them', () => {
    const base = ['aws', '--credential-report', files.credentialReport, '--authorization-details', files.authorizationDetails];
    const without = runCli([...base, '-f', 'json']);
    expect(JSON.parse(without.stdout).summary.inventory.secrets).toBeNull();
    for (const f of ['text', 'markdown']) expect(runCli([...base, '-f', f], { env: { COLUMNS: '200' } }).stdout).toContain('secrets not read (no --secrets export)');
    const withSecrets = JSON.parse(runCli([...args, '-f', 'json']).stdout).summary.inventory.secrets;
    expect(withSecrets).toBe(JSON.parse(readFileSync(files.secrets, 'utf8')).SecretList.length);
  });

  it('--print-policy prints the read-only policy', () => {
    const policy = JSON.parse(runCli(['aws', '--print-policy']).stdout);
    const actions: string[] = policy.Statement[0].Action;
    expect(actions).toContain('iam:GetAccountAuthorizationDetails');
    expect(actions.every((a) => /:(Get|List|Generate)/.test(a))).toBe(true);
  });
});
