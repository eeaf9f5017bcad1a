import type { CoverageGap } from '../../model.js';
import type { ContentItem, Source } from '../types.js';
import { blobItem, readBlobs } from './cat-file.js';
import { walkIntroductions, type Introduction } from './provenance.js';

/**
 * Only what the commits in a range introduced: a CI run on one push costs about as much as the push.
 * One `git log` pass yields both the blobs to scan and their provenance.
 */
export class RangeSource implements Source {
  readonly kind = 'range';
  readonly gaps: CoverageGap[] = [];
  readonly introductions = new Map<string, Introduction[]>();
  commits = 0;

  constructor(
    readonly repo: string,
    private readonly revArgs: string[],
    private readonly maxFileSize: number,
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    const order: Array<[string, string]> = [];
    this.commits = await walkIntroductions(this.repo, this.revArgs, (blob, path, commit) => {
      let list = this.introductions.get(blob);
      if (!list) {
        this.introductions.set(blob, (list = []));
        order.push([blob, path]);
      }
      const same = list.find((i) => i.path === path);
      if (!same) list.push({ path, commit });
      else if (commit.time < same.commit.time) same.commit = commit;
    });
    for (const list of this.introductions.values()) list.sort((a, b) => a.commit.time - b.commit.time);
    const lines = order.map(([blob, path]) => `${blob} ${path}`);
    for await (const entry of readBlobs(this.repo, lines, this.maxFileSize, this.gaps)) {
      yield blobItem(entry);
    }
  }
}
