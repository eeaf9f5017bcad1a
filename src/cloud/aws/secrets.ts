import { decodePolicyDocument } from './decode.js';
import type { SecretRecord } from './types.js';

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : typeof d === 'string' && d ? d : null);

/** One ListSecrets entry, from the SDK (Dates) or the AWS CLI (strings). */
export function secretFromListing(e: Record<string, unknown>): SecretRecord {
  const arn = String(e.ARN ?? '');
  const rules = (e.RotationRules ?? {}) as { AutomaticallyAfterDays?: number };
  return {
    name: String(e.Name ?? ''),
    arn,
    region: arn.split(':')[3] ?? '',
    created: iso(e.CreatedDate),
    rotationEnabled: e.RotationEnabled === true,
    rotationLambdaArn: typeof e.RotationLambdaARN === 'string' ? e.RotationLambdaARN : null,
    rotationDays: typeof rules.AutomaticallyAfterDays === 'number' ? rules.AutomaticallyAfterDays : null,
    lastRotated: iso(e.LastRotatedDate),
    lastAccessed: iso(e.LastAccessedDate),
    lastChanged: iso(e.LastChangedDate),
    nextRotation: iso(e.NextRotationDate),
    tags: ((e.Tags ?? []) as Array<{ Key?: string; Value?: string }>).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
    owningService: typeof e.OwningService === 'string' ? e.OwningService : null,
    resourcePolicy: decodePolicyDocument(e.ResourcePolicy ?? null),
  };
}
