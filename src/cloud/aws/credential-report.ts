import { CsvError, parse } from 'csv-parse/sync';
import { FormatError, isObject, parseJson } from './format.js';
import type { CredentialReportRow } from './types.js';

const MISSING = new Set(['N/A', 'no_information', 'not_supported', '']);

/** Every column nhiscan reads; IAM has written all of them since 2014. */
export const REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  ...([1, 2] as const).flatMap((n) => [`access_key_${n}_active`, `access_key_${n}_last_rotated`, `access_key_${n}_last_used_date`, `access_key_${n}_last_used_region`, `access_key_${n}_last_used_service`]),
  ...([1, 2] as const).flatMap((n) => [`cert_${n}_active`, `cert_${n}_last_rotated`]),
];
const BOOLEAN_COLUMNS = REPORT_COLUMNS.filter((c) => c.endsWith('_active') || c === 'password_enabled');
const TIME_COLUMNS = REPORT_COLUMNS.filter((c) => /_time$|_last_used$|_last_changed$|_next_rotation$|_last_rotated$|_last_used_date$/.test(c));
const ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|user\/.+)$/;

/** csv-parse messages quote field values (a row can hold a token): keep only what kind of fault and where. */
const CSV_FAULTS: Record<string, string> = {
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'a row has a different number of fields than the header',
  CSV_RECORD_INCONSISTENT_COLUMNS: 'a row has a different number of fields than the header',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_OPENING_QUOTE: 'a field has a quote inside it',
  CSV_INVALID_CLOSING_QUOTE: 'a field has a stray quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a field has text after its closing quote',
  CSV_MAX_RECORD_SIZE: 'a row is too long',
};

function value(v: string | undefined): string | null {
  return v === undefined || MISSING.has(v) ? null : v;
}

function bool(v: string | undefined): boolean {
  return v === 'true';
}

/**
 * Parse the IAM credential report CSV (every column, including the `<root_account>` row). Anything
 * that is not one (an empty file, a .env file, a CSV of something else) is a FormatError naming the
 * row and column at fault, never a value.
 */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
  if (csv.trim() === '') throw new FormatError('the report is empty (not even a header)');
  let records: string[][];
  try {
    records = parse(csv, { skip_empty_lines: true, trim: true, bom: true }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) throw new FormatError(`not valid CSV: ${CSV_FAULTS[err.code] ?? err.code.toLowerCase().replace(/_/g, ' ')}${typeof err.lines === 'number' ? ` (line ${err.lines})` : ''}`);
    throw err;
  }
  const header = records[0] ?? [];
  const missing = REPORT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new FormatError(missing.length === REPORT_COLUMNS.length ? 'no credential report header (user,arn,user_creation_time,…)' : `the header lacks column(s) ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}`);
  }
  const rows = records.slice(1).map((fields) => Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ''])));
  rows.forEach((r, i) => {
    // Line numbers as an editor shows them: the header is line 1 (blank lines aside).
    const at = `row ${i + 2}`;
    if (!r.user) throw new FormatError(`${at}: the user column is empty`);
    if (!ARN.test(r.arn ?? '') || (r.user === '<root_account>') !== r.arn!.endsWith(':root')) throw new FormatError(`${at}: the arn column is not an IAM user or root ARN`);
    for (const c of BOOLEAN_COLUMNS) if (!['true', 'false', 'not_supported', 'N/A'].includes(r[c]!)) throw new FormatError(`${at}: ${c} is not true or false`);
    for (const c of TIME_COLUMNS) if (value(r[c]) !== null && Number.isNaN(Date.parse(r[c]!))) throw new FormatError(`${at}: ${c} is not a timestamp`);
  });
  return rows.map((r) => ({
    user: r.user!,
    arn: r.arn!,
    userCreationTime: value(r.user_creation_time),
    passwordEnabled: bool(r.password_enabled),
    passwordLastUsed: value(r.password_last_used),
    passwordLastChanged: value(r.password_last_changed),
    passwordNextRotation: value(r.password_next_rotation),
    mfaActive: bool(r.mfa_active),
    keys: ([1, 2] as const).map((slot) => ({
      slot,
      active: bool(r[`access_key_${slot}_active`]),
      lastRotated: value(r[`access_key_${slot}_last_rotated`]),
      lastUsedDate: value(r[`access_key_${slot}_last_used_date`]),
      lastUsedRegion: value(r[`access_key_${slot}_last_used_region`]),
      lastUsedService: value(r[`access_key_${slot}_last_used_service`]),
    })),
    certs: ([1, 2] as const).map((slot) => ({
      slot,
      active: bool(r[`cert_${slot}_active`]),
      lastRotated: value(r[`cert_${slot}_last_rotated`]),
    })),
  }));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The AWS CLI prints the report as JSON (`{"Content": "<base64>", "ReportFormat": "text/csv", …}`);
 * the decoded CSV works too. JSON that is not that shape, or Content that is not base64, is a
 * FormatError: Buffer.from(…, 'base64') would silently decode garbage to garbage.
 */
export function credentialReportText(fileText: string): string {
  const trimmed = fileText.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return fileText;
  const doc = parseJson(trimmed);
  if (!isObject(doc)) throw new FormatError('JSON that is not an object with a Content field');
  if (typeof doc.Content !== 'string' || doc.Content.trim() === '') throw new FormatError('JSON without a Content field');
  if (doc.ReportFormat !== undefined && doc.ReportFormat !== 'text/csv') throw new FormatError('ReportFormat is not text/csv');
  const b64 = doc.Content.replace(/\s+/g, '');
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) throw new FormatError('Content is not base64');
  return Buffer.from(b64, 'base64').toString('utf8');
}
