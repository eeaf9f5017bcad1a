import { fingerprint } from '../detect/fingerprint.js';
import type { AccessKey, AwsInventory, IamRole, IamUser, PolicyStatement, SecretRecord } from '../cloud/aws/types.js';
import type { CloudFinding, CredentialRef, Evidence, IdentityRef, NhiId, Severity } from '../model.js';
import { accountOf, classifyRole, classifyUser, trustPrincipals, type Classification } from './classify.js';
import { ADMIN_POLICY_ARNS, privilegeProfile, statements, type ActionCatalogue, type PrivilegeProfile } from './policy.js';
import { riskScore } from './risk.js';

export interface Thresholds {
  /** An active key older than this many days is a finding (NHI7). */
  keyMaxAgeDays: number;
  /** ...and a high one from this age. */
  keyCriticalAgeDays: number;
  /** Keys, roles and secrets unused for longer than this are offboarding candidates (NHI1). */
  unusedDays: number;
  /** A key never used is only flagged once it is older than this. */
  neverUsedGraceDays: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { keyMaxAgeDays: 90, keyCriticalAgeDays: 365, unusedDays: 90, neverUsedGraceDays: 7 };

const DAY = 86_400_000;

export function daysSince(date: string | null, now: number): number | null {
  if (!date) return null;
  const t = Date.parse(date);
  return Number.isNaN(t) ? null : Math.floor((now - t) / DAY);
}

interface Subject {
  identity: IdentityRef;
  classification: Classification;
  profile: PrivilegeProfile;
}

interface Emit {
  ruleId: string;
  title: string;
  severity: Severity;
  nhi: NhiId[];
  subject: Subject;
  credential?: CredentialRef;
  evidence: Evidence;
  hint: string;
  command?: string;
  /** Inputs to the credential's risk score beyond the identity's privilege. */
  lifetimeDays?: number | null;
  exposure?: number;
}

function userStatements(user: IamUser, inv: AwsInventory): { stmts: PolicyStatement[]; arns: string[] } {
  const arns = [...user.attachedPolicies];
  const stmts: PolicyStatement[] = user.inlinePolicies.flatMap((p) => statements(p.document));
  for (const g of inv.groups.filter((g) => user.groups.includes(g.name))) {
    arns.push(...g.attachedPolicies);
    stmts.push(...g.inlinePolicies.flatMap((p) => statements(p.document)));
  }
  for (const arn of arns) stmts.push(...statements(inv.policies.find((p) => p.arn === arn)?.document ?? null));
  return { stmts, arns };
}

function roleStatements(role: IamRole, inv: AwsInventory): { stmts: PolicyStatement[]; arns: string[] } {
  const stmts = role.inlinePolicies.flatMap((p) => statements(p.document));
  for (const arn of role.attachedPolicies) stmts.push(...statements(inv.policies.find((p) => p.arn === arn)?.document ?? null));
  return { stmts, arns: role.attachedPolicies };
}

function profileFor(stmts: PolicyStatement[], arns: string[], catalogue: ActionCatalogue): PrivilegeProfile {
  const profile = privilegeProfile(stmts, catalogue);
  const adminArn = arns.find((a) => ADMIN_POLICY_ARNS.has(a));
  // AdministratorAccess counts even when its document was not exported.
  if (!profile.admin.admin && adminArn) profile.admin = { admin: true, via: 'AdministratorAccess' };
  return profile;
}

const ENV_PROD = /(?:^|[-_./:])(?:prod|production|prd|live)(?:[-_./:]|$)/i;
const ENV_NONPROD = /(?:^|[-_./:])(?:dev|development|test|testing|qa|stage|staging|stg|sandbox|uat|nonprod)(?:[-_./:]|$)/i;

function privilegeFindings(s: Subject, emit: (e: Omit<Emit, 'subject'>) => void): void {
  const p = s.profile;
  if (p.admin.admin) {
    emit({
      ruleId: 'aws-admin-privileges',
      title: 'Identity has administrator privileges',
      severity: s.identity.kind === 'human-user' ? 'high' : 'critical',
      nhi: ['NHI5'],
      evidence: { via: p.admin.via },
      hint: 'Replace administrator access with a least-privilege policy for what this identity actually does (IAM Access Analyzer can generate one from CloudTrail).',
    });
  }
  if (p.privesc.length && !p.admin.admin) {
    emit({
      ruleId: 'aws-privilege-escalation',
      title: 'Identity can escalate its own privileges',
      severity: p.privesc.some((x) => !x.conditional) ? 'high' : 'medium',
      nhi: ['NHI5'],
      evidence: { paths: p.privesc.map((x) => x.name + (x.conditional ? ' (conditional or resource-scoped)' : '')) },
      hint: 'Remove the IAM write permissions (or scope them with permissions boundaries and resource ARNs) that let this identity grant itself more access.',
    });
  }
  const broad = p.wildcards.filter((w) => w !== 'iam' || !p.admin.admin);
  if (broad.length && !p.admin.admin) {
    emit({
      ruleId: 'aws-service-wildcard',
      title: 'Identity holds service-wide wildcard permissions',
      severity: broad.some((w) => ['iam', 'sts', 'kms', 'secretsmanager', 'organizations'].includes(w)) ? 'high' : 'medium',
      nhi: ['NHI5'],
      evidence: { services: broad.map((w) => `${w}:*`), actionsGranted: p.actionCount },
      hint: 'Replace service:* with the specific actions this identity uses.',
    });
  }
  if (p.exposure.length && !p.admin.admin) {
    emit({
      ruleId: 'aws-credential-exposure',
      title: 'Identity can read or mint credentials on every resource',
      severity: 'medium',
      nhi: ['NHI5'],
      evidence: { actions: p.exposure },
      hint: 'Scope credential-reading actions (GetSecretValue, GetParameter, CreateAccessKey, AssumeRole) to the specific resources needed.',
    });
  }
}

function keyFindings(s: Subject, keys: AccessKey[], t: Thresholds, now: number, emit: (e: Omit<Emit, 'subject'>) => void): void {
  const active = keys.filter((k) => k.status === 'Active');
  for (const k of keys) {
    const cred: CredentialRef = { kind: 'access-key', id: k.id };
    const age = daysSince(k.created, now);
    const idle = daysSince(k.lastUsed, now);
    const base: Evidence = { created: k.created, ageDays: age, lastUsed: k.lastUsed, lastUsedService: k.lastUsedService, lastUsedRegion: k.lastUsedRegion, status: k.status };
    // Offline, the credential report has no key ids (the key is "user#slot"): no nhiscan command can
    // name it, so the hint says how to find the id instead of printing a command that cannot run.
    const known = /^AKIA[A-Z0-9]{16}$/.test(k.id);
    const findId = known ? '' : ` The credential report has no key ids: find this one with aws iam list-access-keys --user-name ${k.user} (slot ${k.slot ?? '?'}; slot 1 is the older key), then run nhiscan on that id.`;
    const revoke = known ? `nhiscan revoke access-key ${k.id} --user ${k.user}` : undefined;
    const rotate = known ? `nhiscan rotate access-key ${k.id} --user ${k.user}` : undefined;
    const cmd = (c: string | undefined) => (c ? { command: c } : {});
    const secondActive = active.find((o) => o !== k);
    if (k.status === 'Inactive') {
      emit({
        ruleId: 'aws-inactive-key',
        title: 'Inactive access key left behind',
        severity: 'low',
        nhi: ['NHI1'],
        credential: cred,
        evidence: base,
        hint: `Delete the inactive key; it still occupies one of the two key slots and can be reactivated.${findId}`,
        ...cmd(revoke && `${revoke} --delete`),
        lifetimeDays: age,
        exposure: 5,
      });
      continue;
    }
    const exposure = idle !== null && idle <= t.unusedDays ? 40 : 25;
    if (age !== null && age > t.keyMaxAgeDays) {
      emit({
        ruleId: 'aws-key-age',
        title: `Active access key older than ${t.keyMaxAgeDays} days`,
        severity: age > t.keyCriticalAgeDays ? 'high' : 'medium',
        nhi: ['NHI7'],
        credential: cred,
        evidence: { ...base, thresholdDays: t.keyMaxAgeDays },
        hint: secondActive
          ? `Rotate the key (create, deploy, deactivate the old one, verify, delete), or move the workload to a role. ${k.user} already holds a second active key, ${secondActive.id}, so there is no slot for a new one: deactivate whichever of the two is unused first (see the two-active-keys finding), then rotate this one.${findId}`
          : `Rotate the key (create, deploy, deactivate the old one, verify, delete), or move the workload to a role. nhiscan rotate stores the new key in ~/.nhiscan/keys/replaces-${known ? k.id : 'KEYID'}.json unless given --to-file or --to-secret.${findId}`,
        // With two active keys, rotate refuses (a user holds at most two): no command that cannot run.
        ...cmd(secondActive ? undefined : rotate),
        lifetimeDays: age,
        exposure,
      });
    }
    if (!k.lastUsed && age !== null && age > t.neverUsedGraceDays) {
      emit({
        ruleId: 'aws-key-never-used',
        title: 'Active access key never used',
        severity: 'medium',
        nhi: ['NHI1'],
        credential: cred,
        evidence: { ...base, graceDays: t.neverUsedGraceDays },
        hint: `A key nobody uses is pure exposure: deactivate it, then delete it.${findId}`,
        ...cmd(revoke),
        lifetimeDays: age,
        exposure: 25,
      });
    } else if (idle !== null && idle > t.unusedDays) {
      emit({
        ruleId: 'aws-key-unused',
        title: `Active access key unused for more than ${t.unusedDays} days`,
        severity: 'medium',
        nhi: ['NHI1'],
        credential: cred,
        evidence: { ...base, idleDays: idle },
        hint: `Deactivate the key; delete it if nothing breaks.${findId}`,
        ...cmd(revoke),
        lifetimeDays: age,
        exposure: 25,
      });
    }
    if (s.identity.kind === 'human-user') {
      emit({
        ruleId: 'aws-human-with-access-key',
        title: 'Human user holds a long-term access key',
        severity: 'medium',
        nhi: ['NHI10'],
        credential: cred,
        evidence: { ...base, classifiedBecause: s.classification.reason },
        hint: `People should use SSO and short-lived credentials; if this key runs automation, move it to a dedicated service identity or role.${findId}`,
        ...cmd(revoke),
        lifetimeDays: age,
        exposure,
      });
    } else if (/(?:^|[-_.])(?:ci|cd|github|gitlab|jenkins|circleci|buildkite|pipeline|runner|deploy)(?:[-_.]|$)/i.test(s.identity.name)) {
      emit({
        ruleId: 'aws-ci-static-key',
        title: 'CI/CD identity uses a static access key',
        severity: 'medium',
        nhi: ['NHI6', 'NHI4'],
        credential: cred,
        evidence: base,
        hint: `Use OIDC federation from the CI system to a role with a pinned sub condition, then delete the key.${findId}`,
        ...cmd(revoke),
        lifetimeDays: age,
        exposure,
      });
    }
  }
  if (active.length >= 2) {
    // The one to revoke is the one nothing uses: never used first, else the least recently used.
    // Revoking the key in use would break the workload and leave the idle key live.
    const idleFirst = [...active].sort((a, b) => (a.lastUsed ? Date.parse(a.lastUsed) : -Infinity) - (b.lastUsed ? Date.parse(b.lastUsed) : -Infinity));
    const idle = idleFirst[0]!;
    const idleKnown = /^AKIA[A-Z0-9]{16}$/.test(idle.id);
    const why = idle.lastUsed ? `least recently used (${idle.lastUsed})` : 'never used';
    emit({
      ruleId: 'aws-two-active-keys',
      title: 'User has two active access keys',
      severity: 'medium',
      nhi: ['NHI9'],
      credential: { kind: 'access-key', id: active.map((k) => k.id).join(',') },
      evidence: { keys: active.map((k) => k.id), lastUsed: active.map((k) => k.lastUsed ?? 'never') },
      hint: `Two live keys usually means one identity is shared by several workloads, or a rotation never finished: deactivate the ${why} one, ${idle.id}, and give each workload its own identity.${idleKnown ? '' : ` The credential report has no key ids: find it with aws iam list-access-keys --user-name ${idle.user}.`}`,
      ...(idleKnown ? { command: `nhiscan revoke access-key ${idle.id} --user ${idle.user}` } : {}),
      lifetimeDays: Math.max(...active.map((k) => daysSince(k.created, now) ?? 0)),
      exposure: 40,
    });
  }
}

function roleTrustFindings(role: IamRole, s: Subject, account: string | null, t: Thresholds, now: number, emitAny: (e: Omit<Emit, 'subject'>) => void): void {
  // A role's credential is the session anyone it trusts can mint.
  const emit = (e: Omit<Emit, 'subject'>) => emitAny({ credential: { kind: 'role-session', id: role.arn }, ...e });
  const p = trustPrincipals(role);
  for (const st of statements(role.trustPolicy)) {
    if (st.Effect !== 'Allow') continue;
    const cond = st.Condition ?? {};
    const condKeys = Object.values(cond).flatMap((c) => Object.keys(c).map((k) => k.toLowerCase()));
    const condValue = (key: string): string[] =>
      Object.values(cond).flatMap((c) =>
        Object.entries(c)
          .filter(([k]) => k.toLowerCase() === key)
          .flatMap(([, v]) => (Array.isArray(v) ? v.map(String) : [String(v)])),
      );
    const principal = st.Principal;
    const aws = principal && principal !== '*' ? ([] as string[]).concat(principal.AWS ?? []) : [];
    const federated = principal && principal !== '*' ? ([] as string[]).concat(principal.Federated ?? []) : [];
    if (principal === '*' || aws.includes('*')) {
      const restricted = condKeys.some((k) => ['aws:principalorgid', 'aws:principalaccount', 'aws:sourceaccount', 'aws:sourcearn', 'aws:principalarn'].includes(k));
      emit({
        ruleId: 'aws-role-trusts-anyone',
        title: 'Role trust policy allows any principal',
        severity: restricted ? 'high' : 'critical',
        nhi: ['NHI3'],
        evidence: { principal: '*', conditions: condKeys },
        hint: 'Name the exact principals allowed to assume this role; never Principal "*" without an organization or account condition.',
        exposure: restricted ? 60 : 100,
      });
    }
    const foreign = aws.map((a) => [a, accountOf(a)] as const).filter(([, acct]) => acct && acct !== account);
    if (foreign.length && !condKeys.includes('sts:externalid')) {
      emit({
        ruleId: 'aws-cross-account-no-external-id',
        title: 'Role trusts another account without an sts:ExternalId condition',
        severity: 'high',
        nhi: ['NHI3'],
        evidence: { trustedAccounts: foreign.map(([, a]) => a!), principals: foreign.map(([p]) => p) },
        hint: 'Require sts:ExternalId (confused-deputy protection) for third-party access, and scope the trusted principal to a role ARN.',
        exposure: 60,
      });
    }
    for (const f of federated) {
      const provider = f.split('oidc-provider/')[1] ?? '';
      const isGitHub = provider.startsWith('token.actions.githubusercontent.com');
      const isGitLab = /gitlab/.test(provider);
      if (!isGitHub && !isGitLab) continue;
      const host = isGitHub ? 'token.actions.githubusercontent.com' : provider;
      const subs = condValue(`${host}:sub`);
      const auds = condValue(`${host}:aud`);
      // The repository (or project) part must be exact; a wildcard there trusts a whole org, or everyone.
      const wildcard = subs.find((v) => {
        if (v === '*') return true;
        const [kind, subject = ''] = v.split(':');
        return (kind === 'repo' || kind === 'project_path' || kind === 'project_id') ? subject.includes('*') : v.startsWith('*');
      });
      if (subs.length === 0 || wildcard) {
        emit({
          ruleId: 'aws-oidc-trust-unpinned-sub',
          title: `${isGitHub ? 'GitHub' : 'GitLab'} OIDC trust without a pinned sub condition`,
          severity: 'high',
          nhi: ['NHI6'],
          evidence: { provider, sub: subs.length ? subs : 'missing' },
          hint: `Pin ${host}:sub to one repository and branch or environment (e.g. repo:org/repo:ref:refs/heads/main); otherwise any ${isGitHub ? 'GitHub repository' : 'GitLab project'} can assume this role.`,
          exposure: 80,
        });
      }
      if (auds.length === 0) {
        emit({
          ruleId: 'aws-oidc-trust-no-aud',
          title: `${isGitHub ? 'GitHub' : 'GitLab'} OIDC trust without an aud condition`,
          severity: 'medium',
          nhi: ['NHI6'],
          evidence: { provider },
          hint: `Require ${host}:aud (sts.amazonaws.com for GitHub Actions).`,
          exposure: 50,
        });
      }
    }
  }
  // NHI8: one identity trusted from both production and non-production places.
  const trusted = [...p.aws, ...p.federated];
  const envOf = (x: string) => (ENV_PROD.test(x) ? 'prod' : ENV_NONPROD.test(x) ? 'nonprod' : null);
  const envs = new Set(trusted.map(envOf).filter(Boolean));
  const roleEnv = envOf(role.name) ?? role.tags.find((tg) => /^(?:env|environment|stage)$/i.test(tg.Key))?.Value.toLowerCase();
  const crossing = envs.size > 1 || (roleEnv && [...envs].some((e) => e !== (ENV_PROD.test(String(roleEnv)) ? 'prod' : 'nonprod')));
  if (crossing) {
    emit({
      ruleId: 'aws-cross-environment-trust',
      title: 'Role is trusted across production and non-production',
      severity: 'medium',
      nhi: ['NHI8'],
      evidence: { trusted, roleEnvironment: roleEnv ?? null },
      hint: 'Give each environment its own role; a non-production principal should never be able to assume a production identity (heuristic: names and environment tags).',
      exposure: 50,
    });
  }
  const idle = daysSince(role.lastUsed, now);
  const age = daysSince(role.created, now);
  if (s.identity.kind !== 'service-linked-role' && ((idle !== null && idle > t.unusedDays) || (role.lastUsed === null && age !== null && age > t.unusedDays))) {
    emit({
      ruleId: 'aws-role-unused',
      title: `Role unused for more than ${t.unusedDays} days`,
      severity: 'low',
      nhi: ['NHI1'],
      evidence: { lastUsed: role.lastUsed ?? 'never (in the tracking window)', idleDays: idle, created: role.created },
      hint: 'Delete roles nothing uses, after checking for seasonal jobs.',
      exposure: 10,
    });
  }
}

function secretFindings(sec: SecretRecord, t: Thresholds, now: number, emit: (e: Omit<Emit, 'subject'>) => void): void {
  const cred: CredentialRef = { kind: 'secrets-manager-secret', id: sec.arn };
  const sinceRotation = daysSince(sec.lastRotated ?? sec.created, now);
  const base: Evidence = { region: sec.region, created: sec.created, lastRotated: sec.lastRotated, rotationEnabled: sec.rotationEnabled, rotationDays: sec.rotationDays, lastAccessed: sec.lastAccessed };
  // The secret's own region: a multi-region audit's secret is not in the default one.
  const where = `--secret-id ${sec.arn} --region ${sec.region}`;
  const rotate = `nhiscan rotate secret ${sec.arn} --region ${sec.region}`;
  if (!sec.owningService) {
    if (!sec.rotationEnabled) {
      emit({
        ruleId: 'aws-secret-rotation-disabled',
        title: 'Secret has rotation turned off',
        severity: sinceRotation !== null && sinceRotation > t.keyCriticalAgeDays ? 'high' : 'medium',
        nhi: ['NHI7'],
        credential: cred,
        evidence: { ...base, daysSinceRotation: sinceRotation },
        // No nhiscan command can do this (RotateSecret needs a function that knows the secret's system).
        hint: `No rotation function is attached, so nothing can rotate it yet. Attach one (a Lambda that knows how to change this credential, e.g. from the Secrets Manager rotation templates) with: aws secretsmanager rotate-secret ${where} --rotation-lambda-arn <function ARN> --rotation-rules AutomaticallyAfterDays=30; or change the credential by hand and store it with aws secretsmanager put-secret-value ${where} --secret-string <new value>, and document why it cannot be automatic.`,
        lifetimeDays: sinceRotation,
        exposure: 30,
      });
    } else {
      const overdueBy = sec.rotationDays !== null && sinceRotation !== null ? sinceRotation - sec.rotationDays : null;
      const nextPast = sec.nextRotation ? Date.parse(sec.nextRotation) < now - DAY : false;
      if ((overdueBy !== null && overdueBy > 1) || nextPast) {
        emit({
          ruleId: 'aws-secret-rotation-overdue',
          title: 'Secret rotation is overdue',
          severity: 'medium',
          nhi: ['NHI7'],
          credential: cred,
          evidence: { ...base, daysSinceRotation: sinceRotation, overdueDays: overdueBy, nextRotation: sec.nextRotation },
          hint: 'Rotation is scheduled but not happening: check the rotation function\'s logs, then rotate now.',
          command: rotate,
          lifetimeDays: sinceRotation,
          exposure: 30,
        });
      }
    }
  }
  const idle = daysSince(sec.lastAccessed, now);
  const age = daysSince(sec.created, now);
  if (sec.lastAccessed === null ? age !== null && age > t.neverUsedGraceDays : idle !== null && idle > t.unusedDays) {
    emit({
      ruleId: sec.lastAccessed === null ? 'aws-secret-never-accessed' : 'aws-secret-unused',
      title: sec.lastAccessed === null ? 'Secret never accessed' : `Secret unused for more than ${t.unusedDays} days`,
      severity: 'low',
      nhi: ['NHI1'],
      credential: cred,
      evidence: { ...base, idleDays: idle },
      hint: 'Find the owner; schedule deletion (with a recovery window) if nothing reads it.',
      lifetimeDays: sinceRotation,
      exposure: 10,
    });
  }
  const publicGrant = statements(sec.resourcePolicy).find(
    (st) => st.Effect === 'Allow' && !st.Condition && (st.Principal === '*' || ([] as string[]).concat(st.Principal?.AWS ?? []).includes('*')),
  );
  if (publicGrant) {
    emit({
      ruleId: 'aws-secret-public-policy',
      title: 'Secret resource policy grants access to everyone',
      severity: 'critical',
      nhi: ['NHI5'],
      credential: cred,
      evidence: { ...base, actions: ([] as string[]).concat(publicGrant.Action ?? publicGrant.NotAction ?? []) },
      hint: `Remove the public grant first: the command below deletes the whole resource policy (to keep other statements, read it with aws secretsmanager get-resource-policy ${where} and put it back without the Principal "*" statement with put-resource-policy). Then change the secret's value: anyone may have read it.`,
      command: `aws secretsmanager delete-resource-policy ${where}`,
      lifetimeDays: sinceRotation,
      exposure: 100,
    });
  }
}

export interface ScoreResult {
  findings: CloudFinding[];
  identities: Array<IdentityRef & { reason: string; risk: number }>;
}

/**
 * Every rule over the whole inventory. Pure: the same inventory and `now` give the same findings.
 * `leaked` holds key ids found in git: findings on those keys take full exposure, so they rank first.
 */
export function scoreInventory(inv: AwsInventory, catalogue: ActionCatalogue, t: Thresholds = DEFAULT_THRESHOLDS, now = Date.now(), leaked: ReadonlySet<string> = new Set()): ScoreResult {
  const findings: CloudFinding[] = [];
  const identities: ScoreResult['identities'] = [];
  const push = (s: Subject) => (e: Omit<Emit, 'subject'>) => {
    const isLeaked = Boolean(e.credential && e.credential.id.split(',').some((id) => leaked.has(id)));
    if (isLeaked) e = { ...e, exposure: 100, evidence: { ...e.evidence, leakedInGit: true } };
    const risk = riskScore({ profile: s.profile, lifetimeDays: e.lifetimeDays ?? null, exposure: e.exposure ?? 20 });
    findings.push({
      kind: 'cloud',
      ruleId: e.ruleId,
      title: e.title,
      severity: e.severity,
      nhi: e.nhi,
      fingerprint: fingerprint({ ruleId: e.ruleId, arn: s.identity.arn, credential: e.credential?.id }),
      identity: s.identity,
      ...(e.credential ? { credential: e.credential } : {}),
      evidence: { ...e.evidence, classifiedAs: `${s.identity.kind} (${s.classification.reason})` },
      remediation: { hint: e.hint, ...(e.command ? { command: e.command } : {}) },
      risk,
    });
  };

  // Users: IAM users from the authorization details, plus the root row of the credential report.
  const rows = new Map(inv.report.map((r) => [r.user, r]));
  for (const root of inv.report.filter((r) => r.user === '<root_account>')) {
    const subject: Subject = {
      identity: { arn: root.arn, name: 'root', kind: 'root' },
      classification: { kind: 'root', reason: 'account root user' },
      profile: { admin: { admin: true, via: 'root' }, privesc: [], wildcards: [], exposure: [], actionCount: 0 },
    };
    const emit = push(subject);
    const rootKeys = inv.keys.filter((k) => k.user === '<root_account>' && k.status === 'Active');
    if (rootKeys.length) {
      emit({
        ruleId: 'aws-root-access-key',
        title: 'Root user has an active access key',
        severity: 'critical',
        nhi: ['NHI4'],
        credential: { kind: 'access-key', id: rootKeys.map((k) => k.id).join(',') },
        evidence: { keys: rootKeys.length, lastUsed: rootKeys.map((k) => k.lastUsed ?? 'never') },
        hint: 'Delete root access keys (sign in as root: Security credentials > Access keys); use IAM roles for every task.',
        lifetimeDays: Math.max(...rootKeys.map((k) => daysSince(k.created, now) ?? 0)),
        exposure: 100,
      });
    }
    if (!root.mfaActive) {
      emit({ ruleId: 'aws-root-no-mfa', title: 'Root user has no MFA', severity: 'critical', nhi: [], evidence: { mfaActive: false }, hint: 'Enable MFA (preferably a hardware key) on the root user now.', exposure: 100 });
    }
    identities.push({ ...subject.identity, reason: subject.classification.reason, risk: 100 });
  }

  for (const user of inv.users) {
    const row = rows.get(user.name);
    const classification = classifyUser(user, row);
    const { stmts, arns } = userStatements(user, inv);
    const subject: Subject = { identity: { arn: user.arn, name: user.name, kind: classification.kind }, classification, profile: profileFor(stmts, arns, catalogue) };
    const emit = push(subject);
    privilegeFindings(subject, emit);
    keyFindings(subject, inv.keys.filter((k) => k.user === user.name), t, now, emit);
    for (const cert of row?.certs.filter((c) => c.active) ?? []) {
      const age = daysSince(cert.lastRotated, now);
      if (age !== null && age > t.keyMaxAgeDays) {
        emit({
          ruleId: 'aws-signing-certificate-age',
          title: `Active signing certificate older than ${t.keyMaxAgeDays} days`,
          severity: age > t.keyCriticalAgeDays ? 'high' : 'medium',
          nhi: ['NHI7'],
          credential: { kind: 'signing-certificate', id: `${user.name}#cert${cert.slot}` },
          evidence: { lastRotated: cert.lastRotated, ageDays: age },
          hint: 'X.509 signing certificates are long-lived credentials too: rotate or delete them.',
          lifetimeDays: age,
          exposure: 30,
        });
      }
    }
    if (row?.passwordEnabled) {
      const cred: CredentialRef = { kind: 'console-password', id: `${user.name}/login-profile` };
      const pwAge = daysSince(row.passwordLastChanged, now);
      if (!row.mfaActive) {
        emit({
          ruleId: 'aws-password-no-mfa',
          title: 'Console password without MFA',
          severity: subject.profile.admin.admin ? 'high' : 'medium',
          nhi: ['NHI4'],
          credential: cred,
          evidence: { passwordLastUsed: row.passwordLastUsed, passwordLastChanged: row.passwordLastChanged },
          hint: 'Require MFA for console sign-in (or move people to SSO and remove the password).',
          lifetimeDays: pwAge,
          exposure: 70,
        });
      }
      if (classification.kind === 'service-user') {
        emit({
          ruleId: 'aws-service-user-console-password',
          title: 'Service identity has a console password',
          severity: 'high',
          nhi: ['NHI10'],
          credential: cred,
          evidence: { passwordLastUsed: row.passwordLastUsed, classifiedBecause: classification.reason },
          hint: 'A machine identity needs no console login: delete the login profile; if people sign in with it, give them their own identities.',
          lifetimeDays: pwAge,
          exposure: 60,
        });
      }
    }
    const worst = findings.filter((f) => f.identity.arn === user.arn).reduce((m, f) => Math.max(m, f.risk ?? 0), 0);
    identities.push({ ...subject.identity, reason: classification.reason, risk: worst });
  }

  for (const role of inv.roles) {
    const classification = classifyRole(role, inv.account);
    const { stmts, arns } = roleStatements(role, inv);
    const subject: Subject = { identity: { arn: role.arn, name: role.name, kind: classification.kind }, classification, profile: profileFor(stmts, arns, catalogue) };
    const emit = push(subject);
    if (classification.kind !== 'service-linked-role') privilegeFindings(subject, emit);
    roleTrustFindings(role, subject, inv.account, t, now, emit);
    const worst = findings.filter((f) => f.identity.arn === role.arn).reduce((m, f) => Math.max(m, f.risk ?? 0), 0);
    identities.push({ ...subject.identity, reason: classification.reason, risk: worst });
  }

  for (const sec of inv.secrets) {
    const subject: Subject = {
      identity: { arn: sec.arn, name: sec.name, kind: 'secret' },
      classification: { kind: 'secret', reason: `Secrets Manager secret in ${sec.region}` },
      profile: { admin: { admin: false, via: '' }, privesc: [], wildcards: [], exposure: [], actionCount: 0 },
    };
    secretFindings(sec, t, now, push(subject));
    const worst = findings.filter((f) => f.identity.arn === sec.arn).reduce((m, f) => Math.max(m, f.risk ?? 0), 0);
    identities.push({ ...subject.identity, reason: subject.classification.reason, risk: worst });
  }
  return { findings, identities };
}
