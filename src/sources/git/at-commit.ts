import { UsageError } from '../../errors.js';
import { gitOutput } from './exec.js';

/**
 * The text of `path` (from the repository root) as committed in `commit`, or null when that commit
 * has no such file. Absence is told by ls-tree's empty answer, never by a failed read: a git
 * failure here is an error, not "no config".
 */
export async function fileAtCommit(repo: string, commit: string, path: string): Promise<string | null> {
  const entry = await gitOutput(repo, ['ls-tree', '-z', '--full-tree', commit, '--', path]);
  if (entry === '') return null;
  const m = /^\d+ (\w+) ([0-9a-f]{40,64})\t/.exec(entry);
  if (!m || m[1] !== 'blob') throw new UsageError(`${commit.slice(0, 12)}:${path} is not a file`);
  return gitOutput(repo, ['cat-file', 'blob', m[2]!]);
}
