import { GetAccessKeyLastUsedCommand, ListAccessKeysCommand, type StatusType } from '@aws-sdk/client-iam';
import type { AwsClients } from './clients.js';
import type { AccessKey, CredentialReportRow, IamUser } from './types.js';

// The one wrapper of each access-key read (ListAccessKeys, GetAccessKeyLastUsed): the inventory,
// the owner look-up of leaked key ids and remediation all go through these.

export interface ListedKey {
  id: string;
  status: 'Active' | 'Inactive';
  created: string | null;
}

/** IAM's key status; anything but Inactive is treated as live (the safe side for a risk scan). */
export function keyStatus(s: StatusType | string | undefined): 'Active' | 'Inactive' {
  return s === 'Inactive' ? 'Inactive' : 'Active';
}

const iso = (d: Date | string | undefined): string | null => (d ? new Date(d).toISOString() : null);

export async function listKeys(c: AwsClients, user: string): Promise<ListedKey[]> {
  const res = await c.iam.send(new ListAccessKeysCommand({ UserName: user }));
  return (res.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId ?? '', status: keyStatus(k.Status), created: iso(k.CreateDate) }));
}

export interface KeyUse {
  /** The owning user; GetAccessKeyLastUsed names it, which maps a leaked key id to its owner. */
  user: string | null;
  lastUsed: string | null;
  /** The service and region of that last use; null when never used (IAM says "N/A"). */
  service: string | null;
  region: string | null;
}

const na = (v: string | undefined) => (v && v !== 'N/A' ? v : null);

/** Takes the key *id*: no found secret is ever sent anywhere. */
export async function keyLastUsed(c: AwsClients, keyId: string): Promise<KeyUse> {
  const res = await c.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }));
  return { user: res.UserName ?? null, lastUsed: iso(res.AccessKeyLastUsed?.LastUsedDate), service: na(res.AccessKeyLastUsed?.ServiceName), region: na(res.AccessKeyLastUsed?.Region) };
}

function sameSecond(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  return Math.abs(Date.parse(a) - Date.parse(b)) < 1000;
}

/**
 * Join the credential report's two key slots with ListAccessKeys. The report has no key ids:
 * a slot's last-rotated time is its key's creation time, and slot 1 is the older key.
 * Without listed keys (offline), each used slot becomes a key with a "user#slot" id.
 */
export function assembleKeys(row: CredentialReportRow, user: IamUser | undefined, listed: ListedKey[] | null): AccessKey[] {
  const userArn = user?.arn ?? row.arn;
  const slots = row.keys.filter((k) => k.active || k.lastRotated);
  if (!listed) {
    return slots.map((k) => ({
      id: `${row.user}#${k.slot}`,
      user: row.user,
      userArn,
      status: k.active ? 'Active' : 'Inactive',
      created: k.lastRotated,
      lastUsed: k.lastUsedDate,
      lastUsedService: k.lastUsedService,
      lastUsedRegion: k.lastUsedRegion,
      slot: k.slot,
    }));
  }
  const sorted = [...listed].sort((a, b) => Date.parse(a.created ?? '') - Date.parse(b.created ?? ''));
  const unmatched = new Set(sorted);
  const bySlot = new Map<1 | 2, ListedKey>();
  for (const k of slots) {
    const exact = sorted.find((l) => unmatched.has(l) && sameSecond(l.created, k.lastRotated));
    if (exact) {
      bySlot.set(k.slot, exact);
      unmatched.delete(exact);
    }
  }
  for (const k of slots) {
    if (bySlot.has(k.slot)) continue;
    const next = sorted.find((l) => unmatched.has(l));
    if (next) {
      bySlot.set(k.slot, next);
      unmatched.delete(next);
    }
  }
  const keys: AccessKey[] = [];
  for (const k of slots) {
    const l = bySlot.get(k.slot);
    keys.push({
      id: l?.id ?? `${row.user}#${k.slot}`,
      user: row.user,
      userArn,
      status: l?.status ?? (k.active ? 'Active' : 'Inactive'),
      created: l?.created ?? k.lastRotated,
      lastUsed: k.lastUsedDate,
      lastUsedService: k.lastUsedService,
      lastUsedRegion: k.lastUsedRegion,
      slot: k.slot,
    });
  }
  // Keys the report does not know yet (it can be up to 4 hours old).
  keys.push(...unreportedKeys(row.user, userArn, [...unmatched]));
  return keys;
}

/** Listed keys no report slot accounts for (the user or the key is newer than the report): slot null, last use unknown. */
export function unreportedKeys(user: string, userArn: string, listed: ListedKey[]): AccessKey[] {
  return listed.map((l) => ({ id: l.id, user, userArn, status: l.status, created: l.created, lastUsed: null, lastUsedService: null, lastUsedRegion: null, slot: null }));
}
