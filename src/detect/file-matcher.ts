import { createHash } from 'node:crypto';
import type { FileRule } from './file-rule.js';

/** Git's blob id of some bytes: the same identity a history scan sees, so fingerprints agree across modes. */
export function gitBlobId(data: Uint8Array): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

export class FileMatcher {
  constructor(readonly rules: readonly FileRule[]) {}

  /** Rules whose path matches and whose content condition (if any) holds. */
  match(path: string, data: Uint8Array | undefined): FileRule[] {
    const hits: FileRule[] = [];
    let text: string | undefined;
    for (const rule of this.rules) {
      if (!rule.path.test(path)) continue;
      if (rule.content) {
        if (!data) continue;
        text ??= Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 1024 * 1024)).toString('utf8');
        if (!rule.content.test(text)) continue;
      }
      hits.push(rule);
    }
    return hits;
  }
}
