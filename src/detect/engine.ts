import type { ScanStats } from '../model.js';
import type { ContentItem } from '../sources/types.js';
import type { FileRule } from './file-rule.js';
import { gitBlobId, type FileMatcher } from './file-matcher.js';
import type { Matcher, RawMatch } from './matcher.js';

export interface BlobHits {
  key: string;
  path: string;
  matches: RawMatch[];
  /** Sensitive-file rules that fired on this item's path. */
  files: FileRule[];
  /** Content identity (git blob id) for file findings' fingerprints. */
  contentId?: string;
}

export interface Progress {
  blobs: number;
  bytes: number;
}

/** Git's own heuristic: a NUL in the first 8000 bytes means binary. */
export function isBinary(data: Buffer): boolean {
  const end = Math.min(data.length, 8000);
  return data.subarray(0, end).includes(0);
}

/** An empty tally, summed by whoever scans (the main thread, or each worker). */
export function emptyStats(): ScanStats {
  // Every key from the start, so the report's keys come in one order with 1 worker or N.
  return { blobs: 0, bytes: 0, skippedBinary: 0, skippedLarge: 0, suppressed: 0, regexChars: 0, dropped: {} };
}

/**
 * Scan one item and tally it; returns its hits, or null when nothing matched. The one place the
 * per-item rules live, for the main thread and the scan workers alike.
 */
export function scanItem(item: ContentItem, matcher: Matcher, files: FileMatcher, stats: ScanStats): BlobHits | null {
  // A keystore is a finding whatever its size or bytes, so file rules run before any skipping.
  const fileHits = files.match(item.path, item.data);
  let hit: BlobHits | null = null;
  if (fileHits.length) {
    const contentId = /^[0-9a-f]{40,64}$/.test(item.key) ? item.key : item.data ? gitBlobId(item.data) : undefined;
    hit = { key: item.key, path: item.path, matches: [], files: fileHits, ...(contentId ? { contentId } : {}) };
  }
  if (!item.data) {
    stats.skippedLarge++;
    return hit;
  }
  if (isBinary(item.data)) {
    // Not skipped: its printable runs are read with the provider rules (Matcher.scanBinary).
    stats.skippedBinary++;
    const { matches, allowed } = matcher.scanBinary(item.data, item.path);
    stats.suppressed += allowed;
    if (matches.length) {
      if (hit) hit.matches = matches;
      else hit = { key: item.key, path: item.path, matches, files: [] };
    }
    return hit;
  }
  stats.blobs++;
  stats.bytes += item.data.length;
  const before = matcher.regexChars;
  const { matches, allowed } = matcher.scan(item.data, item.path);
  stats.regexChars = (stats.regexChars ?? 0) + matcher.regexChars - before;
  stats.suppressed += allowed;
  if (matches.length) {
    if (hit) {
      hit.matches = matches;
      // One secret, one finding: a key file whose key a content rule reported is that finding.
      hit.files = hit.files.filter((f) => !f.coveredBy || !matches.some((m) => f.coveredBy!.test(m.rule.id)));
    } else hit = { key: item.key, path: item.path, matches, files: [] };
  }
  return hit;
}

/**
 * Scan every item once and keep only what matched. Items stream through; nothing but hits
 * (and their raw secrets) outlives the loop, so memory does not grow with history length.
 */
export async function scanItems(
  items: AsyncIterable<ContentItem>,
  matcher: Matcher,
  files: FileMatcher,
  onProgress?: (p: Progress) => void,
  skipPath?: (path: string) => boolean,
): Promise<{ hits: BlobHits[]; stats: ScanStats }> {
  const stats = emptyStats();
  const hits: BlobHits[] = [];
  let lastReport = 0;
  for await (const item of items) {
    if (skipPath?.(item.path)) continue;
    const hit = scanItem(item, matcher, files, stats);
    if (hit) hits.push(hit);
    if (onProgress && stats.blobs - lastReport >= 256) {
      lastReport = stats.blobs;
      onProgress({ blobs: stats.blobs, bytes: stats.bytes });
    }
  }
  onProgress?.({ blobs: stats.blobs, bytes: stats.bytes });
  stats.dropped = { ...matcher.dropped };
  return { hits, stats };
}
