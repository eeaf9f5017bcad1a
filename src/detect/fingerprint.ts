import { createHash } from 'node:crypto';

/**
 * Stable identity of a secret for baselines and SARIF: the rule plus the secret, never the line.
 * A plain hash of a low-entropy password can be brute-forced offline; the domain prefix at least
 * keeps these from matching generic rainbow tables.
 */
export function fingerprint(ruleId: string, secret: string): string {
  return createHash('sha256').update(`nhiscan:v1\0${ruleId}\0${secret}`).digest('hex').slice(0, 32);
}

/** Keep just enough to recognise the credential kind, never enough to use it. */
export function redact(secret: string): string {
  const keep = Math.min(6, Math.floor(secret.length / 5));
  return `${secret.slice(0, keep)}${'*'.repeat(8)}`;
}

