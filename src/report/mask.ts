// Mask last (secretlint's model): a secret found in a file can also sit in the commit message that
// added it, in its author name, in a path, or in another finding's fields. Redacting only the
// `secret` field misses those, so every writer first runs the report through maskSecrets(), which
// replaces every occurrence of every raw secret of the report in every string it holds.
import { redact } from '../detect/fingerprint.js';
import { Matcher } from '../detect/matcher.js';
import { builtinRules } from '../detect/rules/index.js';
import type { Finding, Report } from '../model.js';
import { redactTokens } from '../safe-message.js';

/**
 * Free text that came with a finding (commit messages, author names and emails) can hold secrets
 * that no scanned blob holds: nhiscan did not find them, so the raw-secret masks do not cover them.
 * These fields also go through the built-in rules and the token heuristic.
 */
const FREE_TEXT = new Set(['message', 'author', 'email']);
/** An AWS key id names what to act on; it stays readable, here as everywhere. */
const IDENTIFIER_RULES = new Set(['aws-access-key-id']);
let freeTextMatcher: Matcher | null = null;

function maskFreeText(text: string): string {
  freeTextMatcher ??= new Matcher(
    builtinRules.filter((r) => !IDENTIFIER_RULES.has(r.id)),
    { decodeDepth: 0 },
  );
  let out = text;
  for (const m of freeTextMatcher.scan(text).matches) out = out.split(m.secret).join(redact(m.secret));
  return redactTokens(out);
}

/**
 * The raw secret of a redacted finding. A symbol key: JSON.stringify and Object.entries skip it,
 * so no writer can print it, while object spread ({...f, risk}) still carries it along.
 * Set only when the report is redacted; with --show-secrets there is nothing to mask.
 */
export const RAW_SECRET: unique symbol = Symbol('nhiscan.rawSecret');

/** Set on every finding built without --show-secrets: its free text is masked even when nothing else is. */
export const REDACTED: unique symbol = Symbol('nhiscan.redacted');

type WithRaw = { [RAW_SECRET]?: string; [REDACTED]?: true };

export function markRedacted<T extends object>(finding: T): T {
  Object.defineProperty(finding, REDACTED, { value: true, enumerable: true, writable: false, configurable: true });
  return finding;
}

/** True for a finding built without --show-secrets (its free text is masked by every writer). */
export function isRedacted(finding: object): boolean {
  return (finding as WithRaw)[REDACTED] === true;
}

/** A leak holds the secret finding it was joined from: its marks count as the leak's own. */
const FREE_TEXT_HOLDERS = (f: Finding): boolean => isRedacted(f) || (f.kind === 'leak' && isRedacted(f.leaked));

export function attachRawSecret<T extends object>(finding: T, secret: string): T {
  Object.defineProperty(finding, RAW_SECRET, { value: secret, enumerable: true, writable: false, configurable: true });
  return finding;
}

export function rawSecretOf(finding: Finding): string | undefined {
  return (finding as WithRaw)[RAW_SECRET];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function maskValue(value: unknown, re: RegExp | null, masks: Map<string, string>, key = ''): unknown {
  if (typeof value === 'string') {
    const known = re ? value.replace(re, (m) => masks.get(m)!) : value;
    return FREE_TEXT.has(key) ? maskFreeText(known) : known;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => maskValue(v, re, masks));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskValue(v, re, masks, k);
    return out;
  }
  return value;
}

/**
 * A copy of the report with every raw secret of its findings replaced by its redacted form, in
 * every string field (messages, authors, emails, paths, occurrences, evidence, gaps, target).
 * The report itself is returned when no finding carries a raw secret (--show-secrets, or none found).
 */
export function maskSecrets(report: Report): Report {
  const masks = new Map<string, string>();
  for (const f of report.findings) {
    for (const raw of [rawSecretOf(f), f.kind === 'leak' ? rawSecretOf(f.leaked) : undefined]) if (raw) masks.set(raw, redact(raw));
  }
  // Nothing redacted: --show-secrets (raw secrets are not attached then), or no secret findings.
  if (masks.size === 0 && !report.findings.some((f) => FREE_TEXT_HOLDERS(f))) return report;
  // Longest first, in one pass: a secret that contains another is masked whole, and a mask is never re-masked.
  const re = masks.size ? new RegExp([...masks.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g') : null;
  return maskValue(report, re, masks) as Report;
}
