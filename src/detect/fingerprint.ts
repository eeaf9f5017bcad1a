import { createHash } from 'node:crypto';

/**
 * What a finding's identity is made of. Never a line number or a path: baselines and SARIF alerts
 * must survive edits that move a secret, and renames.
 * - `value`: a secret (the rule plus the secret's value), a sensitive file (plus its content id), a
 *   gate change (plus path@commit);
 * - `arn`: an account finding (the rule, the identity's ARN and the credential id, if any);
 * - `leakOf`: a leak, which is the secret finding it was joined from (so the alert stays one alert
 *   while the key goes from active to inactive).
 */
export type FingerprintSubject =
  | { ruleId: string; value: string }
  | { ruleId: string; arn: string; credential?: string }
  | { leakOf: string };

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/**
 * The one fingerprint function for every finding. The three inputs keep the hashes earlier
 * versions wrote (baselines on disk and GitHub alerts match them), which is why each has its own
 * layout. A plain hash of a low-entropy password can be brute-forced offline; the domain prefix
 * at least keeps secret fingerprints from matching generic rainbow tables.
 */
export function fingerprint(s: FingerprintSubject): string {
  if ('leakOf' in s) return `leak:${s.leakOf}`;
  if ('arn' in s) return sha(`${s.ruleId}\0${s.arn}\0${s.credential ?? ''}`);
  return sha(`nhiscan:v1\0${s.ruleId}\0${s.value}`);
}

/** Keep just enough to recognise the credential kind, never enough to use it. */
export function redact(secret: string): string {
  const keep = Math.min(6, Math.floor(secret.length / 5));
  return `${secret.slice(0, keep)}${'*'.repeat(8)}`;
}
