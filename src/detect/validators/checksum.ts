import { crc32 } from 'node:zlib';
import type { Validation } from '../rule.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let out = '';
  let v = n >>> 0;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub and npm tokens end in six base62 characters: the CRC32 of the 30 random characters before
 * them. A random 36-character string passes with probability 62^-6, so a pass is near-certain proof.
 */
export function crc32TokenChecksum(prefix: string): (secret: string) => Validation {
  return (secret) => {
    const body = secret.slice(prefix.length);
    if (body.length !== 36) return { valid: false, reason: 'wrong length' };
    const random = body.slice(0, 30);
    const expected = base62(crc32(random), 6);
    return body.slice(30) === expected
      ? { valid: true, detail: 'checksum ok' }
      : { valid: false, reason: 'checksum mismatch' };
  };
}

/** Build a token with a valid checksum; used by tests and the demo fixtures, never to guess tokens. */
export function withCrc32Checksum(prefix: string, random30: string): string {
  return `${prefix}${random30}${base62(crc32(random30), 6)}`;
}
