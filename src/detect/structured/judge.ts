import { shannonEntropy } from '../entropy.js';
import { isPlaceholder } from '../placeholder.js';
import type { Tier } from './types.js';

// The judge: a (key, value) pair is a credential when the last key names one and the value is
// a literal that the file's tier accepts. Key first (cheap, and most pairs stop there).

export type KeyClass = 'password' | 'secret' | 'token' | 'api-key';

export interface KeyVerdict {
  cls: KeyClass;
  /**
   * A weak name (`LOGGED_IN_KEY`, `auth`, `credentials`, bare `key`) is a credential only when
   * the value itself looks random; a strong one (`password`, `api_key`, `client_secret`) is
   * evidence enough in a credential-bearing file.
   */
  strong: boolean;
}

/** `DB_PASSWORD` → [db, password]; `sshPassphrase` → [ssh, passphrase]; `secret_key_base` → [secret, key, base]. */
/**
 * Key names repeat across a history's thousands of versions of the same files: both judgements of
 * a key are remembered (they were 5% of a curl scan, most of it the same few hundred names).
 */
const wordsCache = new Map<string, string[]>();
const keyCache = new Map<string, KeyVerdict | null>();
const CACHE_MAX = 16_384;

function remember<V>(cache: Map<string, V>, key: string, make: (k: string) => V): V {
  const hit = cache.get(key);
  if (hit !== undefined || cache.has(key)) return hit as V;
  if (cache.size >= CACHE_MAX) cache.clear();
  const v = make(key);
  cache.set(key, v);
  return v;
}

export function words(key: string): string[] {
  return remember(wordsCache, key, splitWords);
}

function splitWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !/^\d+$/.test(w));
}

/** Trailing words that qualify how the credential is written, not what the key holds. */
const QUALIFIER = new Set(['value', 'plain', 'plaintext', 'raw', 'str', 'string', 'text', 'b64', 'base64', 'encoded', 'hex', 'base', 'literal', 'data']);

/** Trailing words of keys that hold metadata about a credential: `password_file`, `token_url`, `secret_name`. */
const METADATA = new Set([
  'name', 'names', 'id', 'ids', 'file', 'files', 'path', 'paths', 'dir', 'url', 'uri', 'urls', 'endpoint', 'host', 'type', 'types',
  'length', 'len', 'size', 'count', 'prefix', 'suffix', 'header', 'headers', 'field', 'fields', 'version', 'arn', 'ref', 'refs', 'env',
  'var', 'variable', 'policy', 'policies', 'regex', 'regexp', 'pattern', 'format', 'hint', 'label', 'placeholder', 'description', 'desc',
  'title', 'enabled', 'enable', 'disabled', 'required', 'expiry', 'expires', 'expiration', 'expire', 'ttl', 'timeout', 'age', 'lifetime',
  'rotation', 'min', 'max', 'mode', 'method', 'methods', 'algorithm', 'alg', 'algo', 'encoding', 'location', 'store', 'provider',
  'template', 'question', 'check', 'validation', 'validator', 'strength', 'command', 'cmd', 'helper', 'source', 'src', 'from', 'vault',
  'manager', 'backend', 'class', 'handler', 'service', 'index', 'status', 'state', 'at', 'date', 'time', 'created', 'updated', 'used',
  'last', 'key', 'keys', 'secrets', 'tokens', 'passwords', 'mount', 'volume', 'scope', 'scopes', 'audience', 'issuer', 'kind', 'option',
  'options', 'param', 'parameter', 'rule', 'rules', 'message', 'msg', 'error', 'prompt', 'input', 'output', 'reset', 'digest', 'hash',
  'salted', 'auth', 'user', 'username', 'login', 'email', 'account', 'level', 'grant', 'flow', 'role', 'location', 'region', 'lookup',
]);
/** Words anywhere in the key that make it about paging, forms or settings, not a credential. */
const NOT_AUTH = new Set([
  'next', 'continuation', 'page', 'pagination', 'cursor', 'csrf', 'xsrf', 'sync', 'idempotency', 'cancellation', 'verification',
  'marker', 'forgot', 'confirm', 'confirmation', 'show', 'hide', 'toggle', 'public', 'publishable', 'bypass', 'skip', 'use', 'allow',
  'require', 'requires', 'ask', 'save', 'remember', 'expired',
]);
/** Words before `key` that make it a database, cache or keyboard key, or the public half of a pair. */
const NOT_SECRET_KEY = new Set([
  'pub', 'site', 'primary', 'foreign', 'sort', 'partition', 'cache', 'routing', 'map', 'lookup', 'hot', 'shortcut', 'keyboard',
  'unique', 'composite', 'dedup', 'object', 'group', 'message', 'translation', 'i18n', 'idempotency', 'registry', 'ssh', 'gpg', 'pgp',
  'host', 'known', 'license', 'product', 'cdn', 'storage', 'bucket', 'row', 'column', 'table', 'index', 'hash', 'attribute',
]);

const PASSWORD = /^(?:.*password|.*passwd|.*passphrase|[a-z]{0,12}pass|[a-z]{0,8}pwd|pw|passcode|pword|passwort|contrasena|senha|motdepasse)$/;
/** Words that end in "pass" and are not one. */
const NOT_PASS = /(?:by|com|sur|tres|over|under|im|en|mis)pass$/;
/** The word before `key` that makes the key a secret: `private_key`, `secret_key`, `signing_key`. */
const SECRET_KEY_PREV = new Set(['secret', 'private', 'signing', 'encryption', 'encrypt', 'master', 'crypt', 'cipher', 'hmac', 'session', 'cookie', 'jwt', 'shared', 'aes', 'decryption', 'sign']);
const API_KEY_PREV = new Set(['api', 'access', 'auth']);

export function judgeKey(key: string): KeyVerdict | null {
  return remember(keyCache, key, judgeKeyOnce);
}

function judgeKeyOnce(key: string): KeyVerdict | null {
  const w = [...words(key)]; // a copy: the cached list is shared
  while (w.length > 1 && QUALIFIER.has(w[w.length - 1]!)) w.pop();
  const last = w[w.length - 1];
  if (!last || w.some((x) => NOT_AUTH.has(x))) return null;
  const prev = w[w.length - 2];
  if (PASSWORD.test(last) && !NOT_PASS.test(last)) return { cls: 'password', strong: true };
  if (last === 'key') {
    if (!prev) return { cls: 'api-key', strong: false };
    if (w.some((x) => NOT_SECRET_KEY.has(x))) return null;
    // `AWS_SECRET_ACCESS_KEY`, `secret_key`, `private_key`: a secret word anywhere before the key.
    if (w.some((x) => SECRET_KEY_PREV.has(x))) return { cls: 'secret', strong: true };
    if (API_KEY_PREV.has(prev)) return { cls: 'api-key', strong: true };
    return { cls: 'api-key', strong: false };
  }
  if (METADATA.has(last)) {
    // `auth` alone (Docker, npm `_auth`) is a credential by its value; `basic_auth_user` is not.
    if (last === 'auth' && w.length <= 2) return { cls: 'token', strong: false };
    return null;
  }
  if (/^(?:api|access|auth|secret)key$/.test(last)) return { cls: last.startsWith('secret') ? 'secret' : 'api-key', strong: true };
  if (last.endsWith('secret')) return { cls: 'secret', strong: true };
  if (last.endsWith('token')) return { cls: 'token', strong: true };
  // composer's `github-oauth`, hub's `oauth` map a host to a token.
  if (last === 'oauth') return { cls: 'token', strong: true };
  if (last === 'salt' || last === 'cookie' || last === 'credential' || last === 'credentials' || last === 'bearer') return { cls: 'secret', strong: false };
  return null;
}

// Values that are references, templates or settings, whatever key they sit under.
const REFERENCE = /\$\{|\$\(|\{\{|\}\}|%\(|<%|%>|#\{|`|^\$[A-Za-z_]|^ENC\(|^%[A-Za-z_]\w*%$|^@[\w.-]+@$|^\{[\w.:-]+\}$|^(?:vault|ref\+\w+|secret|secrets|sm|ssm|awssm|op|env|file|keyring|azkv|gcpsm|kms|doppler|k8s|bws|akv|sops):/i;
const CONSTANT = /^(?:true|false|yes|no|on|off|null|nil|none|undefined|n\/a|na|tbd|todo|fixme|empty|required|optional|string|str|secret|password|pass|passwd|pwd|token|key|apikey|changeit|changeme|admin|root|postgres|mysql|guest|test|user|username|default|foo|bar|baz|example|\*+|~|-)$/i;
const NAMES_ITSELF = /password|passwd|secret|token|apikey|api_key|placeholder|insecure|notreal|not_real|fake/i;
// A leading slash is a path only when the rest is path characters: base64 can start with one too.
const FILE_LIKE = /^(?:\/[\w.@-]*(?:\/[\w.@-]*)*$|\.{1,2}[/\\]|~[/\\]|[A-Za-z]:[/\\]|\\\\)|\.(?:pem|key|crt|cer|p12|pfx|jks|keystore|json|txt|ya?ml|conf|cfg|ini|properties|env|der|gpg|asc|pub|enc|sh|py|js|ts|rb|xml|toml|gz|zip|kdbx)$/i;
const URL_LIKE = /^[a-z][a-z0-9+.-]{1,20}:\/\//i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const DOTTED_NAME = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+$/i;
const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_DIGEST = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/i;
/** Words and identifiers: `MyApplication`, `hunter`, `PROD_DB`. Random strings rarely split this way. */
const WORDISH = /^(?:[A-Z]?[a-z]{2,}|[A-Z]{2,}|[_.-])+[0-9]{0,4}$/;
const SEQUENTIAL = /abcd|1234|qwer|asdf|a1b2c3|pass|test|demo|sample|mock|dummy|secret/i;
/** crypt(3), Apache, LDAP and PostgreSQL SCRAM hashes: a hashed credential, not a plaintext one. */
export const CRYPT_HASH = /^(?:\$(?:1|2[abxy]?|5|6|7|y|gy|apr1|argon2(?:id|i|d)|pbkdf2(?:-sha\d+)?|scrypt|sha1|md5)\$[./A-Za-z0-9$=,+-]{8,200}|\{(?:SSHA|SHA|SSHA256|SSHA512|CRYPT|MD5|SMD5|PBKDF2[\w-]*)\}[./A-Za-z0-9+=$-]{8,200}|SCRAM-SHA-256\$[./A-Za-z0-9+=:$-]{20,300}|md5[0-9a-f]{32})$/;

/** Words and short numbers joined by separators: `Tulip-Garden-14`, `Sardine42`, `prod_db_main`. */
function wordy(v: string): boolean {
  const parts = v.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return parts.length > 0 && parts.every((p) => /^[A-Za-z]+[0-9]{0,4}$/.test(p) || /^[0-9]{1,4}$/.test(p));
}

function classes(v: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(v)).length;
}

/** True when `value` under a key judged `verdict` is a credential in a file of this tier. */
export function judgeValue(value: string, key: string, verdict: KeyVerdict, tier: Tier): boolean {
  const v = value;
  if (v.length < 3 || v.length > 512 || /\s/.test(v)) return false;
  if (/^[+-]?\d+(?:\.\d+)?$/.test(v) || CONSTANT.test(v) || REFERENCE.test(v)) return false;
  if (v.toLowerCase() === key.toLowerCase() || isPlaceholder(v)) return false;
  // `password123` in a .env is a real, weak credential; elsewhere a value naming itself is documentation.
  const weakPasswordCounts = tier === 'credential' && verdict.cls === 'password';
  if (NAMES_ITSELF.test(v) && !weakPasswordCounts) return false;
  if (FILE_LIKE.test(v) || URL_LIKE.test(v) || EMAIL.test(v) || v.startsWith('-----BEGIN')) return false;
  // `Raven.Cobalt719` is how people write passwords; under a token or secret name it is a property name.
  const dotted = verdict.cls === 'password' ? /^[a-z_]+(?:\.[a-z_]+)+$/.test(v) : DOTTED_NAME.test(v);
  if (dotted || ENV_NAME.test(v) || /^[\^~><=v]{0,2}\d+(?:\.\d+){1,3}/.test(v)) return false;
  // A bare `key` (`{"key": …}`) is anything from a map key to a translation id outside a credential file.
  if (key.toLowerCase() === 'key' && tier !== 'credential') return false;
  const h = shannonEntropy(v);
  if (verdict.cls === 'password' && verdict.strong) {
    if (tier === 'credential') return v.length >= 4;
    if (tier === 'config') return v.length >= 6 && !/^[A-Za-z]+$/.test(v);
    // Tests and examples are full of made-up human passwords: only a random-looking one counts.
    return v.length >= 8 && h >= 3.0 && classes(v) >= 3 && !SEQUENTIAL.test(v) && !wordy(v);
  }
  if (UUID.test(v) && !(tier === 'credential' && verdict.strong)) return false;
  if (WORDISH.test(v) || /^[a-z]+$/.test(v)) return false;
  if (tier === 'credential' && verdict.strong) return v.length >= 8 && h >= 2.5;
  // Outside a strong name in a credential file, 32/40/64 hex digits are a checksum as often as a key.
  if (HEX_DIGEST.test(v)) return false;
  if (wordy(v)) return false;
  if (tier === 'strict') return verdict.strong && v.length >= 16 && h >= 3.5 && classes(v) >= 2 && !SEQUENTIAL.test(v);
  if (tier === 'config' && verdict.strong) return v.length >= 12 && h >= 3.0 && classes(v) >= 2;
  // A weak name (`NONCE_SALT`, `key`, `auth`): the value must carry the evidence by itself.
  return v.length >= 16 && h >= (tier === 'credential' ? 3.5 : 3.8) && classes(v) >= 2;
}
