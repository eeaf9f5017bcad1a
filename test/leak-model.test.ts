// The typed model for leaks (issue 12 item 7): a leak is the secret finding it was joined from,
// whole, plus a typed cloud part; one fingerprint function serves every finding and keeps the
// hashes earlier versions wrote; writers and remediation read the typed fields.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccessKey, AwsInventory } from '../src/cloud/aws/types.js';
import { fingerprint } from '../src/detect/fingerprint.js';
import { summarize, type Finding, type LeakFinding, type Report, type SecretFinding } from '../src/model.js';
import { auditReportKeys } from '../src/remediate/access-keys.js';
import { render } from '../src/report/index.js';
import { markRedacted } from '../src/report/mask.js';
import { correlate } from '../src/score/correlate.js';
import { runCli } from './helpers/git.js';
import { awsKeyId, githubToken } from './helpers/secrets.js';

const ACCOUNT = '123456789012';
const NOW = Date.parse('2026-06-01T00:00:00Z');

function keyFinding(keyId: string, extra: Partial<SecretFinding> = {}): SecretFinding {
  const location = { path: 'deploy/ci.env', line: 3, column: 19, commit: 'c0ffee', author: 'Dev', email: 'dev@example.org', date: '2026-01-01T00:00:00Z', message: 'add ci' };
  return {
    kind: 'secret', ruleId: 'aws-access-key-id', title: 'AWS access key ID', severity: 'high', nhi: ['NHI2'], fingerprint: fingerprint({ ruleId: 'aws-access-key-id', value: keyId }),
    provider: 'aws', secret: `${keyId.slice(0, 4)}********`, identifier: keyId, account: ACCOUNT, validation: `aws account ${ACCOUNT}, long-term key`, inHead: false,
    location, occurrences: { commits: 2, paths: 2, blobs: 2, locations: [location, { ...location, path: 'old/ci.env', commit: 'beef' }] },
    ...extra,
  };
}

const key = (id: string, extra: Partial<AccessKey> = {}): AccessKey => ({
  id, user: 'svc-a', userArn: `arn:aws:iam::${ACCOUNT}:user/ci/svc-a`, status: 'Active', created: '2025-06-01T00:00:00Z', lastUsed: '2026-05-30T00:00:00Z', lastUsedService: 's3', lastUsedRegion: 'eu-west-1', slot: 1, ...extra,
});
const inv = (keys: AccessKey[]): AwsInventory => ({ account: ACCOUNT, caller: null, users: [], groups: [], roles: [], policies: [], report: [], keys, secrets: [] });
const reportOf = (findings: Finding[], target = `repo + aws:${ACCOUNT}`): Report => ({
  tool: 'nhiscan', version: '0.0.0', target, generatedAt: new Date(NOW).toISOString(), summary: summarize(findings, 0), findings, coverage: { complete: true, gaps: [] },
});

describe('a leak holds the secret finding it was joined from, and a typed cloud part', () => {
  it('the secret finding whole: location, occurrences, inHead, redacted value, its own fingerprint', () => {
    const id = awsKeyId(ACCOUNT);
    const secret = keyFinding(id);
    const [leak] = correlate([secret], inv([key(id)]), new Map(), NOW);
    expect(leak!.leaked).toBe(secret);
    expect(leak!.leaked).toMatchObject({ location: { path: 'deploy/ci.env', line: 3, column: 19 }, occurrences: { commits: 2, paths: 2 }, inHead: false, secret: `${id.slice(0, 4)}********` });
    expect(leak).toMatchObject({ identity: { arn: `arn:aws:iam::${ACCOUNT}:user/ci/svc-a`, name: 'svc-a', kind: 'service-user' }, credential: { kind: 'access-key', id } });
    expect(leak!.cloud).toEqual({
      match: 'in-account',
      account: ACCOUNT,
      state: { status: 'Active', created: '2025-06-01T00:00:00Z', lastUsed: '2026-05-30T00:00:00Z', lastUsedService: 's3', lastUsedRegion: 'eu-west-1', from: 'inventory' },
      exposure: { since: '2026-01-01T00:00:00Z', until: '2026-06-01T00:00:00.000Z', days: 151 },
      usedAfterLeak: true,
      secretKeyLeakedToo: false,
    });
    expect('evidence' in leak!).toBe(false);
  });

  it('an inactive key keeps its state; an unknown date leaves exposure and use-after-leak unknown, not false', () => {
    const id = awsKeyId(ACCOUNT);
    const noDate = keyFinding(id, { location: { path: 'a.env', line: 1, column: 1 } });
    const [leak] = correlate([noDate], inv([key(id, { status: 'Inactive' })]), new Map(), NOW);
    expect(leak!.ruleId).toBe('aws-leaked-key-inactive');
    expect(leak!.cloud).toMatchObject({ state: { status: 'Inactive' }, exposure: { since: null, days: null }, usedAfterLeak: null });
  });

  it('foreign, canary and not-found leaks have no state, and say which they are', () => {
    const foreign = awsKeyId('999988887777');
    const out = correlate([keyFinding(foreign, { account: '999988887777' })], inv([]), new Map(), NOW);
    expect(out[0]!.cloud).toMatchObject({ match: 'foreign-account', account: '999988887777', state: null, usedAfterLeak: null });
  });

  it('the leak carries the redaction mark of its secret: a token in the commit message is masked even when the leak is the only finding', async () => {
    const id = awsKeyId(ACCOUNT);
    const token = githubToken();
    const secret = markRedacted(keyFinding(id, { location: { path: 'ci.env', line: 1, column: 1, commit: 'c0ffee', date: '2026-01-01T00:00:00Z', message: `oops ${token}` } }));
    const leaks = correlate([secret], inv([key(id)]), new Map(), NOW);
    for (const format of ['json', 'jsonl', 'sarif', 'text', 'csv', 'markdown'] as const) {
      const out = await render(reportOf(leaks), format, { color: false });
      expect(out.includes(token), format).toBe(false);
      expect(out, format).toContain(id);
    }
  });
});

describe('one fingerprint function, with the hashes earlier versions wrote (baselines and alerts keep matching)', () => {
  it('secret, account and leak findings', () => {
    expect(fingerprint({ ruleId: 'aws-access-key-id', value: 'AKIAIOSFODNN7EXAMPLE' })).toBe('76acfe7e1a86e0a02cbdd6c92611e030');
    expect(fingerprint({ ruleId: 'aws-key-age', arn: `arn:aws:iam::${ACCOUNT}:user/svc-a`, credential: 'AKIAIOSFODNN7EXAMPLE' })).toBe('810df1576c21d3fd1fd579c8fcbcf05d');
    expect(fingerprint({ ruleId: 'aws-root-no-mfa', arn: `arn:aws:iam::${ACCOUNT}:root` })).toBe('96517cc899f46fd1ffb3000fc33d67b7');
    expect(fingerprint({ leakOf: '76acfe7e1a86e0a02cbdd6c92611e030' })).toBe('leak:76acfe7e1a86e0a02cbdd6c92611e030');
  });

  it('a leak keeps one fingerprint while its key goes from active to inactive', () => {
    const id = awsKeyId(ACCOUNT);
    const [active] = correlate([keyFinding(id)], inv([key(id)]), new Map(), NOW);
    const [inactive] = correlate([keyFinding(id)], inv([key(id, { status: 'Inactive' })]), new Map(), NOW);
    expect(active!.fingerprint).toBe(inactive!.fingerprint);
    expect(active!.fingerprint).toBe(`leak:${keyFinding(id).fingerprint}`);
  });

  it('the demo audit: every leak fingerprint is its secret finding\'s, every account fingerprint the ARN scheme', () => {
    const report = JSON.parse(runCli(['audit', '--demo', '-f', 'json']).stdout) as Report;
    for (const f of report.findings) {
      if (f.kind === 'leak') expect(f.fingerprint).toBe(fingerprint({ leakOf: f.leaked.fingerprint }));
      if (f.kind === 'cloud') expect(f.fingerprint).toBe(fingerprint({ ruleId: f.ruleId, arn: f.identity.arn, ...(f.credential ? { credential: f.credential.id } : {}) }));
    }
  });
});

describe('remediation reads the typed fields (and still takes older reports)', () => {
  const typed = (id: string, user: string, status: 'Active' | 'Inactive', ruleId = 'aws-leaked-key-active'): Partial<LeakFinding> & Record<string, unknown> => ({
    kind: 'leak', ruleId, credential: { kind: 'access-key', id }, identity: { arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, name: user, kind: 'service-user' },
    cloud: { match: 'in-account', account: ACCOUNT, state: { status, created: null, lastUsed: null, lastUsedService: null, lastUsedRegion: null, from: 'inventory' }, exposure: { since: null, until: '', days: null }, usedAfterLeak: null, secretKeyLeakedToo: false },
  });
  const file = (findings: unknown[]) => JSON.stringify({ tool: 'nhiscan', target: `repo + aws:${ACCOUNT}`, findings });
  const A = 'AKIAXF6PZTYLAAAAAAAA';
  const B = 'AKIAXF6PZTYLBBBBBBBB';

  it('status and owner come from cloud.state and identity, not from the rule id or evidence', () => {
    // A rule id that says "active" on a key whose state is Inactive: the state wins.
    const text = file([typed(A, 'svc-a', 'Active'), typed(B, 'svc-b', 'Inactive', 'aws-leaked-key-active')]);
    expect(auditReportKeys(text, undefined).targets).toEqual([
      { keyId: A, user: 'svc-a', active: true },
      { keyId: B, user: 'svc-b', active: false },
    ]);
    expect(auditReportKeys(text, 'leaked-inactive').targets).toEqual([{ keyId: B, user: 'svc-b', active: false }]);
    expect(auditReportKeys(text, 'leaked-active').targets.map((t) => t.keyId)).toEqual([A]);
  });

  it('a leak the account does not hold (foreign, canary, not found) is not a target', () => {
    const foreign = { ...typed(A, 'x', 'Active'), ruleId: 'aws-leaked-foreign-key', cloud: { match: 'foreign-account', state: null } };
    expect(auditReportKeys(file([foreign]), undefined)).toMatchObject({ targets: [], skipped: [] });
  });

  it('hostile typed fields are skipped, named without their values', () => {
    const badUser = { ...typed(A, 'x', 'Active'), identity: { name: 'x; rm -rf /' } };
    const res = auditReportKeys(file([badUser, { kind: 'leak', cloud: 'Active', credential: { id: B } }, { kind: 'leak', cloud: null }]), undefined);
    expect(res.targets).toEqual([]);
    expect(res.skipped).toEqual([{ what: `finding 1 (${A})`, why: 'no IAM user name in it (revoke it by hand with --user USER)' }]);
    expect(JSON.stringify(res)).not.toContain('rm -rf');
  });

  it('an older report (evidence.user, status in the rule id) still works', () => {
    const old = [
      { kind: 'leak', ruleId: 'aws-leaked-key-active', credential: { id: A }, evidence: { user: 'svc-a' } },
      { kind: 'leak', ruleId: 'aws-leaked-key-inactive', credential: { id: B }, evidence: { user: 'svc-b' } },
      { kind: 'leak', ruleId: 'aws-leaked-foreign-key', credential: { id: 'AKIAXF6PZTYLCCCCCCCC' }, evidence: {} },
    ];
    expect(auditReportKeys(file(old), undefined).targets).toEqual([
      { keyId: A, user: 'svc-a', active: true },
      { keyId: B, user: 'svc-b', active: false },
    ]);
  });

  it('the demo audit\'s own JSON report: every leaked key of the account, with its owner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-leak-model-'));
    const path = join(dir, 'audit.json');
    writeFileSync(path, runCli(['audit', '--demo', '-f', 'json']).stdout);
    const res = auditReportKeys(readFileSync(path, 'utf8'), undefined, path);
    expect(res.account).toBe('493820157462');
    expect(res.targets).toEqual(
      expect.arrayContaining([
        { keyId: 'AKIAXF6PZTYLINCXSJWR', user: 'svc-deploy', active: true },
        { keyId: 'AKIAXF6PZTYLHQ2MNW3E', user: 'svc-reporting', active: false },
      ]),
    );
    expect(res.skipped).toEqual([]);
  });
});
