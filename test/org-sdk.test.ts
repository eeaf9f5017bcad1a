import { AccountClient } from '@aws-sdk/client-account';
import { GenerateCredentialReportCommand, GetAccountAuthorizationDetailsCommand, GetCredentialReportCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOrg } from '../src/org.js';

// readOrg against mocked SDK clients: every account's calls are answered as the account whose
// credentials signed them, so an account read with the wrong credentials would show.
const orgs = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const sm = mockClient(SecretsManagerClient);
mockClient(AccountClient);

const MGMT = '100000000000';
const MEMBERS = Array.from({ length: 9 }, (_, i) => String(200000000000 + i));
const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

type Creds = { accessKeyId: string };
async function callerAccount(getClient: () => { config: { credentials: () => Promise<Creds> } }): Promise<string> {
  const { accessKeyId } = await getClient().config.credentials();
  return accessKeyId === 'AKIAMGMTTESTKEY00001' ? MGMT : /^ASIA(\d{12})/.exec(accessKeyId)?.[1] ?? 'unknown';
}

let inFlight = 0;
let maxInFlight = 0;

beforeEach(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAMGMTTESTKEY00001';
  process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-not-real';
  inFlight = 0;
  maxInFlight = 0;
  const all = [MGMT, ...MEMBERS];
  orgs.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) => {
    const start = Number(input.NextToken ?? 0);
    const page = all.slice(start, start + 4).map((Id) => ({ Id, Name: `n-${Id}`, State: 'ACTIVE' }));
    return { Accounts: page, ...(start + 4 < all.length ? { NextToken: String(start + 4) } : {}) };
  });
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    const id = /::(\d{12}):role\//.exec(input.RoleArn)![1]!;
    if (id === MEMBERS[3]) throw Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    return { Credentials: { AccessKeyId: `ASIA${id}TEMP`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date('2030-01-01') } };
  });
  sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
    const account = await callerAccount(getClient as never);
    return { Account: account, Arn: `arn:aws:sts::${account}:assumed-role/r/s` };
  });
  // The bulk read is slow on purpose: how many accounts are read at once shows here.
  iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async (_input, getClient) => {
    const account = await callerAccount(getClient as never);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 30));
    inFlight--;
    return { IsTruncated: false, UserDetailList: [{ UserName: `u-${account}`, Arn: `arn:aws:iam::${account}:user/u-${account}`, Path: '/', CreateDate: new Date('2020-01-01'), UserPolicyList: [], GroupList: [], AttachedManagedPolicies: [] }], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(GetCredentialReportCommand).callsFake(async (_input, getClient) => {
    const account = await callerAccount(getClient as never);
    const root = `<root_account>,arn:aws:iam::${account}:root,2019-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
    return { Content: new TextEncoder().encode(`${HEADER}\n${root}`) };
  });
  // Each account's one user is not in its report (only root is): its keys are listed.
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
  sm.on(ListSecretsCommand).resolves({ SecretList: [] });
});

afterEach(() => {
  orgs.reset();
  sts.reset();
  iam.reset();
  sm.reset();
});

describe('readOrg (aws-sdk-client-mock)', () => {
  it('pages ListAccounts, reads at most `concurrency` accounts at once, each with its own credentials; a failed AssumeRole is one account\'s gap', async () => {
    const org = await readOrg({ region: 'us-east-1', regions: [], allRegions: false }, { roleName: 'OrganizationAccountAccessRole', accounts: [], excludeAccounts: [], concurrency: 3 });
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(3);
    expect(org.caller).toBe(MGMT);
    expect(org.accounts.map((a) => a.account)).toEqual([MGMT, ...MEMBERS]);
    // The caller's own account is not assumed into.
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn).sort()).toEqual(MEMBERS.map((m) => `arn:aws:iam::${m}:role/OrganizationAccountAccessRole`).sort());
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    for (const a of org.accounts) {
      if (a.account === MEMBERS[3]) {
        expect(a.status).toBe('not-read');
        expect(a.gaps).toEqual([{ scope: `account ${a.account}: sts:AssumeRole OrganizationAccountAccessRole (nothing in the account was read)`, reason: expect.stringContaining('AccessDenied') }]);
        continue;
      }
      expect(a.status).toBe('read');
      expect(a.inventory!.users.map((u) => u.arn)).toEqual([`arn:aws:iam::${a.account}:user/u-${a.account}`]);
      expect(a.gaps).toEqual([]);
    }
    expect(org.gaps).toEqual([]);
  });

  it('--accounts and --exclude-accounts: only the chosen accounts are assumed into', async () => {
    const org = await readOrg({ region: 'us-east-1', regions: [], allRegions: false }, { roleName: 'R', accounts: [MEMBERS[0]!, MEMBERS[1]!, MGMT], excludeAccounts: [MGMT] });
    expect(org.accounts.map((a) => a.account)).toEqual([MEMBERS[0], MEMBERS[1]]);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });
});
