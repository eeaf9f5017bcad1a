import { WALK_CONFIG } from './exec.js';
import { idPrefixFilter } from './id-prefix.js';
import { WholeOutput } from './whole-output.js';

/**
 * Reading blobs in the order git stores them instead of the walk's order is what makes cat-file
 * cheap. A delta's base sits just before it in a pack, so in pack order cat-file finds nearly every
 * base still in its cache and reads the pack front to back: on curl's 143,000 blobs one cat-file
 * took 2.3 s of CPU instead of 3.4 s, and it did as well with the walks' small settings (an 8 MiB
 * delta-base cache and 32 MiB of pack mapped, against git's 96 MiB and our 64 MiB) as with the
 * defaults: peak RSS 58 MiB instead of 178 MiB. So in store order cat-file gets those settings.
 */
export const STORE_ORDER_CONFIG = WALK_CONFIG;

/**
 * Past this many bytes the walk keeps its own order: of the walk's lines (about 60 bytes a blob, 53
 * an object with trees and commits in the walk) and, separately, of git's listing (46-48 bytes an
 * object, 1.4 million).
 */
export const STORE_ORDER_BOUND = 64 * 1024 * 1024;

/**
 * Bytes of walk and listing an object is taken to cost when deciding, before walking, whether the
 * whole walk (trees and commits included) will fit in STORE_ORDER_BOUND: curl's is 53.
 */
export const WALK_BYTES_PER_OBJECT = 64;

/**
 * Every object id in the repository (its alternates too) with its type, pack by pack in pack order,
 * then the loose ones, from `git cat-file --batch-all-objects --unordered`, which lists them from
 * the pack indexes and each object's header, never its contents (0.23 s on curl; the type is what
 * lets one walk of every object replace a walk of blobs and a walk of trees). Kept as the raw bytes
 * git wrote, so a large repository costs its size in one buffer, not a string per object.
 *
 * The order is only a speed-up: when git fails, or the listing outgrows `bound`, the answer is null
 * and the scan reads in walk order. Reading the objects themselves is what reports a gap.
 */
export class StoreOrder {
  private readonly out: WholeOutput;

  constructor(repo: string, bound = STORE_ORDER_BOUND) {
    this.out = new WholeOutput(repo, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)', '--unordered'], bound);
    this.out.child.stderr!.resume();
  }

  /** `<id> <type>` lines as git wrote them (in chunks), or null when there is no order to use; once. */
  async take(): Promise<Buffer[] | null> {
    const { chunks, code } = await this.out.take();
    return code === 0 ? chunks : null;
  }

  /** The listing's index, built as soon as git has written it (in a box emptied by index()). */
  private indexing: Promise<{ index: StoreIndex | null }> | null = null;

  /**
   * Starts indexing the listing the moment git is done, instead of taking it whole: the listing
   * (0.3 s on curl) ends long before the walk (1 s), so its half of the reordering is done while the
   * walk still runs, and only the walk's half is left between the walk and the scan. Call once,
   * before index(); take() is then not for use.
   */
  startIndex(): void {
    if (this.indexing) return;
    this.indexing = this.take().then((stored) => ({ index: stored ? new StoreIndex(stored) : null }));
    // Seen by index() when it is asked for; a walk that stops first must not leave it unhandled.
    this.indexing.catch(() => undefined);
  }

  /** The index startIndex() began, or null when there is no order to use; once. */
  async index(): Promise<StoreIndex | null> {
    this.startIndex();
    const box = await this.indexing!;
    const { index } = box;
    box.index = null;
    return index;
  }

  /** The walk did not fit: the order is not wanted. */
  cancel(): void {
    this.out.cancel();
    // An index already built is dropped too: whoever keeps this order to stop it (the walk's stop
    // function, for the whole scan) would otherwise keep the listing and its tables.
    this.indexing?.then(
      (box) => {
        box.index = null;
      },
      () => undefined,
    );
  }
}

/** A walk line's object id: `<id> <path>`, or a bare `<id>` for a commit or a blob without a path. */
function idOf(line: string): string {
  const space = line.indexOf(' ');
  return space === -1 ? line : line.slice(0, space);
}

/**
 * Whether bytes [af, at) of a equal bytes [bf, bt) of b. A loop, not Buffer.compare: ids are 40-64
 * bytes, and the native call with its range checks cost more than the bytes (curl: 430,000 calls).
 */
function sameBytes(a: Buffer, af: number, at: number, b: Buffer, bf: number, bt: number): boolean {
  if (at - af !== bt - bf) return false;
  for (let i = af, j = bf; i < at; i++, j++) if (a[i] !== b[j]) return false;
  return true;
}

/**
 * FNV-1a over bytes [from, to), at most the first 16 of them: the id table's hash. An object id is
 * itself a hash, so 16 hex digits (64 bits) spread the table as well as all 40; anything else in
 * that place (a name git never made) is still compared in full, only probed longer.
 */
function hashBytes(b: Buffer, from: number, to: number): number {
  let h = 0x811c9dc5;
  const end = Math.min(to, from + 16);
  for (let i = from; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h | 0;
}

/**
 * git's listing indexed by object id: for each id its first place in the listing, and whether it
 * is surely not a blob (a tree, commit or tag: cat-file would read it for nothing). Done on the
 * bytes, with an open-addressing table of typed arrays: a string per line and a Map of them cost
 * the main thread about 90 MiB of heap on curl, which V8 kept for the rest of the scan.
 */
export class StoreIndex {
  private readonly lines: Buffer[];
  private readonly chunkOf: Int32Array;
  private readonly starts: Int32Array;
  private readonly idEnds: Int32Array;
  /** 1 where the listed type is a tree, commit or tag. */
  readonly other: Uint8Array;
  private readonly slots: Int32Array;
  /** Distinct ids listed: entries 0 .. size - 1, in listing order. */
  readonly size: number;

  constructor(stored: Buffer[]) {
    const lines = (this.lines = wholeLines(stored));
    const count = lineCount(lines);
    this.chunkOf = new Int32Array(count);
    this.starts = new Int32Array(count);
    this.idEnds = new Int32Array(count);
    this.other = new Uint8Array(count);
    let size = 1;
    while (size < count * 2) size <<= 1;
    this.slots = new Int32Array(size).fill(-1);
    let n = 0;
    eachLine(lines, (c, k, at, end) => {
      const to = idEnd(c, at, end);
      const found = this.find(c, at, to, hashBytes(c, at, to));
      // A second listing of an id (an object in two packs) keeps its first place.
      if (found >= 0) return;
      this.slots[-1 - found] = n;
      this.chunkOf[n] = k;
      this.starts[n] = at;
      this.idEnds[n] = to;
      // Anything but a tree, commit or tag is kept: git lists an object it cannot read (a corrupt
      // loose one) as `missing`, and reading it is what reports the gap.
      this.other[n] = notBlob(c, to + 1, end) ? 1 : 0;
      n++;
    });
    this.size = n;
  }

  /** The entry of the id at bytes [from, to) of b (hashed to h), or -1 - (the free slot for it). */
  find(b: Buffer, from: number, to: number, h: number): number {
    const { slots, lines, chunkOf, starts, idEnds } = this;
    const mask = slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = slots[s]!;
      if (e === -1) return -1 - s;
      // No stored hash to compare first: ids are random, so another id differs within a byte or two.
      if (sameBytes(b, from, to, lines[chunkOf[e]!]!, starts[e]!, idEnds[e]!)) return e;
    }
  }
}

/**
 * The walk (rev-list's raw output: `<id> <path>` lines, a bare `<id>` for a commit, `?<id>` for a
 * missing object, which goes to `onMissing`) with its blob lines in the order `stored` (`<id>
 * <type>` lines, or their index) lists their objects. Lines of objects listed as another type (the
 * walk's trees, commits and tags) are dropped: cat-file would only read them for nothing. Lines
 * whose object is not listed (a promised object, say), and any line of an id walked before, follow
 * in walk order, so no blob line is lost or repeated.
 */
export function inStoreOrder(walkChunks: Buffer[], stored: Buffer[] | StoreIndex, onMissing: (id: string) => void): HeldWalk {
  const index = stored instanceof StoreIndex ? stored : new StoreIndex(stored);
  const walk = wholeLines(walkChunks);
  const count = lineCount(walk);
  // Each kept line: its chunk, where it starts, where it ends (before the LF).
  const chunkOf = new Int32Array(count);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  // Per listing entry, the walk line it places (-1: none yet, -2: a tree, commit or tag walked).
  const placed = new Int32Array(index.size).fill(-1);
  // Lines of ids not listed, or walked again, in walk order.
  // Usually none: an array that grows, not one of the walk's size.
  const after: number[] = [];
  let n = 0;
  eachLine(walk, (c, k, at, end) => {
    if (c[at] === 0x3f /* ? */) onMissing(c.toString('latin1', at + 1, end).trim());
    else if (end > at) {
      chunkOf[n] = k;
      starts[n] = at;
      ends[n] = end;
      const to = idEnd(c, at, end);
      const e = index.find(c, at, to, hashBytes(c, at, to));
      if (e < 0 || placed[e] !== -1) after.push(n);
      else placed[e] = index.other[e] ? -2 : n;
      n++;
    }
  });
  // First the listed blob lines as the listing has them, then the rest in walk order. Then only
  // the kept lines are copied, into one buffer of their size (on curl 143,000 of the walk's 288,000).
  const order = new Int32Array(n);
  let kept = 0;
  for (let e = 0; e < index.size; e++) if (placed[e]! >= 0) order[kept++] = placed[e]!;
  for (const i of after) order[kept++] = i;
  let bytes = 0;
  for (let k = 0; k < kept; k++) bytes += ends[order[k]!]! - starts[order[k]!]! + 1;
  const text = Buffer.allocUnsafe(bytes);
  let w = 0;
  for (let k = 0; k < kept; k++) {
    const i = order[k]!;
    // A loop, not Buffer.copy: the lines are 50-100 bytes, and a native call each cost more than the bytes.
    const c = walk[chunkOf[i]!]!;
    for (let j = starts[i]!, e = ends[i]!; j < e; j++) text[w++] = c[j]!;
    text[w++] = 10;
  }
  return new HeldWalk(text, order.slice(0, kept));
}

const OTHER_TYPES = ['tree', 'commit', 'tag'].map((t) => Buffer.from(t, 'latin1'));

/** Whether bytes [from, to) of a listing line name a type that is surely not a blob. */
function notBlob(c: Buffer, from: number, to: number): boolean {
  return from < to && OTHER_TYPES.some((t) => sameBytes(c, from, to, t, 0, t.length));
}

/**
 * Where the id of the line [at, end) ends: at its first space, or the line's end. Looked for within
 * the line only: rev-list writes every commit (a bare id) first, and Buffer.indexOf from each of
 * those lines ran on to the first path (curl: 39,573 searches through up to 1.6 MB each, 0.25 s).
 */
function idEnd(c: Buffer, at: number, end: number): number {
  for (let i = at; i < end; i++) if (c[i] === 32) return i;
  return end;
}

/** Lines in chunks that each end at an LF (the last may not): see wholeLines. */
function lineCount(chunks: Buffer[]): number {
  let count = 0;
  for (const c of chunks) for (let at = 0; at < c.length; count++) at = nextLine(c, at);
  return count;
}

/** Each line of such chunks: its chunk (and index), where it starts, and where it ends before the LF. */
function eachLine(chunks: Buffer[], visit: (c: Buffer, k: number, at: number, end: number) => void): void {
  for (let k = 0; k < chunks.length; k++) {
    const c = chunks[k]!;
    for (let at = 0; at < c.length; ) {
      const next = nextLine(c, at);
      visit(c, k, at, c[next - 1] === 10 ? next - 1 : next);
      at = next;
    }
  }
}

/** Where the line starting at `at` ends, past its LF (or the chunk's end). */
function nextLine(c: Buffer, at: number): number {
  const lf = c.indexOf(10, at);
  return lf === -1 ? c.length : lf + 1;
}

/**
 * The chunks re-cut so that each ends at an LF (the last may end without one). A line that
 * straddles two of git's writes becomes a small buffer of its own; nothing else is copied.
 */
function wholeLines(chunks: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let carry: Buffer[] = [];
  for (let c of chunks) {
    if (carry.length) {
      const lf = c.indexOf(10);
      if (lf === -1) {
        carry.push(c);
        continue;
      }
      out.push(Buffer.concat([...carry, c.subarray(0, lf + 1)]));
      carry = [];
      c = c.subarray(lf + 1);
    }
    const last = c.lastIndexOf(10);
    if (last + 1 < c.length) carry.push(c.subarray(last + 1));
    if (last !== -1) out.push(c.subarray(0, last + 1));
  }
  if (carry.length) out.push(Buffer.concat(carry));
  return out;
}

/**
 * A walk held in store order as one buffer of LF-ended lines, not a string per line: it is handed
 * out over the whole scan (cat-file takes its input as it goes).
 */
export class HeldWalk {
  constructor(
    private readonly text: Buffer,
    private readonly walkAt: Int32Array,
  ) {}

  /** The lines in pieces of about `bytes`, each piece whole lines. */
  *pieces(bytes = 64 * 1024): Generator<string[]> {
    for (let at = 0; at < this.text.length; ) {
      let end = this.text.indexOf(10, Math.min(at + bytes, this.text.length - 1));
      if (end === -1) end = this.text.length - 1;
      yield this.text.toString('latin1', at, end).split('\n');
      at = end + 1;
    }
  }

  /** Each of these ids' place in the walk (one pass over the held lines, for a few ids). */
  walkIndexOf(ids: Set<string>): Map<string, number> {
    const found = new Map<string, number>();
    const mayBe = idPrefixFilter(ids);
    const text = this.text;
    for (let k = 0, at = 0; at < text.length && found.size < ids.size; k++) {
      const end = text.indexOf(10, at);
      // Made a string only when it may be one of the ids (a few dozen of 143,000 lines on curl).
      if (mayBe(text, at, idEnd(text, at, end) - at)) {
        const id = idOf(text.toString('latin1', at, end));
        if (ids.has(id) && !found.has(id)) found.set(id, this.walkAt[k]!);
      }
      at = end + 1;
    }
    return found;
  }
}
