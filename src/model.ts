// The one report model every writer (text, json, jsonl, sarif, later csv/markdown/html) renders.
// Secret findings from `scan` and cloud findings from `aws` sit side by side so `audit` can join them.

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** True when `s` is at or above `threshold`. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[s] >= SEVERITY_RANK[threshold];
}

/** OWASP Non-Human Identities Top 10, 2025 edition. */
export const NHI_IDS = ['NHI1', 'NHI2', 'NHI3', 'NHI4', 'NHI5', 'NHI6', 'NHI7', 'NHI8', 'NHI9', 'NHI10'] as const;
export type NhiId = (typeof NHI_IDS)[number];

export type FindingKind =
  | 'secret' // a credential value found in content
  | 'sensitive-file' // a file whose presence alone is the leak
  | 'cloud' // a risk on a live cloud identity or credential
  | 'leak'; // a leaked credential joined with its live cloud state (LeakFinding)

export interface Remediation {
  hint: string;
  /** The nhiscan (or provider) command that would fix it, when there is one. */
  command?: string;
}

export interface SourceLocation {
  path: string;
  /** 1-based; 0 when the finding concerns the whole file. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  blob?: string;
  commit?: string;
  author?: string;
  email?: string;
  date?: string;
  message?: string;
}

export interface Occurrences {
  /** Commits that introduced the secret (at any path). */
  commits: number;
  paths: number;
  blobs: number;
  /** First introduction at each path, oldest first; capped to keep reports small. */
  locations: SourceLocation[];
}

export interface DecodeStep {
  /** `strings`: the printable text of a binary file; its offsets are bytes of that file. */
  encoding: 'base64' | 'percent' | 'strings';
  /** Offsets (in characters) of the encoded span in the enclosing text. */
  start: number;
  end: number;
}

interface FindingBase {
  kind: FindingKind;
  ruleId: string;
  title: string;
  severity: Severity;
  nhi: NhiId[];
  /** Stable identity of the finding, independent of line numbers. */
  fingerprint: string;
  /** 0 to 100; higher is worse. Set by scoring. */
  risk?: number;
  remediation?: Remediation;
  /**
   * Every OWASP NHI id that applies, primary first, when scoring set it; writers show
   * `nhiIdsOf(f)` (this, or `nhi`).
   */
  nhiIds?: NhiId[];
  /** The AWS account the finding is in, for multi-account (--org) runs. */
  account?: string;
  /** Where the finding is, one typed shape for every writer; set by `finalizeReport`. */
  where?: FindingLocation;
}

/**
 * Where a finding is, whatever its kind: the source side (repository, path, line, commit) for
 * secrets and leaks, the account side (account, region, ARN, identity, credential) for cloud
 * findings and leaks. Writers read this instead of re-deriving a "where" string per kind.
 */
export interface FindingLocation {
  /** The repository, directory or file scanned (the scan's target), for source findings. */
  repository?: string;
  path?: string;
  /** 1-based; 0 when the finding concerns the whole file. */
  line?: number;
  column?: number;
  commit?: string;
  account?: string;
  region?: string;
  arn?: string;
  identity?: string;
  identityKind?: IdentityKind;
  /** A credential's id (access key id, secret ARN), or a secret's public identifier. */
  credential?: string;
}

export interface SecretFinding extends FindingBase {
  kind: 'secret' | 'sensitive-file';
  provider: string;
  /** Redacted unless the user asked for --show-secrets. */
  secret: string;
  location: SourceLocation;
  occurrences: Occurrences;
  /** Still present in HEAD's tree; null when the source has no history (directory, stdin, staged). */
  inHead: boolean | null;
  /** What was checked offline, e.g. "checksum ok", "aws account 123456789012", "parsed RSA 2048". */
  validation: string | null;
  /** Public identifier that goes with the secret (e.g. an AWS access key id), safe to print. */
  identifier?: string;
  /** AWS account id decoded offline from a key id. */
  account?: string;
  decoded?: DecodeStep[];
  /** The scan target the secret was found in (a repository root, directory or file). */
  repository?: string;
}

export type IdentityKind =
  | 'human-user'
  | 'service-user'
  | 'workload-role'
  | 'federated-role'
  | 'cross-account-role'
  | 'service-linked-role'
  | 'ai-agent-role'
  | 'root'
  | 'secret'
  | 'group';

export type CredentialKind =
  | 'access-key'
  | 'console-password'
  | 'signing-certificate'
  | 'secrets-manager-secret'
  | 'role-session';

export interface IdentityRef {
  arn: string;
  name: string;
  kind: IdentityKind;
}

export interface CredentialRef {
  kind: CredentialKind;
  id: string;
}

export type Evidence = Record<string, string | number | boolean | null | string[]>;

export interface CloudFinding extends FindingBase {
  kind: 'cloud';
  /** The AWS account the finding is in; set on every finding of an `aws --org` run. */
  account?: string;
  identity: IdentityRef;
  credential?: CredentialRef;
  evidence: Evidence;
}

/** What the account says about a credential, when it holds it. */
export interface CredentialState {
  status: 'Active' | 'Inactive';
  created: string | null;
  lastUsed: string | null;
  lastUsedService: string | null;
  lastUsedRegion: string | null;
  /** Where the state came from: the inventory, or GetAccessKeyLastUsed for a key it could not place. */
  from: 'inventory' | 'GetAccessKeyLastUsed';
}

/**
 * How the leaked key id relates to the audited account:
 * `in-account` (state set), `foreign-account` (decodes to another account), `canary` (a known
 * honeytoken account, never contacted), `not-found` (nowhere to be found).
 */
export type LeakMatch = 'in-account' | 'foreign-account' | 'canary' | 'not-found';

/** The cloud half of a leak, typed: writers and remediation read these fields, never evidence strings. */
export interface LeakCloud {
  match: LeakMatch;
  /** The account the key id decodes to offline, when it does. */
  account: string | null;
  /** The key's state in the account; null unless `match` is `in-account`. */
  state: CredentialState | null;
  /**
   * The exposure window: from the first commit that introduced the key (the leaked finding's
   * location date; null for sources without history) to the audit. The key stays in history after
   * deactivation, so the window ends at the audit, not at the key's deactivation.
   */
  exposure: { since: string | null; until: string; days: number | null };
  /** Last use later than the leak (possible abuse); null when either date is unknown. */
  usedAfterLeak: boolean | null;
  /** An AWS secret access key was found at the same commit and path. */
  secretKeyLeakedToo: boolean;
}

/**
 * A leaked credential joined with its live cloud state. `leaked` is the secret finding itself,
 * whole: its location (the file and line of the leak, which SARIF points at), occurrences, inHead
 * and redacted value. The leak's own rule, severity and risk say what the join found.
 */
export interface LeakFinding extends FindingBase {
  kind: 'leak';
  /** The owning IAM user when the account holds the key; the decoded account's root otherwise. */
  identity: IdentityRef;
  credential: CredentialRef;
  leaked: SecretFinding;
  cloud: LeakCloud;
}

export type Finding = SecretFinding | CloudFinding | LeakFinding;

export function isSecretFinding(f: Finding): f is SecretFinding {
  return f.kind === 'secret' || f.kind === 'sensitive-file';
}

export function isLeakFinding(f: Finding): f is LeakFinding {
  return f.kind === 'leak';
}

/**
 * Where in the scanned source a finding points, if anywhere: a secret's own location, or the
 * location of the secret a leak was joined from. Account findings have none.
 */
export function sourceOf(f: Finding): SecretFinding | null {
  if (isSecretFinding(f)) return f;
  if (isLeakFinding(f)) return f.leaked;
  return null;
}

/** Something the tool could not read. Any gap makes the run incomplete (exit 3). */
export interface CoverageGap {
  scope: string;
  reason: string;
}

export interface ScanStats {
  blobs: number;
  bytes: number;
  commits?: number;
  /** Binary files: read for their printable runs with provider rules only, not as text. */
  skippedBinary: number;
  skippedLarge: number;
  /** Matches silenced by an inline allow comment or an allowlisted line. */
  suppressed: number;
  /**
   * Why candidates were not reported, by reason, from the one suppression stage
   * (src/detect/suppress.ts): placeholder values, allow comments and lines, the secret, path and
   * commit allowlists, and the baseline.
   */
  dropped?: Partial<Record<'placeholder' | 'inline-allow' | 'allowlist-line' | 'allowlist-secret' | 'allowlist-path' | 'allowlist-commit' | 'baseline', number>>;
  /** Characters the rule regexes ran over (the prefilter let them through); see --debug. */
  regexChars?: number;
}

/** How much of the account was examined (aws and audit). */
export interface InventoryCounts {
  /** Users and roles, root included. */
  identities: number;
  users: number;
  roles: number;
  accessKeys: number;
  /** null: Secrets Manager was not read (offline, without a `--secrets` export). */
  secrets: number | null;
}

export interface Summary {
  total: number;
  bySeverity: Record<Severity, number>;
  byNhi: Partial<Record<NhiId, number>>;
  byRule: Record<string, number>;
  scan?: ScanStats;
  /** What of the AWS account was examined (aws, audit). */
  inventory?: InventoryCounts;
  /** Cloud findings a [[mutelist]] entry accepted: not in `findings` or `total`, listed in `Report.mutelist`. */
  muted?: { total: number; byRule: Record<string, number>; expiredEntries: number };
  /** Findings left out of `findings` by --severity; they still count above and in --fail-on. */
  hidden?: number;
  durationMs: number;
}

/** A cloud finding a [[mutelist]] entry muted, with that entry's reason. */
export interface MutedFinding {
  ruleId: string;
  fingerprint: string;
  severity: Severity;
  identity: string;
  account: string | null;
  /** The [[mutelist]] entry (1-based) that muted it. */
  entry: number;
  reason: string;
  expires?: string;
}

export interface MuteOutcome {
  muted: MutedFinding[];
  /** Entries past their expiry: they mute nothing, so their findings are reported again. */
  expired: Array<{ entry: number; line: number; reason: string; expires: string }>;
}

/** One account of an `aws --org` / `audit --org` run. */
export interface AccountSummary {
  account: string;
  name?: string;
  /**
   * `read`: its inventory was read (perhaps with gaps); `not-read`: AssumeRole or the read failed
   * (a coverage gap); `skipped`: not ACTIVE in the organization (suspended or closing).
   */
  status: 'read' | 'not-read' | 'skipped';
  total: number;
  bySeverity: Record<Severity, number>;
  /** Coverage gaps of this account (their scopes carry the account id too). */
  gaps: number;
}

/** A baseline entry: keyed by fingerprint, never by line; holds no secret. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  /** Where it was when baselined; informational only, matching ignores it. */
  path: string;
  added: string;
  reason?: string;
  author?: string;
  /** YYYY-MM-DD; from that day the finding counts as new again. */
  expires?: string;
}

export interface BaselineOutcome {
  file: string;
  /** Findings hidden because a live entry covers them. */
  suppressed: number;
  /** Entries whose finding this (full) scan did not see: fixed, or the baseline is out of date. */
  stale: BaselineEntry[];
  /** Entries past their expiry; their findings are reported as new. */
  expired: BaselineEntry[];
}

export type RunMode = 'live' | 'offline';

export interface Report {
  tool: 'nhiscan';
  version: string;
  /** Which command made it. */
  command?: 'scan' | 'aws' | 'audit';
  /** Every target, joined with " + " (kept for readers of the first envelope). */
  target: string;
  /** Every target: repositories, directories, files, `aws:<account>`. */
  targets?: string[];
  /** The audited AWS account (aws, audit); null when it could not be read. */
  account?: string | null;
  /** Who read the account: the caller's ARN (live), or null (offline exports). */
  caller?: string | null;
  /** How the account was read: `live` through the API, `offline` from exports. */
  mode?: RunMode;
  generatedAt: string;
  summary: Summary;
  findings: Finding[];
  coverage: { complete: boolean; gaps: CoverageGap[] };
  baseline?: BaselineOutcome;
  /** What the [[mutelist]] muted, and its expired entries. */
  mutelist?: MuteOutcome;
  /** `--org` runs: one entry per account considered. */
  accounts?: AccountSummary[];
}

export function summarize(findings: Finding[], durationMs: number, scan?: ScanStats): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byNhi: Partial<Record<NhiId, number>> = {};
  const byRule: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    for (const n of nhiIdsOf(f)) byNhi[n] = (byNhi[n] ?? 0) + 1;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  }
  return { total: findings.length, bySeverity, byNhi, byRule, ...(scan ? { scan } : {}), durationMs };
}

/** Worst first; ties broken by risk, then by rule id and fingerprint so output is deterministic. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (b.risk ?? 0) - (a.risk ?? 0) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}

/** The OWASP ids of a finding, primary first. */
export function nhiIdsOf(f: Finding): NhiId[] {
  return f.nhiIds ?? f.nhi;
}

/** The region in an ARN (`arn:aws:secretsmanager:eu-west-1:...`), if it has one. */
function regionOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:([^:]+):/.exec(arn)?.[1] || undefined;
}

function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

function compact(l: FindingLocation): FindingLocation {
  return Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined && v !== '')) as FindingLocation;
}

/** The one location shape of a finding (see FindingLocation). */
export function locate(f: Finding): FindingLocation {
  const src = sourceOf(f);
  const l = src?.location;
  const source: FindingLocation = l
    ? { repository: src.repository, path: l.path, line: l.line, column: l.column, commit: l.commit }
    : {};
  if (isSecretFinding(f)) return compact({ ...source, account: f.account, credential: f.identifier });
  const arn = f.identity.arn;
  return compact({
    ...source,
    account: f.account ?? accountOf(arn),
    region: regionOf(f.credential?.id ?? '') ?? regionOf(arn),
    arn,
    identity: f.identity.name,
    identityKind: f.identity.kind,
    credential: f.credential?.id,
  });
}

/**
 * The envelope every writer reads: findings worst first (severity, then risk), each with its
 * `where`, and `targets` filled from `target` when the command did not set them. Pure: a copy.
 */
export function finalizeReport(report: Report): Report {
  const findings = [...report.findings].sort(compareFindings).map((f) => ({ ...f, where: locate(f) }) as Finding);
  return { ...report, targets: report.targets ?? report.target.split(' + '), findings };
}

/**
 * The account side of the envelope, from an inventory: account, caller, mode, and what was
 * examined (summary.inventory). Structural, so the model imports no cloud code.
 */
export function withAccount(
  report: Report,
  inv: { account: string | null; caller: string | null; users: unknown[]; roles: unknown[]; keys: unknown[]; secrets: unknown[]; secretsRead?: boolean },
  mode: RunMode,
): Report {
  // Root is an identity too, when there was an account to read.
  const inventory: InventoryCounts = { identities: inv.users.length + inv.roles.length + (inv.account ? 1 : 0), users: inv.users.length, roles: inv.roles.length, accessKeys: inv.keys.length, secrets: inv.secretsRead === false ? null : inv.secrets.length };
  // The account fields sit beside the targets, where a reader of the JSON looks for them.
  const { tool, version, command, target, targets, ...rest } = report;
  return { tool, version, command, target, targets, account: inv.account, caller: inv.caller, mode, ...rest, summary: { ...report.summary, inventory } };
}
