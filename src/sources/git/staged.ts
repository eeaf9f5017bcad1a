import type { CoverageGap } from '../../model.js';
import type { ContentItem, Source } from '../types.js';
import { BATCH_FORMAT, parseBatch } from './cat-file.js';
import { firstLine, gitOutput, spawnGit, waitForExit } from './exec.js';

/** What `git commit` would record right now: the index's versions of added and changed files. */
export class StagedSource implements Source {
  readonly kind = 'staged';
  readonly gaps: CoverageGap[] = [];

  constructor(
    readonly repo: string,
    private readonly maxFileSize: number,
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    const raw = await gitOutput(this.repo, ['diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACMRT']);
    const fields = raw.split('\0');
    const entries: string[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const meta = fields[i]!.split(' ');
      const blob = meta[3];
      if (blob && !/^0+$/.test(blob)) entries.push(`${blob} ${fields[i + 1]}\n`);
    }
    if (entries.length === 0) return;
    const catFile = spawnGit(this.repo, ['cat-file', `--batch=${BATCH_FORMAT}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    const err = { text: '' };
    const exit = waitForExit(catFile, err);
    exit.catch(() => undefined);
    catFile.stdin!.on('error', () => undefined);
    catFile.stdin!.end(entries.join(''));
    for await (const entry of parseBatch(catFile.stdout!, this.maxFileSize)) {
      if ('missing' in entry) this.gaps.push({ scope: `staged blob ${entry.id}`, reason: 'missing' });
      // Keyed by path: the same content staged at two paths is two places to fix before committing.
      else yield { key: entry.rest, path: entry.rest, size: entry.size, ...(entry.data ? { data: entry.data } : {}) };
    }
    const code = await exit;
    if (code !== 0) this.gaps.push({ scope: 'git cat-file', reason: firstLine(err.text) || `exit ${code}` });
  }
}
