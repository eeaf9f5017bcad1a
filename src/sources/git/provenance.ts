import { GitError } from '../../errors.js';
import type { CoverageGap } from '../../model.js';
import { gitLines, gitPath } from './exec.js';
import { headCommit } from './repo.js';

export interface CommitInfo {
  commit: string;
  author: string;
  email: string;
  date: string;
  message: string;
  /** Committer time, seconds: what orders "first introduced". */
  time: number;
}

export interface Introduction {
  path: string;
  commit: CommitInfo;
}

const NUL = '\0';
export const LOG_FORMAT = `%x01%H${'%x00'}%an%x00%ae%x00%aI%x00%ct%x00%s`;

/**
 * `git log --raw -c` lists, per commit, the blobs it introduced at each path; `-c` makes merges list
 * only what differs from every parent, i.e. a conflict resolution, not the whole merged branch.
 * Calls `visit` for every (blob, path, commit) introduction.
 */
export interface WalkHooks {
  /** Every commit walked, in git log order. */
  onCommit?: (commit: CommitInfo) => void;
  /** Paths to watch: called for every change to one of them, deletions included. */
  watch?: { paths: ReadonlySet<string>; changed: (path: string, status: string, commit: CommitInfo) => void };
}

export async function walkIntroductions(
  repo: string,
  revArgs: string[],
  visit: (blob: string, path: string, commit: CommitInfo) => void,
  hooks: WalkHooks = {},
): Promise<number> {
  let commit: CommitInfo | null = null;
  let commits = 0;
  const args = ['log', '-c', '--raw', '--no-abbrev', '--no-renames', `--format=${LOG_FORMAT}`, ...revArgs, '--'];
  // Read as latin1 so paths keep their bytes; commit lines are UTF-8 text, decoded as such.
  for await (const line of gitLines(repo, args, 'latin1')) {
    if (line.startsWith('\x01')) {
      const [hash = '', author = '', email = '', date = '', ct = '0', ...subject] = Buffer.from(line.slice(1), 'latin1').toString('utf8').split(NUL);
      commit = { commit: hash, author, email, date, message: subject.join(NUL), time: Number(ct) };
      commits++;
      hooks.onCommit?.(commit);
      continue;
    }
    if (!commit || !line.startsWith(':')) continue;
    const tab = line.indexOf('\t');
    if (tab === -1) continue;
    const meta = line.slice(0, tab).split(' ');
    const status = meta[meta.length - 1] ?? '';
    const blob = meta[meta.length - 2] ?? '';
    if (hooks.watch) {
      const path = gitPath(line.slice(tab + 1));
      if (hooks.watch.paths.has(path)) hooks.watch.changed(path, status, commit);
    }
    if (status.includes('D') && /^0+$/.test(blob)) continue;
    if (/^0+$/.test(blob)) continue;
    visit(blob, gitPath(line.slice(tab + 1)), commit);
  }
  return commits;
}

/**
 * Earliest introduction of each wanted blob at each path. Memory is bounded by `wanted`. A walk git
 * cannot finish (a missing tree or commit) keeps what it found so far and becomes a gap.
 */
export async function introductionsOf(
  repo: string,
  revArgs: string[],
  wanted: ReadonlySet<string>,
  gaps: CoverageGap[],
): Promise<Map<string, Introduction[]>> {
  const byBlob = new Map<string, Map<string, CommitInfo>>();
  if (wanted.size === 0) return new Map();
  try {
    await walkIntroductions(repo, revArgs, (blob, path, commit) => {
    if (!wanted.has(blob)) return;
    let paths = byBlob.get(blob);
    if (!paths) byBlob.set(blob, (paths = new Map()));
    const seen = paths.get(path);
    if (!seen || commit.time < seen.time || (commit.time === seen.time && commit.commit < seen.commit)) {
      paths.set(path, commit);
    }
    });
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    gaps.push({ scope: 'git log (provenance)', reason: err.message });
  }
  const out = new Map<string, Introduction[]>();
  for (const [blob, paths] of byBlob) {
    out.set(
      blob,
      [...paths].map(([path, commit]) => ({ path, commit })).sort((a, b) => a.commit.time - b.commit.time),
    );
  }
  return out;
}

/** Which of `blobs` are in HEAD's tree. */
export async function blobsInHead(repo: string, blobs: ReadonlySet<string>): Promise<Set<string>> {
  const present = new Set<string>();
  if (blobs.size === 0) return present;
  const head = await headCommit(repo);
  if (!head) return present; // an unborn HEAD holds nothing
  for await (const line of gitLines(repo, ['ls-tree', '-r', '--full-tree', head])) {
    const m = /^\d+ blob ([0-9a-f]+)\t/.exec(line);
    if (m && blobs.has(m[1]!)) present.add(m[1]!);
  }
  return present;
}
