import type { Validation } from '../rule.js';

function decodeJson(segment: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A JWT is only worth reporting when its header and payload really decode. */
export function validateJwt(token: string, now = Date.now()): Validation {
  const [h, p] = token.split('.');
  const header = h ? decodeJson(h) : null;
  const payload = p ? decodeJson(p) : null;
  if (!header || typeof header.alg !== 'string' || !payload) {
    return { valid: false, reason: 'header or payload does not decode' };
  }
  const parts = [`JWT alg=${header.alg}`];
  if (typeof payload.iss === 'string') parts.push(`iss=${payload.iss.slice(0, 80)}`);
  if (typeof payload.exp === 'number') {
    const exp = new Date(payload.exp * 1000);
    parts.push(exp.getTime() < now ? `expired ${exp.toISOString().slice(0, 10)}` : `expires ${exp.toISOString().slice(0, 10)}`);
  } else {
    parts.push('no expiry');
  }
  return { valid: true, detail: parts.join(', ') };
}
