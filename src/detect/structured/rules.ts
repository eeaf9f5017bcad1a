import { defineRules, type PositiveExample, type Rule } from '../rule.js';

// Metadata for every rule id the structured stage emits. The stage finds these by parsing the
// file (see index.ts), not by `pattern`: the matcher never runs these patterns and the prefilter
// never schedules them (keywords: []). Each pattern only documents the shape, and names the
// `secret` group as every rule must.
//
// The examples are assembled from pieces (and base64 encoded at load time) so that this source
// file holds no contiguous credential assignment for nhiscan's scan of its own repository.

const j = (...parts: string[]) => parts.join('');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** A positive example whose secret is the value after the last `=`, `: ` or inside the last quotes. */
const ex = (text: string, secret: string): PositiveExample => ({ text, secret });
/** A positive example whose secret is decoded from `encoded`, the part of the text it is reported at. */
const decoded = (text: string, secret: string, encoded: string): PositiveExample => ({ text, secret, encoded });

const PASSWORD_REVOKE = 'Change the password at its system of record, then load it from a secret store or the environment instead of the file.';
const ROTATE_REVOKE = 'Rotate the credential at its provider, then load it from a secret store or the environment instead of the file.';

export const structuredRules: Rule[] = defineRules([
  {
    id: 'config-password',
    title: 'Password in a configuration file',
    severity: 'medium',
    provider: 'generic',
    keywords: [],
    structured: true,
    pattern: /(?<key>[A-Za-z0-9_.-]{0,64}(?:password|passwd|pass|pwd|passphrase))["']?\s{0,4}[=:]\s{0,4}["']?(?<secret>[^\s"']{3,256})/i,
    nhi: ['NHI2'],
    revoke: PASSWORD_REVOKE,
    examples: {
      path: '.env',
      positive: [ex(j('DB_PASS', 'WORD=Winter', '2024'), j('Winter', '2024')), ex(j("export SMTP_PA", "SS='kittens", "77'"), j('kittens', '77'))],
      negative: [j('DB_PASS', 'WORD=${DB_PASS', 'WORD}'), j('DB_PASS', 'WORD=change', 'me'), j('PASS', 'WORD_FILE=/run/secrets/db'), j('DB_PASS', 'WORD=')],
    },
  },
  {
    id: 'config-secret',
    title: 'Secret or private key in a configuration file',
    severity: 'medium',
    provider: 'generic',
    keywords: [],
    structured: true,
    pattern: /(?<key>[A-Za-z0-9_.-]{0,64}(?:secret|salt|private_?key|signing_?key))["']?\s{0,4}[=:]\s{0,4}["']?(?<secret>[^\s"']{8,512})/i,
    nhi: ['NHI2'],
    revoke: ROTATE_REVOKE,
    examples: {
      path: '.env',
      positive: [
        ex(j('SESSION_SEC', 'RET=pT4', 'kW9zQm2xL7vR'), j('pT4', 'kW9zQm2xL7vR')),
        // A salt is a secret only by its value: this one is random.
        ex(j("NONCE_SA", "LT='k#9Vq!2mZ&x7R", "$v4T%pW3nB8c^Y6dF1g'"), j('k#9Vq!2mZ&x7R', '$v4T%pW3nB8c^Y6dF1g')),
      ],
      negative: [j('SECRET_NAME=prod/', 'billing/db'), j('CLIENT_SEC', 'RET=${CLIENT_SEC', 'RET}'), j('SECRET_KEY_', 'LENGTH=64')],
    },
  },
  {
    id: 'config-token',
    title: 'Token in a configuration file',
    severity: 'medium',
    provider: 'generic',
    keywords: [],
    structured: true,
    pattern: /(?<key>[A-Za-z0-9_.-]{0,64}token)["']?\s{0,4}[=:]\s{0,4}["']?(?<secret>[^\s"']{8,512})/i,
    nhi: ['NHI2'],
    revoke: ROTATE_REVOKE,
    examples: {
      path: '.bash_profile',
      // The legacy 40-hex GitHub token: a hash to any rule that does not know the name.
      positive: [
        ex(j('export JIRA_API_TO', 'KEN=Qm7vR2xK9', 'pL4tZ8w'), j('Qm7vR2xK9', 'pL4tZ8w')),
        ex(j("export BUILDKITE_AGENT_TO", "KEN='Rk2vT9qLm4", "xZ7pW3nB8c'"), j('Rk2vT9qLm4', 'xZ7pW3nB8c')),
      ],
      negative: [j('export GITHUB_TO', 'KEN="$(gh auth to', 'ken)"'), j('export NEXT_PAGE_TO', 'KEN=Zm9vYmFyYmF6cXV4MTIz')],
    },
  },
  {
    id: 'config-api-key',
    title: 'API or access key in a configuration file',
    severity: 'medium',
    provider: 'generic',
    keywords: [],
    structured: true,
    pattern: /(?<key>[A-Za-z0-9_.-]{0,64}key)["']?\s{0,4}[=:]\s{0,4}["']?(?<secret>[^\s"']{16,512})/i,
    nhi: ['NHI2'],
    revoke: ROTATE_REVOKE,
    examples: {
      path: '.env',
      positive: [
        ex(j('OPENWEATHER_API_K', 'EY=4f8e2a9c7b1d3e5f', '6a0b8c2d4e6f1a3b'), j('4f8e2a9c7b1d3e5f', '6a0b8c2d4e6f1a3b')),
        ex(j('ALGOLIA_ADMIN_API_K', 'EY=3f9c1a7e5b2d', '8f604a9c1e7b3d5f28'), j('3f9c1a7e5b2d', '8f604a9c1e7b3d5f28')),
      ],
      negative: [j('RECAPTCHA_SITE_K', 'EY=6LcQ2xYpAAAAAB7dK9mZr4TvW1sN'), j('API_KEY_', 'ID=AKQ3FZ'), j('PRIMARY_K', 'EY=user_id')],
    },
  },
  {
    id: 'config-password-hash',
    title: 'Password hash in a configuration file',
    severity: 'low',
    provider: 'generic',
    keywords: [],
    structured: true,
    pattern: /(?<key>[A-Za-z0-9_.-]{0,64}(?:password|passwd|pass|hash))["']?\s{0,4}[=:]\s{0,4}["']?(?<secret>\$(?:2[aby]|5|6|apr1)\$[./A-Za-z0-9$]{8,200})/,
    nhi: ['NHI2'],
    revoke: 'Treat the password as exposed: hashes can be cracked offline. Change it, and keep the hash out of the repository.',
    examples: {
      path: 'config/users.yml',
      positive: [
        ex(j('admin:\n  pass', 'word: $2b$12$', 'R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW'), j('$2b$12$', 'R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW')),
        ex(j('ftp:\n  pass', 'word_hash: "$6$rQ8sT2vX$', 'k3Jq9LmZ7pW2xR5tV8nB4cD6fG1hK0sA"'), j('$6$rQ8sT2vX$', 'k3Jq9LmZ7pW2xR5tV8nB4cD6fG1hK0sA')),
      ],
      negative: [j('admin:\n  pass', 'word_hash_', 'algorithm: bcrypt'), j('admin:\n  pass', 'word: ${ADMIN_HASH}')],
    },
  },
  // No docker-registry-auth rule: in a Docker config.json the content rule docker-config-auth
  // (src/detect/rules/registries.ts) already reports each `auths.*.auth`, decoded to user:password,
  // and wins the span; a pull secret's encoded config is decoded and scanned like any base64. The
  // stage's docker hits are dropped by the matcher (no rule with that id is in its set).
  {
    id: 'filezilla-password',
    title: 'FileZilla saved server password (decoded)',
    severity: 'high',
    provider: 'ftp',
    keywords: [],
    structured: true,
    pattern: /<Pass(?:\s{1,4}encoding="base64")?>(?<secret>[^<]{1,512})<\/Pass>/,
    nhi: ['NHI2'],
    revoke: 'Change the FTP/SFTP account password on the server, and use FileZilla with a master password or a key instead.',
    examples: {
      path: '.config/filezilla/sitemanager.xml',
      positive: [
        decoded(
          j('<FileZilla3><Servers><Server><Host>ftp.corp.example.net</Host><User>deploy</User><Pass encoding="base64">', b64(j('Lq7', 'vZ2kP9x')), '</Pass></Server></Servers></FileZilla3>'),
          j('Lq7', 'vZ2kP9x'),
          b64(j('Lq7', 'vZ2kP9x')),
        ),
        ex(j('<FileZilla3>\n<RecentServers>\n<Server>\n<Host>10.0.4.12</Host>\n<User>www</User>\n<Pass>', 'sunflower', '88</Pass>\n</Server>\n</RecentServers>\n</FileZilla3>'), j('sunflower', '88')),
      ],
      negative: [
        '<FileZilla3><Servers><Server><Host>ftp.corp.example.net</Host><User>anonymous</User><Pass encoding="base64"></Pass></Server></Servers></FileZilla3>',
        '<FileZilla3><Servers><Server><Host>ftp.corp.example.net</Host><Logontype>2</Logontype></Server></Servers></FileZilla3>',
      ],
    },
  },
]);
