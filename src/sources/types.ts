import type { CoverageGap } from '../model.js';

/** One unit of content to scan: a git blob, a file, or stdin. */
export interface ContentItem {
  /** Blob id for git sources, path for files. Provenance is attached by this key. */
  key: string;
  /** Best path known when the item was read. */
  path: string;
  size: number;
  /**
   * Absent when the source skipped reading it (over --max-file-size). Valid only until the next
   * item is asked for: a history's blobs can be views of a read buffer that is then used again.
   * A consumer that keeps bytes copies them.
   */
  data?: Buffer;
}

export interface Source {
  readonly kind: 'history' | 'range' | 'staged' | 'directory' | 'stdin';
  items(): AsyncIterable<ContentItem>;
  /** What could not be read; any entry makes the scan incomplete. */
  readonly gaps: CoverageGap[];
}
