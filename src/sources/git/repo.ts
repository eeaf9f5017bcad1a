import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { GitError } from '../../errors.js';
import { escapeControl } from '../../report/escape.js';
import { firstLine, gitOutput, gitRun, pathLine, type GitResult } from './exec.js';

export interface RepoInfo {
  /** Working tree root, or the git dir of a bare repository. */
  root: string;
  bare: boolean;
}

/** git's own answer for "there is no repository here"; the only answer that may mean "scan as files". */
const NOT_A_REPO = /^fatal: not a git repository\b/;

/** The same failure in words a CI log reader can act on; never the bare "exit 128". */
export function gitFailure(what: string, r: GitResult): GitError {
  return new GitError(`git ${what} failed: ${firstLine(r.stderr) || `exit ${r.code}`}`);
}

/**
 * git found a repository but will not open it (another owner's checkout, a broken .git/config, …).
 * That is never "not a repository": scanning it as plain files would skip .git and all history.
 */
function refusal(target: string, r: GitResult): GitError {
  const dubious = /dubious ownership in repository at '(.*)'/.exec(r.stderr);
  if (dubious) {
    return new GitError(
      `git refuses to open ${escapeControl(dubious[1]!)} (owned by another user); if you trust it, run: git config --global --add safe.directory ${escapeControl(dubious[1]!)}`,
    );
  }
  return new GitError(`git cannot open the repository at ${escapeControl(target)}: ${escapeControl(firstLine(r.stderr)) || `exit ${r.code}`}`);
}

/** True when git refused a repository *above* `target`: a subdirectory is scanned as files either way. */
async function refusedParent(target: string, r: GitResult): Promise<boolean> {
  const at = /dubious ownership in repository at '(.*)'/.exec(r.stderr)?.[1];
  if (!at) return false;
  // Strictly below git's path only; any doubt (an unresolved form of the same path) stays an error.
  return (await realpath(target)).startsWith(at.endsWith(sep) ? at : at + sep);
}

/** Whether `path` exists as far as lstat can tell; only "no such entry" is absence. */
async function present(path: string, kind: 'any' | 'file' | 'dir'): Promise<boolean> {
  try {
    const st = kind === 'any' ? await lstat(path) : await stat(path);
    return kind === 'any' || (kind === 'file' ? st.isFile() : st.isDirectory());
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    // An entry we cannot even stat (EACCES on a parent, EIO) may well be a repository: say so loudly.
    if (typeof code === 'string') return true;
    throw err;
  }
}

/**
 * Whether the target itself claims to be a repository: a `.git` entry (directory, gitfile or link),
 * or the layout of a bare one. HEAD alone is a common file name; HEAD with two of objects/, refs/
 * and config is a git directory (one may be the very part that was lost, as in `rm -rf refs`).
 */
async function claimsRepo(target: string): Promise<boolean> {
  if (await present(join(target, '.git'), 'any')) return true;
  if (!(await present(join(target, 'HEAD'), 'file'))) return false;
  const parts = await Promise.all([present(join(target, 'objects'), 'dir'), present(join(target, 'refs'), 'dir'), present(join(target, 'config'), 'file')]);
  return parts.filter(Boolean).length >= 2;
}

/**
 * git answers "not a git repository" for a target whose own .git is broken (garbage HEAD, refs or
 * objects gone, a gitfile naming a missing directory) and may even walk up to a parent repository.
 * Scanning that as plain files would skip .git and all history, and pass: it is a refusal instead.
 */
function brokenRepo(target: string, why: string): GitError {
  return new GitError(`${escapeControl(target)} looks like a git repository but git cannot open it (${escapeControl(why)}); repair it, or scan only its files with --no-git`);
}

/**
 * A target is scanned as history only when it is the top of a repository (or a bare one).
 * A subdirectory of a repository is scanned as files, honouring .gitignore.
 */
export async function detectRepo(target: string): Promise<RepoInfo | null> {
  const probe = await gitRun(target, ['rev-parse', '--is-bare-repository']);
  if (probe.code !== 0) {
    if (NOT_A_REPO.test(firstLine(probe.stderr))) {
      if (await claimsRepo(target)) throw brokenRepo(target, firstLine(probe.stderr));
      return null;
    }
    if (await refusedParent(target, probe)) return null;
    throw refusal(target, probe);
  }
  const bare = probe.stdout.trim() === 'true';
  const abs = await realpath(target);
  const top = pathLine(await gitOutput(target, ['rev-parse', bare ? '--absolute-git-dir' : '--show-toplevel']));
  if ((await realpath(top)) !== abs) {
    // git passed over the target's own .git (it is not a valid git directory) to a repository above.
    if (await claimsRepo(target)) throw brokenRepo(target, `git found the repository at ${top} instead`);
    return null;
  }
  return { root: abs, bare };
}

export async function requireRepo(target: string): Promise<string> {
  const r = await gitRun(target, ['rev-parse', '--show-toplevel']);
  if (r.code === 0) return pathLine(r.stdout);
  if (NOT_A_REPO.test(firstLine(r.stderr))) {
    if (await claimsRepo(target)) throw brokenRepo(target, firstLine(r.stderr));
    throw new GitError(`not a git repository: ${escapeControl(target)}`);
  }
  throw refusal(target, r);
}

/**
 * Older stashes live only in refs/stash's reflog; `--all` sees just the newest. No refs/stash
 * (git's quiet exit 1) is the one expected absence; any other failure is the caller's gap.
 */
export async function stashCommits(cwd: string): Promise<string[]> {
  const ref = await gitRun(cwd, ['rev-parse', '--verify', '--quiet', 'refs/stash']);
  if (ref.code === 1 && ref.stderr.trim() === '') return [];
  if (ref.code !== 0) throw gitFailure('rev-parse refs/stash', ref);
  const out = await gitOutput(cwd, ['log', '-g', '--format=%H', 'refs/stash', '--']);
  return out.split('\n').filter(Boolean);
}

/** HEAD's commit id, or null for an unborn HEAD (a new repository or an orphan branch). */
export async function headCommit(cwd: string): Promise<string | null> {
  // Unpeeled: an unborn HEAD names no object (quiet exit 1); a HEAD whose commit object is missing
  // still resolves here and fails loudly where the object is read.
  const r = await gitRun(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (r.code === 1 && r.stderr.trim() === '') return null;
  if (r.code !== 0) throw gitFailure('rev-parse HEAD', r);
  return r.stdout.trim();
}

/** Boundary commits of a shallow clone (their parents are not here); empty for a full clone. */
export async function shallowCommits(cwd: string): Promise<Set<string>> {
  const file = resolve(cwd, pathLine(await gitOutput(cwd, ['rev-parse', '--git-path', 'shallow'])));
  try {
    return new Set((await readFile(file, 'utf8')).split('\n').filter(Boolean));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Set(); // not shallow
    throw new GitError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'read failed'}`);
  }
}

/** The fix every shallow-clone gap names. */
export const UNSHALLOW_HINT = 'run git fetch --unshallow (or clone with full history, e.g. fetch-depth: 0)';

/** Commits no ref reaches: dropped branches, rewritten history, dangling stashes. */
export async function unreachableCommits(cwd: string): Promise<string[]> {
  const out = await gitOutput(cwd, ['fsck', '--unreachable', '--no-reflogs', '--no-progress']);
  return out
    .split('\n')
    .map((l) => /^unreachable commit ([0-9a-f]{40,64})$/.exec(l)?.[1])
    .filter((x): x is string => Boolean(x));
}

export interface ObjectCounts {
  /** Packed and loose KiB. */
  kib: number;
  /** Packed and loose objects, or null when git did not say. Alternates are not counted. */
  objects: number | null;
}

/**
 * What the repository holds (`git count-objects -v`, which reads no object), or null when git
 * cannot say. One call answers both the worker count and whether the walk can be held whole.
 */
export async function countObjects(cwd: string): Promise<ObjectCounts | null> {
  const r = await gitRun(cwd, ['count-objects', '-v']);
  if (r.code !== 0) return null;
  const field = (key: string) => /^(\d+)$/.exec(new RegExp(`^${key}: (.*)$`, 'm').exec(r.stdout)?.[1] ?? '')?.[1];
  const num = (key: string) => Number(field(key) ?? 0);
  const loose = field('count');
  const packed = field('in-pack');
  return { kib: num('size-pack') + num('size'), objects: loose === undefined || packed === undefined ? null : Number(loose) + Number(packed) };
}
