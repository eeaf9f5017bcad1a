// The engine that runs the cloud rules (src/score/rules/) over an inventory: it builds each
// subject (root, user, role, group, secret) once, with its privilege profile memoised by policy
// set, runs the rules of that subject's scope, and turns their hits into findings. Pure: the same
// inventory, `now` and settings give the same findings.
import { fingerprint } from '../detect/fingerprint.js';
import type { AccessKey, AwsInventory, IamGroup, IamRole, IamUser, ManagedPolicy, PolicyStatement } from '../cloud/aws/types.js';
import type { CloudFinding, IdentityRef, Severity } from '../model.js';
import { classifyRole, classifyUser } from './classify.js';
import { ADMIN_POLICY_ARNS, privilegeProfile, sourcedStatements, type ActionCatalogue, type PrivilegeProfile } from './policy.js';
import { riskScore } from './risk.js';
import { CLOUD_RULES } from './rules/index.js';
import type { CloudRule, GroupContext, Hit, PrincipalContext, RoleContext, RootContext, SecretContext, Subject, Thresholds, UserContext } from './rules/types.js';

export { DEFAULT_THRESHOLDS, daysSince, type Thresholds } from './rules/types.js';
export { CLOUD_RULES } from './rules/index.js';

/** Config `[rules]` as it applies to cloud rules: ids turned off, and severities replaced. */
export interface RuleSettings {
  disabled?: ReadonlySet<string>;
  severity?: ReadonlyMap<string, Severity>;
}

export interface ScoreResult {
  findings: CloudFinding[];
  identities: Array<IdentityRef & { reason: string; risk: number }>;
}

const NO_PRIVILEGE: PrivilegeProfile = { admin: { admin: false, via: '' }, privesc: [], wildcards: [], exposure: [], dataAccess: [], actionCount: 0 };

interface PolicySet {
  stmts: PolicyStatement[];
  profile: PrivilegeProfile;
}

/**
 * Privilege profiles by policy set. Computing one expands every wildcard against the whole IAM
 * action catalogue (to count actionsGranted): hundreds of identities share a handful of policy
 * sets, so each set is computed once.
 */
class Profiles {
  private readonly cache = new Map<string, PolicySet>();
  private readonly policies: Map<string, ManagedPolicy>;
  constructor(
    inv: AwsInventory,
    private readonly catalogue: ActionCatalogue,
  ) {
    this.policies = new Map(inv.policies.map((p) => [p.arn, p]));
  }

  /**
   * `inline`: [owner label, policy] pairs, e.g. ["user/alice", {...}]. The owner is part of the key:
   * the statements' provenance names it, so two users' equal inline policies are two sets.
   */
  of(arns: string[], inline: Array<[string, { name: string; document: unknown }]>): PolicySet {
    const key = JSON.stringify([arns, inline.map(([owner, p]) => [owner, p.name, p.document])]);
    let set = this.cache.get(key);
    if (!set) {
      const stmts: PolicyStatement[] = [];
      for (const [owner, p] of inline) stmts.push(...sourcedStatements(p.document as never, `inline:${owner}/${p.name}`));
      for (const arn of arns) stmts.push(...sourcedStatements(this.policies.get(arn)?.document ?? null, arn));
      const profile = privilegeProfile(stmts, this.catalogue);
      // AdministratorAccess counts even when its document was not exported.
      if (!profile.admin.admin && arns.some((a) => ADMIN_POLICY_ARNS.has(a))) profile.admin = { admin: true, via: 'AdministratorAccess' };
      set = { stmts, profile };
      this.cache.set(key, set);
    }
    return set;
  }
}

type ContextOf<S extends CloudRule['scope']> = Parameters<Extract<CloudRule, { scope: S }>['check']>[0];

export function scoreInventory(
  inv: AwsInventory,
  catalogue: ActionCatalogue,
  t: Thresholds,
  now = Date.now(),
  leaked: ReadonlySet<string> = new Set(),
  settings: RuleSettings = {},
): ScoreResult {
  const findings: CloudFinding[] = [];
  const identities: ScoreResult['identities'] = [];
  const enabled = CLOUD_RULES.filter((r) => !settings.disabled?.has(r.id));
  const base = { inv, t, now };
  const profiles = new Profiles(inv, catalogue);
  const groups = new Map(inv.groups.map((g) => [g.name, g]));
  const keysOf = new Map<string, AccessKey[]>();
  for (const k of inv.keys) keysOf.set(k.user, [...(keysOf.get(k.user) ?? []), k]);

  const userSet = (u: IamUser) => {
    const gs = u.groups.map((n) => groups.get(n)).filter((g): g is IamGroup => Boolean(g));
    return profiles.of(
      [...u.attachedPolicies, ...gs.flatMap((g) => g.attachedPolicies)],
      [...u.inlinePolicies.map((p) => [`user/${u.name}`, p] as [string, typeof p]), ...gs.flatMap((g) => g.inlinePolicies.map((p) => [`group/${g.name}`, p] as [string, typeof p]))],
    );
  };
  const roleSet = (r: IamRole) => profiles.of(r.attachedPolicies, r.inlinePolicies.map((p) => [`role/${r.name}`, p]));
  const roleByArn = new Map(inv.roles.map((r) => [r.arn, r]));
  const roleProfile = (arn: string) => {
    const r = roleByArn.get(arn);
    return r ? roleSet(r).profile : undefined;
  };

  /** Run the enabled rules of `scope` on one subject; returns the subject's worst risk. */
  function run<S extends CloudRule['scope']>(scope: S, subject: Subject, ctx: ContextOf<S>): number {
    let worst = 0;
    for (const rule of enabled) {
      if (rule.scope !== scope) continue;
      for (let hit of (rule.check as (c: ContextOf<S>) => Hit[])(ctx)) {
        const isLeaked = Boolean(hit.credential && hit.credential.id.split(',').some((id) => leaked.has(id)));
        if (isLeaked) hit = { ...hit, exposure: 100, evidence: { ...hit.evidence, leakedInGit: true } };
        const risk = riskScore({ profile: subject.profile, lifetimeDays: hit.lifetimeDays ?? null, exposure: hit.exposure ?? 20 });
        worst = Math.max(worst, risk);
        findings.push({
          kind: 'cloud',
          ruleId: rule.id,
          title: hit.title ?? rule.title,
          // A config `[rules] severity` replaces the rule's own grading, for every finding of it.
          severity: settings.severity?.get(rule.id) ?? hit.severity ?? rule.severity,
          nhi: [rule.nhi[0]],
          nhiIds: [...rule.nhi],
          fingerprint: fingerprint({ ruleId: rule.id, arn: subject.identity.arn, credential: hit.credential?.id }),
          identity: subject.identity,
          ...(hit.credential ? { credential: hit.credential } : {}),
          evidence: { ...hit.evidence, classifiedAs: `${subject.identity.kind} (${subject.classification.reason})` },
          remediation: { hint: hit.hint ?? rule.remediation, ...(hit.command ? { command: hit.command } : {}) },
          risk,
        });
      }
    }
    return worst;
  }

  // The root row of the credential report.
  for (const row of inv.report.filter((r) => r.user === '<root_account>')) {
    const subject: Subject = {
      identity: { arn: row.arn, name: 'root', kind: 'root' },
      classification: { kind: 'root', reason: 'account root user' },
      profile: { ...NO_PRIVILEGE, admin: { admin: true, via: 'root' } },
    };
    const ctx: RootContext = { ...base, subject, row, keys: keysOf.get('<root_account>') ?? [] };
    run('root', subject, ctx);
    identities.push({ ...subject.identity, reason: subject.classification.reason, risk: 100 });
  }

  const rows = new Map(inv.report.map((r) => [r.user, r]));
  const userKinds = new Map<string, IdentityRef>();
  for (const user of inv.users) {
    const row = rows.get(user.name);
    const classification = classifyUser(user, row);
    const set = userSet(user);
    const subject: Subject = { identity: { arn: user.arn, name: user.name, kind: classification.kind }, classification, profile: set.profile };
    userKinds.set(user.name, subject.identity);
    const principal: PrincipalContext = { ...base, subject, stmts: set.stmts, role: null, roleProfile };
    const ctx: UserContext = { ...base, subject, user, row, keys: keysOf.get(user.name) ?? [] };
    const worst = Math.max(run('principal', subject, principal), run('user', subject, ctx));
    identities.push({ ...subject.identity, reason: classification.reason, risk: worst });
  }

  for (const group of inv.groups) {
    const set = profiles.of(group.attachedPolicies, group.inlinePolicies.map((p) => [`group/${group.name}`, p]));
    const subject: Subject = {
      // A group holds policies for its members; its findings are about it, not about one member.
      identity: { arn: group.arn, name: group.name, kind: 'group' },
      classification: { kind: 'group', reason: 'IAM group' },
      profile: set.profile,
    };
    const members = inv.users.filter((u) => u.groups.includes(group.name)).map((u) => userKinds.get(u.name)!);
    const ctx: GroupContext = { ...base, subject, group, members, stmts: set.stmts };
    run('group', subject, ctx);
  }

  for (const role of inv.roles) {
    const classification = classifyRole(role, inv.account);
    const set = roleSet(role);
    const subject: Subject = { identity: { arn: role.arn, name: role.name, kind: classification.kind }, classification, profile: set.profile };
    let worst = 0;
    if (classification.kind !== 'service-linked-role') worst = run('principal', subject, { ...base, subject, stmts: set.stmts, role, roleProfile } satisfies PrincipalContext);
    const ctx: RoleContext = { ...base, subject, role };
    worst = Math.max(worst, run('role', subject, ctx));
    identities.push({ ...subject.identity, reason: classification.reason, risk: worst });
  }

  for (const secret of inv.secrets) {
    const subject: Subject = {
      identity: { arn: secret.arn, name: secret.name, kind: 'secret' },
      classification: { kind: 'secret', reason: `Secrets Manager secret in ${secret.region}` },
      profile: NO_PRIVILEGE,
    };
    const ctx: SecretContext = { ...base, subject, secret };
    const worst = run('secret', subject, ctx);
    identities.push({ ...subject.identity, reason: subject.classification.reason, risk: worst });
  }
  return { findings, identities };
}
