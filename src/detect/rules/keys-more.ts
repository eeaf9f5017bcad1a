import { defineRules } from '../rule.js';
import { validateAgeKey } from '../validators/bech32.js';
import { validatePgpBlock } from '../validators/keys.js';

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

export const keyExtraRules = defineRules([
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
        '# created: 2024-05-01\nAGE-SECRET-KEY-1EFWNQ9N5UGAVXNVXQ6JADCGYWGU5QZJG8PQJELSXYA9ZVNYNEF7QW36CD4',
        'SOPS_AGE_KEY=AGE-SECRET-KEY-1MT4EQJRC33Z3ZH3LX9M3C3XHXCW3AETP6LTVCKETAD0UMMKSWV6QYER7NA',
      ],
      negative: [
        // one character changed: the checksum fails
        'SOPS_AGE_KEY=AGE-SECRET-KEY-1MT4EQJRC33Z3ZH3LX9M3C3XHXCW3AETP6LTVCKETAD0UMMKSWV6QYER7NQ',
        'AGE-SECRET-KEY-1 is the prefix of age identities',
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
      positive: [PGP_BLOCK, `signing_key: |\n  ${PGP_BLOCK.replace(/\n/g, '\n  ')}`],
      negative: [
        '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n...paste your key here...\n-----END PGP PRIVATE KEY BLOCK-----',
        PGP_BLOCK.replace('lFgE', 'mDME').replace('PRIVATE KEY BLOCK', 'PRIVATE KEY BLOCK'),
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
      positive: [PUTTY_KEY, PUTTY_KEY.replace('File-3', 'File-2').replace('Encryption: none', 'Encryption: aes256-cbc')],
      negative: ['PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n', 'Save the key as a PuTTY-User-Key-File-3 (.ppk)'],
    },
  },
]);
