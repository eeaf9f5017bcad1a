import { GitError } from '../../errors.js';
import type { CoverageGap } from '../../model.js';
import type { ContentItem, Source } from '../types.js';
import { blobItem, readBlobs } from './cat-file.js';
import { walkIntroductions, type CommitInfo, type Introduction } from './provenance.js';
import { shallowCommits, UNSHALLOW_HINT } from './repo.js';

export interface GateFileChange {
  path: string;
  /** git's raw status letter(s): A, M, D, T, or a merge's combined letters. */
  status: string;
  commit: CommitInfo;
}

/**
 * Only what the commits in a range introduced: a CI run on one push costs about as much as the push.
 * One `git log` pass yields both the blobs to scan and their provenance.
 */
export class RangeSource implements Source {
  readonly kind = 'range';
  readonly gaps: CoverageGap[] = [];
  readonly introductions = new Map<string, Introduction[]>();
  /** Changes the range makes to `watched` files (the scan's own config and baseline). */
  readonly gateChanges: GateFileChange[] = [];
  commits = 0;

  constructor(
    readonly repo: string,
    private readonly revArgs: string[],
    private readonly maxFileSize: number,
    private readonly watched: ReadonlySet<string> = new Set(),
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    const order: Array<[string, string]> = [];
    let boundary = new Set<string>();
    try {
      boundary = await shallowCommits(this.repo);
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      this.gaps.push({ scope: 'shallow clone check', reason: err.message });
    }
    const cut: string[] = [];
    try {
      this.commits = await walkIntroductions(
        this.repo,
        this.revArgs,
        (blob, path, commit) => {
          let list = this.introductions.get(blob);
          if (!list) {
            this.introductions.set(blob, (list = []));
            order.push([blob, path]);
          }
          const same = list.find((i) => i.path === path);
          if (!same) list.push({ path, commit });
          else if (commit.time < same.commit.time) same.commit = commit;
        },
        {
          // A boundary commit inside the range means commits between it and the base are not here.
          onCommit: (c) => boundary.has(c.commit) && cut.push(c.commit),
          watch: { paths: this.watched, changed: (path, status, commit) => this.gateChanges.push({ path, status, commit }) },
        },
      );
    } catch (err) {
      // git stopped part-way (a missing tree or commit): scan what it listed, and say what was not.
      if (!(err instanceof GitError)) throw err;
      this.gaps.push({ scope: 'git log (range)', reason: err.message });
    }
    if (cut.length) {
      this.gaps.unshift({
        scope: 'shallow clone',
        reason: `the range reaches past the clone's shallow boundary at ${cut[0]}; ${UNSHALLOW_HINT}`,
      });
    }
    for (const list of this.introductions.values()) list.sort((a, b) => a.commit.time - b.commit.time);
    const lines = order.map(([blob, path]) => `${blob} ${path}`);
    for await (const entry of readBlobs(this.repo, lines, this.maxFileSize, this.gaps)) {
      yield blobItem(entry);
    }
  }
}
