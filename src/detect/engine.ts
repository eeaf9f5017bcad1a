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
  const stats: ScanStats = { blobs: 0, bytes: 0, skippedBinary: 0, skippedLarge: 0, suppressed: 0 };
  const hits: BlobHits[] = [];
  let lastReport = 0;
  for await (const item of items) {
    if (skipPath?.(item.path)) continue;
    // A keystore is a finding whatever its size or bytes, so file rules run before any skipping.
    const fileHits = files.match(item.path, item.data);
    if (fileHits.length) {
      const contentId = /^[0-9a-f]{40,64}$/.test(item.key) ? item.key : item.data ? gitBlobId(item.data) : undefined;
      hits.push({ key: item.key, path: item.path, matches: [], files: fileHits, ...(contentId ? { contentId } : {}) });
    }
    if (!item.data) {
      stats.skippedLarge++;
      continue;
    }
    if (isBinary(item.data)) {
      stats.skippedBinary++;
      continue;
    }
    stats.blobs++;
    stats.bytes += item.data.length;
    const { matches, allowed } = matcher.scan(item.data, item.path);
    stats.suppressed += allowed;
    if (matches.length) {
      const own = fileHits.length ? hits[hits.length - 1]! : undefined;
      if (own) own.matches = matches;
      else hits.push({ key: item.key, path: item.path, matches, files: [] });
    }
    if (onProgress && stats.blobs - lastReport >= 256) {
      lastReport = stats.blobs;
      onProgress({ blobs: stats.blobs, bytes: stats.bytes });
    }
  }
  onProgress?.({ blobs: stats.blobs, bytes: stats.bytes });
  return { hits, stats };
}
