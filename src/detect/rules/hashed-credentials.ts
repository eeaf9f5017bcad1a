// Password hashes that leak credentials: they can be cracked offline, and weak passwords fall
// fast. Reported at low severity, as hashed credentials, not as secrets in the clear.
//
// Quiet on ordinary code: a crypt(3) hash in source is a test vector inside a string literal
// ("$6$saltstring$…"), never a line that starts with `user:` and ends the field there. The line
// rule is anchored on exactly that record shape (shadow, passwd, proftpd/pure-ftpd passwd files,
// .htpasswd), so it fires in those files whatever their name and not in code. Hashes in SQL are
// only looked for in database dumps (by path): in code a bcrypt literal is a seeder or fixture.
import { defineRules, type MatchContext, type Validation } from '../rule.js';
import { isDocumentedExample } from '../placeholder.js';

// The crypt(3) families and Apache's, each with its exact encoded length (a wrong length is not
// a hash those tools wrote). Salt and hash use the crypt alphabet ./0-9A-Za-z.
const C = '[./0-9A-Za-z]';
const CRYPT_HASHES = [
  `\\$(?:1|apr1)\\$${C}{1,8}\\$${C}{22}`, // MD5-crypt, Apache MD5
  `\\$5\\$(?:rounds=[0-9]{1,9}\\$)?${C}{1,16}\\$${C}{43}`, // SHA-256-crypt
  `\\$6\\$(?:rounds=[0-9]{1,9}\\$)?${C}{1,16}\\$${C}{86}`, // SHA-512-crypt
  `\\$2[abxy]?\\$[0-9]{2}\\$${C}{53}`, // bcrypt
  `\\$y\\$${C}{1,16}\\$${C}{1,86}\\$${C}{43}`, // yescrypt (Debian 11+, Fedora 35+ default)
].join('|');

/** The hash's last field (salt and digest), without the "$id$" prefix the placeholder filter reads as a template. */
function digest(hash: string): string {
  return hash.slice(hash.lastIndexOf('$') + 1).replace(/^\{SHA\}/, '');
}

/**
 * The shared placeholder filter reads "..." as an ellipsis, but "." is in the crypt alphabet and
 * real digests hold "..." now and then: only words, runs and low variety mark a made-up hash here.
 */
function placeholderDigest(body: string): boolean {
  return isDocumentedExample(body) || /x{4}|(.)\1{7}|example|placeholder|redacted|changeme|hash/i.test(body) || new Set(body).size < 8;
}

function validateHash(hash: string, ctx: MatchContext): Validation {
  const body = digest(hash);
  if (placeholderDigest(body)) return { valid: false, reason: 'placeholder hash' };
  const kind = hash.startsWith('{SHA}') ? 'SHA-1' : hash.startsWith('$apr1$') ? 'Apache MD5' : hash.startsWith('$2') ? 'bcrypt' : 'crypt(3)';
  const user = ctx.groups.user;
  return user ? { valid: true, detail: `${kind} password hash for user ${user}`, identifier: user } : { valid: true, detail: `${kind} password hash` };
}

export const hashedCredentialRules = defineRules([
  {
    id: 'password-hash-line',
    title: 'Hashed credential: user:hash line (shadow, passwd, ftpd passwd, .htpasswd)',
    severity: 'low',
    provider: 'unix',
    keywords: ['$1$', '$apr1$', '$5$', '$6$', '$2$', '$2a$', '$2b$', '$2x$', '$2y$', '$y$', '{sha}'],
    // `user:` at the start of a line, an optional "!" (locked, hash kept), the hash, then the
    // next field (":") or the end of the line (.htpasswd, chpasswd input).
    pattern: new RegExp(`^(?<user>[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}):!?(?<secret>${CRYPT_HASHES}|\\{SHA\\}[A-Za-z0-9+/]{27}=)(?=:|[ \\t]{0,8}\\r?$)`, 'm'),
    // "$y$…", "$apr1$…" start like a shell variable to the shared placeholder filter; validateHash judges the digest.
    allowPlaceholders: true,
    validate: validateHash,
    revoke: 'The hash can be cracked offline: change that account\'s password everywhere it was reused, and keep the file out of the repository.',
    examples: {
      path: 'etc/shadow',
      positive: [
        { text: 'root:$6$Nk4pQ8rZ$/jhTbLcfcj3QrHiKhJfMrkpPYUtJOcdZFq8edlk8D6JK4n94GDlYNPuZHeYDxCuxCBxtln9yeDB5zaj4RGuDf1:19645:0:99999:7:::', secret: '$6$Nk4pQ8rZ$/jhTbLcfcj3QrHiKhJfMrkpPYUtJOcdZFq8edlk8D6JK4n94GDlYNPuZHeYDxCuxCBxtln9yeDB5zaj4RGuDf1' },
        { text: 'deploy:$y$j9T$hc3cPNKdL1x87kH3x2cVcX$NbeVKkHYxovw8BFLjIlW1208saJ2agJfnmgagG6TMbE:19700:0:99999:7:::', secret: '$y$j9T$hc3cPNKdL1x87kH3x2cVcX$NbeVKkHYxovw8BFLjIlW1208saJ2agJfnmgagG6TMbE' },
        { text: 'ftpuser:$1$Qx9vB3$OuzvsKlfvJRE0ZhdjJQAx/:2001:2001::/srv/ftp/ftpuser:/bin/false', secret: '$1$Qx9vB3$OuzvsKlfvJRE0ZhdjJQAx/' },
        { text: 'admin:$apr1$Vf2kR8mW$Sl4.ICvsi7kBDxttHhuaw1', secret: '$apr1$Vf2kR8mW$Sl4.ICvsi7kBDxttHhuaw1' },
        { text: 'staging:{SHA}LLYqNgRx6zjW5TebVMpsRZxqxs8=', secret: '{SHA}LLYqNgRx6zjW5TebVMpsRZxqxs8=' },
        { text: 'ops:$2y$10$Ra1hTw5.kkrFRcQPhN5wUuagLoHwmrCJ3LWJ9DrLmks5afPWDynqC', secret: '$2y$10$Ra1hTw5.kkrFRcQPhN5wUuagLoHwmrCJ3LWJ9DrLmks5afPWDynqC' },
        { text: 'backup:$5$rounds=5000$Jw7mT2$vzOn.gYlp3Rmc7YspRUnyY.g4EZLB9qLQbMXvYPyPCD:19645::::::', secret: '$5$rounds=5000$Jw7mT2$vzOn.gYlp3Rmc7YspRUnyY.g4EZLB9qLQbMXvYPyPCD' },
      ],
      negative: [
        // A test vector in source: quoted, not a record.
        "    ('$6$Nk4pQ8rZ$/jhTbLcfcj3QrHiKhJfMrkpPYUtJOcdZFq8edlk8D6JK4n94GDlYNPuZHeYDxCuxCBxtln9yeDB5zaj4RGuDf1', 'Bl4ck'),",
        'const hash = "$2y$10$Ra1hTw5.kkrFRcQPhN5wUuagLoHwmrCJ3LWJ9DrLmks5afPWDynqC";',
        // One character short of a SHA-512-crypt digest.
        'root:$6$Nk4pQ8rZ$/jhTbLcfcj3QrHiKhJfMrkpPYUtJOcdZFq8edlk8D6JK4n94GDlYNPuZHeYDxCuxCBxtln9yeDB5zaj4RGuDf:19645:0:99999:7:::',
        // Followed by more hash characters: not where the field ends.
        'admin:$apr1$Vf2kR8mW$Sl4.ICvsi7kBDxttHhuaw1x',
        'root:*:19645:0:99999:7:::',
        'root:!:19645:0:99999:7:::',
        'user:$6$salt$xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx:19645::::::',
      ],
    },
  },
  {
    id: 'htpasswd-des-crypt',
    title: 'Hashed credential: DES-crypt password in .htpasswd',
    severity: 'low',
    provider: 'http',
    // Gated by the path (the prefilter does not schedule path rules by keyword); ":" documents the shape.
    keywords: [':'],
    // 13 characters of the crypt alphabet say nothing alone: only in an htpasswd file.
    paths: /(?:^|\/)\.?htpasswd(?:[._-][A-Za-z0-9]{1,16})?$/,
    pattern: /^(?<user>[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}):(?<secret>[./0-9A-Za-z]{13})[ \t]{0,8}\r?$/m,
    minEntropy: 2.8,
    validate: validateHash,
    revoke: 'DES-crypt keeps only 8 characters and cracks in minutes: change that password, and re-hash with `htpasswd -B`.',
    examples: {
      path: 'site/.htpasswd',
      positive: [
        { text: 'admin:Xa93nLZB3pZ1A', secret: 'Xa93nLZB3pZ1A' },
        { text: '# staging users\nguest:Xa93nLZB3pZ1A\n', secret: 'Xa93nLZB3pZ1A' },
      ],
      negative: ['admin:Xa93nLZB3pZ1', 'admin:Xa93nLZB3pZ1AQ', 'admin:xxxxxxxxxxxxx'],
    },
  },
  {
    id: 'sql-dump-password-hash',
    title: 'Hashed credential in a database dump',
    severity: 'low',
    provider: 'database',
    // Gated by the path; the keywords document the hash prefixes it knows.
    keywords: ['$2a$', '$2b$', '$2y$', '$p$', '$h$', 'pbkdf2_', '$argon2', '$1$', '$5$', '$6$', '$y$'],
    paths: /\.(?:sql|dump|psql|pgsql|mysql)$/i,
    // A column value, quoted (INSERT) or between tabs (pg_dump COPY): bcrypt (Laravel, Rails, Django), phpass (WordPress, phpBB, Drupal 7),
    // Django PBKDF2, argon2 and the crypt(3) families.
    pattern: new RegExp(
      `(?<![^\\t\\n'"])(?<secret>${CRYPT_HASHES}|\\$[PH]\\$${C}{31}|pbkdf2_sha(?:1|256)\\$[0-9]{1,7}\\$[A-Za-z0-9]{1,64}\\$[A-Za-z0-9+/]{27,88}={0,2}|\\$argon2(?:id|i|d)\\$v=[0-9]{1,3}\\$m=[0-9]{1,8},t=[0-9]{1,4},p=[0-9]{1,3}\\$[A-Za-z0-9+/]{8,88}\\$[A-Za-z0-9+/]{16,172})(?![^\\t\\r\\n'"])`,
    ),
    allowPlaceholders: true,
    validate: validateHash,
    revoke: 'Force a password reset for the users in the dump, and keep production dumps out of the repository.',
    examples: {
      path: 'backups/prod-2024-03-01.sql',
      positive: [
        { text: "INSERT INTO `users` VALUES (1,'admin','ops@corp-internal.net','$2y$10$TciAycC3Y34bNviF/QmnguhWGVwHzft7Z6VPE63cxs/5UMvzXnjMe','2024-03-01');", secret: '$2y$10$TciAycC3Y34bNviF/QmnguhWGVwHzft7Z6VPE63cxs/5UMvzXnjMe' },
        { text: "INSERT INTO `wp_users` VALUES (1,'admin','$P$BAIDLkiZ1pU9zswZOm/4/nJBa/9TsNL','admin');", secret: '$P$BAIDLkiZ1pU9zswZOm/4/nJBa/9TsNL' },
        { text: 'COPY public.auth_user (id, password, username) FROM stdin;\n1\tpbkdf2_sha256$260000$xgYEdC5ZZXbA2sqdPrJWXt$eKzYLc7j+VKx0w94Vu8qRxO6ILXo8NkN2rRZt5gfxx0=\tlee\n\\.\n', secret: 'pbkdf2_sha256$260000$xgYEdC5ZZXbA2sqdPrJWXt$eKzYLc7j+VKx0w94Vu8qRxO6ILXo8NkN2rRZt5gfxx0=' },
        { text: "(2,'pbkdf2_sha256$600000$Zk3jQm9pLx2wVb8n$Rm5PbN2kQ8xJ4vT7wY1zC3dF6gH9jK0lM2nB4vC6xZ8=','2024-01-01')", secret: 'pbkdf2_sha256$600000$Zk3jQm9pLx2wVb8n$Rm5PbN2kQ8xJ4vT7wY1zC3dF6gH9jK0lM2nB4vC6xZ8=' },
      ],
      negative: [
        "INSERT INTO `users` VALUES (1,'admin','$2y$10$TciAycC3Y34bNviF/QmnguhWGVwHzft7Z6VPE63cxs/5UMvzXnjM');",
        "INSERT INTO `wp_users` VALUES (1,'admin','$P$BAIDLkiZ1pU9zswZOm/4/nJBa/9TsNLx','admin');",
        "INSERT INTO `users` VALUES (1,'admin','$2y$10$xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');",
      ],
    },
  },
]);
