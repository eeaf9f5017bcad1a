import type { ScanStats } from '../model.js';
import type { ContentItem } from '../sources/types.js';
import type { Matcher, RawMatch } from './matcher.js';

export interface BlobHits {
  key: string;
  path: string;
  matches: RawMatch[];
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
  onProgress?: (p: Progress) => void,
  skipPath?: (path: string) => boolean,
): Promise<{ hits: BlobHits[]; stats: ScanStats }> {
  const stats: ScanStats = { blobs: 0, bytes: 0, skippedBinary: 0, skippedLarge: 0, suppressed: 0 };
  const hits: BlobHits[] = [];
  let lastReport = 0;
  for await (const item of items) {
    if (!item.data) {
      stats.skippedLarge++;
      continue;
    }
    if (skipPath?.(item.path)) continue;
    if (isBinary(item.data)) {
      stats.skippedBinary++;
      continue;
    }
    stats.blobs++;
    stats.bytes += item.data.length;
    const { matches, allowed } = matcher.scan(item.data, item.path);
    stats.suppressed += allowed;
    if (matches.length) hits.push({ key: item.key, path: item.path, matches });
    if (onProgress && stats.blobs - lastReport >= 256) {
      lastReport = stats.blobs;
      onProgress({ blobs: stats.blobs, bytes: stats.bytes });
    }
  }
  onProgress?.({ blobs: stats.blobs, bytes: stats.bytes });
  return { hits, stats };
}
