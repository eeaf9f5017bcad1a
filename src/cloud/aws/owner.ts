import { GetAccessKeyLastUsedCommand } from '@aws-sdk/client-iam';
import type { CoverageGap } from '../../model.js';
import type { OwnerInfo } from '../../score/correlate.js';
import type { AwsClients } from './clients.js';
import { describeAwsError } from './errors.js';

/**
 * Who owns key ids of this account that the inventory could not place. GetAccessKeyLastUsed takes
 * the key *id*: no found secret is ever sent anywhere.
 */
export async function lookupOwners(clients: AwsClients, keyIds: string[], gaps: CoverageGap[]): Promise<Map<string, OwnerInfo>> {
  const out = new Map<string, OwnerInfo>();
  for (const id of keyIds) {
    try {
      const res = await clients.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id }));
      if (!res.UserName) continue;
      const d = res.AccessKeyLastUsed?.LastUsedDate;
      out.set(id, { user: res.UserName, lastUsed: d ? new Date(d).toISOString() : null, lastUsedService: res.AccessKeyLastUsed?.ServiceName ?? null, lastUsedRegion: res.AccessKeyLastUsed?.Region ?? null });
    } catch (err) {
      const d = describeAwsError(err);
      // A key id that no longer exists is an answer, not a gap.
      if (!/NoSuchEntity|InvalidClientTokenId/.test(d.message)) gaps.push({ scope: `iam:GetAccessKeyLastUsed ${id}`, reason: d.message });
    }
  }
  return out;
}
