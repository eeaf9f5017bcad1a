import { READ_ONLY_POLICY } from '../cloud/aws/permissions.js';

/**
 * Every call `revoke`, `rotate` and `finish` make, by what they are for. Resource "*" so it works
 * as pasted; scope it (arn:aws:iam::ACCOUNT:user/..., the secrets' ARNs) where you can. The new
 * key's own sts:GetCallerIdentity (the verify step) needs no permission.
 */
export const REMEDIATION_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      // The plan: who am I, in which account, which keys, when last used; resuming a rotation reads the store.
      Sid: 'NhiscanPlan',
      Effect: 'Allow',
      Action: ['sts:GetCallerIdentity', 'iam:ListAccountAliases', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      Resource: '*',
    },
    {
      // revoke access-key (UpdateAccessKey; --delete and rotate finish: DeleteAccessKey), revoke role-sessions (PutRolePolicy).
      Sid: 'NhiscanRevoke',
      Effect: 'Allow',
      Action: ['iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:PutRolePolicy'],
      Resource: '*',
    },
    {
      // rotate access-key (CreateAccessKey; --to-secret: CreateSecret or PutSecretValue), rotate secret (RotateSecret).
      Sid: 'NhiscanRotate',
      Effect: 'Allow',
      Action: ['iam:CreateAccessKey', 'secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:RotateSecret'],
      Resource: '*',
    },
  ],
};

/**
 * What `aws --org` / `audit --org` need in the calling (management or delegated administrator)
 * account, besides read-only: list the members, and assume the audit role in each. The role
 * name is the default --role-name; change it when you give another.
 */
export const ORG_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'NhiscanOrgList', Effect: 'Allow', Action: ['organizations:ListAccounts'], Resource: '*' },
    { Sid: 'NhiscanOrgAssume', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' },
  ],
};

export const POLICY_VARIANTS = ['read-only', 'remediation', 'org', 'all'] as const;
export type PolicyVariant = (typeof POLICY_VARIANTS)[number];

/** The policy `--print-policy VARIANT` prints: read-only inventory (aws, audit), remediation (revoke, rotate), or both in one document. */
export function policyFor(variant: PolicyVariant): object {
  if (variant === 'read-only') return READ_ONLY_POLICY;
  if (variant === 'remediation') return REMEDIATION_POLICY;
  if (variant === 'org') return { Version: '2012-10-17', Statement: [...READ_ONLY_POLICY.Statement, ...ORG_POLICY.Statement] };
  return { Version: '2012-10-17', Statement: [...READ_ONLY_POLICY.Statement, ...ORG_POLICY.Statement, ...REMEDIATION_POLICY.Statement] };
}

/** The actions a policy document allows (for the tests that check every call made is in it). */
export function allowedActions(policy: object): Set<string> {
  const st = (policy as { Statement: Array<{ Action: string[] }> }).Statement;
  return new Set(st.flatMap((s) => s.Action));
}
