// An AWS organization on the loopback endpoint: a management account and member accounts, each
// answering IAM and STS by the caller's access key, as AWS does. AssumeRole hands out per-account
// keys; a request signed with a member's key sees only that member's users.
import type { IncomingMessage } from 'node:http';
import { iamError, queryXml, signer, type Fault, type Handler } from './aws-fault-server.js';

export const MGMT = '111111111111';
/** The static key awsEnv() signs with: the management account's auditor. */
export const MGMT_KEY = 'AKIAFAULTTESTKEY0001';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

const ADMIN = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }));

/** The key AssumeRole returns for an account: ASIA + the account id + a suffix (20 characters). */
export const sessionKey = (account: string) => `ASIA${account}ORGK`;
/** The one user each account holds, and its long-lived key. */
export const userOf = (account: string) => `deploy-${account}`;
export const keyOf = (account: string) => `AKIA${account}USRK`;

export interface OrgWorld {
  /** Member accounts (the management account is always there too). */
  members: string[];
  /** Accounts whose OrganizationAccountAccessRole cannot be assumed (AccessDenied). */
  denied?: string[];
  /** Accounts listed as SUSPENDED. */
  suspended?: string[];
  /** ListAccounts answers this many accounts per page. */
  pageSize?: number;
  /** Every AssumeRole asked for, by role ARN. */
  assumed?: string[];
  /** Which account each IAM/STS call was answered as (by its signing key). */
  answeredAs?: Array<{ action: string; account: string }>;
  /** Each account's user key id (default keyOf): tests that commit a key id choose one that decodes to its account. */
  keys?: Record<string, string>;
  /** Override per action (e.g. a hang), by account. */
  fault?: (action: string, account: string) => Fault | undefined;
}

function accountOfKey(world: OrgWorld, key: string | null): string | null {
  if (key === MGMT_KEY) return MGMT;
  const m = /^ASIA(\d{12})ORGK$/.exec(key ?? '');
  return m && world.members.includes(m[1]!) ? m[1]! : null;
}

function accountAnswers(account: string, action: string, keyId: string): string | undefined {
  const user = userOf(account);
  const arn = `arn:aws:iam::${account}:user/${user}`;
  const report = [
    HEADER,
    `<root_account>,arn:aws:iam::${account}:root,2019-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    `${user},${arn},2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-02-01T00:00:00+00:00,2026-11-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  ].join('\n');
  switch (action) {
    case 'GetCallerIdentity':
      return queryXml('GetCallerIdentity', `<Arn>arn:aws:sts::${account}:assumed-role/OrganizationAccountAccessRole/nhiscan</Arn><UserId>AROATEST</UserId><Account>${account}</Account>`);
    case 'GetAccountAuthorizationDetails':
      return queryXml(
        'GetAccountAuthorizationDetails',
        `<IsTruncated>false</IsTruncated><UserDetailList><member><UserName>${user}</UserName><UserId>AIDA${account}</UserId><Arn>${arn}</Arn><Path>/</Path><CreateDate>2020-01-01T00:00:00Z</CreateDate><UserPolicyList><member><PolicyName>all</PolicyName><PolicyDocument>${ADMIN}</PolicyDocument></member></UserPolicyList><GroupList/><AttachedManagedPolicies/><Tags><member><Key>team</Key><Value>${account === MGMT ? 'platform' : 'apps'}</Value></member></Tags></member></UserDetailList><GroupDetailList/><RoleDetailList/><Policies/>`,
      );
    case 'GenerateCredentialReport':
      return queryXml('GenerateCredentialReport', '<State>COMPLETE</State>');
    case 'GetCredentialReport':
      return queryXml('GetCredentialReport', `<Content>${Buffer.from(report).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-01T00:00:00Z</GeneratedTime>`);
    case 'ListAccessKeys':
      return queryXml('ListAccessKeys', `<AccessKeyMetadata><member><UserName>${user}</UserName><AccessKeyId>${keyId}</AccessKeyId><Status>Active</Status><CreateDate>2020-02-01T00:00:00Z</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated>`);
    case 'ListSecrets':
      return JSON.stringify({ SecretList: [] });
    default:
      return undefined;
  }
}

/** The endpoint's handler for `world`. */
export function orgHandler(world: OrgWorld): Handler {
  return (action: string, body: string, req: IncomingMessage) => {
    const account = accountOfKey(world, signer(req).keyId);
    if (!account) return iamError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const fault = world.fault?.(action, account);
    if (fault) return fault;
    if (action === 'ListAccounts') {
      if (account !== MGMT) return { status: 400, type: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: 'AccessDeniedException', message: 'not the management account' }) };
      const all = [MGMT, ...world.members];
      const size = world.pageSize ?? all.length;
      const start = Number(JSON.parse(body || '{}').NextToken ?? 0);
      const page = all.slice(start, start + size).map((id) => {
        const state = world.suspended?.includes(id) ? 'SUSPENDED' : 'ACTIVE';
        return { Id: id, Arn: `arn:aws:organizations::${MGMT}:account/o-test/${id}`, Name: id === MGMT ? 'management' : `member-${id}`, Status: state, State: state, Email: `${id}@example.com` };
      });
      return JSON.stringify({ Accounts: page, ...(start + size < all.length ? { NextToken: String(start + size) } : {}) });
    }
    if (action === 'AssumeRole') {
      const roleArn = new URLSearchParams(body).get('RoleArn') ?? '';
      world.assumed?.push(roleArn);
      const target = /^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1];
      if (!target || !world.members.includes(target) || world.denied?.includes(target)) {
        return iamError(403, 'AccessDenied', `User is not authorized to perform: sts:AssumeRole`);
      }
      return queryXml(
        'AssumeRole',
        `<Credentials><AccessKeyId>${sessionKey(target)}</AccessKeyId><SecretAccessKey>session-secret-not-real-${target}</SecretAccessKey><SessionToken>session-token-${target}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>${roleArn}</Arn><AssumedRoleId>AROA${target}:nhiscan</AssumedRoleId></AssumedRoleUser>`,
      );
    }
    const keyId = world.keys?.[account] ?? keyOf(account);
    if (action === 'GetAccessKeyLastUsed') {
      world.answeredAs?.push({ action, account });
      // Only the account's own key is known to it, as in AWS.
      if (new URLSearchParams(body).get('AccessKeyId') !== keyId) return 'notfound';
      return queryXml('GetAccessKeyLastUsed', `<UserName>${userOf(account)}</UserName><AccessKeyLastUsed><ServiceName>s3</ServiceName><Region>us-east-1</Region><LastUsedDate>2026-11-01T00:00:00Z</LastUsedDate></AccessKeyLastUsed>`);
    }
    const answer = accountAnswers(account, action, keyId);
    if (answer) world.answeredAs?.push({ action, account });
    return answer;
  };
}
