import { afterEach, describe, expect, it } from 'vitest';
import type { AccountSummary, CloudFinding, LeakFinding, Report } from '../src/model.js';
import { awsEnv, startFaultServer, type FaultServer } from './faults/aws-fault-server.js';
import { cli, expectContract } from './faults/harness.js';
import { tempRepos } from './helpers/git.js';
import { awsKeyId } from './helpers/secrets.js';
import { keyOf, MGMT, orgHandler, sessionKey, userOf, type OrgWorld } from './faults/org-world.js';

// `nhiscan aws --org` end to end, against a loopback organization whose IAM answers depend on the
// caller's access key: a member's findings can only come from calls signed with its assumed role.
const A = '222222222222';
const B = '333333333333';
const C = '444444444444';

let server: FaultServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function org(world: OrgWorld, args: string[]) {
  world.assumed ??= [];
  world.answeredAs ??= [];
  server = await startFaultServer(orgHandler(world));
  const r = await cli(['aws', '--org', '-f', 'json', ...args], { env: awsEnv(server.url), timeoutMs: 60_000 });
  return { r, report: r.stdout ? (JSON.parse(r.stdout) as Report) : null };
}

const accountsOf = (report: Report) => new Set(report.findings.map((f) => (f as CloudFinding).account));
const summaryOf = (report: Report, id: string) => report.accounts?.find((a) => a.account === id) as AccountSummary;

describe('aws --org', () => {
  it('reads every account through its own assumed role and puts the account on every finding', async () => {
    const world: OrgWorld = { members: [A, B], pageSize: 2 };
    const { r, report } = await org(world, []);
    expectContract(r, { code: 1, lines: 0, secrets: [`session-secret-not-real-${A}`, `session-token-${B}`] });
    // ListAccounts was paged (2 per page, 3 accounts); the management account is read with the
    // caller's own credentials, each member through OrganizationAccountAccessRole.
    expect(server!.requests.filter((a) => a === 'ListAccounts')).toHaveLength(2);
    expect(world.assumed!.sort()).toEqual([`arn:aws:iam::${A}:role/OrganizationAccountAccessRole`, `arn:aws:iam::${B}:role/OrganizationAccountAccessRole`]);
    expect(report!.target).toBe(`aws-org:${MGMT}`);
    expect(report!.coverage).toEqual({ complete: true, gaps: [] });
    expect(accountsOf(report!)).toEqual(new Set([MGMT, A, B]));
    for (const f of report!.findings as CloudFinding[]) {
      // The identity is the one the account's own credentials returned, never another account's.
      expect(f.identity.arn.startsWith(`arn:aws:iam::${f.account}:`), f.identity.arn).toBe(true);
    }
    const admin = (report!.findings as CloudFinding[]).filter((f) => f.ruleId === 'aws-admin-privileges');
    expect(admin.map((f) => f.identity.name).sort()).toEqual([userOf(MGMT), userOf(A), userOf(B)].sort());
    // Every IAM read of member A was answered as A: its calls were signed with A's session key.
    const asA = world.answeredAs!.filter((x) => x.account === A).map((x) => x.action);
    expect(asA).toEqual(expect.arrayContaining(['GetCallerIdentity', 'GetAccountAuthorizationDetails', 'GetCredentialReport', 'ListAccessKeys']));
    for (const id of [MGMT, A, B]) {
      const s = summaryOf(report!, id);
      expect(s.status).toBe('read');
      expect(s.gaps).toBe(0);
      expect(s.total).toBe(report!.findings.filter((f) => (f as CloudFinding).account === id).length);
      expect(s.total).toBeGreaterThan(0);
    }
    expect(report!.findings.some((f) => (f as CloudFinding).credential?.id === keyOf(A))).toBe(true);
  });

  it('a failed AssumeRole is that account\'s gap: exit 3 with one line naming it, the other accounts still report', async () => {
    const { r, report } = await org({ members: [A, B, C], denied: [B] }, []);
    expectContract(r, { code: 3, says: new RegExp(`account ${B}: sts:AssumeRole OrganizationAccountAccessRole`) });
    expect(report!.coverage.complete).toBe(false);
    expect(report!.coverage.gaps).toHaveLength(1);
    expect(report!.coverage.gaps[0]!.scope).toContain(`account ${B}`);
    expect(accountsOf(report!)).toEqual(new Set([MGMT, A, C]));
    expect(summaryOf(report!, B)).toMatchObject({ status: 'not-read', total: 0, gaps: 1 });
    expect(summaryOf(report!, A)).toMatchObject({ status: 'read', gaps: 0 });
  });

  it('--accounts and --exclude-accounts filter the list; --role-name is the role assumed; suspended accounts are skipped, not gaps', async () => {
    const world: OrgWorld = { members: [A, B, C], suspended: [C] };
    const { r, report } = await org(world, ['--accounts', `${A},${B},${C}`, '--exclude-accounts', B, '--role-name', 'AuditRole']);
    expectContract(r, { code: 1, lines: 0 });
    expect(world.assumed).toEqual([`arn:aws:iam::${A}:role/AuditRole`]);
    expect(accountsOf(report!)).toEqual(new Set([A]));
    expect(report!.accounts!.map((a) => [a.account, a.status])).toEqual([
      [A, 'read'],
      [C, 'skipped'],
    ]);
  });

  it('an --accounts id outside the organization is a gap, not silently nothing', async () => {
    const { r, report } = await org({ members: [A] }, ['--accounts', `${A},999999999999`]);
    expectContract(r, { code: 3, says: /account 999999999999 \(given in --accounts\)/ });
    expect(accountsOf(report!)).toEqual(new Set([A]));
  });

  it('without organizations:ListAccounts (a member\'s credentials), the caller\'s own account is read and the run is incomplete', async () => {
    const world: OrgWorld = { members: [A], fault: (action, account) => (action === 'ListAccounts' && account === MGMT ? { status: 400, type: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: 'AWSOrganizationsNotInUseException', message: 'no organization' }) } : undefined) };
    const { r, report } = await org(world, []);
    expectContract(r, { code: 3, says: /organizations:ListAccounts/ });
    expect(accountsOf(report!)).toEqual(new Set([MGMT]));
  });

  it('refuses flags that only go with --org, and --org with offline exports (exit 2)', async () => {
    const a = await cli(['aws', '--accounts', A]);
    expectContract(a, { code: 2, says: /go with --org/ });
    const b = await cli(['aws', '--org', '--credential-report', 'x', '--authorization-details', 'y']);
    expectContract(b, { code: 2, says: /--org reads the organization live/ });
    const c = await cli(['aws', '--org', '--accounts', '12345']);
    expectContract(c, { code: 2, says: /12-digit/ });
    expect(c.stderr).not.toContain('12345');
    expect(sessionKey(A)).toHaveLength(20);
  });
});

describe('audit --org', () => {
  const repos = tempRepos();

  it('correlates leaked key ids against every account\'s keys: the member that holds one gets the leak, a key of no member is foreign', async () => {
    const keyB = awsKeyId(B);
    const keyA = awsKeyId(A); // decodes to A, but A holds another key: AWS is asked, by A's own role
    const foreign = awsKeyId('555555555555');
    const repo = repos();
    repo.commit('config', { 'deploy.env': `AWS_ACCESS_KEY_ID=${keyB}\n`, 'old.env': `KEY=${keyA}\n`, 'vendor.env': `VENDOR_KEY=${foreign}\n` });
    const world: OrgWorld = { members: [A, B], keys: { [B]: keyB }, assumed: [], answeredAs: [] };
    server = await startFaultServer(orgHandler(world));
    const r = await cli(['audit', repo.dir, '--org', '-f', 'json', '--no-baseline'], { env: awsEnv(server.url), timeoutMs: 60_000 });
    expectContract(r, { code: 1, lines: 0 });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.target).toBe(`${repo.dir} + aws-org:${MGMT}`);
    expect(report.coverage).toEqual({ complete: true, gaps: [] });
    const leaks = report.findings.filter((f): f is LeakFinding => f.kind === 'leak');
    const byKey = new Map(leaks.map((l) => [l.credential.id, l]));
    expect(byKey.get(keyB)).toMatchObject({ ruleId: 'aws-leaked-key-active', identity: { arn: `arn:aws:iam::${B}:user/${userOf(B)}` }, cloud: { match: 'in-account', account: B } });
    expect(byKey.get(keyA)).toMatchObject({ ruleId: 'aws-leaked-key-not-found' });
    expect(byKey.get(foreign)).toMatchObject({ ruleId: 'aws-leaked-foreign-key', cloud: { account: '555555555555' } });
    // The owner look-up of A's unplaced key went to A, signed with A's session key.
    expect(world.answeredAs!.filter((x) => x.action === 'GetAccessKeyLastUsed')).toEqual([{ action: 'GetAccessKeyLastUsed', account: A }]);
    // B's own findings about the leaked key carry the leak; A's do not.
    const bKey = (report.findings as CloudFinding[]).filter((f) => f.kind === 'cloud' && f.credential?.id === keyB);
    expect(bKey.length).toBeGreaterThan(0);
    expect(bKey.every((f) => f.account === B && f.evidence.leakedInGit === true)).toBe(true);
    // The per-account summary counts an account's leaks with its cloud findings.
    const cloudOf = (id: string) => report.findings.filter((f) => f.kind === 'cloud' && (f as CloudFinding).account === id).length;
    expect(summaryOf(report, B).total).toBe(cloudOf(B) + 1);
    expect(summaryOf(report, B).bySeverity.critical).toBeGreaterThanOrEqual(1);
  });
});
