import type { CoverageGap } from '../../model.js';
import type { ContentItem, Source } from '../types.js';
import { BATCH_FORMAT, parseBatch } from './cat-file.js';
import { firstLine, spawnGit, waitForExit } from './exec.js';
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
    if (order.length === 0) return;
    const catFile = spawnGit(this.repo, ['cat-file', `--batch=${BATCH_FORMAT}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    const err = { text: '' };
    const exit = waitForExit(catFile, err);
    exit.catch(() => undefined);
    catFile.stdin!.on('error', () => undefined);
    catFile.stdin!.end(order.map(([blob, path]) => `${blob} ${path}\n`).join(''));
    let missing = 0;
    for await (const entry of parseBatch(catFile.stdout!, this.maxFileSize)) {
      if ('missing' in entry) missing++;
      else yield { key: entry.id, path: entry.rest, size: entry.size, ...(entry.data ? { data: entry.data } : {}) };
    }
    if (missing) this.gaps.push({ scope: 'git objects', reason: `${missing} object(s) missing or unreadable` });
    const code = await exit;
    if (code !== 0) this.gaps.push({ scope: 'git cat-file', reason: firstLine(err.text) || `exit ${code}` });
  }
}
