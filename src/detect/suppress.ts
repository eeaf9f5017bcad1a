// The one suppression stage: every reason a candidate is not reported, counted by reason so the
// summary can say what was dropped and why. Two reasons are decided inside the matcher, because
// they settle which rule owns a span before any later rule may claim it: a placeholder value, and
// an allow comment or allowlisted line. Everything else is decided here, after detection, on
// findings: secret stopwords and regexes, path and commit allowlists (per location, once history
// has named every path a blob had), and the baseline.
import type { Config } from '../config.js';
import { secretAllowed } from '../config.js';
import type { SourceLocation } from '../model.js';
import type { BlobHits } from './engine.js';

export const DROP_REASONS = ['placeholder', 'inline-allow', 'allowlist-line', 'allowlist-secret', 'allowlist-path', 'allowlist-commit', 'baseline'] as const;
export type DropReason = (typeof DROP_REASONS)[number];
export type DropCounts = Partial<Record<DropReason, number>>;

export function countDrop(into: DropCounts, reason: DropReason, n = 1): void {
  if (n > 0) into[reason] = (into[reason] ?? 0) + n;
}

export function addDrops(into: DropCounts, from: DropCounts | undefined): void {
  if (!from) return;
  for (const r of DROP_REASONS) countDrop(into, r, from[r] ?? 0);
}

export function totalDrops(c: DropCounts | undefined): number {
  return c ? DROP_REASONS.reduce((n, r) => n + (c[r] ?? 0), 0) : 0;
}

/** Secret allowlists (stopwords, regexes) on raw matches: they need the value, which masking removes. */
export function dropAllowedSecrets(hits: BlobHits[], config: Config, counts: DropCounts): void {
  for (const hit of hits) {
    const before = hit.matches.length;
    hit.matches = hit.matches.filter((m) => !secretAllowed(config, m.secret));
    countDrop(counts, 'allowlist-secret', before - hit.matches.length);
  }
}

/**
 * The location test buildFindings applies to every place a secret was seen: a place under an
 * allowlisted path or in an allowlisted commit does not count. A finding all of whose places are
 * dropped is counted once, under the reason of its first place.
 */
export function locationFilter(
  allowedPath: (path: string) => boolean,
  commits: ReadonlySet<string>,
): (location: SourceLocation) => DropReason | null {
  return (loc) => (allowedPath(loc.path) ? 'allowlist-path' : loc.commit && commits.has(loc.commit) ? 'allowlist-commit' : null);
}
