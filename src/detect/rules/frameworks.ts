// Secrets that web frameworks generate into their own settings files. Each rule keys on the
// framework's own setting name and on the shape its generator produces, so it stays quiet on
// code that merely reads the setting.
import { defineRules, type MatchContext, type Validation } from '../rule.js';
import { validateConnStringPassword } from '../validators/structured.js';

/**
 * Generated keys use alphabets full of punctuation ("$(", "<…>", "%s"), which the shared
 * placeholder filter reads as templates: a quarter of real WordPress salts hold a "<" before a
 * ">". These rules opt out of it and reject placeholders by their words and by low variety.
 */
function generatedKey(value: string): Validation {
  if (/example|sample|placeholder|changeme|change[_ -]?me|unique phrase|your[_ -]|secret[_ -]?key[_ -]?here|xxxx|redacted|dummy/i.test(value)) {
    return { valid: false, reason: 'placeholder' };
  }
  if (new Set(value).size < 12) return { valid: false, reason: 'too few distinct characters to be generated' };
  return { valid: true, detail: 'generated framework secret' };
}

function validateLaravelKey(value: string): Validation {
  // "base64:" and 32 bytes: the cipher key Laravel's key:generate writes.
  return Buffer.from(value.slice('base64:'.length), 'base64').length === 32
    ? { valid: true, detail: '32-byte Laravel encryption key' }
    : { valid: false, reason: 'not a 32-byte key' };
}

function validateHexKey(value: string): Validation {
  if (/0123|1234|abcd|(.)\1{5}/i.test(value)) return { valid: false, reason: 'sequential or repeated example value' };
  return { valid: true, detail: 'generated framework secret' };
}

function validateWpDbPassword(value: string, _ctx: MatchContext): Validation {
  return validateConnStringPassword(value);
}

export const frameworkRules = defineRules([
  {
    id: 'django-secret-key',
    title: 'Django SECRET_KEY',
    severity: 'high',
    provider: 'django',
    keywords: ['secret_key'],
    // A closing quote ends the key; unquoted, the next character must not be one of its alphabet.
    // get_random_secret_key(): 50 characters of a-z0-9!@#$%^&*(-_=+), after "django-insecure-"
    // in projects made by startproject since 3.2. Also os.environ.get("SECRET_KEY", "<default>").
    pattern:
      /SECRET_KEY(?:["']?[ \t]{0,4}[=:]|["'][ \t]{0,4},)[ \t]{0,4}(?<q>["']?)(?<secret>(?:django-insecure-)?[a-z0-9!@#$%^&*(\-_=+)]{50})\k<q>(?:(?<=["'])|(?![a-z0-9!@#$%^&*(\-_=+)]))/,
    minEntropy: 4.0,
    allowPlaceholders: true,
    validate: generatedKey,
    revoke: 'Generate a new key (django.core.management.utils.get_random_secret_key), deploy it from the environment, and expect sessions and signed tokens to be invalidated.',
    examples: {
      positive: [
        { text: "SECRET_KEY = '5=9+hwxew=wpmd&@y$wx*hufnj6%d-bau4rr=71w6)^uss$*&%'", secret: '5=9+hwxew=wpmd&@y$wx*hufnj6%d-bau4rr=71w6)^uss$*&%' },
        { text: 'SECRET_KEY = "django-insecure-c(!fomnrqk52f%j2e+fb^3idw2a-gtt^$ji&(2r1j^8^odhb7a"', secret: 'django-insecure-c(!fomnrqk52f%j2e+fb^3idw2a-gtt^$ji&(2r1j^8^odhb7a' },
        { text: "SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'rsy!$w@q7q6r%^fzd77ibvxl!kvahz71sh2cz5yuue*i8j@am#')", secret: 'rsy!$w@q7q6r%^fzd77ibvxl!kvahz71sh2cz5yuue*i8j@am#' },
      ],
      negative: [
        "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']",
        "SECRET_KEY = '5=9+hwxew=wpmd&@y$wx*hufnj6%d-bau4rr=71w6)^uss$*&'",
        "SECRET_KEY = '5=9+hwxew=wpmd&@y$wx*hufnj6%d-bau4rr=71w6)^uss$*&%q'",
        "SECRET_KEY = 'django-insecure-your-secret-key-here-change-me-in-production-please'",
        "SECRET_KEY = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
      ],
    },
  },
  {
    id: 'rails-secret-key-base',
    title: 'Rails secret_key_base',
    severity: 'high',
    provider: 'rails',
    keywords: ['secret_key_base', 'secret_token'],
    // secrets.yml, credentials, initializers/secret_token.rb (Rails 3: secret_token): 128 hex from `rails secret`.
    pattern: /(?:secret_key_base|secret_token)["']?[ \t]{0,4}(?:=|:|=>)[ \t]{0,4}["']?(?<secret>[0-9a-f]{64,256})(?![0-9A-Za-z])/i,
    minEntropy: 3.5,
    validate: validateHexKey,
    revoke: 'Generate a new one with `bin/rails secret`, deploy it, and expect cookies and signed messages to be invalidated.',
    examples: {
      positive: [
        { text: 'production:\n  secret_key_base: 088f08b783306dceda9bdf7faff1722605a9c5e235fa14f8a00544f1e15b49cb0e18c71ac085ea01d6d78f579758b23cdfd713e981e74981ffbcf89ba7f4b93a', secret: '088f08b783306dceda9bdf7faff1722605a9c5e235fa14f8a00544f1e15b49cb0e18c71ac085ea01d6d78f579758b23cdfd713e981e74981ffbcf89ba7f4b93a' },
        { text: "Blog::Application.config.secret_token = 'a269e6acaf90dfda306698d813d7b7716f0851ba01273322a2bb54f244cb72023ceb4240bb1295a3090593f1db1bf93be74937035d10cf85dd4f62f4dc5e3568'", secret: 'a269e6acaf90dfda306698d813d7b7716f0851ba01273322a2bb54f244cb72023ceb4240bb1295a3090593f1db1bf93be74937035d10cf85dd4f62f4dc5e3568' },
        { text: 'SECRET_KEY_BASE=a269e6acaf90dfda306698d813d7b7716f0851ba01273322a2bb54f244cb72023ceb4240bb1295a3090593f1db1bf93be74937035d10cf85dd4f62f4dc5e3568', secret: 'a269e6acaf90dfda306698d813d7b7716f0851ba01273322a2bb54f244cb72023ceb4240bb1295a3090593f1db1bf93be74937035d10cf85dd4f62f4dc5e3568' },
      ],
      negative: [
        'production:\n  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>',
        'secret_key_base: 088f08b783306dceda9bdf7faff1722605a9c5e2',
        'SECRET_KEY_BASE=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'secret_key_base: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      ],
    },
  },
  {
    id: 'rails-master-key',
    title: 'Rails master key (decrypts credentials.yml.enc)',
    severity: 'critical',
    provider: 'rails',
    // Gated by the path: the file holds nothing but the key, so there is no keyword to look for.
    keywords: [],
    paths: /(?:^|\/)config\/(?:master|credentials\/[A-Za-z0-9_-]{1,64})\.key$/,
    pattern: /^(?<secret>[0-9a-f]{32})[ \t]{0,4}(?:\r?\n)?$/,
    minEntropy: 3.0,
    validate: validateHexKey,
    revoke: 'Run `bin/rails credentials:edit` with a new key (rotate every credential the old key could decrypt), and keep the .key file out of git.',
    examples: {
      path: 'config/master.key',
      positive: [
        { text: 'c8d970add8b5249a2273881604e87338', secret: 'c8d970add8b5249a2273881604e87338' },
        { text: 'f8bb1e0a0f5611888b691c2b09a3e16f\n', secret: 'f8bb1e0a0f5611888b691c2b09a3e16f' },
      ],
      negative: ['c8d970add8b5249a2273881604e8733', 'c8d970add8b5249a2273881604e87338f', 'c8d970add8b5249a2273881604e87338\nsecond line', '0123456789abcdef0123456789abcdef'],
    },
  },
  {
    id: 'wordpress-auth-key',
    title: 'WordPress authentication key or salt',
    severity: 'medium',
    provider: 'wordpress',
    keywords: ['auth_key', 'auth_salt', 'logged_in_key', 'logged_in_salt', 'nonce_key', 'nonce_salt'],
    // The salt service's alphabet has no quote and no backslash, but does have spaces.
    pattern:
      /define\([ \t]{0,4}(?<q1>['"])(?:SECURE_)?(?:AUTH|LOGGED_IN|NONCE)_(?:KEY|SALT)\k<q1>[ \t]{0,4},[ \t]{0,16}(?<q>['"])(?<secret>[^'"\\\r\n]{32,128})\k<q>[ \t]{0,4}\)/,
    minEntropy: 4.0,
    allowPlaceholders: true,
    validate: generatedKey,
    revoke: 'Replace all eight keys and salts (https://api.wordpress.org/secret-key/1.1/salt/); every login session is invalidated.',
    examples: {
      path: 'wp-config.php',
      positive: [
        { text: "define('AUTH_KEY',         'ljBlMZfx!R0*[x&@()p*m%-*[V,3sp6}k%k-v*NF?OS*!%&2EXJMOBL_o89-jYkN');", secret: 'ljBlMZfx!R0*[x&@()p*m%-*[V,3sp6}k%k-v*NF?OS*!%&2EXJMOBL_o89-jYkN' },
        { text: "define( 'NONCE_SALT', 'ag_s((YcL1sm55:XBlWoH0I#:^=0i,al}_CdQWvE-(xmS3TiN>JK8A)Rwj719-*,' );", secret: 'ag_s((YcL1sm55:XBlWoH0I#:^=0i,al}_CdQWvE-(xmS3TiN>JK8A)Rwj719-*,' },
        { text: "define('SECURE_AUTH_SALT', 'r^ABuS;QXsRt63c$1kY]BhE9&AEHVjbRCo/tQcyAjHlM7FfN5_Q=I2@Y%x%@[nqc');", secret: 'r^ABuS;QXsRt63c$1kY]BhE9&AEHVjbRCo/tQcyAjHlM7FfN5_Q=I2@Y%x%@[nqc' },
      ],
      negative: [
        "define('AUTH_KEY',         'put your unique phrase here');",
        "define('AUTH_KEY', 'put your unique phrase here, put your unique phrase here');",
        "define('AUTH_KEY', getenv('WORDPRESS_AUTH_KEY'));",
        "define('AUTH_KEYS', 'ljBlMZfx!R0*[x&@()p*m%-*[V,3sp6}k%k-v*NF?OS*!%&2EXJMOBL_o89-jYkN');",
      ],
    },
  },
  {
    id: 'wordpress-db-password',
    title: 'WordPress database password',
    severity: 'high',
    provider: 'wordpress',
    keywords: ['db_password'],
    // define('DB_PASSWORD', '…'): no "=" or ":", so the generic password rule cannot see it.
    pattern: /define\([ \t]{0,4}(?<q1>['"])DB_PASSWORD\k<q1>[ \t]{0,4},[ \t]{0,16}(?<q>['"])(?<secret>[^'"\\\r\n]{3,128})\k<q>[ \t]{0,4}\)/,
    validate: validateWpDbPassword,
    revoke: "Change the MySQL user's password (ALTER USER … IDENTIFIED BY) and update wp-config.php from a secret store.",
    examples: {
      path: 'wp-config.php',
      positive: [
        { text: "define('DB_PASSWORD', 'GHTzefu4BEft8B');", secret: 'GHTzefu4BEft8B' },
        { text: "define( 'DB_PASSWORD', \"w0rdpr3ss-Blog!\" );", secret: 'w0rdpr3ss-Blog!' },
      ],
      negative: [
        "define( 'DB_PASSWORD', 'password_here' );",
        "define('DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD'));",
        "define('DB_PASSWORD', 'root');",
        "define('DB_PASSWORD', '');",
      ],
    },
  },
  {
    id: 'symfony-app-secret',
    title: 'Symfony APP_SECRET',
    severity: 'high',
    provider: 'symfony',
    keywords: ['app_secret'],
    // Symfony Flex writes 32 hex characters (bin2hex(random_bytes(16))); the generic rule drops
    // 32 hex as an MD5. The value also sits in config as `secret: '%env(APP_SECRET)%'`, not matched.
    pattern: /(?<![A-Za-z0-9_])APP_SECRET["']?[ \t]{0,4}(?:=|:)[ \t]{0,4}["']?(?<secret>[0-9a-f]{32})(?![0-9A-Za-z])/,
    minEntropy: 3.0,
    validate: validateHexKey,
    revoke: 'Generate a new secret (`php -r "echo bin2hex(random_bytes(16));"`), set it in the environment or secrets vault, and expect signed URLs and remember-me cookies to be invalidated.',
    examples: {
      positive: [
        { text: 'APP_ENV=prod\nAPP_SECRET=e184ffeb5f6cd14ef6b27dbb1eef7494\n', secret: 'e184ffeb5f6cd14ef6b27dbb1eef7494' },
        { text: "    APP_SECRET: 'c8d970add8b5249a2273881604e87338'", secret: 'c8d970add8b5249a2273881604e87338' },
      ],
      negative: [
        'APP_SECRET=e184ffeb5f6cd14ef6b27dbb1eef749',
        'APP_SECRET=e184ffeb5f6cd14ef6b27dbb1eef7494e184ffeb5f6cd14ef6b27dbb1eef7494',
        "    secret: '%env(APP_SECRET)%'",
        'APP_SECRET=0123456789abcdef0123456789abcdef',
      ],
    },
  },
  {
    id: 'laravel-app-key',
    title: 'Laravel APP_KEY',
    severity: 'high',
    provider: 'laravel',
    keywords: ['app_key'],
    pattern: /APP_KEY["']?[ \t]{0,4}(?:=|,)[ \t]{0,4}["']?(?<secret>base64:[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])/,
    minEntropy: 4.0,
    validate: validateLaravelKey,
    revoke: 'Run `php artisan key:generate` on each environment; data encrypted with the old key (sessions, encrypted casts) must be re-encrypted.',
    examples: {
      positive: [
        { text: 'APP_KEY=base64:4z50G2op3esldKslHBRqA4LDvxL6gT+DU8Vy82xZtk0=', secret: 'base64:4z50G2op3esldKslHBRqA4LDvxL6gT+DU8Vy82xZtk0=' },
        { text: "'key' => env('APP_KEY', 'base64:pADxqru2psUDguTo1tXGh1WlQrbiGJniPUJkosaju10='),", secret: 'base64:pADxqru2psUDguTo1tXGh1WlQrbiGJniPUJkosaju10=' },
      ],
      negative: [
        'APP_KEY=',
        'APP_KEY=SomeRandomString',
        'APP_KEY=base64:4z50G2op3esldKslHBRqA4LDvxL6gT+DU8Vy82xZtk=',
        'APP_KEY=base64:4z50G2op3esldKslHBRqA4LDvxL6gT+DU8Vy82xZtk0=extra',
      ],
    },
  },
]);
