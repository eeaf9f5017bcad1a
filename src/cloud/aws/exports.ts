// The AWS CLI exports an offline audit reads. Each file must be recognisably the output of the
// command it is passed as: a wrong or truncated file would otherwise read as an empty (clean)
// account. Every check throws FormatError with a reason that names fields, never their values.
import { FormatError, isObject, isoTime } from './format.js';

/** What each export is, and the command that produces the right one (for the error message). */
export const EXPORTS = {
  credentialReport: { flag: '--credential-report', what: 'a credential report', command: 'aws iam generate-credential-report; aws iam get-credential-report --output json' },
  authorizationDetails: { flag: '--authorization-details', what: 'get-account-authorization-details output', command: 'aws iam get-account-authorization-details --output json' },
  secrets: { flag: '--secrets', what: 'list-secrets output', command: 'aws secretsmanager list-secrets --output json' },
  accessKeys: { flag: '--access-keys', what: 'list-access-keys output', command: 'aws iam list-access-keys --user-name USER --output json, merged into one AccessKeyMetadata list' },
} as const;

function topObject(doc: unknown, key: string): Record<string, unknown> {
  if (Array.isArray(doc)) throw new FormatError(`a JSON array, not an object with ${key}`);
  if (!isObject(doc)) throw new FormatError(`not a JSON object with ${key}`);
  // The CLI paginates by itself; NextToken or IsTruncated means --max-items cut the output short.
  if (doc.IsTruncated === true || typeof doc.NextToken === 'string' || typeof doc.Marker === 'string') throw new FormatError('truncated (it has a NextToken or IsTruncated): export it again without --max-items');
  return doc;
}

function list(doc: Record<string, unknown>, key: string): Array<Record<string, unknown>> {
  const v = doc[key];
  if (v === undefined) throw new FormatError(`no ${key} list`);
  if (!Array.isArray(v)) throw new FormatError(`${key} is not a list`);
  v.forEach((e, i) => {
    if (!isObject(e)) throw new FormatError(`${key} entry ${i + 1} is not an object`);
  });
  return v as Array<Record<string, unknown>>;
}

function text(e: Record<string, unknown>, field: string, at: string, pattern?: RegExp): string {
  const v = e[field];
  if (typeof v !== 'string' || v === '') throw new FormatError(`${at} has no ${field}`);
  if (pattern && !pattern.test(v)) throw new FormatError(`${at}: ${field} is not in the expected form`);
  return v;
}

function optionalList(e: Record<string, unknown>, field: string, at: string, of: 'object' | 'string'): void {
  const v = e[field];
  if (v === undefined) return;
  if (!Array.isArray(v) || !v.every((x) => (of === 'object' ? isObject(x) : typeof x === 'string'))) throw new FormatError(`${at}: ${field} is not a list of ${of}s`);
}

const IAM_ARN = (kind: string) => new RegExp(`^arn:aws[a-z-]*:iam::(\\d{12}|aws):${kind}/`);

/**
 * `aws iam get-account-authorization-details`: all four lists present (empty is fine: an account
 * with no users still has them), each entry named, nested lists of the right type.
 */
export function checkAuthorizationDetails(doc: unknown): Record<string, unknown> {
  const o = topObject(doc, 'UserDetailList, GroupDetailList, RoleDetailList and Policies');
  const users = list(o, 'UserDetailList');
  const groups = list(o, 'GroupDetailList');
  const roles = list(o, 'RoleDetailList');
  const policies = list(o, 'Policies');
  users.forEach((u, i) => {
    const at = `UserDetailList entry ${i + 1}`;
    text(u, 'UserName', at);
    text(u, 'Arn', at, IAM_ARN('user'));
    optionalList(u, 'UserPolicyList', at, 'object');
    optionalList(u, 'AttachedManagedPolicies', at, 'object');
    optionalList(u, 'GroupList', at, 'string');
    optionalList(u, 'Tags', at, 'object');
  });
  groups.forEach((g, i) => {
    const at = `GroupDetailList entry ${i + 1}`;
    text(g, 'GroupName', at);
    text(g, 'Arn', at, IAM_ARN('group'));
    optionalList(g, 'GroupPolicyList', at, 'object');
    optionalList(g, 'AttachedManagedPolicies', at, 'object');
  });
  roles.forEach((r, i) => {
    const at = `RoleDetailList entry ${i + 1}`;
    text(r, 'RoleName', at);
    text(r, 'Arn', at, IAM_ARN('role'));
    optionalList(r, 'RolePolicyList', at, 'object');
    optionalList(r, 'AttachedManagedPolicies', at, 'object');
    optionalList(r, 'Tags', at, 'object');
    if (r.RoleLastUsed !== undefined && !isObject(r.RoleLastUsed)) throw new FormatError(`${at}: RoleLastUsed is not an object`);
  });
  policies.forEach((p, i) => {
    const at = `Policies entry ${i + 1}`;
    text(p, 'PolicyName', at);
    text(p, 'Arn', at, IAM_ARN('policy'));
    optionalList(p, 'PolicyVersionList', at, 'object');
  });
  return o;
}

/** `aws secretsmanager list-secrets`: an object with a SecretList of named secrets. */
export function checkSecretList(doc: unknown): Array<Record<string, unknown>> {
  const entries = list(topObject(doc, 'SecretList'), 'SecretList');
  entries.forEach((e, i) => {
    const at = `SecretList entry ${i + 1}`;
    text(e, 'ARN', at, /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:./);
    text(e, 'Name', at);
    if (e.RotationEnabled !== undefined && typeof e.RotationEnabled !== 'boolean') throw new FormatError(`${at}: RotationEnabled is not true or false`);
    optionalList(e, 'Tags', at, 'object');
  });
  return entries;
}

export interface ExportedKey {
  user: string;
  id: string;
  status: 'Active' | 'Inactive';
  created: string | null;
}

/** `aws iam list-access-keys` outputs merged: an object with one AccessKeyMetadata list. */
export function checkAccessKeys(doc: unknown): ExportedKey[] {
  return list(topObject(doc, 'AccessKeyMetadata'), 'AccessKeyMetadata').map((k, i) => {
    const at = `AccessKeyMetadata entry ${i + 1}`;
    const status = text(k, 'Status', at);
    if (status !== 'Active' && status !== 'Inactive') throw new FormatError(`${at}: Status is not Active or Inactive`);
    return { user: text(k, 'UserName', at), id: text(k, 'AccessKeyId', at, /^[A-Z0-9]{16,128}$/), status, created: isoTime(k.CreateDate, `${at} CreateDate`) };
  });
}
