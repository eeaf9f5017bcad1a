import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Matcher } from '../src/detect/matcher.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { awsAccountFromKeyId, validateAwsKeyId } from '../src/detect/validators/aws.js';
import { base62, crc32TokenChecksum, withCrc32Checksum } from '../src/detect/validators/checksum.js';
import { validateJwt } from '../src/detect/validators/jwt.js';
import { validateOpenSshKey, validatePemKey } from '../src/detect/validators/keys.js';
import { awsKeyId, githubToken } from './helpers/secrets.js';

describe('CRC32 token checksum', () => {
  it('accepts tokens built with a valid checksum and rejects one changed character', () => {
    const check = crc32TokenChecksum('ghp_');
    for (let i = 0; i < 50; i++) {
      const token = githubToken();
      expect(check(token).valid).toBe(true);
      const flipped = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
      expect(check(flipped).valid).toBe(false);
    }
  });

  it('pads the base62 checksum to six characters', () => {
    expect(base62(0, 6)).toBe('000000');
    expect(base62(61, 6)).toBe('00000z');
    expect(withCrc32Checksum('npm_', 'a'.repeat(30))).toHaveLength(40);
  });
});

describe('AWS key id to account', () => {
  it('decodes the account encoded in generated key ids', () => {
    for (const account of ['000000000001', '123456789012', '493820157462', '999999999999']) {
      expect(awsAccountFromKeyId(awsKeyId(account))).toBe(account);
      expect(awsAccountFromKeyId(awsKeyId(account, 'ASIA'))).toBe(account);
    }
  });

  it('decodes the publicly documented example', () => {
    // The example used in public write-ups of the encoding.
    expect(awsAccountFromKeyId('AKIAQYLPMN5HHHFPZAM2')).toBe('052310077262');
  });

  it('does not decode legacy AKIAI/AKIAJ ids but still reports them', () => {
    expect(awsAccountFromKeyId('AKIAJ2EXAMPLEKEYABCD')).toBeNull();
    const v = validateAwsKeyId('AKIAIXXY2DDEZ6OTHJRQ');
    expect(v.valid && v.detail).toMatch(/legacy/);
  });
});

describe('private key parsing', () => {
  it('parses RSA, EC and Ed25519 PEM keys and reports their size or curve', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(validatePemKey(rsa)).toEqual({ valid: true, detail: 'parsed RSA 2048' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(validatePemKey(ec)).toEqual({ valid: true, detail: 'parsed EC secp384r1' });
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(validatePemKey(ed).valid).toBe(true);
  });

  it('reports passphrase-protected keys as encrypted rather than dropping them', () => {
    const enc = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    expect(validatePemKey(enc)).toEqual({ valid: true, detail: 'encrypted private key (passphrase-protected)' });
  });

  it('matches traditional encrypted PEM with Proc-Type and DEK-Info headers', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' })
      .toString();
    expect(pem).toMatch(/Proc-Type: 4,ENCRYPTED/);
    const { matches } = new Matcher(builtinRules.filter((r) => r.id === 'private-key')).scan(`key: |\n${pem}`);
    expect(matches.map((m) => m.validation)).toEqual(['encrypted private key (passphrase-protected)']);
  });

  it('rejects a truncated body', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const lines = rsa.split('\n');
    const truncated = [...lines.slice(0, 4), lines[lines.length - 2]].join('\n');
    expect(validatePemKey(truncated).valid).toBe(false);
  });

  it('parses OpenSSH keys made by ssh-keygen when it is available', () => {
    let key: string;
    try {
      const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${dir}/k`]);
      key = execFileSync('cat', [`${dir}/k`], { encoding: 'utf8' });
    } catch {
      return; // no ssh-keygen on this machine; the rule examples still cover a fixed key
    }
    expect(validateOpenSshKey(key)).toEqual({ valid: true, detail: 'parsed OpenSSH ssh-ed25519' });
  });
});

describe('JWT', () => {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  it('decodes header and payload and says whether it expired', () => {
    const t = `${enc({ alg: 'RS256' })}.${enc({ iss: 'ci', exp: 1 })}.sig`;
    expect(validateJwt(t)).toEqual({ valid: true, detail: 'JWT alg=RS256, iss=ci, expired 1970-01-01' });
  });
  it('rejects a payload that is not JSON', () => {
    expect(validateJwt(`${enc({ alg: 'none' })}.bm90anNvbg.`).valid).toBe(false);
  });
});
