import type { CoverageGap } from '../../model.js';
import type { ContentItem, Source } from '../types.js';
import { readBlobs } from './cat-file.js';
import { GitError } from '../../errors.js';
import { gitOutput } from './exec.js';

/** What `git commit` would record right now: the index's versions of added and changed files. */
export class StagedSource implements Source {
  readonly kind = 'staged';
  readonly gaps: CoverageGap[] = [];

  constructor(
    readonly repo: string,
    private readonly maxFileSize: number,
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    let raw: string;
    try {
      raw = await gitOutput(this.repo, ['diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACMRT']);
    } catch (err) {
      // Nothing of the index could be listed: the whole staged set is the gap.
      if (!(err instanceof GitError)) throw err;
      this.gaps.push({ scope: 'git diff --cached', reason: err.message });
      return;
    }
    const fields = raw.split('\0');
    const entries: string[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const meta = fields[i]!.split(' ');
      const blob = meta[3];
      if (blob && !/^0+$/.test(blob)) entries.push(`${blob} ${fields[i + 1]}`);
    }
    for await (const entry of readBlobs(this.repo, entries, this.maxFileSize, this.gaps)) {
      // Keyed by path: the same content staged at two paths is two places to fix before committing.
      yield { key: entry.rest, path: entry.rest, size: entry.size, ...(entry.data ? { data: entry.data } : {}) };
    }
  }
}
