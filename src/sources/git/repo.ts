import { realpath } from 'node:fs/promises';
import { GitError } from '../../errors.js';
import { gitOutput } from './exec.js';

export interface RepoInfo {
  /** Working tree root, or the git dir of a bare repository. */
  root: string;
  bare: boolean;
}

/**
 * A target is scanned as history only when it is the top of a repository (or a bare one).
 * A subdirectory of a repository is scanned as files, honouring .gitignore.
 */
export async function detectRepo(target: string): Promise<RepoInfo | null> {
  let bare: boolean;
  try {
    bare = (await gitOutput(target, ['rev-parse', '--is-bare-repository'])).trim() === 'true';
  } catch (err) {
    if (err instanceof GitError && /not installed/.test(err.message)) throw err;
    return null;
  }
  const abs = await realpath(target);
  const top = (await gitOutput(target, ['rev-parse', bare ? '--absolute-git-dir' : '--show-toplevel'])).trim();
  if ((await realpath(top)) !== abs) return null;
  return { root: abs, bare };
}

export async function requireRepo(target: string): Promise<string> {
  try {
    return (await gitOutput(target, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new GitError(`not a git repository: ${target}`);
  }
}

/** Older stashes live only in refs/stash's reflog; `--all` sees just the newest. */
export async function stashCommits(cwd: string): Promise<string[]> {
  try {
    const out = await gitOutput(cwd, ['log', '-g', '--format=%H', 'refs/stash', '--']);
    return out.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Commits no ref reaches: dropped branches, rewritten history, dangling stashes. */
export async function unreachableCommits(cwd: string): Promise<string[]> {
  const out = await gitOutput(cwd, ['fsck', '--unreachable', '--no-reflogs', '--no-progress']);
  return out
    .split('\n')
    .map((l) => /^unreachable commit ([0-9a-f]{40,64})$/.exec(l)?.[1])
    .filter((x): x is string => Boolean(x));
}
