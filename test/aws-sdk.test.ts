import { AccountClient } from '@aws-sdk/client-account';
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { GetResourcePolicyCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '../src/cloud/aws/clients.js';
import { enumerate } from '../src/cloud/aws/enumerate.js';
import { ProviderError } from '../src/errors.js';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const sm = mockClient(SecretsManagerClient);
mockClient(AccountClient);

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

function reportCsv(users: string[]): Uint8Array {
  const rows = users.map(
    (u, i) => `${u},arn:aws:iam::123456789012:user/${u},2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-0${(i % 8) + 1}-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  );
  return new TextEncoder().encode([HEADER, '<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A', ...rows].join('\n'));
}

const encoded = (doc: object) => encodeURIComponent(JSON.stringify(doc));

function userDetail(name: string, policies = 1) {
  return {
    UserName: name,
    Arn: `arn:aws:iam::123456789012:user/${name}`,
    Path: '/',
    CreateDate: new Date('2024-01-01T00:00:00Z'),
    GroupList: [],
    AttachedManagedPolicies: [],
    Tags: [],
    UserPolicyList: Array.from({ length: policies }, (_, i) => ({ PolicyName: `p${i}`, PolicyDocument: encoded({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::b${i}/*` }] }) })),
  };
}

const noSleep = async () => undefined;

function happyPath(users: string[], policiesPerUser = 1) {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/auditor' });
  const half = Math.ceil(users.length / 2);
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .resolvesOnce({ UserDetailList: users.slice(0, half).map((u) => userDetail(u, policiesPerUser)), IsTruncated: true, Marker: 'm1' })
    .resolvesOnce({ UserDetailList: users.slice(half).map((u) => userDetail(u, policiesPerUser)), IsTruncated: false });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'STARTED' });
  iam
    .on(GetCredentialReportCommand)
    .rejectsOnce(Object.assign(new Error('Report is in progress'), { name: 'ReportInProgress' }))
    .resolves({ Content: reportCsv(users), ReportFormat: 'text/csv' });
  iam.on(ListAccessKeysCommand).callsFake((input: { UserName: string }) => {
    const i = users.indexOf(input.UserName);
    return {
      AccessKeyMetadata: [
        { AccessKeyId: `AKIAMOCK${String(i).padStart(12, '0')}`, Status: 'Active', CreateDate: new Date(`2025-0${(i % 8) + 1}-01T00:00:00Z`) },
        ...(i === 0 ? [{ AccessKeyId: 'AKIAMOCKNEWKEY000000', Status: 'Active' as const, CreateDate: new Date('2026-05-30T00:00:00Z') }] : []),
      ],
    };
  });
  iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: users[0], AccessKeyLastUsed: { LastUsedDate: new Date('2026-05-31T00:00:00Z'), ServiceName: 'sts', Region: 'us-east-1' } });
  sm.on(ListSecretsCommand)
    .resolvesOnce({ SecretList: [{ ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a', Name: 'a', RotationEnabled: false }], NextToken: 't' })
    .resolvesOnce({ SecretList: [{ ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:b', Name: 'b', RotationEnabled: true }] });
  sm.on(GetResourcePolicyCommand).resolves({ ResourcePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] }) });
}

beforeEach(() => {
  iam.reset();
  sts.reset();
  sm.reset();
});
afterEach(() => {
  iam.reset();
  sts.reset();
  sm.reset();
});

const clients = () => createClients({ region: 'us-east-1' });

describe('AWS enumeration (aws-sdk-client-mock)', () => {
  it('paginates, polls the credential report, decodes policies and joins keys to report slots', async () => {
    happyPath(['svc-a', 'svc-b', 'svc-c']);
    const { inventory, gaps } = await enumerate(clients(), { regions: [], allRegions: false, sleep: noSleep });
    expect(gaps).toEqual([]);
    expect(inventory.account).toBe('123456789012');
    expect(inventory.users.map((u) => u.name)).toEqual(['svc-a', 'svc-b', 'svc-c']);
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand).map((c) => c.args[0].input.Marker)).toEqual([undefined, 'm1']);
    expect(iam.commandCalls(GetCredentialReportCommand)).toHaveLength(2);
    expect(inventory.users[0]!.inlinePolicies[0]!.document).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b0/*' }] });
    const a = inventory.keys.filter((k) => k.user === 'svc-a');
    expect(a.map((k) => [k.id, k.slot, k.lastUsed])).toEqual([
      ['AKIAMOCK000000000000', 1, '2026-01-01T00:00:00+00:00'],
      ['AKIAMOCKNEWKEY000000', null, '2026-05-31T00:00:00.000Z'],
    ]);
    // Only the key the report could not place needed GetAccessKeyLastUsed.
    expect(iam.commandCalls(GetAccessKeyLastUsedCommand).map((c) => c.args[0].input.AccessKeyId)).toEqual(['AKIAMOCKNEWKEY000000']);
    expect(inventory.secrets.map((s) => [s.name, s.rotationEnabled, Boolean(s.resourcePolicy)])).toEqual([
      ['a', false, true],
      ['b', true, true],
    ]);
  });

  it('makes calls that grow with users, not with users × policies', async () => {
    const count = async (users: number, policies: number) => {
      iam.reset();
      sts.reset();
      sm.reset();
      happyPath(Array.from({ length: users }, (_, i) => `svc-${i}`), policies);
      await enumerate(clients(), { regions: [], allRegions: false, sleep: noSleep });
      return iam.calls().length + sts.calls().length + sm.calls().length;
    };
    const base = await count(4, 1);
    expect(await count(4, 20)).toBe(base);
    expect(await count(8, 1)).toBe(base + 4);
  });

  it('turns AccessDenied on one call into a coverage gap and still reads the rest', async () => {
    happyPath(['svc-a']);
    iam.on(ListAccessKeysCommand).rejects(Object.assign(new Error('User is not authorized to perform: iam:ListAccessKeys'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const { inventory, gaps } = await enumerate(clients(), { regions: [], allRegions: false, sleep: noSleep });
    expect(gaps).toEqual([{ scope: 'iam:ListAccessKeys svc-a', reason: 'AccessDenied (AccessDenied)' }]);
    expect(inventory.users).toHaveLength(1);
    expect(inventory.keys.map((k) => k.id)).toEqual(['svc-a#1']);
  });

  it('reports an endpoint that answers HTTP 500 with HTML as a gap, not a crash', async () => {
    happyPath(['svc-a']);
    sm.on(ListSecretsCommand).rejects(
      Object.assign(new Error("Unexpected token '<', \"<html><bo\"... is not valid JSON"), { name: 'SyntaxError', $metadata: { httpStatusCode: 500 }, $response: { statusCode: 500 } }),
    );
    const { gaps } = await enumerate(clients(), { regions: [], allRegions: false, sleep: noSleep });
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.scope).toBe('secretsmanager:ListSecrets us-east-1');
    expect(gaps[0]!.reason).toMatch(/^HTTP 500: the endpoint did not answer this call/);
  });

  it('reports throttling that outlasted the retries as a gap', async () => {
    happyPath(['svc-a']);
    iam.on(GetAccountAuthorizationDetailsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    const { gaps } = await enumerate(clients(), { regions: [], allRegions: false, sleep: noSleep });
    expect(gaps).toEqual([{ scope: 'iam:GetAccountAuthorizationDetails', reason: 'throttled after retries (Throttling)' }]);
  });

  it('fails with one line when there are no credentials', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    await expect(enumerate(clients(), { regions: [], allRegions: false, sleep: noSleep })).rejects.toThrow(ProviderError);
    await expect(enumerate(clients(), { regions: [], allRegions: false, sleep: noSleep })).rejects.toThrow(/^no usable AWS credentials: CredentialsProviderError: Could not load credentials/);
  });

  it('gives up on a credential report that never completes', async () => {
    happyPath(['svc-a']);
    iam.on(GetCredentialReportCommand).rejects(Object.assign(new Error('in progress'), { name: 'ReportInProgress' }));
    let waited = 0;
    const { gaps } = await enumerate(clients(), {
      regions: [],
      allRegions: false,
      reportTimeoutMs: 0,
      sleep: async (ms) => {
        waited += ms;
      },
    });
    expect(gaps.map((g) => g.scope)).toEqual(['iam:GetCredentialReport']);
    expect(waited).toBeLessThan(1000);
  });
});

describe('a credential report older than the account (AWS reuses one for up to 4 hours)', () => {
  const ROOT = '<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
  const KEYED = '2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-01-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
  const KEYLESS = '2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
  // svc-a has a key in the report; svc-b had none when the report was made and has one now.
  const NEW_B = 'AKIAMOCKNEWKEYB00000';

  function account(o: { generatedAgoMs: number | null; reportUsers?: string[]; users?: string[]; state?: 'STARTED' | 'COMPLETE' }) {
    const reportUsers = o.reportUsers ?? ['svc-a', 'svc-b'];
    const users = o.users ?? ['svc-a', 'svc-b'];
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/auditor' });
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: users.map((u) => userDetail(u)), IsTruncated: false });
    iam.on(GenerateCredentialReportCommand).resolves({ State: o.state ?? 'COMPLETE' });
    const csv = [HEADER, ROOT, ...reportUsers.map((u) => `${u},arn:aws:iam::123456789012:user/${u},${u === 'svc-a' ? KEYED : KEYLESS}`)].join('\n');
    iam.on(GetCredentialReportCommand).resolves({
      Content: new TextEncoder().encode(csv),
      ReportFormat: 'text/csv',
      ...(o.generatedAgoMs === null ? {} : { GeneratedTime: new Date(Date.now() - o.generatedAgoMs) }),
    });
    iam.on(ListAccessKeysCommand).callsFake((input: { UserName: string }) => ({
      AccessKeyMetadata:
        input.UserName === 'svc-a'
          ? [{ AccessKeyId: 'AKIAMOCKOLDKEYA00000', Status: 'Active', CreateDate: new Date('2025-01-01T00:00:00Z') }]
          : [{ AccessKeyId: input.UserName === 'svc-b' ? NEW_B : 'AKIAMOCKNEWKEYC00000', Status: 'Active', CreateDate: new Date(Date.now() - 60_000) }],
    }));
    iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: 'svc-b', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
    sm.on(ListSecretsCommand).resolves({ SecretList: [] });
  }
  const listedUsers = () => iam.commandCalls(ListAccessKeysCommand).map((c) => c.args[0].input.UserName).sort();
  const lastUsedAsked = () => iam.commandCalls(GetAccessKeyLastUsedCommand).map((c) => c.args[0].input.AccessKeyId).sort();
  const read = (c = clients()) => enumerate(c, { regions: [], allRegions: false, sleep: noSleep });

  it('a 3-hour-old report: the user whose row shows no key is listed too, and the key made since is in the inventory', async () => {
    account({ generatedAgoMs: 3 * 3600_000 });
    const { inventory, gaps } = await read();
    expect(gaps).toEqual([]);
    expect(listedUsers()).toEqual(['svc-a', 'svc-b']);
    expect(lastUsedAsked()).toEqual([NEW_B]);
    expect(inventory.keys.map((k) => [k.user, k.id, k.slot])).toEqual([
      ['svc-a', 'AKIAMOCKOLDKEYA00000', 1],
      ['svc-b', NEW_B, null],
    ]);
  });

  it('a report generated a minute ago: keyless rows are believed, no ListAccessKeys for them', async () => {
    account({ generatedAgoMs: 60_000 });
    const { inventory, gaps } = await read();
    expect(gaps).toEqual([]);
    expect(listedUsers()).toEqual(['svc-a']);
    expect(lastUsedAsked()).toEqual([]);
    expect(inventory.keys.map((k) => k.id)).toEqual(['AKIAMOCKOLDKEYA00000']);
  });

  it.each([
    [4 * 60_000, ['svc-a']],
    [6 * 60_000, ['svc-a', 'svc-b']],
  ])('the freshness bound is 5 minutes (report %i ms old lists %j)', async (ago, expected) => {
    account({ generatedAgoMs: ago });
    await read();
    expect(listedUsers()).toEqual(expected);
  });

  it('a report AWS generated for this run (State STARTED) is fresh whatever its GeneratedTime says', async () => {
    // moto answers a fixed 2015 GeneratedTime for the report it has just built.
    account({ generatedAgoMs: 10 * 365 * 86_400_000, state: 'STARTED' });
    await read();
    expect(listedUsers()).toEqual(['svc-a']);
    account({ generatedAgoMs: null, state: 'STARTED', users: ['svc-a', 'svc-b', 'svc-c'] });
    iam.resetHistory();
    await read();
    // A user the report does not list is still listed.
    expect(listedUsers()).toEqual(['svc-a', 'svc-c']);
  });

  it('a report without GeneratedTime is not known to be fresh: keyless rows are listed', async () => {
    account({ generatedAgoMs: null });
    await read();
    expect(listedUsers()).toEqual(['svc-a', 'svc-b']);
  });

  it('a user created after a fresh report (in the authorization details, not in the report) is listed', async () => {
    account({ generatedAgoMs: 60_000, users: ['svc-a', 'svc-b', 'svc-c'] });
    const { inventory, gaps } = await read();
    expect(gaps).toEqual([]);
    expect(listedUsers()).toEqual(['svc-a', 'svc-c']);
    expect(lastUsedAsked()).toEqual(['AKIAMOCKNEWKEYC00000']);
    expect(inventory.keys.find((k) => k.user === 'svc-c')).toMatchObject({ id: 'AKIAMOCKNEWKEYC00000', userArn: 'arn:aws:iam::123456789012:user/svc-c', slot: null });
  });

  it('the age is taken on AWS’s clock: a local clock an hour behind does not make an hour-old report fresh', async () => {
    account({ generatedAgoMs: 0 });
    const c = clients();
    // What the SDK sets from an answer's Date header when AWS's clock is an hour ahead of ours.
    (c.iam.config as { systemClockOffset: number }).systemClockOffset = 3600_000;
    await read(c);
    expect(listedUsers()).toEqual(['svc-a', 'svc-b']);
  });

  it('no credential report at all: every user in the authorization details is listed, and the report is a gap', async () => {
    account({ generatedAgoMs: 60_000 });
    iam.on(GetCredentialReportCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const { inventory, gaps } = await read();
    expect(gaps.map((g) => g.scope)).toEqual(['iam:GenerateCredentialReport / GetCredentialReport']);
    expect(listedUsers()).toEqual(['svc-a', 'svc-b']);
    expect(inventory.keys.map((k) => [k.id, k.slot])).toEqual([
      ['AKIAMOCKOLDKEYA00000', null],
      [NEW_B, null],
    ]);
  });
});
