import { parse } from 'csv-parse/sync';
import type { CredentialReportRow } from './types.js';

const MISSING = new Set(['N/A', 'no_information', 'not_supported', '']);

function value(v: string | undefined): string | null {
  return v === undefined || MISSING.has(v) ? null : v;
}

function bool(v: string | undefined): boolean {
  return v === 'true';
}

/** Parse the IAM credential report CSV (every column, including the `<root_account>` row). */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
  if (rows.length && !('user' in rows[0]! && 'arn' in rows[0]!)) throw new Error('not an IAM credential report (no user/arn columns)');
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

/** The AWS CLI prints the report as JSON with base64 `Content`; a decoded CSV file works too. */
export function credentialReportText(fileText: string): string {
  const trimmed = fileText.trimStart();
  if (trimmed.startsWith('{')) {
    const doc = JSON.parse(trimmed) as { Content?: string };
    if (!doc.Content) throw new Error('JSON without a Content field');
    return Buffer.from(doc.Content, 'base64').toString('utf8');
  }
  return fileText;
}
