import { isPlaceholder } from '../placeholder.js';
import type { MatchContext, Validation } from '../rule.js';

/** A `data:` value only matters inside a Secret manifest, and only when it decodes to something. */
export function validateK8sSecretData(value: string, ctx: MatchContext): Validation {
  const start = ctx.text.lastIndexOf('\n---', ctx.index);
  const endAt = ctx.text.indexOf('\n---', ctx.index);
  const doc = ctx.text.slice(start === -1 ? 0 : start, endAt === -1 ? undefined : endAt);
  if (!/^kind:\s*Secret\s*$/m.test(doc)) return { valid: false, reason: 'not in a Secret manifest' };
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (decoded.length < 4 || /[\x00-\x08\x0e-\x1f]/.test(decoded) || isPlaceholder(decoded)) {
    return { valid: false, reason: 'empty, binary or placeholder value' };
  }
  const name = /^\s*name:\s*([A-Za-z0-9._-]+)/m.exec(doc)?.[1];
  return { valid: true, detail: `Kubernetes Secret ${name ?? '?'} key ${ctx.groups.name ?? '?'}` };
}
