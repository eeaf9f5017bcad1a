import type { CoverageGap } from '../../model.js';
import { keyLastUsed } from './access-keys.js';
import type { AwsClients } from './clients.js';
import { describeAwsError } from './errors.js';
import type { OwnerInfo } from './types.js';

/**
 * Who owns key ids of this account that the inventory could not place. GetAccessKeyLastUsed takes
 * the key *id*: no found secret is ever sent anywhere.
 */
export async function lookupOwners(clients: AwsClients, keyIds: string[], gaps: CoverageGap[]): Promise<Map<string, OwnerInfo>> {
  const out = new Map<string, OwnerInfo>();
  for (const id of keyIds) {
    try {
      const use = await keyLastUsed(clients, id);
      if (!use.user) continue;
      out.set(id, { user: use.user, lastUsed: use.lastUsed, lastUsedService: use.service, lastUsedRegion: use.region });
    } catch (err) {
      const d = describeAwsError(err);
      // A key id that no longer exists is an answer, not a gap.
      if (!/NoSuchEntity|InvalidClientTokenId/.test(d.message)) gaps.push({ scope: `iam:GetAccessKeyLastUsed ${id}`, reason: d.message });
    }
  }
  return out;
}
