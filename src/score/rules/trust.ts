// Who may assume a role: anyone, other accounts, CI OIDC, other environments (NHI3, NHI6, NHI8).
// A role's credential is the session anyone it trusts can mint: every finding names it.
import type { PolicyStatement } from '../../cloud/aws/types.js';
import { accountOf, trustPrincipals } from '../classify.js';
import { statements } from '../policy.js';
import { statementEvidence } from './evidence.js';
import { oidcTrusts } from './oidc.js';
import type { CloudRule, Hit, RoleContext } from './types.js';

const ENV_PROD = /(?:^|[-_./:])(?:prod|production|prd|live)(?:[-_./:]|$)/i;
const ENV_NONPROD = /(?:^|[-_./:])(?:dev|development|test|testing|qa|stage|staging|stg|sandbox|uat|nonprod)(?:[-_./:]|$)/i;

const session = (c: RoleContext) => ({ kind: 'role-session' as const, id: c.role.arn });

function allows(c: RoleContext): PolicyStatement[] {
  return statements(c.role.trustPolicy).filter((st) => st.Effect === 'Allow');
}

function conditionKeys(st: PolicyStatement): string[] {
  return Object.values(st.Condition ?? {}).flatMap((x) => Object.keys(x).map((k) => k.toLowerCase()));
}

function awsPrincipals(st: PolicyStatement): string[] {
  return st.Principal && st.Principal !== '*' ? ([] as string[]).concat(st.Principal.AWS ?? []) : [];
}

const trustEvidence = (c: RoleContext, st: PolicyStatement) => statementEvidence('trust policy', statements(c.role.trustPolicy), st);

export const trustRules: CloudRule[] = [
  {
    id: 'aws-role-trusts-anyone',
    scope: 'role',
    title: 'Role trust policy allows any principal',
    severity: 'critical',
    nhi: ['NHI3', 'NHI6'],
    rationale: 'Principal "*" lets any AWS account assume the role; an organization or account condition narrows it, but it stays an insecure configuration.',
    remediation: 'Name the exact principals allowed to assume this role; never Principal "*" without an organization or account condition.',
    check: (c) =>
      allows(c).flatMap((st): Hit[] => {
        if (st.Principal !== '*' && !awsPrincipals(st).includes('*')) return [];
        const keys = conditionKeys(st);
        const restricted = keys.some((k) => ['aws:principalorgid', 'aws:principalaccount', 'aws:sourceaccount', 'aws:sourcearn', 'aws:principalarn'].includes(k));
        return [{ severity: restricted ? 'high' : 'critical', credential: session(c), evidence: { principal: '*', conditions: keys, ...trustEvidence(c, st) }, exposure: restricted ? 60 : 100 }];
      }),
  },
  {
    id: 'aws-cross-account-no-external-id',
    scope: 'role',
    title: 'Role trusts another account without an sts:ExternalId condition',
    severity: 'high',
    nhi: ['NHI3'],
    rationale: 'Without sts:ExternalId a third party that serves many customers can be tricked into using its access to this role (the confused deputy).',
    remediation: 'Require sts:ExternalId for third-party access, and scope the trusted principal to a role ARN.',
    check: (c) =>
      allows(c).flatMap((st): Hit[] => {
        const foreign = awsPrincipals(st)
          .map((a) => [a, accountOf(a)] as const)
          .filter(([, acct]) => acct && acct !== c.inv.account);
        if (!foreign.length || conditionKeys(st).includes('sts:externalid')) return [];
        return [{ credential: session(c), evidence: { trustedAccounts: foreign.map(([, a]) => a!), principals: foreign.map(([p]) => p), ...trustEvidence(c, st) }, exposure: 60 }];
      }),
  },
  {
    id: 'aws-oidc-trust-unpinned-sub',
    scope: 'role',
    title: 'CI OIDC trust without a pinned sub condition',
    severity: 'high',
    nhi: ['NHI6', 'NHI3'],
    rationale: 'A GitHub or GitLab OIDC trust with no sub, or a wildcard in its repository part, lets other repositories (or everyone on the platform) assume the role.',
    remediation: 'Pin the provider’s :sub condition to one repository and branch or environment (e.g. repo:org/repo:ref:refs/heads/main).',
    check: (c) =>
      oidcTrusts(c.role).flatMap((o): Hit[] =>
        o.subs.length === 0 || o.wildcard
          ? [
              {
                title: `${o.isGitHub ? 'GitHub' : 'GitLab'} OIDC trust without a pinned sub condition`,
                credential: session(c),
                evidence: { provider: o.provider, sub: o.subs.length ? o.subs : 'missing', ...trustEvidence(c, o.statement) },
                hint: `Pin ${o.host}:sub to one repository and branch or environment (e.g. repo:org/repo:ref:refs/heads/main); otherwise any ${o.isGitHub ? 'GitHub repository' : 'GitLab project'} can assume this role.`,
                exposure: 80,
              },
            ]
          : [],
      ),
  },
  {
    id: 'aws-oidc-trust-no-aud',
    scope: 'role',
    title: 'CI OIDC trust without an aud condition',
    severity: 'medium',
    nhi: ['NHI6'],
    rationale: 'Without an aud condition, tokens minted for another audience are accepted too.',
    remediation: 'Require the provider’s :aud condition (sts.amazonaws.com for GitHub Actions).',
    check: (c) =>
      oidcTrusts(c.role).flatMap((o): Hit[] =>
        o.auds.length === 0
          ? [{ title: `${o.isGitHub ? 'GitHub' : 'GitLab'} OIDC trust without an aud condition`, credential: session(c), evidence: { provider: o.provider, ...trustEvidence(c, o.statement) }, hint: `Require ${o.host}:aud (sts.amazonaws.com for GitHub Actions).`, exposure: 50 }]
          : [],
      ),
  },
  {
    id: 'aws-cross-environment-trust',
    scope: 'role',
    title: 'Role is trusted across production and non-production',
    severity: 'medium',
    nhi: ['NHI8'],
    rationale: 'A non-production principal that can assume a production identity breaks environment isolation (heuristic: names and environment tags).',
    remediation: 'Give each environment its own role; a non-production principal should never be able to assume a production identity.',
    check: (c) => {
      const p = trustPrincipals(c.role);
      const trusted = [...p.aws, ...p.federated];
      const envOf = (x: string) => (ENV_PROD.test(x) ? 'prod' : ENV_NONPROD.test(x) ? 'nonprod' : null);
      const envs = new Set(trusted.map(envOf).filter(Boolean));
      const roleEnv = envOf(c.role.name) ?? c.role.tags.find((tg) => /^(?:env|environment|stage)$/i.test(tg.Key))?.Value.toLowerCase();
      const crossing = envs.size > 1 || (roleEnv && [...envs].some((e) => e !== (ENV_PROD.test(String(roleEnv)) ? 'prod' : 'nonprod')));
      if (!crossing) return [];
      return [{ credential: session(c), evidence: { trusted, roleEnvironment: roleEnv ?? null, policy: 'trust policy', statement: 'all Allow statements', action: 'sts:AssumeRole' }, exposure: 50 }];
    },
  },
];
