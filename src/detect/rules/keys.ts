import { defineRules } from '../rule.js';
import { validateJwt } from '../validators/jwt.js';
import { validatePemKey } from '../validators/keys.js';

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

const JWT_HS256 =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtZGVwbG95IiwiaXNzIjoiaHR0cHM6Ly9hdXRoLmludGVybmFsLmV4YW1wbGUubmV0IiwiZXhwIjoxODkzNDU2MDAwfQ.rKY2w_GkhFrhcjuBLDWxQ4ylMg44DiNTWvg7SIbutWI';

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
      positive: [EC_PKCS8, `config:\n  key: |\n    ${EC_SEC1.replace(/\n/g, '\n    ')}`, JSON.stringify({ private_key: EC_PKCS8 + '\n' })],
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
      positive: [OPENSSH_ED25519, `deploy_key: "${OPENSSH_ED25519.replace(/\n/g, '\\n')}"`],
      negative: [
        '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA...truncated...\n-----END OPENSSH PRIVATE KEY-----',
        '-----BEGIN OPENSSH PRIVATE KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=\n-----END OPENSSH PRIVATE KEY-----',
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
      positive: [`Authorization: Bearer ${JWT_HS256}`, `{"id_token": "${JWT_HS256}"}`],
      negative: ['eyJhbGciOiJIUzI1NiJ9.eyJub3Rqc29u.c2ln', 'token = eyJ...truncated'],
    },
  },
]);
