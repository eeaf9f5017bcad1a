import { createPrivateKey } from 'node:crypto';
import type { Validation } from '../rule.js';

/** PEM blocks embedded in JSON or YAML strings carry escaped newlines. */
export function normalizePem(raw: string): string {
  return raw
    .replace(/\\r/g, '')
    .replace(/\\n/g, '\n')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .join('\n');
}

function describeKey(pem: string): string {
  const key = createPrivateKey({ key: pem, format: 'pem' });
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails;
  if (details?.modulusLength) return `parsed ${type.toUpperCase()} ${details.modulusLength}`;
  if (details?.namedCurve) return `parsed ${type.toUpperCase()} ${details.namedCurve}`;
  return `parsed ${type.toUpperCase()}`;
}

/** Confirm a PEM private key by parsing it; a truncated or made-up body is not a leak. */
export function validatePemKey(raw: string): Validation {
  const pem = normalizePem(raw);
  if (/-----BEGIN OPENSSH PRIVATE KEY-----/.test(pem)) return validateOpenSshKey(pem);
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(pem)) return validatePgpBlock(pem);
  try {
    return { valid: true, detail: describeKey(pem) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MISSING_PASSPHRASE' || /ENCRYPTED/.test(pem)) {
      return { valid: true, detail: 'encrypted private key (passphrase-protected)' };
    }
    return { valid: false, reason: 'does not parse as a private key' };
  }
}

function readString(buf: Buffer, at: number): [Buffer, number] {
  if (at + 4 > buf.length) throw new Error('truncated');
  const len = buf.readUInt32BE(at);
  if (at + 4 + len > buf.length) throw new Error('truncated');
  return [buf.subarray(at + 4, at + 4 + len), at + 4 + len];
}

/** openssh-key-v1: magic, cipher, kdf, kdf options, key count, then the public key blob. */
export function validateOpenSshKey(pem: string): Validation {
  const body = pem
    .replace(/-----(?:BEGIN|END) OPENSSH PRIVATE KEY-----/g, '')
    .replace(/\s+/g, '');
  const buf = Buffer.from(body, 'base64');
  const magic = 'openssh-key-v1\0';
  if (buf.subarray(0, magic.length).toString('latin1') !== magic) {
    return { valid: false, reason: 'not an openssh-key-v1 structure' };
  }
  try {
    let at = magic.length;
    let cipher: Buffer;
    [cipher, at] = readString(buf, at);
    [, at] = readString(buf, at); // kdf name
    [, at] = readString(buf, at); // kdf options
    const count = buf.readUInt32BE(at);
    at += 4;
    if (count < 1 || count > 16) return { valid: false, reason: 'implausible key count' };
    const [pub] = readString(buf, at);
    const [keyType] = readString(pub, 0);
    const cipherName = cipher.toString('latin1');
    const enc = cipherName === 'none' ? '' : `, encrypted (${cipherName})`;
    return { valid: true, detail: `parsed OpenSSH ${keyType.toString('latin1')}${enc}` };
  } catch {
    return { valid: false, reason: 'truncated openssh key' };
  }
}

/** An armored PGP secret key starts with a packet tagged 5 (secret key). */
export function validatePgpBlock(pem: string): Validation {
  const lines = pem.split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith('-----BEGIN PGP PRIVATE KEY BLOCK-----'));
  const body: string[] = [];
  let inHeaders = true;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('-----END')) break;
    if (inHeaders) {
      if (line === '') inHeaders = false;
      else if (!line.includes(':')) {
        inHeaders = false;
        body.push(line);
      }
      continue;
    }
    if (line.startsWith('=')) break; // CRC24 line
    body.push(line);
  }
  const buf = Buffer.from(body.join(''), 'base64');
  if (buf.length < 16) return { valid: false, reason: 'empty PGP block' };
  const first = buf[0] ?? 0;
  if ((first & 0x80) === 0) return { valid: false, reason: 'not an OpenPGP packet' };
  const tag = first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
  return tag === 5
    ? { valid: true, detail: 'parsed OpenPGP secret key packet' }
    : { valid: false, reason: `OpenPGP packet tag ${tag} is not a secret key` };
}
