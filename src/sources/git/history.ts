import type { CoverageGap } from '../../model.js';
import type { ContentItem, Source } from '../types.js';
import { BATCH_FORMAT, blobItem, parseBatch } from './cat-file.js';
import { firstLine, spawnGit, waitForExit } from './exec.js';
import { stashCommits } from './repo.js';

export interface HistoryOptions {
  maxFileSize: number;
  /** Also scan unreachable and dangling objects. */
  allObjects: boolean;
}

/**
 * Every unique blob reachable from any ref (branches, tags, remotes, notes, stash and its reflog),
 * each read exactly once. rev-list deduplicates and names each blob with a path; its output is
 * piped straight into cat-file so no blob list is held in this process.
 */
export class HistorySource implements Source {
  readonly kind = 'history';
  readonly gaps: CoverageGap[] = [];
  /** Stash reflog commits walked, so provenance walks the same set without asking git again. */
  stashes: string[] = [];

  constructor(
    readonly repo: string,
    private readonly opts: HistoryOptions,
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    if (this.opts.allObjects) {
      yield* this.allObjects();
      return;
    }
    this.stashes = await stashCommits(this.repo);
    const revList = spawnGit(this.repo, ['rev-list', '--objects', '--all', '--filter=object:type=blob', ...this.stashes]);
    const catFile = spawnGit(this.repo, ['cat-file', `--batch=${BATCH_FORMAT}`, '--buffer'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // rev-list's output is ids and paths, a small fraction of the blob bytes; piping it through here is cheap.
    catFile.stdin!.on('error', () => undefined);
    revList.stdout!.pipe(catFile.stdin!);
    yield* this.drain(catFile, [['rev-list', revList]]);
  }

  private async *allObjects(): AsyncGenerator<ContentItem> {
    const catFile = spawnGit(this.repo, ['cat-file', '--batch-all-objects', `--batch=${BATCH_FORMAT}`, '--unordered']);
    yield* this.drain(catFile, []);
  }

  private async *drain(
    catFile: ReturnType<typeof spawnGit>,
    upstream: Array<[string, ReturnType<typeof spawnGit>]>,
  ): AsyncGenerator<ContentItem> {
    const stderrs = upstream.map(() => ({ text: '' }));
    const exits = upstream.map(([, child], i) => waitForExit(child, stderrs[i]!));
    const catErr = { text: '' };
    const catExit = waitForExit(catFile, catErr);
    for (const p of [...exits, catExit]) p.catch(() => undefined);
    let missing = 0;
    try {
      for await (const entry of parseBatch(catFile.stdout!, this.opts.maxFileSize)) {
        if ('missing' in entry) {
          missing++;
          continue;
        }
        yield blobItem(entry);
      }
    } finally {
      for (const [, child] of upstream) child.kill();
    }
    if (missing > 0) this.gaps.push({ scope: 'git objects', reason: `${missing} object(s) missing or unreadable` });
    for (let i = 0; i < upstream.length; i++) {
      const code = await exits[i]!;
      if (code !== 0) {
        this.gaps.push({ scope: `git ${upstream[i]![0]}`, reason: firstLine(stderrs[i]!.text) || `exit ${code}` });
      }
    }
    const code = await catExit;
    if (code !== 0) this.gaps.push({ scope: 'git cat-file', reason: firstLine(catErr.text) || `exit ${code}` });
  }
}
