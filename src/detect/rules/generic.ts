import { defineRules } from '../rule.js';
import type { Validation } from '../rule.js';

// Assignments whose value is code, not a literal: references, calls, paths, type names.
const CODE_LIKE = /^(?:true|false|null|none|nil|undefined|required|optional|string|str|bytes|int|number|boolean|object|env|os\.|process\.|self\.|this\.|config\.|settings\.|params\.|props\.|args\.|options\.|opts\.|input\.|vars\.|secrets\.|context\.|ctx\.)/i;

// Names that hold metadata about a secret, not the secret: secret_name, token_url, api_key_id.
const METADATA_NAME = /(?:name|names|id|ids|path|file|url|uri|type|length|len|size|count|prefix|header|field|version|arn|ref|env|var)$/i;

function validateGeneric(value: string, ctx: { groups: Record<string, string | undefined> }): Validation {
  const quoted = Boolean(ctx.groups.q);
  if (METADATA_NAME.test(ctx.groups.name ?? '')) return { valid: false, reason: 'metadata about a secret' };
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
    validate: (value, ctx) => validateGeneric(value, ctx),
    revoke: 'Change the password at its system of record and load it from a secret store instead of the source.',
    examples: {
      positive: ['DB_PASSWORD=Zq7pN3vK9sW2xY', 'config.password = "hT5#kL9@qP2!vR"', 'admin_password: Xk82jfQm1zPa'],
      negative: [
        'password = os.environ["DB_PASSWORD"]',
        'DB_PASSWORD=${DB_PASSWORD}',
        'password: changeme',
        'password = "your-password-here"',
        'password_field = passwordInput',
        'password_hint: "user-key-56"',
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
    validate: (value, ctx) => validateGeneric(value, ctx),
    revoke: 'Rotate the credential at its provider and load it from a secret store instead of the source.',
    examples: {
      positive: ['API_KEY=9f8Kq2LmZx7Rv4TpWn3Bc6Yd', 'client_secret: "Qm9vVzR3aE5xLkRmS0p3YnVa"', "authToken = 'aZ4nP8qR2tY6vB9xK3mL7wQ1'"],
      negative: [
        'API_KEY=${API_KEY}',
        'token = request.headers.authorization',
        'integrity: sha512-Qm9vVzR3aE5xLkRmS0p3YnVaQm9vVzR3aE5xLkRmS0p3YnVa',
        'secret_name = "prod/billing/database-credentials"',
        'commit_token: 3f786850e387550fdab836ed7e6dc881de23001b',
      ],
    },
  },
]);
