// The shape of a cloud rule: what it is (id, title, severity, OWASP NHI ids, rationale,
// remediation) as data, and one pure check over one subject of the inventory. The engine
// (src/score/rules.ts) runs them; the registry (src/detect/registry.ts) lists them.
import type { AccessKey, AwsInventory, CredentialReportRow, IamGroup, IamRole, IamUser, PolicyStatement, SecretRecord } from '../../cloud/aws/types.js';
import type { CredentialRef, Evidence, IdentityRef, NhiId, Severity } from '../../model.js';
import type { Classification } from '../classify.js';
import type { PrivilegeProfile } from '../policy.js';

export interface Thresholds {
  /** An active key older than this many days is a finding (NHI7). */
  keyMaxAgeDays: number;
  /** ...and a high one from this age. */
  keyCriticalAgeDays: number;
  /** Keys, identities and secrets unused for longer than this are offboarding candidates (NHI1). */
  unusedDays: number;
  /** A key or identity never used is only flagged once it is older than this. */
  neverUsedGraceDays: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { keyMaxAgeDays: 90, keyCriticalAgeDays: 365, unusedDays: 90, neverUsedGraceDays: 7 };

export const DAY = 86_400_000;

export function daysSince(date: string | null | undefined, now: number): number | null {
  if (!date) return null;
  const t = Date.parse(date);
  return Number.isNaN(t) ? null : Math.floor((now - t) / DAY);
}

/** Who a finding is about, with its privilege (the privilege part of every risk score). */
export interface Subject {
  identity: IdentityRef;
  classification: Classification;
  profile: PrivilegeProfile;
}

/** What every check sees. */
export interface BaseContext {
  inv: AwsInventory;
  t: Thresholds;
  now: number;
}

/** A user or role and the statements of every policy that applies to it. */
export interface PrincipalContext extends BaseContext {
  subject: Subject;
  stmts: PolicyStatement[];
  /** Set for roles: trust-dependent grading (an OIDC role pinned to one repository). */
  role: IamRole | null;
  /** The privilege profile of a role of the inventory, by ARN (PassRole resolution). */
  roleProfile: (arn: string) => PrivilegeProfile | undefined;
}

export interface UserContext extends BaseContext {
  subject: Subject;
  user: IamUser;
  row: CredentialReportRow | undefined;
  keys: AccessKey[];
}

export interface RoleContext extends BaseContext {
  subject: Subject;
  role: IamRole;
}

export interface RootContext extends BaseContext {
  subject: Subject;
  row: CredentialReportRow;
  keys: AccessKey[];
}

export interface SecretContext extends BaseContext {
  subject: Subject;
  secret: SecretRecord;
}

export interface GroupContext extends BaseContext {
  subject: Subject;
  group: IamGroup;
  /** The group's users, classified (a machine identity in an admin group is critical). */
  members: IdentityRef[];
  stmts: PolicyStatement[];
}

/** One finding a check returns; anything left out is the rule's own (title, severity, remediation). */
export interface Hit {
  title?: string;
  severity?: Severity;
  credential?: CredentialRef;
  evidence: Evidence;
  /** The fix for this one finding; the rule's remediation when absent. */
  hint?: string;
  command?: string;
  /** Inputs to the credential's risk score beyond the identity's privilege. */
  lifetimeDays?: number | null;
  exposure?: number;
}

interface RuleMeta {
  id: string;
  /** The general title; a finding may carry a more exact one (with the threshold in it). */
  title: string;
  /** The highest severity the rule reports; a check may grade a finding lower. */
  severity: Severity;
  /** Every OWASP NHI id that fits, the primary one first. */
  nhi: [NhiId, ...NhiId[]];
  /** Why it is a risk: shown by `rules list -f json`, SARIF and the README table. */
  rationale: string;
  /** The general fix; each finding's hint names the identity. */
  remediation: string;
}

type Scoped<S extends string, C> = RuleMeta & { scope: S; check: (c: C) => Hit[] };

export type CloudRule =
  | Scoped<'principal', PrincipalContext>
  | Scoped<'user', UserContext>
  | Scoped<'role', RoleContext>
  | Scoped<'root', RootContext>
  | Scoped<'secret', SecretContext>
  | Scoped<'group', GroupContext>;

export type CloudScope = CloudRule['scope'];
