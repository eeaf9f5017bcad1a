// What a user or role may do: administrator access, escalation paths, service wildcards,
// credential-minting actions and broad data reads (NHI5).
import { actionMatches, evaluate, grantedResources, PRIVESC, DATA_ACCESS, type PrivilegeProfile } from '../policy.js';
import { privilegeScore } from '../risk.js';
import { grantEvidence } from './evidence.js';
import { pinnedOidcRole } from './oidc.js';
import type { CloudRule, PrincipalContext } from './types.js';

/** Services whose wildcard reaches identities, credentials or keys: high on their own. */
const SENSITIVE_SERVICES = new Set(['iam', 'sts', 'kms', 'secretsmanager', 'organizations']);
/** Services whose wildcard reaches stored data. */
const DATA_SERVICES = new Set(['s3', 'dynamodb', 'rds', 'rds-data', 'ssm', 'redshift', 'redshift-data', 'athena', 'glue', 'elasticfilesystem', 'backup', 'ebs', 'es']);

/** The probe an admin grant answers to, for its evidence. */
function adminEvidence(c: PrincipalContext): ReturnType<typeof grantEvidence> {
  const via = c.subject.profile.admin.via;
  if (via === 'AdministratorAccess') return { policy: 'arn:aws:iam::aws:policy/AdministratorAccess', statement: 'attached (document not exported)', action: '*', grants: ['*: arn:aws:iam::aws:policy/AdministratorAccess'] };
  return grantEvidence(c.stmts, [via === 'iam:*' ? 'iam:NhiscanProbe' : 'nhiscanprobe:Anything'], undefined, [via]);
}

/** The privilege of a profile without its PassRole paths: what PassRole is compared against. */
function baseRank(p: PrivilegeProfile): number {
  const privesc = p.privesc.filter((x) => !x.name.startsWith('iam:PassRole'));
  if (privesc.length === p.privesc.length) return privilegeScore(p);
  // Not a spread: that would read (and so compute) the lazy actionCount even when not needed.
  return privilegeScore(Object.assign(Object.create(p) as PrivilegeProfile, { privesc }));
}

export interface EscalationPath {
  name: string;
  conditional: boolean;
  /** For a resource-scoped PassRole: the inventory's roles it may pass that hold more privilege. */
  passable?: string[];
}

const escalationCache = new WeakMap<PrincipalContext, EscalationPath[]>();

/**
 * The escalation combinations that hold. A PassRole scoped to role ARNs counts only when one of
 * the roles it matches in the inventory is more privileged than the identity: passing a role no
 * stronger than yourself gains nothing. PassRole on `*` also reaches roles created later, so it
 * stays a path.
 */
export function escalationPaths(c: PrincipalContext): EscalationPath[] {
  const cached = escalationCache.get(c);
  if (cached) return cached;
  const p = c.subject.profile;
  const out: EscalationPath[] = [];
  const resources = grantedResources(c.stmts, 'iam:PassRole');
  const anyRole = resources.includes('*');
  let stronger: string[] | null = null;
  for (const x of p.privesc) {
    if (!x.name.startsWith('iam:PassRole') || anyRole) {
      out.push({ name: x.name, conditional: x.conditional });
      continue;
    }
    stronger ??= c.inv.roles
      .filter((r) => r.arn !== c.subject.identity.arn && resources.some((pat) => actionMatches(pat, r.arn)))
      .filter((r) => {
        const rp = c.roleProfile(r.arn);
        return rp !== undefined && privilegeScore(rp) > baseRank(p);
      })
      .map((r) => r.arn);
    if (!stronger.length) continue;
    // The PassRole itself is resolved; what is left uncertain is the other actions' scope and conditions.
    const combo = PRIVESC.find((k) => k.name === x.name)!;
    const conditional = combo.all.some((a) => {
      const g = evaluate(c.stmts, a);
      return g.conditional || (a !== 'iam:PassRole' && g.scoped);
    });
    out.push({ name: x.name, conditional, passable: stronger });
  }
  escalationCache.set(c, out);
  return out;
}

function actionsOf(name: string): string[] {
  return PRIVESC.find((k) => k.name === name)?.all ?? [];
}

export const privilegeRules: CloudRule[] = [
  {
    id: 'aws-admin-privileges',
    scope: 'principal',
    title: 'Identity has administrator privileges',
    severity: 'critical',
    nhi: ['NHI5'],
    rationale: 'A machine identity with *:* (or iam:*, or AdministratorAccess) turns any leak of its credential into a full account compromise.',
    remediation: 'Replace administrator access with a least-privilege policy for what this identity actually does (IAM Access Analyzer can generate one from CloudTrail).',
    check: (c) => {
      const p = c.subject.profile;
      if (!p.admin.admin) return [];
      return [{ severity: c.subject.identity.kind === 'human-user' ? 'high' : 'critical', evidence: { via: p.admin.via, ...adminEvidence(c) } }];
    },
  },
  {
    id: 'aws-privilege-escalation',
    scope: 'principal',
    title: 'Identity can escalate its own privileges',
    severity: 'high',
    nhi: ['NHI5'],
    rationale: 'The public escalation combinations (IAM writes, PassRole to a stronger role with a compute or CloudFormation action) let the identity make itself more powerful than its policies say.',
    remediation: 'Remove the IAM write permissions (or scope them with permissions boundaries and resource ARNs) that let this identity grant itself more access.',
    check: (c) => {
      if (c.subject.profile.admin.admin) return [];
      const paths = escalationPaths(c);
      if (!paths.length) return [];
      const actions = [...new Set(paths.flatMap((x) => actionsOf(x.name)))];
      const passable = [...new Set(paths.flatMap((x) => x.passable ?? []))];
      return [
        {
          severity: paths.some((x) => !x.conditional) ? 'high' : 'medium',
          evidence: {
            paths: paths.map((x) => x.name + (x.conditional ? ' (conditional or resource-scoped)' : '')),
            ...(passable.length ? { passableStrongerRoles: passable } : {}),
            ...grantEvidence(c.stmts, actions),
          },
        },
      ];
    },
  },
  {
    id: 'aws-service-wildcard',
    scope: 'principal',
    title: 'Identity holds service-wide wildcard permissions',
    severity: 'high',
    nhi: ['NHI5'],
    rationale: 'service:* grants every present and future action of a service. High for IAM, STS, KMS, Secrets Manager and Organizations; low for a CI role pinned to one repository whose wildcards reach neither IAM nor data.',
    remediation: 'Replace service:* with the specific actions this identity uses.',
    check: (c) => {
      const p = c.subject.profile;
      if (p.admin.admin || !p.wildcards.length) return [];
      const sensitive = p.wildcards.some((w) => SENSITIVE_SERVICES.has(w));
      const reachesIamOrData =
        sensitive || p.wildcards.some((w) => DATA_SERVICES.has(w)) || escalationPaths(c).length > 0 || p.exposure.length > 0 || (p.dataAccess?.length ?? 0) > 0;
      const pinned = pinnedOidcRole(c.role);
      const severity = sensitive ? 'high' : pinned && !reachesIamOrData ? 'low' : 'medium';
      const services = p.wildcards.map((w) => `${w}:*`);
      return [
        {
          severity,
          evidence: {
            services,
            actionsGranted: p.actionCount,
            ...(severity === 'low' ? { gradedLowBecause: 'role trusted only by CI OIDC pinned to a repository; the wildcards reach neither IAM nor data' } : {}),
            ...grantEvidence(c.stmts, p.wildcards.map((w) => `${w}:NhiscanProbe`), undefined, services),
          },
        },
      ];
    },
  },
  {
    id: 'aws-credential-exposure',
    scope: 'principal',
    title: 'Identity can read or mint credentials on every resource',
    severity: 'medium',
    nhi: ['NHI5', 'NHI2'],
    rationale: 'Actions that return or mint a credential (iam:CreateAccessKey, sts:AssumeRole, sts:GetFederationToken, secretsmanager:GetSecretValue) on * let the identity become, or hand out, other identities. Read-only policies hold none of them.',
    remediation: 'Scope credential-returning actions (GetSecretValue, CreateAccessKey, AssumeRole, GetFederationToken) to the specific resources needed.',
    check: (c) => {
      const p = c.subject.profile;
      if (p.admin.admin || !p.exposure.length) return [];
      return [{ evidence: { actions: p.exposure, ...grantEvidence(c.stmts, p.exposure) } }];
    },
  },
  {
    id: 'aws-data-access',
    scope: 'principal',
    title: 'Identity can read every SSM parameter or S3 object',
    severity: 'low',
    nhi: ['NHI5'],
    rationale: 'Reading SecureString parameters or every object is data access, not a credential as such: lower than credential exposure, but those stores often hold secrets.',
    remediation: 'Scope ssm:GetParameter* to parameter paths and s3:GetObject to the buckets this identity needs.',
    check: (c) => {
      const p = c.subject.profile;
      const actions = p.dataAccess ?? [];
      if (p.admin.admin || !actions.length) return [];
      const reasons = actions.map((a) => `${a}: ${DATA_ACCESS.find((d) => d.action === a)!.reason}`);
      return [{ evidence: { actions, reasons, ...grantEvidence(c.stmts, actions) } }];
    },
  },
];
