import type { Writable } from 'node:stream';
import { GitError } from '../../errors.js';
import type { CoverageGap } from '../../model.js';
import type { ContentItem, Source } from '../types.js';
import { BATCH_FORMAT, blobItem, CatFileCut, catFileArgs, missingGap, parseBatch } from './cat-file.js';
import { firstLine, spawnGit, waitForExit } from './exec.js';
import { countObjects, type ObjectCounts, shallowCommits, stashCommits, UNSHALLOW_HINT } from './repo.js';
import { outputSocket } from './output-socket.js';
import { WholeOutput } from './whole-output.js';
import { type HeldWalk, inStoreOrder, STORE_ORDER_BOUND, STORE_ORDER_CONFIG, StoreOrder, WALK_BYTES_PER_OBJECT } from './store-order.js';

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
  /** Bytes of walk held to read it in store order; past this it streams (default STORE_ORDER_BOUND). */
  storeOrderBound?: number | undefined;
}

/** Resolves when a stream that refused a write drains, or closes, or fails: nothing waits forever. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

/**
 * Every unique blob reachable from any ref (branches, tags, remotes, notes, stash and its reflog),
 * each read exactly once. rev-list deduplicates and names each blob with a path. Its lines (53
 * bytes an object, 15 MB on curl) are held until it exits; its blob lines are then handed to
 * cat-file in the order git stores the objects, which takes a third off cat-file's CPU and two
 * thirds off its memory (store-order.ts). A walk too large to hold streams into cat-file in its own
 * order.
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
   * Called when the provenance walk may start beside this one, the stashes known by then: `walk` as
   * the one walk of every object starts (it leaves a core free, and the scan waits for it anyway),
   * `scan` once the two walks of a larger repository have exited, while blobs are still being
   * scanned (never beside those two: each holds the whole object set in memory).
   */
  provenanceBeside: ((when: 'walk' | 'scan') => void) | null = null;

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
    const walk = this.walkLines();
    let next = await walk.next();
    if (next.done) {
      this.noteMissing();
      return;
    }
    // Read through a socket into one reused buffer where one can be made (see output-socket.ts):
    // each blob is scanned before the next read is asked for.
    const socket = await outputSocket();
    // Spawned only now: its cache settings depend on the order the walk comes in.
    let catFile: ReturnType<typeof spawnGit>;
    try {
      catFile = spawnGit(this.repo, catFileArgs(this.storeOrdered), { stdio: ['pipe', socket ? socket.childEnd : 'pipe', 'pipe'] });
    } finally {
      socket?.handOver();
    }
    const stdin = catFile.stdin!;
    stdin.on('error', () => undefined);
    // The walk is fed to cat-file while its output is read below, as fast as cat-file takes it.
    const feeding = (async () => {
      try {
        // The walk is taken to its end even once cat-file has died: its last steps record the
        // missing objects, missing trees and a failed rev-list, which are gaps of their own.
        while (!next.done) {
          if (!stdin.destroyed && !stdin.write(`${next.value.join('\n')}\n`, 'latin1')) await drained(stdin);
          next = await walk.next();
        }
      } finally {
        stdin.end();
      }
    })();
    // Awaited below; a scan stopped early leaves it to finish on its own.
    feeding.catch(() => undefined);
    try {
      yield* this.drain(catFile, this.missing, socket?.chunks());
    } finally {
      socket?.destroy();
      this.stopWalk?.();
    }
    await feeding;
    this.noteMissing();
  }

  private counted: Promise<ObjectCounts | null> | null = null;

  /** What the repository holds, asked of git once (the scan's worker count reads it too). */
  counts(): Promise<ObjectCounts | null> {
    return (this.counted ??= countObjects(this.repo));
  }

  /** Whether the walk's lines are handed out in store order (set before the first of them). */
  storeOrdered = false;
  /** The walk as it was handed out, when in store order: see toWalkOrder. */
  private held: HeldWalk | null = null;
  /** Stops the walk's git processes when the scan ends early. */
  private stopWalk: (() => void) | null = null;
  /** The scan ended early: nothing more is started (see provenanceBeside). */
  private stopped = false;

  /**
   * Hits back in walk order after a scan in store order, so the report is the same whichever
   * order git keeps its objects in (which hit of a secret comes first decides what it shows).
   */
  toWalkOrder<T extends { key: string }>(hits: T[]): void {
    const held = this.held;
    this.held = null;
    if (!held || hits.length < 2) return;
    const index = held.walkIndexOf(new Set(hits.map((h) => h.key)));
    const at = (h: T) => index.get(h.key) ?? Number.MAX_SAFE_INTEGER;
    hits.sort((a, b) => at(a) - at(b));
  }

  /**
   * The walk's lines (`<id> <path>`, or a bare id for a commit), its `?<id>` lines taken out as
   * missing. A repository small enough to hold its whole walk (about a million objects) is walked
   * once, trees and commits included, and its blob lines handed out in the order git stores them
   * (see oneWalk); a larger one, or one git gives no listing of, gets two walks (see twoWalks).
   */
  private async *walkLines(): AsyncGenerator<string[]> {
    await this.readStashes();
    const walk = ['--objects', '--all', '--missing=print', ...this.stashes];
    const bound = this.opts.storeOrderBound ?? STORE_ORDER_BOUND;
    const objects = (
      await this.counts().catch((err: unknown) => {
        if (err instanceof GitError) return null;
        throw err;
      })
    )?.objects ?? null;
    const one = objects !== null && objects * WALK_BYTES_PER_OBJECT <= bound ? await this.oneWalk(walk, bound) : null;
    if (!one) {
      yield* this.twoWalks(walk, bound);
      return;
    }
    // Recorded before any line is handed out, so they survive a scan that stops early.
    this.missing.push(...one.missing);
    yield* one.held.pieces();
  }

  /**
   * One rev-list over every object, its trees and commits included, held whole and split by the
   * types in git's listing (StoreOrder). A missing tree is a `?<id>` line of this walk, so no second
   * walk of the trees is needed (a blob-only walk in git 2.39 skips one silently), and a core is left
   * for the provenance walk while this one runs. On curl the walk is 288,000 lines (15 MB, 0.8 s),
   * of which the 143,000 blob lines are kept. Null when the walk outgrew `bound` or git gave no
   * listing (without types the walk cannot be split): the caller starts over with two walks.
   */
  private async oneWalk(walk: string[], bound: number): Promise<{ held: HeldWalk; missing: string[] } | null> {
    const out = new WholeOutput(this.repo, ['rev-list', ...walk], bound);
    const revList = out.child;
    const order = new StoreOrder(this.repo);
    order.startIndex();
    const stop = this.stopsWith(revList, order);
    this.provenanceBeside?.('walk');
    // Its stderr is not reported from here: a walk that fails is walked again (below), and that walk says why.
    const exit = waitForExit(revList, { text: '' });
    exit.catch(() => undefined);
    const { chunks } = await out.take();
    if (!chunks) {
      stop();
      // A git that never started is the same failure the two walks would meet: said here.
      const failed = await exit.then(
        () => null,
        (e: unknown) => e,
      );
      if (failed) throw failed;
      return null;
    }
    if ((await exit) !== 0) {
      // Walked again the other way, through pipes: a full disk under the scratch file fails git as
      // surely as a missing commit does, and only the second walk tells them apart (a real failure
      // is then the gap it always was).
      stop();
      return null;
    }
    const stored = await order.index();
    // Both have exited: nothing is left to stop, and the scan should not keep them (or what their
    // listeners hold) alive.
    this.stopWalk = () => {
      this.stopped = true;
    };
    if (!stored) return null;
    const missing: string[] = [];
    const held = inStoreOrder(chunks, stored, (id) => missing.push(id));
    this.held = held;
    this.storeOrdered = true;
    return { held, missing };
  }

  /**
   * A walk of the blobs, with a walk of the trees beside it for the missing ones. The blob walk is
   * held up to `bound` and handed out in store order like oneWalk's; past the bound it streams in
   * its own order.
   */
  private async *twoWalks(walk: string[], bound: number): AsyncGenerator<string[]> {
    const { missing, trees, revList, killTrees } = this.startWalks(walk);
    const order = new StoreOrder(this.repo);
    order.startIndex();
    const stop = this.stopsWith(revList, order, killTrees);
    const err = { text: '' };
    const exit = waitForExit(revList, err);
    exit.catch(() => undefined);
    const lines = lineSplitter((id) => missing.push(id));
    let held: Buffer[] | null = [];
    let heldSize = 0;
    let finished = false;
    try {
      // Read rev-list to its end as fast as it writes (see WALK_BUFFER_BYTES).
      for await (const chunk of bufferedChunks(revList.stdout!, WALK_BUFFER_BYTES)) {
        const bytes = chunk as Buffer;
        if (!held) {
          const out = lines(bytes);
          if (out.length) yield out;
          continue;
        }
        held.push(bytes);
        heldSize += bytes.length;
        if (heldSize > bound) {
          // Too large to hold: from here on the walk streams in its own order.
          order.cancel();
          const out = lines(Buffer.concat(held));
          held = null;
          if (out.length) yield out;
        }
      }
      const code = await exit;
      if (held) {
        // Only the reordered walk stays referenced while it is handed out over the scan: the raw
        // walk and git's listing (24 MB on curl) are dropped once merged into it.
        const inOrder = await this.holdInStoreOrder(held, order, (id) => missing.push(id));
        if (inOrder) {
          held = null;
          yield* inOrder.pieces();
        } else {
          const chunks = held;
          held = null;
          while (chunks.length) {
            const out = lines(chunks.shift()!);
            if (out.length) yield out;
          }
        }
      }
      const last = lines(null);
      if (last.length) yield last;
      if (code !== 0) this.gaps.push({ scope: 'git rev-list', reason: firstLine(err.text) || `exit ${code}` });
      await this.endWalk(code === 0, trees, missing);
      this.missing.push(...missing);
      finished = true;
    } finally {
      // Ended early (the scan stopped taking lines): the tree walk is stopped too.
      if (finished) stop();
      else this.stopWalk?.();
    }
  }

  /**
   * What stops a walk's git processes: the returned function stops rev-list and the listing once
   * they are not wanted; stopWalk, for a scan that ends early, stops `more` too and starts nothing.
   */
  private stopsWith(revList: ReturnType<typeof spawnGit>, order: StoreOrder, more?: () => void): () => void {
    const stop = () => {
      revList.kill();
      order.cancel();
    };
    this.stopWalk = () => {
      this.stopped = true;
      stop();
      more?.();
    };
    return stop;
  }

  /** The held walk (rev-list's raw output) in store order; null when git gave no order. */
  private async holdInStoreOrder(walk: Buffer[], order: StoreOrder, onMissing: (id: string) => void): Promise<HeldWalk | null> {
    const stored = await order.index();
    if (!stored) return null;
    this.held = inStoreOrder(walk, stored, onMissing);
    this.storeOrdered = true;
    return this.held;
  }

  /** The stash reflog's commits, walked with every ref. */
  private async readStashes(): Promise<void> {
    try {
      this.stashes = await stashCommits(this.repo);
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      this.gaps.push({ scope: 'git stash reflog', reason: err.message });
    }
  }

  /** rev-list's blobs over every ref, with the tree-only listing beside it. */
  private startWalks(walk: string[]): { missing: string[]; trees: Promise<string[] | GitError>; revList: ReturnType<typeof spawnGit>; killTrees: () => void } {
    // In git 2.39 a blob-only listing skips a missing *tree* without a word, so a tree-only listing
    // (cheap: no blob is read) runs too, just for its `?<tree>` lines. It runs beside the blob walk:
    // nothing else can use the second core until the blob walk is done (its lines are held to be
    // read in store order), and with the walks' small caches each holds 40-50 MiB, well under the
    // scan's later peak. On curl this was 0.91x the wall time (4 pairs) at the same peak.
    const revList = spawnGit(this.repo, ['rev-list', ...walk, '--filter=object:type=blob']);
    const treeWalk = this.missingTrees(walk);
    const blobsWalked = new Promise<void>((resolve) => {
      revList.once('close', () => resolve());
      revList.once('error', () => resolve());
    });
    // The provenance walk starts only once both have exited, never beside them, and not at all
    // once the scan has stopped early.
    void Promise.allSettled([blobsWalked, treeWalk.ids]).then(() => {
      if (!this.stopped) this.provenanceBeside?.('scan');
    });
    return { missing: [], trees: treeWalk.ids, revList, killTrees: treeWalk.kill };
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
    let batch: string[] = [];
    for await (const lines of this.walkLines()) {
      let at = 0;
      if (batch.length) {
        at = Math.min(size - batch.length, lines.length);
        batch.push(...lines.slice(0, at));
        if (batch.length < size) continue;
        yield batch;
        batch = [];
      }
      for (; lines.length - at >= size; at += size) yield lines.slice(at, at + size);
      batch = lines.slice(at);
    }
    if (batch.length) yield batch;
  }

  /** Objects the workers' cat-files found missing, added by the pool; becomes one gap. */
  readonly missing: string[] = [];

  /** Call once the pool is done: the missing ids from the walk and the workers as one gap. */
  noteMissing(): void {
    if (this.missing.length) this.gaps.push(missingGap([...new Set(this.missing)]));
  }

  /** The tree-only walk's `?<id>` lines; `kill` stops it when the scan ends early. */
  private missingTrees(walk: string[]): { ids: Promise<string[] | GitError>; kill: () => void } {
    const args = ['rev-list', ...walk, '--filter=object:type=tree'];
    const child = spawnGit(this.repo, args);
    const stderr = { text: '' };
    const exited = waitForExit(child, stderr);
    exited.catch(() => undefined);
    const ids: string[] = [];
    // Only its `?<id>` lines are wanted; every other line is a tree or commit, and dropped.
    const lines = lineSplitter((id) => ids.push(id));
    const result = (async (): Promise<string[] | GitError> => {
      for await (const chunk of bufferedChunks(child.stdout!, WALK_BUFFER_BYTES)) lines(chunk as Buffer);
      lines(null);
      const code = await exited;
      return code === 0 ? ids : new GitError(`git rev-list failed: ${firstLine(stderr.text) || `exit ${code}`}`);
    })();
    return { ids: result, kill: () => child.kill() };
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
    // --unordered is store order: the small caches cost nothing here either (curl: 246 -> 69 MiB
    // peak RSS, 2.7 s of CPU either way).
    const catFile = spawnGit(this.repo, [...STORE_ORDER_CONFIG, 'cat-file', '--batch-all-objects', `--batch=${BATCH_FORMAT}`, '--unordered']);
    const missing: string[] = [];
    yield* this.drain(catFile, missing);
    if (missing.length) this.gaps.push(missingGap(missing));
  }

  /**
   * Reads cat-file to the end. When git dies inside an object, what was read is kept and the rest
   * is one gap with git's own reason.
   */
  private async *drain(catFile: ReturnType<typeof spawnGit>, missing: string[], reads?: AsyncIterable<Buffer>): AsyncGenerator<ContentItem> {
    const catErr = { text: '' };
    const catExit = waitForExit(catFile, catErr);
    catExit.catch(() => undefined);
    let answered = 0;
    let cut: CatFileCut | null = null;
    try {
      // From a socket, a blob is a view of a read that is overwritten once the next is asked for:
      // the scan takes each item before asking for the next.
      const entries = reads ? parseBatch(reads, this.opts.maxFileSize, false, 'reads') : parseBatch(catFile.stdout!, this.opts.maxFileSize);
      for await (const entry of entries) {
        answered++;
        if ('missing' in entry) {
          missing.push(entry.id);
          continue;
        }
        yield blobItem(entry);
      }
    } catch (err) {
      if (!(err instanceof CatFileCut)) throw err;
      cut = err;
    }
    const code = await catExit;
    if (cut) {
      const why = firstLine(catErr.text) || (code !== 0 ? `exit ${code}` : 'output cut short');
      this.gaps.push({ scope: 'git cat-file', reason: `${why}: stopped inside object ${cut.id} after ${answered} object(s); the rest were not read` });
    } else if (code !== 0) this.gaps.push({ scope: 'git cat-file', reason: firstLine(catErr.text) || `exit ${code}` });
  }
}

/**
 * The chunks of a stream, in arrival order, read eagerly: the stream is paused only while more
 * than `bound` bytes (characters, for a stream with an encoding) wait unconsumed.
 */
export async function* bufferedChunks(stream: NodeJS.ReadableStream, bound: number): AsyncGenerator<string | Buffer> {
  const queue: Array<string | Buffer> = [];
  let queued = 0;
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const nudge = () => {
    wake?.();
    wake = null;
  };
  stream.on('data', (chunk: string | Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued > bound) stream.pause();
    nudge();
  });
  stream.on('end', () => {
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
    if (next !== undefined) {
      queued -= next.length;
      if (queued <= bound && stream.isPaused()) stream.resume();
      yield next;
      continue;
    }
    if (ended) break;
    await new Promise<void>((r) => (wake = r));
  }
  if (failure) throw failure;
}

/**
 * Splits chunks of bytes into LF-separated lines, read as latin1 so every byte of a path stays as
 * it was; `?<id>` lines (rev-list's missing objects) go to `onMissing`, empty lines nowhere. Call
 * with null at the end for a last line without an LF.
 */
export function lineSplitter(onMissing: (id: string) => void): (chunk: Buffer | null) => string[] {
  let tail = '';
  return (chunk) => {
    const parts = (tail + (chunk ? chunk.toString('latin1') : '')).split('\n');
    tail = chunk ? (parts.pop() ?? '') : '';
    const out: string[] = [];
    for (const line of parts) {
      if (line.startsWith('?')) onMissing(line.slice(1).trim());
      else if (line) out.push(line);
    }
    return out;
  };
}
