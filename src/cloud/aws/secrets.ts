import type { DetailsProblem } from './authorization-details.js';
import { decodePolicyDocument } from './decode.js';
import { FormatError, isoTime } from './format.js';
import type { PolicyDocument, SecretRecord } from './types.js';

/**
 * One ListSecrets entry, from the SDK (Dates) or the AWS CLI (v2: ISO strings; v1: epoch seconds).
 * A timestamp of another type is a FormatError. A ResourcePolicy that does not decode goes to
 * `problem` (a coverage gap) and is read as absent.
 */
export function secretFromListing(e: Record<string, unknown>, problem?: DetailsProblem): SecretRecord {
  const arn = String(e.ARN ?? '');
  const name = String(e.Name ?? '');
  const rules = (e.RotationRules ?? {}) as { AutomaticallyAfterDays?: number };
  const t = (field: string) => isoTime(e[field], `secret ${name} ${field}`);
  let resourcePolicy: PolicyDocument | null = null;
  try {
    resourcePolicy = decodePolicyDocument(e.ResourcePolicy ?? null);
  } catch (err) {
    if (!(err instanceof FormatError) || !problem) throw err;
    problem(`secret ${name} resource policy`, `${err.message}; read as absent`);
  }
  return {
    name,
    arn,
    region: arn.split(':')[3] ?? '',
    created: t('CreatedDate'),
    rotationEnabled: e.RotationEnabled === true,
    rotationLambdaArn: typeof e.RotationLambdaARN === 'string' ? e.RotationLambdaARN : null,
    rotationDays: typeof rules.AutomaticallyAfterDays === 'number' ? rules.AutomaticallyAfterDays : null,
    lastRotated: t('LastRotatedDate'),
    lastAccessed: t('LastAccessedDate'),
    lastChanged: t('LastChangedDate'),
    nextRotation: t('NextRotationDate'),
    tags: ((e.Tags ?? []) as Array<{ Key?: string; Value?: string }>).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
    owningService: typeof e.OwningService === 'string' ? e.OwningService : null,
    resourcePolicy,
  };
}
