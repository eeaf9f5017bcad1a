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
  /**
   * Every OWASP NHI id that fits the finding, the primary one first; `nhi` holds the primary
   * alone. Optional for findings built elsewhere; the cloud rules always set it.
   */
  nhiIds?: NhiId[];
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

export interface Summary {
  total: number;
  bySeverity: Record<Severity, number>;
  byNhi: Partial<Record<NhiId, number>>;
  byRule: Record<string, number>;
  scan?: ScanStats;
  durationMs: number;
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

export interface Report {
  tool: 'nhiscan';
  version: string;
  target: string;
  generatedAt: string;
  summary: Summary;
  findings: Finding[];
  coverage: { complete: boolean; gaps: CoverageGap[] };
  baseline?: BaselineOutcome;
}

export function summarize(findings: Finding[], durationMs: number, scan?: ScanStats): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byNhi: Partial<Record<NhiId, number>> = {};
  const byRule: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    for (const n of f.nhi) byNhi[n] = (byNhi[n] ?? 0) + 1;
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
