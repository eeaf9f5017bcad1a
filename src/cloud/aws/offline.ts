import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import type { CoverageGap } from '../../model.js';
import { assembleKeys, unreportedKeys, type ListedKey } from './access-keys.js';
import { parseAuthorizationDetails } from './authorization-details.js';
import { credentialReportText, parseCredentialReport } from './credential-report.js';
import { checkAccessKeys, checkAuthorizationDetails, checkSecretList, EXPORTS } from './exports.js';
import { decodeText, FormatError, parseJson } from './format.js';
import { secretFromListing } from './secrets.js';
import type { AwsInventory, SecretRecord } from './types.js';

// Reading the AWS CLI's exports into the same inventory a live read builds (offline equals live).

export interface OfflineFiles {
  credentialReport: string;
  authorizationDetails: string;
  /** `aws secretsmanager list-secrets` output; an entry may carry a `ResourcePolicy` (from get-resource-policy). */
  secrets?: string;
  /** `aws iam list-access-keys` outputs merged into one AccessKeyMetadata list: gives keys their real ids. */
  accessKeys?: string;
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
  const listedFor = (user: string) => (user === '<root_account>' ? null : (listed?.get(user) ?? (listed ? [] : null)));
  // A row with no key slot in use still takes the keys the list-access-keys export gives it: the
  // report may be older than a key, as in a live read.
  const keys = report
    .filter((r) => r.keys.some((k) => k.active || k.lastRotated) || (listedFor(r.user)?.length ?? 0) > 0)
    .flatMap((r) => assembleKeys(r, details.users.find((u) => u.name === r.user), listedFor(r.user)));
  // A user the report does not know was created after it: the list-access-keys export, if given,
  // says what keys it has; without it they are unknown, which is a gap, not "no keys".
  const rowless = details.users.filter((u) => !report.some((r) => r.user === u.name));
  if (listed) for (const u of rowless) keys.push(...unreportedKeys(u.name, u.arn, listed.get(u.name) ?? []));
  else if (rowless.length) {
    const names = rowless.slice(0, 5).map((u) => u.name).join(', ') + (rowless.length > 5 ? ` and ${rowless.length - 5} more` : '');
    gaps.push({
      scope: `${files.credentialReport}: access keys of ${rowless.length} user(s) not in the report (${names})`,
      reason: `the users are newer than the report; pass ${EXPORTS.accessKeys.flag} (${EXPORTS.accessKeys.command}) or export the report again`,
    });
  }
  let secrets: SecretRecord[] = [];
  if (files.secrets) {
    const file = files.secrets;
    secrets = await readOffline('secrets', file, (text) => checkSecretList(parseJson(text)).map((e) => secretFromListing(e, problem(file))));
  }
  return { inventory: { account, caller: null, ...details, report, keys, secrets, secretsRead: files.secrets !== undefined }, gaps };
}

/** The inventory alone (tests); a real run uses offlineRead, whose gaps make the report incomplete. */
export async function offlineInventory(files: OfflineFiles): Promise<AwsInventory> {
  return (await offlineRead(files)).inventory;
}
