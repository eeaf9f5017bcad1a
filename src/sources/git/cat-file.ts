import type { Readable } from 'node:stream';
import { GitError } from '../../errors.js';
import type { CoverageGap } from '../../model.js';
import { displayName } from '../names.js';
import type { ContentItem } from '../types.js';
import { firstLine, spawnGit, waitForExit } from './exec.js';
import { STORE_ORDER_CONFIG } from './store-order.js';

export interface BatchObject {
  id: string;
  type: string;
  size: number;
  /** The %(rest) of the input line: the path rev-list or diff attached to the id. */
  rest: string;
  /** Absent when the object was larger than the limit and its bytes were skipped unread. */
  data?: Buffer;
}

export type BatchEntry = BatchObject | { id: string; missing: true };

/**
 * cat-file's output ended inside an object: git died reading it (a damaged pack, a killed
 * process). A git failure, so it costs the rest of the read, not the report.
 */
export class CatFileCut extends GitError {
  constructor(readonly id: string) {
    super(`git cat-file output ended inside object ${id}`);
  }
}

/** The format we ask `git cat-file --batch=` for; %(rest) carries the path through git untouched. */
export const BATCH_FORMAT = '%(objectname) %(objecttype) %(objectsize) %(rest)';

/**
 * The cat-file a history scan reads its walk with. In store order small caches do as well as
 * git's defaults at a third of the memory; in walk order a small delta-base cache costs 1.3-1.7x
 * cat-file's CPU, so git's defaults stay (see store-order.ts).
 */
export function catFileArgs(storeOrdered: boolean): string[] {
  return [...(storeOrdered ? STORE_ORDER_CONFIG : []), 'cat-file', `--batch=${BATCH_FORMAT}`, '--buffer'];
}


/**
 * Parse `git cat-file --batch` output as it streams. Objects larger than `maxSize` are skipped
 * byte by byte so a huge blob never sits in memory, and non-blobs are skipped unless `wantAll`.
 */
export async function* parseBatch(stream: Readable | AsyncIterable<Buffer>, maxSize: number, wantAll = false, reuse: Reuse = 'none'): AsyncGenerator<BatchEntry> {
  const parser = new BatchParser(maxSize, wantAll, reuse);
  const out: BatchEntry[] = [];
  const emit = (entry: BatchEntry) => out.push(entry);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    parser.push(chunk, emit);
    for (let i = 0; i < out.length; i++) yield out[i]!;
    out.length = 0;
  }
  parser.end();
}

/**
 * When the reads a BatchParser is fed are overwritten, which says how long what it hands out stays
 * valid. `none`: never (a pipe's reads); bodies are views of them or copies, valid for good.
 * `reads`: once every entry of a read has been handed on (output-socket.ts's chunks); a body that
 * spans reads is copied into a buffer of its own. `all`: as soon as `emit` returns (its read); a
 * body that spans reads is put together in one buffer the parser uses again.
 */
export type Reuse = 'none' | 'reads' | 'all';

/** The parser behind parseBatch, fed one read at a time (see Reuse). */
export class BatchParser {
  private pending: Buffer | null = null;
  private current: BatchObject | null = null;
  private keep = false;
  private parts: Buffer[] = [];
  /** bytes of the current body still to come, plus its trailing LF */
  private remaining = 0;
  /** Where a body that spans reused reads is put together, and how much of it is there. */
  private assembly: Buffer | null = null;
  private assembled = 0;

  constructor(
    private readonly maxSize: number,
    private readonly wantAll = false,
    private readonly reuse: Reuse = 'none',
  ) {}

  push(chunk: Buffer, emit: (entry: BatchEntry) => void): void {
    const buf: Buffer = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let at = 0;
    while (at < buf.length) {
      const current = this.current;
      if (current) {
        const take = Math.min(this.remaining, buf.length - at);
        if (this.keep) this.keepPart(buf, at, take);
        at += take;
        this.remaining -= take;
        if (this.remaining === 0) {
          if (this.keep) current.data = this.body().subarray(0, current.size);
          this.current = null;
          if (this.keep || this.wantAll || current.type === 'blob') emit(current);
        }
        continue;
      }
      const nl = buf.indexOf(10, at);
      if (nl === -1) {
        this.pending = Buffer.from(buf.subarray(at));
        break;
      }
      // latin1: one character a byte, so the path in %(rest) keeps bytes that are not UTF-8.
      const header = buf.toString('latin1', at, nl);
      at = nl + 1;
      const sp1 = header.indexOf(' ');
      const id = header.slice(0, sp1);
      const restOfHeader = header.slice(sp1 + 1);
      if (restOfHeader === 'missing' || restOfHeader.startsWith('missing') || restOfHeader === 'ambiguous') {
        emit({ id, missing: true });
        continue;
      }
      const sp2 = restOfHeader.indexOf(' ');
      const type = restOfHeader.slice(0, sp2);
      const afterType = restOfHeader.slice(sp2 + 1);
      const sp3 = afterType.indexOf(' ');
      const size = Number(sp3 === -1 ? afterType : afterType.slice(0, sp3));
      const rest = sp3 === -1 ? '' : displayName(Buffer.from(afterType.slice(sp3 + 1), 'latin1'));
      this.current = { id, type, size, rest };
      this.keep = type === 'blob' && size <= this.maxSize;
      this.remaining = size + 1;
      this.parts = [];
      this.assembled = 0;
    }
  }

  /** The output ended: inside an object, that is git dying in it. */
  end(): void {
    if (this.current) throw new CatFileCut(this.current.id);
  }

  private keepPart(buf: Buffer, at: number, take: number): void {
    // A body within one read (most of them: curl's blobs average 23 KB) is a view of it, not a copy.
    if (this.reuse === 'none' || (this.assembled === 0 && take === this.remaining)) {
      this.parts.push(buf.subarray(at, at + take));
      return;
    }
    // Sized for the whole body at its first part (its size is in the header); with `all` it is kept
    // for the next, with `reads` an entry handed out earlier from this read may still hold it.
    const need = this.current!.size + 1;
    if (this.assembled === 0 && this.reuse === 'reads') this.assembly = Buffer.allocUnsafe(need);
    else if (!this.assembly || this.assembly.length < need) this.assembly = Buffer.allocUnsafeSlow(Math.max(need, 64 * 1024));
    this.assembled += buf.copy(this.assembly, this.assembled, at, at + take);
  }

  /** The current body, its trailing LF included. */
  private body(): Buffer {
    if (this.assembled > 0) return this.assembly!.subarray(0, this.assembled);
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
  }
}

/** Missing object ids named in a gap; the rest are counted. */
const MAX_MISSING_IDS = 10;

export function missingGap(found: string[]): CoverageGap {
  // Sorted, so the ids named do not depend on the order the objects were read in, or by which worker.
  const ids = [...new Set(found)].sort();
  const shown = ids.slice(0, MAX_MISSING_IDS).join(', ');
  const more = ids.length > MAX_MISSING_IDS ? ` (+${ids.length - MAX_MISSING_IDS} more)` : '';
  return { scope: 'git objects', reason: `${ids.length} object(s) missing or unreadable: ${shown}${more}` };
}

/**
 * Read a known list of blobs ("<id> <path>" lines) with one `git cat-file --batch`, recording
 * missing objects and a failed exit as coverage gaps.
 */
export async function* readBlobs(
  repo: string,
  lines: string[],
  maxSize: number,
  gaps: CoverageGap[],
): AsyncGenerator<BatchObject> {
  if (lines.length === 0) return;
  const catFile = spawnGit(repo, ['cat-file', `--batch=${BATCH_FORMAT}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  const err = { text: '' };
  const exit = waitForExit(catFile, err);
  exit.catch(() => undefined);
  catFile.stdin!.on('error', () => undefined);
  catFile.stdin!.end(lines.map((l) => `${l}\n`).join(''));
  const missing: string[] = [];
  for await (const entry of parseBatch(catFile.stdout!, maxSize)) {
    if ('missing' in entry) missing.push(entry.id);
    else yield entry;
  }
  if (missing.length) gaps.push(missingGap(missing));
  const code = await exit;
  if (code !== 0) gaps.push({ scope: 'git cat-file', reason: firstLine(err.text) || `exit ${code}` });
}

/** A blob read from git, keyed by its id, as the scan engine consumes it. */
export function blobItem(entry: BatchObject): ContentItem {
  return { key: entry.id, path: entry.rest, size: entry.size, ...(entry.data ? { data: entry.data } : {}) };
}
