import { defineRules } from '../rule.js';
import { isPlaceholder } from '../placeholder.js';
import type { MatchContext, Validation } from '../rule.js';

// Assignments whose value is code, not a literal: references, calls, paths, type names.
const CODE_LIKE = /^(?:true|false|null|none|nil|undefined|required|optional|string|str|bytes|int|number|boolean|object|env|os\.|process\.|self\.|this\.|config\.|settings\.|params\.|props\.|args\.|options\.|opts\.|input\.|vars\.|secrets\.|context\.|ctx\.)/i;

const NAMES_ITSELF = /password|passwd|secret|token|apikey|api_key/i;

// Names that hold metadata about a secret, not the secret: secret_name, token_url, api_key_id.
// Also settings about how a secret is made or kept: password_hash_algorithm = "argon2id".
const METADATA_NAME = /(?:name|names|id|ids|path|file|url|uri|type|length|len|size|count|prefix|header|field|version|arn|ref|env|var|algorithm|algo|hasher|scheme|method|policy|format|encoding|rounds|cost)$/i;

// Tokens that page, deduplicate or verify rather than authenticate.
const NON_AUTH_TOKEN = /(?:next|continuation|page|pagination|change|client_?request|idempotency|sync|cancellation|verification|copy[a-z]*|csrf|xsrf|cursor|marker)[_-]?token[a-z0-9_]*$/i;

/** The whole key name: the pattern is anchored on the keyword, so walk back to the identifier's start. */
function fullName(ctx: MatchContext): { name: string; before: string } {
  // At most 80 characters of name, and the one before it.
  const from = Math.max(0, ctx.index - 81);
  const head = ctx.slice ? ctx.slice(from, ctx.index) : ctx.text.slice(from, ctx.index);
  let start = head.length;
  while (start > 0 && start > head.length - 80 && /[A-Za-z0-9_.-]/.test(head[start - 1]!)) start--;
  return { name: head.slice(start) + (ctx.groups.name ?? ''), before: head[start - 1] ?? '' };
}

function validateGeneric(value: string, ctx: MatchContext): Validation {
  const quoted = Boolean(ctx.groups.q);
  const { name, before } = fullName(ctx);
  if (METADATA_NAME.test(name) || NON_AUTH_TOKEN.test(name)) return { valid: false, reason: 'metadata about a secret' };
  // "arn:aws:secretsmanager:…:secret:name", "AWS::IAM::AccessKey": a resource name, not an assignment.
  if (before === ':') return { valid: false, reason: 'part of an ARN or type name' };
  if (value.includes('*')) return { valid: false, reason: 'wildcard pattern' };
  if (/abcd|1234|a1b2c3/i.test(value)) return { valid: false, reason: 'sequential example value' };
  if (value.startsWith('eyJ') && !value.includes('.')) return { valid: false, reason: 'base64 JSON (a cursor or state blob)' };
  if (!quoted) {
    // An unquoted value in code is usually an expression; in env files it is a literal.
    if (CODE_LIKE.test(value)) return { valid: false, reason: 'code reference' };
    if (/^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+$/i.test(value)) return { valid: false, reason: 'dotted identifier' };
    if (/^[A-Z][A-Z0-9_]*$/.test(value) || /^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(value)) return { valid: false, reason: 'identifier' };
  }
  // Lower-case words joined by separators, maybe numbered: names, slugs and keys, not credentials.
  if (/^[a-z]+(?:[/_.:-][a-z]+)*(?:[/_.:-][0-9]{1,4})?$/.test(value) && /[/_.:-]/.test(value)) {
    return { valid: false, reason: 'lower-case words, a name' };
  }
  // Words joined by separators (header names, slugs, ARN tails): every part is letters or a short number.
  const parts = value.split(/[/_.:-]+/).filter(Boolean);
  if (parts.length >= 2 && parts.every((p) => /^[A-Za-z]+$/.test(p) || /^[A-Za-z0-9]{1,4}$/.test(p))) {
    return { valid: false, reason: 'separated words, a name' };
  }
  // Letters only (an identifier, a type, an enum value), quoted or not: random secrets mix in digits.
  if (/^[A-Za-z]+[0-9]{0,4}$/.test(value)) return { valid: false, reason: 'identifier-shaped' };
  if (/^[A-Z0-9]+(?:_[A-Z0-9]+)+$/.test(value)) return { valid: false, reason: 'constant name' };
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?$/.test(value)) return { valid: false, reason: 'timestamp' };
  // Documentation values name what they stand for: "MySecret1", "SomeKindOfPassword123!".
  if (NAMES_ITSELF.test(value)) return { valid: false, reason: 'names itself' };
  // ...sometimes in base64: "bm90IG15IHJlYWwgcGFzc3dvcmQ=" is "not my real password".
  if (/^[A-Za-z0-9+/]{8,}={0,2}$/.test(value)) {
    const text = Buffer.from(value, 'base64').toString('utf8');
    const wordy = NAMES_ITSELF.test(text) || isPlaceholder(text) || /^[A-Za-z ]+[0-9]{0,4}$/.test(text);
    if (/^[\x20-\x7e]+$/.test(text) && wordy) return { valid: false, reason: 'decodes to a placeholder' };
  }
  if (/&[A-Za-z_]{1,30}=/.test(value)) return { valid: false, reason: 'query string' };
  if (/^(?:[a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{64})$/i.test(value)) return { valid: false, reason: 'looks like a hash' };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return { valid: false, reason: 'uuid' };
  if (/^(?:sha\d+|md5)[-:]/i.test(value)) return { valid: false, reason: 'content hash' };
  if (/^[./~]|^https?:/i.test(value)) return { valid: false, reason: 'path or url' };
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  if (classes < 2) return { valid: false, reason: 'single character class' };
  return { valid: true, detail: 'assignment context, entropy gated' };
}

export const genericRules = defineRules([
  {
    id: 'generic-password',
    title: 'Hard-coded password',
    severity: 'medium',
    provider: 'generic',
    keywords: ['password', 'passwd'],
    // Anchored on the keyword, not on the identifier's start, so V8 can skip ahead to literal hits.
    pattern:
      /(?<name>(?:password|passwd)[A-Za-z0-9_]{0,16})["']?\s{0,4}(?:=|:|:=|=>)\s{0,4}(?<q>["'`]?)(?<secret>[^\s"'`;,(){}[\]<>$\\]{8,128})\k<q>(?![^\s"'`;,)}\]])/i,
    minEntropy: 3.0,
    validate: validateGeneric,
    revoke: 'Change the password at its system of record and load it from a secret store instead of the source.',
    examples: {
      positive: [
        { text: 'DB_PASSWORD=Zq7pN3vK9sW2xY', secret: 'Zq7pN3vK9sW2xY' },
        { text: 'config.password = "hT5#kL9@qP2!vR"', secret: 'hT5#kL9@qP2!vR' },
        { text: 'admin_password: Xk82jfQm1zPa', secret: 'Xk82jfQm1zPa' },
      ],
      negative: [
        'password = os.environ["DB_PASSWORD"]',
        'DB_PASSWORD=${DB_PASSWORD}',
        'password: changeme',
        'password = "your-password-here"',
        'password_field = passwordInput',
        'password_hint: "user-key-56"',
        "password: 'bm90IG15IHJlYWwgcGFzc3dvcmQ='",
        'PasswordLastUsed: "2016-09-08T21:47:36Z",',
        'Password: "SomeKindOfPassword123!@#",',
        // near miss: a setting about how passwords are hashed, not a password
        'password_hash_algorithm = "argon2id9x"',
      ],
    },
  },
  {
    id: 'generic-secret',
    title: 'Hard-coded secret, token or API key',
    severity: 'medium',
    provider: 'generic',
    keywords: ['secret', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'access-key', 'accesskey', 'auth_key', 'auth-key', 'authkey'],
    pattern:
      /(?<name>(?:secret|token|api[_-]?key|access[_-]?key|auth[_-]?key)[A-Za-z0-9_]{0,16})["']?\s{0,4}(?:=|:|:=|=>)\s{0,4}(?<q>["'`]?)(?<secret>[A-Za-z0-9_+/=.~!@#%^&*-]{16,256})\k<q>(?![^\s"'`;,)}\]])/i,
    minEntropy: 3.5,
    validate: validateGeneric,
    revoke: 'Rotate the credential at its provider and load it from a secret store instead of the source.',
    examples: {
      positive: [
        { text: 'API_KEY=9f8Kq2LmZx7Rv4TpWn3Bc6Yd', secret: '9f8Kq2LmZx7Rv4TpWn3Bc6Yd' },
        { text: 'client_secret: "Qm9vVzR3aE5xLkRmS0p3YnVa"', secret: 'Qm9vVzR3aE5xLkRmS0p3YnVa' },
        { text: "authToken = 'aZ4nP8qR2tY6vB9xK3mL7wQ1'", secret: 'aZ4nP8qR2tY6vB9xK3mL7wQ1' },
      ],
      negative: [
        'API_KEY=${API_KEY}',
        'token = request.headers.authorization',
        'integrity: sha512-Qm9vVzR3aE5xLkRmS0p3YnVaQm9vVzR3aE5xLkRmS0p3YnVa',
        'secret_name = "prod/billing/database-credentials"',
        'commit_token: 3f786850e387550fdab836ed7e6dc881de23001b',
        'exports.GetSecretValueCommand = GetSecretValueCommand;',
        'const X_AWS_EC2_METADATA_TOKEN = "x-aws-ec2-metadata-token";',
        'cancellationToken: HostCancellationToken;',
        '"NextToken": "1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI",',
        '"Resource": "arn:aws:secretsmanager:*:*:secret:rds-db-credentials/*",',
      ],
    },
  },
]);
