import { accept, withAccepted } from './accepted.js';
import { accountSummaries, apiCallsOf, combinedInventory, readInventoryOrGap, readOrgFor, scoreAccount, type AwsAuditOptions } from './aws-audit.js';
import type { AwsClients } from './cloud/aws/clients.js';
import { GitError, ProviderError } from './errors.js';
import { lookupOwners } from './cloud/aws/owner.js';
import { emptyInventory, type AwsInventory } from './cloud/aws/types.js';
import { loadConfig } from './config.js';
import { compareFindings, isSecretFinding, summarize, withAccount, type CoverageGap, type Finding, type LeakFinding, type Report, type ScanStats, type SecretFinding, type Severity } from './model.js';
import { correlate, leakedKeysInAccount } from './score/correlate.js';
import { configRoot, planScan, runScan } from './scan.js';
import type { OrgRead } from './org.js';
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

/** One account the audit reads: the only one, or each account of an --org run. */
interface AccountView {
  inventory: AwsInventory;
  clients: AwsClients | null;
}

interface AwsSide {
  views: AccountView[];
  gaps: CoverageGap[];
  apiCalls: ReturnType<typeof apiCallsOf>;
  org: OrgRead | null;
  /** The account leaked keys of no audited account are judged against (foreign or not found). */
  primary: AccountView;
}


async function readAws(opts: AwsAuditOptions): Promise<AwsSide> {
  if (!opts.org) {
    const read = await readInventoryOrGap(opts);
    const view = { inventory: read.inventory, clients: read.clients };
    return { views: [view], gaps: read.gaps, apiCalls: apiCallsOf(read), org: null, primary: view };
  }
  let org: OrgRead;
  try {
    org = await readOrgFor(opts);
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    const view = { inventory: emptyInventory(null), clients: null };
    return { views: [], gaps: [{ scope: 'aws --org (nothing in the organization was read)', reason: err.message.split('\n')[0] ?? err.message }], apiCalls: null, org: null, primary: view };
  }
  const views = org.accounts.filter((a) => a.status === 'read' && a.inventory).map((a) => ({ inventory: a.inventory!, clients: a.clients }));
  const c = org.clients.counter;
  return {
    views,
    gaps: [...org.gaps, ...org.accounts.flatMap((a) => a.gaps)],
    apiCalls: { total: c.total, byOperation: Object.fromEntries(c.byOperation) },
    org,
    primary: views.find((v) => v.inventory.account === org.caller) ?? views[0] ?? { inventory: emptyInventory(org.caller), clients: null },
  };
}

/**
 * Which audited account a leaked key id is judged in: the one it decodes to, else the one that
 * holds it, else the primary one (where it is then foreign or not found).
 */
function routeLeaks(secrets: SecretFinding[], side: AwsSide): Map<AccountView, SecretFinding[]> {
  const out = new Map<AccountView, SecretFinding[]>();
  const byAccount = new Map(side.views.map((v) => [v.inventory.account, v]));
  for (const f of secrets) {
    if (f.ruleId !== 'aws-access-key-id' || !f.identifier) continue;
    const id = f.identifier;
    const view = (f.account ? byAccount.get(f.account) : undefined) ?? side.views.find((v) => v.inventory.keys.some((k) => k.id === id)) ?? side.primary;
    out.set(view, [...(out.get(view) ?? []), f]);
  }
  return out;
}

/**
 * The two halves at once (history scans and the AWS inventory run concurrently), then the join:
 * a leaked key that is live in the account tops the report.
 */
export async function runAudit(opts: AuditOptions): Promise<{ report: Report; apiCalls: ReturnType<typeof apiCallsOf> }> {
  const started = Date.now();
  const now = opts.now ?? Date.now();
  opts.onPhase?.('scanning history and reading the AWS account');
  const [scans, side] = await Promise.all([Promise.all(opts.repos.map((r) => scanRepoOrGap(r, opts))), readAws(opts.aws)]);
  const gaps: CoverageGap[] = [...side.gaps, ...scans.flatMap((s) => s.coverage.gaps.map((g) => ({ scope: `${s.target}: ${g.scope}`, reason: g.reason })))];
  const secrets = scans.flatMap((s) => s.findings.filter(isSecretFinding));
  const pairs = secrets.filter((s) => s.ruleId === 'aws-secret-access-key');

  const leaks: LeakFinding[] = [];
  const cloud: Finding[] = [];
  const routed = routeLeaks(secrets, side);
  // Every account read is scored, whether or not a leaked key points at it.
  for (const view of new Set([...side.views, ...routed.keys()])) {
    const inv = view.inventory;
    const mine = routed.get(view) ?? [];
    // Key ids of this account the inventory could not place: ask AWS who owns them (id only, never a secret).
    const known = new Set(inv.keys.map((k) => k.id));
    const unplaced = [...new Set(mine.filter((f) => f.account === inv.account && !known.has(f.identifier!)).map((f) => f.identifier!))];
    const owners = view.clients && unplaced.length ? await lookupOwners(view.clients, unplaced, gaps) : new Map();
    leaks.push(...correlate([...mine, ...pairs], inv, owners, now));
    if (!side.views.includes(view)) continue;
    const leakedIds = new Set([...leakedKeysInAccount(mine, inv), ...owners.keys()]);
    const scored = await scoreAccount(inv, { ...opts.aws, now }, leakedIds);
    cloud.push(...(side.org && inv.account ? scored.findings.map((f) => ({ ...f, account: inv.account! })) : scored.findings));
  }
  // The leak finding holds the key id's secret finding whole (`leaked`); do not report it twice.
  const joinedIds = new Set(leaks.map((l) => l.credential.id));
  const secretFindings: SecretFinding[] = secrets
    .filter((f) => !(f.ruleId === 'aws-access-key-id' && f.identifier !== undefined && joinedIds.has(f.identifier)))
    .map((f) => ({ ...f, risk: f.risk ?? SECRET_RISK[f.severity] + (f.inHead ? 5 : 0) }));
  const accepted = accept([...leaks, ...cloud, ...secretFindings], side.views.map((v) => v.inventory), opts.aws.accepted ?? {}, gaps.length === 0, 'all');
  // Worst first (severity, then risk).
  const findings: Finding[] = accepted.findings.sort(compareFindings);
  const awsTarget = side.org ? `aws-org:${side.org.caller ?? 'unknown'}` : side.primary.inventory.account ? `aws:${side.primary.inventory.account}` : 'aws';
  const targets = [...scans.map((s) => s.target), awsTarget];
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
    ...(side.org ? { accounts: accountSummaries(side.org, findings, gaps) } : {}),
  }, side.org ? combinedInventory(side.views.map((v) => v.inventory), side.primary.inventory) : side.primary.inventory, opts.aws.offline ? 'offline' : 'live');
  return { report: withAccepted(report, accepted), apiCalls: side.apiCalls };
}
