import type { Validation } from '../rule.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The account id is encoded in most AKIA/ASIA key ids: base32-decode the 16 characters after the
 * prefix, take the first 6 bytes big-endian, mask and shift. Old AKIAI/AKIAJ ids predate this.
 */
export function awsAccountFromKeyId(keyId: string): string | null {
  if (!/^(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/.test(keyId)) return null;
  if (/^AKIA[IJ]/.test(keyId)) return null;
  let bits = 0n;
  for (const ch of keyId.slice(4)) bits = (bits << 5n) | BigInt(BASE32.indexOf(ch));
  // 16 chars * 5 bits = 80 bits; the first 48 of them are the 6 bytes we want.
  const first48 = bits >> 32n;
  const account = (first48 & 0x7fffffffff80n) >> 7n;
  return account.toString().padStart(12, '0');
}

export function validateAwsKeyId(keyId: string): Validation {
  const kind = keyId.startsWith('ASIA') ? 'temporary (STS)' : keyId.startsWith('AKIA') ? 'long-term' : 'other';
  const account = awsAccountFromKeyId(keyId);
  return account
    ? { valid: true, detail: `aws account ${account}, ${kind} key`, account, identifier: keyId }
    : { valid: true, detail: `${kind} key, legacy id (account not decodable offline)`, identifier: keyId };
}
