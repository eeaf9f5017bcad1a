import { closeSync, readSync } from 'node:fs';
import { GitError } from '../../errors.js';
import type { CoverageGap } from '../../model.js';
import { gitLines, gitPath, spawnGit, waitForExit } from './exec.js';
import { idPrefixFilter } from './id-prefix.js';
import { headCommit } from './repo.js';
import { scratchFile } from './scratch-file.js';

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

const LOG_ARGS = (revArgs: string[]) => ['log', '-c', '--raw', '--no-abbrev', '--no-renames', `--format=${LOG_FORMAT}`, ...revArgs, '--'];

/**
 * One line of the log walk at a time: the parser walkIntroductions and earlyIntroductions share.
 * With `wanted`, only those blobs are visited, and a commit's line is decoded only once one of them
 * turns up under it: curl's walk is 39,573 commits and 24.5 MB, of which a scan wants a few dozen
 * blobs.
 */
function introductionParser(visit: (blob: string, path: string, commit: CommitInfo) => void, hooks: WalkHooks, wanted?: ReadonlySet<string>) {
  let header: string | null = null;
  let commit: CommitInfo | null = null;
  const state = { commits: 0 };
  const decode = (raw: string): CommitInfo => {
    const [hash = '', author = '', email = '', date = '', ct = '0', ...subject] = Buffer.from(raw.slice(1), 'latin1').toString('utf8').split(NUL);
    return { commit: hash, author, email, date, message: subject.join(NUL), time: Number(ct) };
  };
  const line = (line: string): void => {
    if (line.startsWith('\x01')) {
      state.commits++;
      header = line;
      commit = null;
      if (hooks.onCommit) hooks.onCommit((commit = decode(line)));
      return;
    }
    if (header === null || !line.startsWith(':')) return;
    const tab = line.indexOf('\t');
    if (tab === -1) return;
    // `:<modes> <ids> <status>\t<path>`: the blob is the last id, the status after it.
    const beforeStatus = line.lastIndexOf(' ', tab);
    const beforeBlob = line.lastIndexOf(' ', beforeStatus - 1);
    const status = line.slice(beforeStatus + 1, tab);
    const blob = line.slice(beforeBlob + 1, beforeStatus);
    if (hooks.watch) {
      const path = gitPath(line.slice(tab + 1));
      if (hooks.watch.paths.has(path)) hooks.watch.changed(path, status, (commit ??= decode(header)));
    }
    if (wanted ? !wanted.has(blob) : /^0+$/.test(blob)) return;
    visit(blob, gitPath(line.slice(tab + 1)), (commit ??= decode(header)));
  };
  return { line, state };
}

export async function walkIntroductions(
  repo: string,
  revArgs: string[],
  visit: (blob: string, path: string, commit: CommitInfo) => void,
  hooks: WalkHooks = {},
): Promise<number> {
  const parse = introductionParser(visit, hooks);
  // Read as latin1 so paths keep their bytes; commit lines are UTF-8 text, decoded as such.
  for await (const line of gitLines(repo, LOG_ARGS(revArgs), 'latin1')) parse.line(line);
  return parse.state.commits;
}

/** Earliest commit per path, kept for a blob the first time a walk introduces it there. */
function keepEarliest(byBlob: Map<string, Map<string, CommitInfo>>, blob: string, path: string, commit: CommitInfo): void {
  let paths = byBlob.get(blob);
  if (!paths) byBlob.set(blob, (paths = new Map()));
  const seen = paths.get(path);
  if (!seen || commit.time < seen.time || (commit.time === seen.time && commit.commit < seen.commit)) paths.set(path, commit);
}

function oldestFirst(byBlob: Map<string, Map<string, CommitInfo>>): Map<string, Introduction[]> {
  const out = new Map<string, Introduction[]>();
  for (const [blob, paths] of byBlob) {
    out.set(
      blob,
      [...paths].map(([path, commit]) => ({ path, commit })).sort((a, b) => a.commit.time - b.commit.time),
    );
  }
  return out;
}

/**
 * The provenance walk started before the wanted blobs are known, so git's part of it runs beside
 * the walk or the scan. git log writes straight into a file of its own (mode 0600, in a directory
 * only we can enter, removed once read): its output (2.5 MB on express, 24.5 MB on curl) is neither
 * relayed by the scanning thread nor held in this process's memory meanwhile, and it is parsed for
 * the wanted blobs once the scan is done. Commit subjects can hold secrets, hence the mode. When no
 * such file can be made, or it cannot be read back, finish runs the walk after the scan, as
 * introductionsOf; the result and its gaps are those of introductionsOf either way. `readLines` is
 * the file's reader, given by tests that make reading it fail.
 */
export function earlyIntroductions(
  repo: string,
  revArgs: string[],
  readLines: typeof forEachWantedLine = forEachWantedLine,
): { finish(wanted: ReadonlySet<string>, gaps: CoverageGap[]): Promise<Map<string, Introduction[]>> } {
  const out = scratchFile('log');
  const stderr = { text: '' };
  let exited: Promise<number> = Promise.resolve(0);
  if (out) {
    try {
      const child = spawnGit(repo, LOG_ARGS(revArgs), { stdio: ['ignore', out.fd, 'pipe'] });
      exited = waitForExit(child, stderr);
    } catch (err) {
      exited = Promise.reject(err);
    } finally {
      // The child has its own copy of the descriptor.
      closeSync(out.fd);
    }
    exited.catch(() => undefined);
  }
  return {
    async finish(wanted, gaps) {
      if (!out) return introductionsOf(repo, revArgs, wanted, gaps);
      try {
        let failed: boolean;
        try {
          failed = (await exited) !== 0;
        } catch (err) {
          if (!(err instanceof GitError)) throw err;
          failed = true;
        }
        if (wanted.size === 0) return new Map();
        // A failed walk is walked again, after the scan: a full disk under the file fails it as
        // surely as a missing tree, and only the second walk tells them apart. One git cannot
        // finish keeps what it found so far and becomes a gap there.
        if (failed) return await introductionsOf(repo, revArgs, wanted, gaps);
        const byBlob = new Map<string, Map<string, CommitInfo>>();
        const parse = introductionParser((blob, path, commit) => keepEarliest(byBlob, blob, path, commit), {}, wanted);
        try {
          readLines(out.readFd, wanted, parse.line);
        } catch (err) {
          // The file could not be read back (EIO, a file system gone read-only or unmounted under
          // it): walked again after the scan, like a failed git, rather than losing the report.
          if (!isSystemError(err)) throw err;
          return await introductionsOf(repo, revArgs, wanted, gaps);
        }
        return oldestFirst(byBlob);
      } finally {
        closeSync(out.readFd);
        out.remove();
      }
    },
  };
}

/** An error from the operating system (it carries a code such as EIO), not a defect of ours. */
function isSystemError(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).syscall !== undefined;
}

/** Bytes read from the early file at a time. */
const EARLY_READ_BYTES = 1024 * 1024;

/**
 * The lines of the early file at `fd` (from its start) that the parser can act on with `wanted`,
 * as latin1 strings: commit lines, and the `:` lines whose blob id may be wanted. Every other line
 * is one the parser returns from at once, so leaving it out changes nothing; on curl that is all
 * but a few dozen of 400,000 lines, and no string is made for them. Lines break where readline's
 * did (`\n`, `\r\n` and a lone `\r`); the file is read a megabyte at a time, not held whole.
 */
export function forEachWantedLine(fd: number, wanted: ReadonlySet<string>, line: (line: string) => void, readBytes = EARLY_READ_BYTES): void {
  // A `:` line is made a string only when its blob may be wanted.
  const mayBe = idPrefixFilter(wanted);
  const piece = (d: Buffer, a: number, b: number): void => {
    if (b <= a) return;
    if (d[a] === 0x01) {
      line(d.toString('latin1', a, b));
      return;
    }
    if (d[a] !== 0x3a /* : */) return;
    let tab = -1;
    for (let i = a; i < b; i++) {
      if (d[i] === 9) {
        tab = i;
        break;
      }
    }
    if (tab === -1) return;
    // As the parser finds it: the blob is the id before the last space before the tab.
    let beforeStatus = tab;
    while (beforeStatus >= a && d[beforeStatus] !== 32) beforeStatus--;
    let beforeBlob = beforeStatus - 1;
    while (beforeBlob >= a && d[beforeBlob] !== 32) beforeBlob--;
    // Anything unusual goes to the parser as it is.
    if (beforeBlob >= a && !mayBe(d, beforeBlob + 1, beforeStatus - beforeBlob - 1)) return;
    line(d.toString('latin1', a, b));
  };
  // One line ended by LF: a CR before the LF belongs to the break, any other CR breaks it too.
  const segment = (d: Buffer, a: number, b: number, crAt: number): number => {
    if (b > a && d[b - 1] === 13) b--;
    let from = a;
    let cr = crAt;
    while (cr !== -1 && cr < b) {
      piece(d, from, cr);
      from = cr + 1;
      cr = d.indexOf(13, from);
    }
    piece(d, from, b);
    return cr;
  };
  // The part line a read ended in waits at the buffer's start, and the next read goes after it:
  // only that part is copied, not every read joined to it.
  let keep = 0;
  let position = 0;
  let chunk = Buffer.allocUnsafe(Math.max(1, readBytes));
  for (;;) {
    // A line longer than half the buffer (a commit subject can be megabytes) doubles it, so
    // joining it up costs its length, not its length times the number of reads.
    if (keep * 2 > chunk.length) {
      const bigger = Buffer.allocUnsafe(chunk.length * 2);
      chunk.copy(bigger, 0, 0, keep);
      chunk = bigger;
    }
    const n = readSync(fd, chunk, keep, chunk.length - keep, position);
    if (n === 0) break;
    position += n;
    const d = chunk.subarray(0, keep + n);
    let start = 0;
    // The next CR at or after `start`, found once and moved past only when passed (so no search
    // runs on to the end of the data for every line).
    let cr = d.indexOf(13, 0);
    for (let nl = d.indexOf(10, 0); nl !== -1; nl = d.indexOf(10, start)) {
      if (cr !== -1 && cr < start) cr = d.indexOf(13, start);
      cr = segment(d, start, nl, cr);
      start = nl + 1;
    }
    keep = d.length - start;
    if (keep > 0 && start > 0) chunk.copyWithin(0, start, d.length);
  }
  if (keep > 0) {
    const rest = chunk.subarray(0, keep);
    segment(rest, 0, keep, rest.indexOf(13));
  }
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
      if (wanted.has(blob)) keepEarliest(byBlob, blob, path, commit);
    });
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    gaps.push({ scope: 'git log (provenance)', reason: err.message });
  }
  return oldestFirst(byBlob);
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
