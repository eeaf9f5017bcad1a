import { ListRegionsCommand } from '@aws-sdk/client-account';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
} from '@aws-sdk/client-iam';
import { GetResourcePolicyCommand, ListSecretsCommand, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ProviderError } from '../../errors.js';
import type { CoverageGap } from '../../model.js';
import { assembleKeys, keyLastUsed, listKeys, unreportedKeys } from './access-keys.js';
import { parseAuthorizationDetails, type AuthorizationDetails } from './authorization-details.js';
import { isRegion, type AwsClients } from './clients.js';
import { parseCredentialReport } from './credential-report.js';
import { decodePolicyDocument } from './decode.js';
import { describeAwsError } from './errors.js';
import { FormatError } from './format.js';
import { secretFromListing } from './secrets.js';
import { emptyInventory, type AccessKey, type AwsInventory, type CredentialReportRow, type SecretRecord } from './types.js';

export interface EnumerateOptions {
  /** Regions for Secrets Manager; empty means the configured region. */
  regions: string[];
  allRegions: boolean;
  /** Parallel per-user/per-secret calls; bounded so adaptive retry has room to work. */
  concurrency?: number;
  /** Injected so tests do not wait for the credential report for real. */
  sleep?: (ms: number) => Promise<void>;
  /** Upper bound on waiting for the credential report. */
  reportTimeoutMs?: number;
}


export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

/** STS GetCallerIdentity with the run's credentials: needs no permission, names the account and the principal. */
export async function whoAmI(clients: AwsClients): Promise<{ account: string | null; arn: string | null }> {
  const who = await clients.sts.send(new GetCallerIdentityCommand({}));
  return { account: who.Account ?? null, arn: who.Arn ?? null };
}

export interface Enumeration {
  inventory: AwsInventory;
  gaps: CoverageGap[];
}

/**
 * Bulk calls first (authorization details, credential report), then only what they lack, per
 * user (ListAccessKeys, when the report cannot rule out keys: needsListing) or per key
 * (GetAccessKeyLastUsed, when the report cannot place a key).
 * A failure on one call becomes a coverage gap; the rest is still read.
 */
export async function enumerate(clients: AwsClients, opts: EnumerateOptions): Promise<Enumeration> {
  const gaps: CoverageGap[] = [];
  // Our parsers' FormatErrors name what could not be read and never quote it; anything else is
  // an AWS call's failure, described by kind.
  const gap = (scope: string, err: unknown) => gaps.push({ scope, reason: err instanceof FormatError ? `unparseable answer: ${err.message}` : describeAwsError(err).message });
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limit = opts.concurrency ?? 4;

  let account: string | null = null;
  let caller: string | null = null;
  try {
    ({ account, arn: caller } = await whoAmI(clients));
  } catch (err) {
    const d = describeAwsError(err);
    if (d.kind === 'credentials' || d.kind === 'other') throw new ProviderError(`no usable AWS credentials: ${d.message}`);
    // GetCallerIdentity needs no permission: AccessDenied there is about the credentials too.
    if (d.kind === 'access-denied') throw new ProviderError(`sts:GetCallerIdentity failed: ${d.message}`);
    // An endpoint that cannot be reached, answers garbage or does not implement STS is not a
    // credentials problem. Nothing else would get through either, so stop here: the report is
    // written with this one gap, and a combined audit keeps its repository findings.
    gaps.push({ scope: 'sts:GetCallerIdentity (nothing in the account was read)', reason: d.message });
    return { inventory: emptyInventory(account, caller), gaps };
  }

  const pages: Array<Record<string, unknown>> = [];
  try {
    let marker: string | undefined;
    do {
      const page = await clients.iam.send(new GetAccountAuthorizationDetailsCommand({ Marker: marker, MaxItems: 1000 }));
      pages.push(page as unknown as Record<string, unknown>);
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
  } catch (err) {
    gap('iam:GetAccountAuthorizationDetails', err);
  }
  let details: AuthorizationDetails = { users: [], groups: [], roles: [], policies: [] };
  try {
    details = parseAuthorizationDetails(pages, (what, reason) => gaps.push({ scope: `iam:GetAccountAuthorizationDetails ${what}`, reason }));
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    gap('iam:GetAccountAuthorizationDetails', err);
  }

  let report: CredentialReportRow[] = [];
  let generated: number | null = null;
  let started = false;
  try {
    ({ rows: report, generated, started } = await credentialReport(clients, sleep, opts.reportTimeoutMs ?? 120_000));
  } catch (err) {
    gap(err instanceof ProviderError || err instanceof FormatError ? 'iam:GetCredentialReport' : 'iam:GenerateCredentialReport / GetCredentialReport', err);
  }

  // ListAccessKeys for every user whose keys the report cannot vouch for (see needsListing).
  const keys: AccessKey[] = [];
  const fresh = started || (generated !== null && awsNow(clients) - generated <= REPORT_FRESH_MS);
  const rows = new Map(report.filter((r) => r.user !== '<root_account>').map((r) => [r.user, r]));
  const userOf = new Map(details.users.map((u) => [u.name, u]));
  const names = [...new Set([...rows.keys(), ...userOf.keys()])].filter((n) => needsListing(rows.get(n), fresh));
  const listed = await pool(names, limit, async (name) => {
    try {
      return await listKeys(clients, name);
    } catch (err) {
      gap(`iam:ListAccessKeys ${name}`, err);
      return null;
    }
  });
  names.forEach((name, i) => {
    const row = rows.get(name);
    const user = userOf.get(name);
    if (row) keys.push(...assembleKeys(row, user, listed[i] ?? null));
    else if (user) keys.push(...unreportedKeys(user.name, user.arn, listed[i] ?? []));
  });
  for (const root of report.filter((r) => r.user === '<root_account>')) keys.push(...assembleKeys(root, undefined, null));

  // Keys the report could not place (newer than the report): ask for their last use directly.
  await pool(
    keys.filter((k) => k.slot === null),
    limit,
    async (k) => {
      try {
        const use = await keyLastUsed(clients, k.id);
        k.lastUsed = use.lastUsed;
        k.lastUsedService = use.service;
        k.lastUsedRegion = use.region;
      } catch (err) {
        gap(`iam:GetAccessKeyLastUsed ${k.id}`, err);
      }
    },
  );

  const secrets = await secretsInventory(clients, opts, gap, limit);
  return { inventory: { account, caller, ...details, report, keys, secrets }, gaps };
}

/**
 * How old a credential report may be while its rows with no access key are still believed. AWS
 * hands back a report up to 4 hours old instead of generating one, and a key created since (maybe
 * the one that just leaked) is in no row. The bound is the window in which such a key can still be
 * missed, so it is short; yet a report this run's GenerateCredentialReport just produced (seconds
 * old, a minute or two on a large account) counts as fresh, so keyless users then cost no call.
 * A report AWS generated for this run (State STARTED) is fresh by construction. Older, or with no
 * GeneratedTime, every keyless user gets a ListAccessKeys. A key created while
 * the run is going is a race no bound closes.
 */
export const REPORT_FRESH_MS = 5 * 60_000;

/**
 * Does this user's key list have to be asked for? A user the report does not know (created after
 * it, or the report failed): yes. Key slots in use: yes, for the key ids. No keys in the row:
 * only when the report is not fresh, or says nothing about when it was generated.
 */
export function needsListing(row: CredentialReportRow | undefined, fresh: boolean): boolean {
  return !row || row.keys.some((k) => k.active || k.lastRotated) || !fresh;
}

/**
 * AWS's clock, as near as the run knows it: GeneratedTime is AWS's, and a local clock that runs
 * behind would make an old report look fresh. The SDK keeps systemClockOffset from the Date
 * header of each answer (for signing); without one it is 0, and this is the local clock.
 */
function awsNow(clients: AwsClients): number {
  const offset = (clients.iam.config as { systemClockOffset?: unknown }).systemClockOffset;
  return Date.now() + (typeof offset === 'number' && Number.isFinite(offset) ? offset : 0);
}

async function credentialReport(clients: AwsClients, sleep: (ms: number) => Promise<void>, timeoutMs: number): Promise<{ rows: CredentialReportRow[]; generated: number | null; started: boolean }> {
  let waited = 0;
  let delay = 500;
  // Generate is cheap when a fresh report exists (AWS reuses one for up to 4 hours). STARTED says
  // AWS is making a new one for this run (GetCredentialReport answers "not ready" until it is
  // done), so what comes back is fresh whatever its GeneratedTime says (moto, for one, answers a
  // fixed 2015 date). COMPLETE says an older report is reused: then GeneratedTime decides.
  const started = (await clients.iam.send(new GenerateCredentialReportCommand({}))).State === 'STARTED';
  for (;;) {
    try {
      const res = await clients.iam.send(new GetCredentialReportCommand({}));
      const content = res.Content instanceof Uint8Array ? Buffer.from(res.Content).toString('utf8') : String(res.Content ?? '');
      const generated = res.GeneratedTime ? new Date(res.GeneratedTime).getTime() : NaN;
      return { rows: parseCredentialReport(content), generated: Number.isNaN(generated) ? null : generated, started };
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      if (!/ReportInProgress|ReportNotPresent|CredentialReportNotReady|CredentialReportNotPresent/i.test(name)) throw err;
      // Counted in time slept, not wall time, so the bound holds however slow the calls are.
      if (waited >= timeoutMs) throw new ProviderError(`credential report not ready after ${Math.round(timeoutMs / 1000)} s`);
      await sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, 8000);
    }
  }
}

async function secretsInventory(clients: AwsClients, opts: EnumerateOptions, gap: (scope: string, err: unknown) => void, limit: number): Promise<SecretRecord[]> {
  let regions = opts.regions.length ? opts.regions : clients.region ? [clients.region] : [];
  if (opts.allRegions) {
    try {
      const found: string[] = [];
      let token: string | undefined;
      do {
        const res = await clients.account.send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], NextToken: token }));
        found.push(...(res.Regions ?? []).map((r) => r.RegionName ?? '').filter(Boolean));
        token = res.NextToken;
      } while (token);
      // Region names from the API end up in endpoint host names: keep only well-formed ones.
      regions = found.filter(isRegion);
      if (regions.length < found.length) gap('account:ListRegions (for --all-regions)', new FormatError(`${found.length - regions.length} region name(s) in the answer are malformed`));
    } catch (err) {
      gap('account:ListRegions (for --all-regions)', err);
    }
  }
  if (regions.length === 0) {
    gap('secretsmanager', new Error('no region configured: pass --region or --regions'));
    return [];
  }
  const out: SecretRecord[] = [];
  for (const region of regions) {
    const client = clients.secrets(region);
    const entries: SecretListEntry[] = [];
    try {
      let token: string | undefined;
      do {
        const res = await client.send(new ListSecretsCommand({ NextToken: token, MaxResults: 100 }));
        entries.push(...(res.SecretList ?? []));
        token = res.NextToken;
      } while (token);
    } catch (err) {
      gap(`secretsmanager:ListSecrets ${region}`, err);
      continue;
    }
    const policies = await pool(entries, limit, async (e) => {
      try {
        const res = await client.send(new GetResourcePolicyCommand({ SecretId: e.ARN }));
        return decodePolicyDocument(res.ResourcePolicy ?? null);
      } catch (err) {
        gap(`secretsmanager:GetResourcePolicy ${e.Name}`, err);
        return null;
      }
    });
    entries.forEach((e, i) => {
      try {
        out.push({ ...secretFromListing(e as unknown as Record<string, unknown>), region, resourcePolicy: policies[i] ?? null });
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        gap(`secretsmanager:ListSecrets ${region} ${e.Name}`, err);
      }
    });
  }
  return out;
}
