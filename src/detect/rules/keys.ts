// Private keys and signed tokens that belong to no one provider: PEM, OpenSSH, PGP, PuTTY, age, JWT.
import { defineRules } from '../rule.js';
import { validateJwt } from '../validators/jwt.js';
import { validateAgeKey } from '../validators/bech32.js';
import { validatePemKey, validatePgpBlock } from '../validators/keys.js';

const EC_PKCS8 = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwK4tIreJ2n7Ui2Z2
mhVpvtCmhnYU+Pdzdn+J26UeZt6hRANCAAR9WIiRt4dNyqHvbzJa0aD0USSkIFPG
RjeXpl0KxaxnEFPKi1heqDyy/YkhSKSBekg6uJX+VUdeD7HR23nI2kta
-----END PRIVATE KEY-----`;

const EC_SEC1 = `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIMCuLSK3idp+1ItmdpoVab7QpoZ2FPj3c3Z/idulHmbeoAoGCCqGSM49
AwEHoUQDQgAEfViIkbeHTcqh728yWtGg9FEkpCBTxkY3l6ZdCsWsZxBTyotYXqg8
sv2JIUikgXpIOriV/lVHXg+x0dt5yNpLWg==
-----END EC PRIVATE KEY-----`;

const OPENSSH_ED25519 = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACBWNpto7+q6kKMV4r9mfpcXRHMuxHP07YR5qUCUZErmzQAAAIiWiMoklojK
JAAAAAtzc2gtZWQyNTUxOQAAACBWNpto7+q6kKMV4r9mfpcXRHMuxHP07YR5qUCUZErmzQ
AAAEBVcBB3N6ePocs9vtcLD3psNqUsNDFZmbi11wBLyNXfAVY2m2jv6rqQoxXiv2Z+lxdE
cy7Ec/TthHmpQJRkSubNAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----`;

/** `text` with every line after the first indented by `n` spaces, as in a YAML block scalar. */
const indent = (text: string, n: number) => text.replace(/\n/g, `\n${' '.repeat(n)}`);

const JWT_HS256 =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtZGVwbG95IiwiaXNzIjoiaHR0cHM6Ly9hdXRoLmludGVybmFsLmV4YW1wbGUubmV0IiwiZXhwIjoxODkzNDU2MDAwfQ.rKY2w_GkhFrhcjuBLDWxQ4ylMg44DiNTWvg7SIbutWI';

const PGP_BLOCK = `-----BEGIN PGP PRIVATE KEY BLOCK-----

lFgEawXzWBYJKwYBBAHaRw8BAQdABH2A4AiIpEKbaw6IIPObu9wPSYaKaoHouROa
sCbb21sAAP4hsjKNqf3SBnkyxgFDX3bovaCaaErsJ3fWRKvXd+JCdRFftB1GaXh0
dXJlIEJvdCA8Ym90QGV4YW1wbGUub3JnPoiQBBMWCAA4FiEEuGCVBVbbY7KE5lfL
7YdmBR6cWikFAmsF81gCGwMFCwkIBwIGFQoJCAsCBBYCAwECHgECF4AACgkQ7Ydm
BR6cWinwkAEAqUGlHXZA9MZBorQPLeU9djuC/s++WxRDanc2Mu2YTpgA/14TA3g0
1vIJ44Lnjs17WsNDAN8cai7VT4jUeaQ9RekD
=W9T/
-----END PGP PRIVATE KEY BLOCK-----`;

const PUTTY_KEY = `PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: deploy@build-01
Public-Lines: 2
AAAAC3NzaC1lZDI1NTE5AAAAIFY2m2jv6rqQoxXiv2Z+lxdEcy7Ec/TthHmpQJRk
SubN
Private-Lines: 1
AAAAIFVwEHc3p4+hyz2+1wsPemw2pSw0MVmZuLXXAEvI1d8B
Private-MAC: 5c1d9c3b2a4e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8`;

export const keyRules = defineRules([
  {
    id: 'private-key',
    title: 'Private key (PEM)',
    severity: 'critical',
    provider: 'crypto',
    keywords: ['private key-----'], // the PEM header itself: prose about private keys is everywhere in TLS code
    // The body class admits JSON-escaped newlines (\n) so keys inside service-account files are found.
    // It excludes '-', so a BEGIN line with no END gives up at the next dash instead of 16 KiB later.
    pattern:
      /(?<secret>-----BEGIN (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----(?:(?:\s|\\n){1,4}[A-Za-z-]{2,20}: [A-Za-z0-9,-]{1,100}){0,4}[A-Za-z0-9+/=\s\\]{64,16384}?-----END (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----)/,
    validate: validatePemKey,
    allowPlaceholders: true,
    revoke: 'Treat the key as compromised: replace it everywhere it is trusted (authorized_keys, certificates, IAM).',
    examples: {
      positive: [
        { text: EC_PKCS8, secret: EC_PKCS8 },
        { text: `config:\n  key: |\n    ${indent(EC_SEC1, 4)}`, secret: indent(EC_SEC1, 4) },
        // In a service-account JSON file the key's newlines are escaped, and the match keeps them so.
        { text: JSON.stringify({ private_key: `${EC_PKCS8}\n` }), secret: EC_PKCS8.replace(/\n/g, '\\n') },
      ],
      negative: [
        '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----',
        '-----BEGIN PRIVATE KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=\n-----END PRIVATE KEY-----',
        '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfViIkbeHTcqh728yWtGg9FEkpCBTxkY3l6ZdCsWsZxBTyotYXqg8sv2JIUikgXpIOriV/lVHXg+x0dt5yNpLWg==\n-----END PUBLIC KEY-----',
      ],
    },
  },
  {
    id: 'openssh-private-key',
    title: 'OpenSSH private key',
    severity: 'critical',
    provider: 'ssh',
    keywords: ['openssh private key'],
    pattern: /(?<secret>-----BEGIN OPENSSH PRIVATE KEY-----[A-Za-z0-9+/=\s\\]{64,16384}?-----END OPENSSH PRIVATE KEY-----)/,
    validate: validatePemKey,
    allowPlaceholders: true,
    revoke: 'Remove the public key from every authorized_keys and deploy-key list, then generate a new pair.',
    examples: {
      positive: [
        { text: OPENSSH_ED25519, secret: OPENSSH_ED25519 },
        { text: `deploy_key: "${OPENSSH_ED25519.replace(/\n/g, '\\n')}"`, secret: OPENSSH_ED25519.replace(/\n/g, '\\n') },
      ],
      negative: [
        '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA...truncated...\n-----END OPENSSH PRIVATE KEY-----',
        '-----BEGIN OPENSSH PRIVATE KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=\n-----END OPENSSH PRIVATE KEY-----',
      ],
    },
  },
  {
    id: 'pgp-private-key',
    title: 'PGP private key block',
    severity: 'critical',
    provider: 'pgp',
    keywords: ['pgp private key block'],
    pattern: /(?<secret>-----BEGIN PGP PRIVATE KEY BLOCK-----[A-Za-z0-9+/=\s:.,()@<>_\\-]{64,65536}?-----END PGP PRIVATE KEY BLOCK-----)/,
    validate: validatePgpBlock,
    allowPlaceholders: true,
    revoke: 'Revoke the key (publish a revocation certificate) and generate a new one.',
    examples: {
      positive: [
        { text: PGP_BLOCK, secret: PGP_BLOCK },
        { text: `signing_key: |\n  ${PGP_BLOCK.replace(/\n/g, '\n  ')}`, secret: PGP_BLOCK.replace(/\n/g, '\n  ') },
      ],
      negative: [
        '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n...paste your key here...\n-----END PGP PRIVATE KEY BLOCK-----',
        // a public-key packet (mDME) inside private-key armour
        PGP_BLOCK.replace('lFgE', 'mDME'),
      ],
    },
  },
  {
    id: 'putty-private-key',
    title: 'PuTTY private key',
    severity: 'critical',
    provider: 'ssh',
    keywords: ['putty-user-key-file-'],
    pattern: /PuTTY-User-Key-File-[23]: [a-z0-9-]{3,40}\r?\nEncryption: (?<enc>[a-z0-9-]{3,20})\r?\n[^\0]{0,2000}?Private-Lines: [0-9]{1,3}\r?\n(?<secret>[A-Za-z0-9+/=\r\n]{20,8000}?)\r?\nPrivate-MAC: [0-9a-f]{40,64}/,
    validate: (_secret, ctx) => ({ valid: true, detail: `PuTTY key, encryption ${ctx.groups.enc ?? '?'}` }),
    allowPlaceholders: true,
    revoke: 'Remove the public key from every authorized_keys and generate a new pair.',
    examples: {
      positive: [
        { text: PUTTY_KEY, secret: 'AAAAIFVwEHc3p4+hyz2+1wsPemw2pSw0MVmZuLXXAEvI1d8B' },
        { text: PUTTY_KEY.replace('File-3', 'File-2').replace('Encryption: none', 'Encryption: aes256-cbc'), secret: 'AAAAIFVwEHc3p4+hyz2+1wsPemw2pSw0MVmZuLXXAEvI1d8B' },
      ],
      negative: ['PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n', 'Save the key as a PuTTY-User-Key-File-3 (.ppk)'],
    },
  },
  {
    id: 'age-secret-key',
    title: 'age secret key',
    severity: 'critical',
    provider: 'age',
    keywords: ['age-secret-key-1'],
    pattern: /(?<![A-Za-z0-9])(?<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Za-z0-9])/,
    validate: validateAgeKey,
    revoke: 'Generate a new identity with age-keygen and re-encrypt everything to the new recipient.',
    examples: {
      positive: [
        { text: '# created: 2024-05-01\nAGE-SECRET-KEY-1EFWNQ9N5UGAVXNVXQ6JADCGYWGU5QZJG8PQJELSXYA9ZVNYNEF7QW36CD4', secret: 'AGE-SECRET-KEY-1EFWNQ9N5UGAVXNVXQ6JADCGYWGU5QZJG8PQJELSXYA9ZVNYNEF7QW36CD4' },
        { text: 'SOPS_AGE_KEY=AGE-SECRET-KEY-1MT4EQJRC33Z3ZH3LX9M3C3XHXCW3AETP6LTVCKETAD0UMMKSWV6QYER7NA', secret: 'AGE-SECRET-KEY-1MT4EQJRC33Z3ZH3LX9M3C3XHXCW3AETP6LTVCKETAD0UMMKSWV6QYER7NA' },
      ],
      negative: [
        // one character changed: the checksum fails
        'SOPS_AGE_KEY=AGE-SECRET-KEY-1MT4EQJRC33Z3ZH3LX9M3C3XHXCW3AETP6LTVCKETAD0UMMKSWV6QYER7NQ',
        'AGE-SECRET-KEY-1 is the prefix of age identities',
      ],
    },
  },
  {
    id: 'jwt',
    title: 'JSON Web Token',
    severity: 'medium',
    provider: 'jwt',
    keywords: ['eyj'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{0,1024})(?![A-Za-z0-9_.-])/,
    validate: (s) => validateJwt(s),
    allowPlaceholders: true,
    revoke: 'Rotate the signing key or revoke the session at the issuer; the token stays valid until it expires.',
    examples: {
      positive: [
        { text: `Authorization: Bearer ${JWT_HS256}`, secret: JWT_HS256 },
        { text: `{"id_token": "${JWT_HS256}"}`, secret: JWT_HS256 },
      ],
      negative: ['eyJhbGciOiJIUzI1NiJ9.eyJub3Rqc29u.c2ln', 'token = eyJ...truncated'],
    },
  },
]);
