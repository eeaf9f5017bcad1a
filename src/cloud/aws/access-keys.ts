import type { AccessKey, CredentialReportRow, IamUser } from './types.js';

export interface ListedKey {
  id: string;
  status: 'Active' | 'Inactive';
  created: string | null;
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
  for (const l of unmatched) {
    keys.push({ id: l.id, user: row.user, userArn, status: l.status, created: l.created, lastUsed: null, lastUsedService: null, lastUsedRegion: null, slot: null });
  }
  return keys;
}
