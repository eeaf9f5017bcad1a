import { apiCallsOf, readInventoryOrGap, scoreAccount, type AwsAuditOptions } from './aws-audit.js';
import { GitError } from './errors.js';
import { lookupOwners } from './cloud/aws/owner.js';
import { loadConfig } from './config.js';
import { compareFindings, isSecretFinding, summarize, withAccount, type CoverageGap, type Finding, type Report, type ScanStats, type SecretFinding, type Severity } from './model.js';
import { correlate, leakedKeysInAccount } from './score/correlate.js';
import { configRoot, planScan, runScan } from './scan.js';
import { VERSION } from './version.js';

export interface AuditOptions {
  repos: string[];
  aws: AwsAuditOptions;
  showSecrets: boolean;
  maxFileSize: number;
  decodeDepth: number;
  now?: number;
  onPhase?: (phase: string) => void;
}

// Secret findings have no account context; rank them by what they are so they interleave sensibly.
const SECRET_RISK: Record<Severity, number> = { critical: 80, high: 65, medium: 45, low: 25, info: 5 };

function sumScanStats(scans: Report[]): ScanStats | undefined {
  const stats = scans.map((s) => s.summary.scan).filter((x): x is ScanStats => Boolean(x));
  if (!stats.length) return undefined;
  const sum = (k: keyof ScanStats) => stats.reduce((a, s) => a + (Number(s[k]) || 0), 0);
  return { blobs: sum('blobs'), bytes: sum('bytes'), skippedBinary: sum('skippedBinary'), skippedLarge: sum('skippedLarge'), suppressed: sum('suppressed') };
}

async function scanRepo(target: string, opts: AuditOptions): Promise<Report> {
  const plan = await planScan({ target, noGit: false, staged: false, allObjects: false });
  const config = await loadConfig(undefined, configRoot(plan));
  return runScan(plan, {
    target,
    noGit: false,
    noIgnore: false,
    staged: false,
    allObjects: false,
    maxFileSize: opts.maxFileSize,
    showSecrets: opts.showSecrets,
    decodeDepth: opts.decodeDepth,
    config,
  });
}

/**
 * One repository git refuses (a bad .git/config, corrupt objects) is a gap for that repository,
 * not the end of the audit: the other repositories and the AWS account still report. A usage
 * error (a path that is not there, a bad config file) still stops the run with exit 2.
 */
async function scanRepoOrGap(target: string, opts: AuditOptions): Promise<Report> {
  try {
    return await scanRepo(target, opts);
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    return {
      tool: 'nhiscan',
      version: VERSION,
      target,
      generatedAt: new Date().toISOString(),
      summary: summarize([], 0),
      findings: [],
      coverage: { complete: false, gaps: [{ scope: 'repository (not scanned)', reason: err.message.split('\n')[0] ?? err.message }] },
    };
  }
}

/**
 * The two halves at once (history scans and the AWS inventory run concurrently), then the join:
 * a leaked key that is live in the account tops the report.
 */
export async function runAudit(opts: AuditOptions): Promise<{ report: Report; apiCalls: ReturnType<typeof apiCallsOf> }> {
  const started = Date.now();
  const now = opts.now ?? Date.now();
  opts.onPhase?.('scanning history and reading the AWS account');
  const [scans, read] = await Promise.all([Promise.all(opts.repos.map((r) => scanRepoOrGap(r, opts))), readInventoryOrGap(opts.aws)]);
  const gaps: CoverageGap[] = [...read.gaps, ...scans.flatMap((s) => s.coverage.gaps.map((g) => ({ scope: `${s.target}: ${g.scope}`, reason: g.reason })))];
  const secrets = scans.flatMap((s) => s.findings.filter(isSecretFinding));

  // Key ids of this account the inventory could not place: ask AWS who owns them (id only, never a secret).
  const inv = read.inventory;
  const known = new Set(inv.keys.map((k) => k.id));
  const unplaced = [...new Set(secrets.filter((f) => f.ruleId === 'aws-access-key-id' && f.identifier && f.account === inv.account && !known.has(f.identifier)).map((f) => f.identifier!))];
  const owners = read.clients && unplaced.length ? await lookupOwners(read.clients, unplaced, gaps) : new Map();

  const leaks = correlate(secrets, inv, owners, now);
  const leakedIds = new Set([...leakedKeysInAccount(secrets, inv), ...owners.keys()]);
  const scored = await scoreAccount(inv, { ...opts.aws, now }, leakedIds);
  // The leak finding holds the key id's secret finding whole (`leaked`); do not report it twice.
  const joinedIds = new Set(leaks.map((l) => l.credential.id));
  const secretFindings: SecretFinding[] = secrets
    .filter((f) => !(f.ruleId === 'aws-access-key-id' && f.identifier !== undefined && joinedIds.has(f.identifier)))
    .map((f) => ({ ...f, risk: f.risk ?? SECRET_RISK[f.severity] + (f.inHead ? 5 : 0) }));
  const findings: Finding[] = [...leaks, ...scored.findings, ...secretFindings].sort(compareFindings);
  const targets = [...scans.map((s) => s.target), inv.account ? `aws:${inv.account}` : 'aws'];
  const report: Report = withAccount({
    tool: 'nhiscan',
    version: VERSION,
    command: 'audit',
    target: targets.join(' + '),
    targets,
    generatedAt: new Date(now).toISOString(),
    summary: summarize(findings, Date.now() - started, sumScanStats(scans)),
    findings,
    coverage: { complete: gaps.length === 0, gaps },
  }, inv, opts.aws.offline ? 'offline' : 'live');
  return { report, apiCalls: apiCallsOf(read) };
}
