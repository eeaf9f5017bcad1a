import { Transform } from 'node:stream';
import { GitError } from '../../errors.js';
import type { CoverageGap } from '../../model.js';
import type { ContentItem, Source } from '../types.js';
import { BATCH_FORMAT, blobItem, missingGap, parseBatch } from './cat-file.js';
import { firstLine, gitLines, spawnGit, waitForExit } from './exec.js';
import { shallowCommits, stashCommits, UNSHALLOW_HINT } from './repo.js';

/**
 * How much of rev-list's output may wait in this process for the scan to catch up. rev-list holds
 * the whole walk's object set in memory (about 150 MiB on curl) until it exits, so it is read as
 * fast as it writes and exits in a second instead of living as long as the scan. Its output is
 * about 60 bytes per blob (8 MiB on curl); past this bound, pipe backpressure takes over again.
 */
export const WALK_BUFFER_BYTES = 256 * 1024 * 1024;

export interface HistoryOptions {
  maxFileSize: number;
  /** Also scan unreachable and dangling objects. */
  allObjects: boolean;
}

/**
 * Passes rev-list's output on to cat-file, taking out the `?<id>` lines `--missing=print` adds
 * for objects that are referenced but absent. latin1 keeps every byte of a path as it was.
 */
function takeMissing(onMissing: (id: string) => void): Transform {
  let tail = '';
  const keep = (lines: string[]): string[] =>
    lines.filter((l) => {
      if (!l.startsWith('?')) return true;
      onMissing(l.slice(1).trim());
      return false;
    });
  return new Transform({
    // Large marks, so pipe() keeps reading rev-list while cat-file is busy (see WALK_BUFFER_BYTES).
    writableHighWaterMark: WALK_BUFFER_BYTES / 2,
    readableHighWaterMark: WALK_BUFFER_BYTES / 2,
    transform(chunk: Buffer, _enc, done) {
      const lines = (tail + chunk.toString('latin1')).split('\n');
      tail = lines.pop() ?? '';
      const kept = keep(lines);
      done(null, kept.length ? Buffer.from(`${kept.join('\n')}\n`, 'latin1') : undefined);
    },
    flush(done) {
      const kept = keep(tail ? [tail] : []);
      done(null, kept.length ? Buffer.from(`${kept[0]}\n`, 'latin1') : undefined);
    },
  });
}

/**
 * Every unique blob reachable from any ref (branches, tags, remotes, notes, stash and its reflog),
 * each read exactly once. rev-list deduplicates and names each blob with a path; its output is
 * piped straight into cat-file so no blob list is held in this process.
 *
 * A missing object costs only itself: `--missing=print` keeps rev-list walking past it and the id
 * becomes a gap. A missing commit still stops git (2.39 cannot walk past one); that is a gap too.
 */
export class HistorySource implements Source {
  readonly kind = 'history';
  readonly gaps: CoverageGap[] = [];
  /** Stash reflog commits walked, so provenance walks the same set without asking git again. */
  stashes: string[] = [];
  /**
   * Called once both walks have exited (the stashes are known by then) while blobs are still being
   * scanned, so the provenance walk can start beside the scan instead of after it, and never beside
   * the other walks (each holds the whole object set in memory).
   */
  afterWalks: (() => void) | null = null;

  constructor(
    readonly repo: string,
    private readonly opts: HistoryOptions,
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    // First, so the one stderr line of the run names it: a shallow clone lacks history by design.
    await this.noteShallow();
    if (this.opts.allObjects) {
      yield* this.allObjects();
      return;
    }
    const { missing, trees, revList } = await this.startWalk();
    const catFile = spawnGit(this.repo, ['cat-file', `--batch=${BATCH_FORMAT}`, '--buffer'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // rev-list's output is ids and paths, a small fraction of the blob bytes; piping it through here is cheap.
    catFile.stdin!.on('error', () => undefined);
    revList.stdout!.pipe(takeMissing((id) => missing.push(id))).pipe(catFile.stdin!);
    const revListOk = yield* this.drain(catFile, [['rev-list', revList]], missing);
    await this.endWalk(revListOk, trees, missing);
    if (missing.length) this.gaps.push(missingGap([...new Set(missing)]));
  }

  /** The stash reflog, then rev-list over every ref, with the tree-only listing beside it. */
  private async startWalk(): Promise<{ missing: string[]; trees: Promise<string[] | GitError>; revList: ReturnType<typeof spawnGit> }> {
    try {
      this.stashes = await stashCommits(this.repo);
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      this.gaps.push({ scope: 'git stash reflog', reason: err.message });
    }
    const walk = ['--objects', '--all', '--missing=print', ...this.stashes];
    // In git 2.39 a blob-only listing skips a missing *tree* without a word, so a tree-only listing
    // (cheap: no blob is read) runs too, just for its `?<tree>` lines. It starts once the blob walk
    // has exited, not beside it: each walk holds the whole object set (about 130 MiB on curl), and
    // one at a time halves that peak for the second or so the walks take.
    const revList = spawnGit(this.repo, ['rev-list', ...walk, '--filter=object:type=blob']);
    const trees = new Promise<void>((resolve) => {
      revList.once('close', () => resolve());
      revList.once('error', () => resolve());
    }).then(() => this.missingTrees(walk));
    const walked = () => this.afterWalks?.();
    trees.then(walked, walked);
    return { missing: [], trees, revList };
  }

  /** Missing trees count only when the walk itself finished: a failed walk is its own gap. */
  private async endWalk(walkOk: boolean, trees: Promise<string[] | GitError>, missing: string[]): Promise<void> {
    const treeResult = await trees;
    if (!walkOk) return;
    if (treeResult instanceof GitError) this.gaps.push({ scope: 'git rev-list (trees)', reason: treeResult.message });
    else missing.push(...treeResult);
  }

  /**
   * The same walk as items(), without reading any blob: batches of `<id> <path>` lines for the scan
   * workers, each of which reads its share with its own cat-file. Gaps are recorded the same way.
   */
  async *objectBatches(size: number): AsyncGenerator<string[]> {
    await this.noteShallow();
    const { missing, trees, revList } = await this.startWalk();
    const err = { text: '' };
    const exit = waitForExit(revList, err);
    exit.catch(() => undefined);
    revList.stdout!.setEncoding('latin1');
    // Read rev-list to its end as fast as it writes (see WALK_BUFFER_BYTES); batches are cut from
    // what has arrived while the workers take them at their own pace.
    const walk = bufferedLines(revList.stdout! as NodeJS.ReadableStream & AsyncIterable<string>, WALK_BUFFER_BYTES);
    let batch: string[] = [];
    try {
      for await (const lines of walk) {
        for (const line of lines) {
          if (line.startsWith('?')) missing.push(line.slice(1).trim());
          else if (line) batch.push(line);
        }
        while (batch.length >= size) {
          yield batch.slice(0, size);
          batch = batch.slice(size);
        }
      }
      if (batch.length) yield batch;
    } finally {
      revList.kill();
    }
    const code = await exit;
    if (code !== 0) this.gaps.push({ scope: 'git rev-list', reason: firstLine(err.text) || `exit ${code}` });
    await this.endWalk(code === 0, trees, missing);
    this.missing.push(...missing);
  }

  /** Objects the workers' cat-files found missing, added by the pool; becomes one gap. */
  readonly missing: string[] = [];

  /** Call once the pool is done: the missing ids from the walk and the workers as one gap. */
  noteMissing(): void {
    if (this.missing.length) this.gaps.push(missingGap([...new Set(this.missing)]));
  }

  private async missingTrees(walk: string[]): Promise<string[] | GitError> {
    const ids: string[] = [];
    try {
      for await (const line of gitLines(this.repo, ['rev-list', ...walk, '--filter=object:type=tree'])) {
        if (line.startsWith('?')) ids.push(line.slice(1).trim());
      }
    } catch (err) {
      if (err instanceof GitError) return err;
      throw err;
    }
    return ids;
  }

  private async noteShallow(): Promise<void> {
    try {
      const boundary = await shallowCommits(this.repo);
      if (boundary.size) {
        this.gaps.push({
          scope: 'shallow clone',
          reason: `history before ${boundary.size} boundary commit(s) is not in this clone; ${UNSHALLOW_HINT}`,
        });
      }
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      this.gaps.push({ scope: 'shallow clone check', reason: err.message });
    }
  }

  private async *allObjects(): AsyncGenerator<ContentItem> {
    const catFile = spawnGit(this.repo, ['cat-file', '--batch-all-objects', `--batch=${BATCH_FORMAT}`, '--unordered']);
    const missing: string[] = [];
    yield* this.drain(catFile, [], missing);
    if (missing.length) this.gaps.push(missingGap(missing));
  }

  /** Reads cat-file to the end; returns whether every upstream process exited cleanly. */
  private async *drain(
    catFile: ReturnType<typeof spawnGit>,
    upstream: Array<[string, ReturnType<typeof spawnGit>]>,
    missing: string[],
  ): AsyncGenerator<ContentItem, boolean> {
    const stderrs = upstream.map(() => ({ text: '' }));
    const exits = upstream.map(([, child], i) => waitForExit(child, stderrs[i]!));
    const catErr = { text: '' };
    const catExit = waitForExit(catFile, catErr);
    for (const p of [...exits, catExit]) p.catch(() => undefined);
    try {
      for await (const entry of parseBatch(catFile.stdout!, this.opts.maxFileSize)) {
        if ('missing' in entry) {
          missing.push(entry.id);
          continue;
        }
        yield blobItem(entry);
      }
    } finally {
      for (const [, child] of upstream) child.kill();
    }
    let ok = true;
    for (let i = 0; i < upstream.length; i++) {
      const code = await exits[i]!;
      if (code !== 0) {
        ok = false;
        this.gaps.push({ scope: `git ${upstream[i]![0]}`, reason: firstLine(stderrs[i]!.text) || `exit ${code}` });
      }
    }
    const code = await catExit;
    if (code !== 0) this.gaps.push({ scope: 'git cat-file', reason: firstLine(catErr.text) || `exit ${code}` });
    return ok;
  }
}

/**
 * The LF-separated lines of a stream, in arrival order, read eagerly: the stream is paused only
 * while more than `bound` characters wait unconsumed. Split on LF only: a path may hold a CR
 * (readline would cut the line there).
 */
export async function* bufferedLines(stream: NodeJS.ReadableStream, bound: number): AsyncGenerator<string[]> {
  const queue: Array<{ lines: string[]; size: number }> = [];
  let queued = 0;
  let tail = '';
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const nudge = () => {
    wake?.();
    wake = null;
  };
  stream.on('data', (chunk: string) => {
    const lines = (tail + chunk).split('\n');
    tail = lines.pop() ?? '';
    if (lines.length) {
      const size = lines.reduce((n, l) => n + l.length + 1, 0);
      queue.push({ lines, size });
      queued += size;
      if (queued > bound) stream.pause();
    }
    nudge();
  });
  stream.on('end', () => {
    if (tail) queue.push({ lines: [tail], size: tail.length });
    ended = true;
    nudge();
  });
  stream.on('error', (err) => {
    failure = err;
    ended = true;
    nudge();
  });
  for (;;) {
    const next = queue.shift();
    if (next) {
      queued -= next.size;
      if (queued <= bound && stream.isPaused()) stream.resume();
      yield next.lines;
      continue;
    }
    if (ended) break;
    await new Promise<void>((r) => (wake = r));
  }
  if (failure) throw failure;
}
