import { isPlaceholder } from '../placeholder.js';
import type { MatchContext, Validation } from '../rule.js';

// Passwords in connection strings and auth headers that are obviously not real.
const DUMMY_PASSWORDS = new Set([
  'password', 'pass', 'passwd', 'secret', 'pwd', 'changeme', 'root', 'admin', 'test', 'user', 'postgres', 'mysql', 'guest', 'example', 'foo', 'bar', 'xxx',
]);

function isDummy(password: string): boolean {
  return DUMMY_PASSWORDS.has(password.toLowerCase()) || /^[:$%{<[]/.test(password) || /password|passwd|secret/i.test(password) || isPlaceholder(password);
}

function decodeBase64(value: string): string | null {
  const text = Buffer.from(value, 'base64').toString('utf8');
  // Mostly printable, or it was not base64 text to begin with.
  return /^[\x20-\x7e]+$/.test(text) ? text : null;
}

export function validateUrlPassword(password: string, ctx: Pick<MatchContext, 'groups'>): Validation {
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // keep the raw value
  }
  if (isDummy(decoded)) return { valid: false, reason: 'dummy password' };
  const host = ctx.groups.host ?? '';
  const who = ctx.groups.user ? `${ctx.groups.user}@${host}` : host || 'connection';
  return { valid: true, detail: `${ctx.groups.scheme ?? 'url'} credentials for ${who}` };
}

export function validateConnStringPassword(password: string): Validation {
  return isDummy(password.trim()) ? { valid: false, reason: 'dummy password' } : { valid: true, detail: 'connection string password' };
}

/** "user:password" base64, as in Docker's config.json auths and HTTP Basic. */
function validateUserPass(value: string, what: string): Validation {
  const text = decodeBase64(value);
  const colon = text?.indexOf(':') ?? -1;
  if (!text || colon < 1) return { valid: false, reason: 'not base64 user:password' };
  const password = text.slice(colon + 1);
  if (password.length < 4 || isDummy(password)) return { valid: false, reason: 'dummy password' };
  return { valid: true, detail: `${what} for user ${text.slice(0, colon)}`, identifier: text.slice(0, colon) };
}

export function validateDockerAuth(value: string): Validation {
  return validateUserPass(value, 'registry credentials');
}

export function validateBasicAuth(value: string): Validation {
  return validateUserPass(value, 'basic credentials');
}

/** Long-term Bedrock keys are "ABSK" + base64("BedrockAPIKey-…"). */
export function validateBedrockKey(value: string): Validation {
  const text = Buffer.from(value.slice(4), 'base64').toString('latin1');
  return text.startsWith('BedrockAPIKey-')
    ? { valid: true, detail: 'decodes to a Bedrock API key' }
    : { valid: false, reason: 'does not decode to a Bedrock API key' };
}
