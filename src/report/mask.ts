// Mask last (secretlint's model): a secret found in a file can also sit in the commit message that
// added it, in its author name, in a path, or in another finding's fields. Redacting only the
// `secret` field misses those, so every writer first runs the report through maskSecrets(), which
// replaces every occurrence of every raw secret of the report in every string it holds.
import { redact } from '../detect/fingerprint.js';
import type { Finding, Report } from '../model.js';

/**
 * The raw secret of a redacted finding. A symbol key: JSON.stringify and Object.entries skip it,
 * so no writer can print it, while object spread ({...f, risk}) still carries it along.
 * Set only when the report is redacted; with --show-secrets there is nothing to mask.
 */
export const RAW_SECRET: unique symbol = Symbol('nhiscan.rawSecret');

type WithRaw = { [RAW_SECRET]?: string };

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

function maskValue(value: unknown, re: RegExp, masks: Map<string, string>): unknown {
  if (typeof value === 'string') return value.replace(re, (m) => masks.get(m)!);
  if (Array.isArray(value)) return value.map((v: unknown) => maskValue(v, re, masks));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskValue(v, re, masks);
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
    const raw = rawSecretOf(f);
    if (raw) masks.set(raw, redact(raw));
  }
  if (masks.size === 0) return report;
  // Longest first, in one pass: a secret that contains another is masked whole, and a mask is never re-masked.
  const re = new RegExp([...masks.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g');
  return maskValue(report, re, masks) as Report;
}
