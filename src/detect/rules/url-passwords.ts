// URLs that carry a password where urls.ts does not look: an empty user name (Redis, which has
// no users before ACLs, so `redis://:pw@host` is its usual form, and any other scheme written
// the same way), and user:password URLs of services that are neither databases nor HTTP/FTP.
import { defineRules, type MatchContext, type Validation } from '../rule.js';
import { validateUrlPassword } from '../validators/structured.js';

// Passwords printed in the Redis and Docker image documentation, copied into countless examples.
const DOCUMENTED = new Set(['foobared', 'mypassword', 'yourpassword', 'redispassword', 'pass123']);

/**
 * The test vectors of URL parsers (curl's test suite: `imap://user:pass;word@host`,
 * `http://:emptyuser@host`, `p4ssw0rd`) are words, the word "password" in leetspeak, or a word
 * followed by IMAP's `;AUTH=` options: none is a leaked password.
 */
function testVectorPassword(password: string): string | null {
  const bare = password.split(';')[0]!;
  const plain = bare.toLowerCase().replace(/[4@]/g, 'a').replace(/0/g, 'o').replace(/3/g, 'e').replace(/[1!]/g, 'i').replace(/[5$]/g, 's');
  if (/pass|secret|^pw$|^pwd$/.test(plain)) return 'the word "password", spelled some way';
  if (/^[a-z]{1,12}$/.test(bare)) return 'a lower-case word';
  return null;
}

function validateServiceUrl(password: string, ctx: Pick<MatchContext, 'groups'>): Validation {
  const vector = testVectorPassword(password);
  return vector ? { valid: false, reason: vector } : validateUrlPassword(password, ctx);
}

function validateNoUser(password: string, ctx: Pick<MatchContext, 'groups'>): Validation {
  if (DOCUMENTED.has(password.toLowerCase())) return { valid: false, reason: 'documentation example password' };
  // "http://:8080@proxy": a port written in the wrong place, not a password.
  if (/^[0-9]{1,5}$/.test(password)) return { valid: false, reason: 'a port number' };
  return validateServiceUrl(password, ctx);
}

export const urlPasswordRules = defineRules([
  {
    id: 'url-password-no-user',
    title: 'URL with a password and no user name',
    severity: 'high',
    provider: 'url',
    // The empty user is the evidence, and it is in every match: "scheme://:".
    keywords: ['://:'],
    pattern: /(?<scheme>[A-Za-z][A-Za-z0-9+.-]{1,31}):\/\/:(?<secret>[^\s:/?#@'"`<>]{3,256})@(?<host>\[[0-9A-Fa-f:.]{2,64}\]|[A-Za-z0-9._-]{1,253})/,
    validate: validateNoUser,
    revoke: 'Change the password on the server (Redis: CONFIG SET requirepass / ACL SETUSER) and read the URL from a secret store.',
    examples: {
      positive: [
        { text: 'REDIS_URL=redis://:GHTzefu4BEft8B@cache.prod.internal:6379/0', secret: 'GHTzefu4BEft8B' },
        { text: 'broker_url: "amqp://:YBA6MbYexkjAMM@mq.corp-internal.net:5672//"', secret: 'YBA6MbYexkjAMM' },
        { text: 'MONGO_URI=mongodb+srv://:nFkMr8c5JDChaC@cluster0.ab1cd.mongodb.net/app', secret: 'nFkMr8c5JDChaC' },
        { text: 'CELERY_RESULT_BACKEND=rediss://:8NEX8EwifBBMN9@[fd00::12]:6380/1', secret: '8NEX8EwifBBMN9' },
      ],
      negative: [
        'REDIS_URL=redis://:${REDIS_PASSWORD}@cache:6379/0',
        'redis-cli -u redis://:foobared@localhost:6379',
        'REDIS_URL=redis://:@cache:6379/0',
        'REDIS_URL=redis://:pw@cache:6379/0',
        'see http://:8080@proxy for the port syntax',
        'DATABASE_URL=sqlite://:memory:',
        // near miss: a URL parser's test vector, a word where the password goes
        '{ "http://:emptyuser@host/", "http://host/" },',
      ],
    },
  },
  {
    id: 'service-url-password',
    title: 'Service URL with embedded password',
    severity: 'high',
    provider: 'url',
    keywords: ['smtp://', 'smtps://', 'imap://', 'imaps://', 'pop3://', 'pop3s://', 'sftp://', 'ftps://', 'ssh://', 'ldap://', 'ldaps://', 'mqtt://', 'mqtts://', 'nats://', 'kafka://', 'memcached://', 'couchdb://', 'neo4j', 'bolt://', 'clickhouse://', 'influxdb://', 'rsync://', 'svn://', 'svn+ssh://', 'git+ssh://'],
    // The lookbehind keeps "xsmtp://" from matching as "smtp://".
    pattern:
      /(?<![A-Za-z0-9+.-])(?<scheme>smtps?|imaps?|pop3s?|sftp|ftps|ssh|ldaps?|mqtts?|nats|kafka|memcached|couchdb|neo4j(?:\+s{1,2}c?)?|bolt|clickhouse|influxdb|rsync|svn(?:\+ssh)?|git\+ssh):\/\/(?<user>[^\s:/@'"`]{1,128}):(?<secret>[^\s:/@'"`]{3,256})@(?<host>[A-Za-z0-9.-]{1,253})/i,
    validate: validateServiceUrl,
    revoke: 'Change the account password on that service and read the URL from a secret store.',
    examples: {
      positive: [
        { text: 'EMAIL_URL=smtps://mailer%40corp.net:oc2PmRKmNHSVRg@smtp.corp-internal.net:465', secret: 'oc2PmRKmNHSVRg' },
        { text: 'set smtp_url = "smtp://ops:UFhnjFE4EAAdy5@mail.corp-internal.net:587/"', secret: 'UFhnjFE4EAAdy5' },
        { text: 'NEO4J_URI=neo4j+s://neo4j:GHTzefu4BEft8B@a1b2c3.databases.neo4j.io', secret: 'GHTzefu4BEft8B' },
        { text: 'LDAP_URI=ldaps://cn=admin:YBA6MbYexkjAMM@ldap.corp-internal.net', secret: 'YBA6MbYexkjAMM' },
      ],
      negative: [
        // near misses: curl's URL-parser test vectors (a word and IMAP options, "password" in leetspeak)
        '{"imap://user:pass;word@host/file",',
        '"imaps://user:p4ssw0rd;updated@host/",',
        'EMAIL_URL=smtp://user:password@localhost:25',
        'EMAIL_URL=smtp://mailer:${SMTP_PASSWORD}@smtp.corp.net:587',
        'git clone ssh://git@github.com/org/repo.git',
        'url = "xsmtp://ops:UFhnjFE4EAAdy5@mail.corp-internal.net"',
      ],
    },
  },
]);
