import { randomBytes } from 'node:crypto';
import { withCrc32Checksum } from '../../src/detect/validators/checksum.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function random(n: number, alphabet: string): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[bytes[i]! % alphabet.length];
  return s;
}

/** A fresh, checksum-valid GitHub token: tests never depend on one fixed string. */
export function githubToken(prefix = 'ghp_'): string {
  return withCrc32Checksum(prefix, random(30, BASE62));
}

/** An AWS key id that encodes `account` the way AWS does, so the offline decode can be checked. */
export function awsKeyId(account: string, prefix = 'AKIA'): string {
  const low7 = BigInt(randomBytes(1)[0]! & 0x7f);
  // Current key ids set the top bit, which is why they never start AKIAI or AKIAJ like legacy ids.
  const first48 = (1n << 47n) | (BigInt(account) << 7n) | low7;
  const bits = (first48 << 32n) | BigInt(randomBytes(4).readUInt32BE());
  let s = '';
  for (let i = 15; i >= 0; i--) s += BASE32[Number((bits >> BigInt(i * 5)) & 31n)];
  return prefix + s;
}

export function awsSecret(): string {
  return random(40, `${BASE62}/+`);
}
