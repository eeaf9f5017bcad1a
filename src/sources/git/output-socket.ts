// A child's standard output read into one buffer that is used again for every read. Read from a
// pipe, node allocates a fresh buffer for each read (64 KiB, shrunk to what arrived): a scan worker
// reading 1.6 GB of blobs from its cat-file made some 25,000 of them, which V8 frees only when it
// collects garbage. On curl the young collections that found and freed them took 0.9-1.0 s of each
// worker's time, 0.35-0.4 s once reads went into one buffer (`--trace-gc`); and with blobs no
// longer made into whole strings (tried, not kept) the buffers piled up into a hundred full
// collections. Node reads a socket into a buffer of the caller's (`onread`), so git writes into a
// Unix socket instead of a pipe; the socket is connected through a listening one in a directory of
// its own, which is removed as soon as the connection is made.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OutputSocket {
  /** Give this as the child's stdout, then call `handOver` once it is spawned. */
  childEnd: Socket;
  /** Closes this process's copy of the child's end (the child has its own). */
  handOver(): void;
  /**
   * Calls `onData` with each read, a view of the one reused buffer (valid only until it returns),
   * and resolves once the child's end is closed; rejects with what `onData` threw, after which
   * nothing more is read.
   */
  read(onData: (chunk: Buffer) => void): Promise<void>;
  /**
   * The reads, each a view of the one reused buffer, valid until the next is asked for: the socket
   * is not read again before that. For a consumer that awaits between reads (the main thread's
   * scan); use either this or `read`.
   */
  chunks(): AsyncGenerator<Buffer>;
  /** Stops reading. */
  destroy(): void;
}

/** The longest socket path used: under every system's limit, with room for its terminating NUL. */
const SOCKET_PATH_BYTES = 100;

/** Largest read: a socket's buffer holds about 200 KiB. */
const READ_BYTES = 256 * 1024;

/** A connected pair, or null where none can be made (Windows, no writable temporary directory, a path too long for a socket): read a pipe then. */
export async function outputSocket(): Promise<OutputSocket | null> {
  if (process.platform === 'win32') return null;
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'nhiscan-sock-'));
  } catch {
    return null;
  }
  const server = createServer();
  try {
    const path = join(dir, 's');
    // A longer path is cut short without a word (sun_path holds 108 bytes on Linux, 104 on macOS),
    // and the socket would be made outside this directory, under the cut name.
    if (Buffer.byteLength(path) > SOCKET_PATH_BYTES) return null;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    if (!existsSync(path)) return null;
    const accepted = new Promise<Socket>((resolve, reject) => {
      server.once('connection', resolve);
      server.once('error', reject);
    });
    let onData: ((chunk: Buffer) => boolean | void) | null = null;
    let failure: unknown = null;
    /** A read that came before anyone took the output: held, the socket paused, until someone does. */
    let early: Buffer | null = null;
    const buffer = Buffer.allocUnsafeSlow(READ_BYTES);
    /** Hands a read to its taker; false pauses the socket until it is resumed (chunks). */
    const deliver = (chunk: Buffer): boolean => {
      try {
        return onData!(chunk) !== false;
      } catch (err) {
        failure = err;
        ours.destroy();
        return true;
      }
    };
    const ours = connect({
      path,
      onread: {
        buffer,
        callback: (n: number, buf: Uint8Array): boolean => {
          if (failure !== null) return true;
          const chunk = Buffer.from(buf.buffer, buf.byteOffset, n);
          if (onData) return deliver(chunk);
          early = chunk;
          return false;
        },
      },
    });
    const connected = new Promise<void>((resolve, reject) => {
      ours.once('connect', resolve);
      ours.once('error', reject);
    });
    const [childEnd] = await Promise.all([accepted, connected]);
    // Only the child writes: our side never does, and the child's side is never read here.
    childEnd.pause();
    ours.on('error', () => undefined);
    const ended = new Promise<void>((resolve) => ours.once('close', () => resolve()));
    // With onread the stream itself carries no data; flowing, it still sees the end.
    ours.resume();
    return {
      childEnd,
      handOver: () => childEnd.destroy(),
      read: async (fn) => {
        onData = fn;
        if (early) {
          const first = early;
          early = null;
          deliver(first);
          ours.resume();
        }
        await ended;
        if (failure !== null) throw failure;
      },
      chunks: async function* () {
        let held: Buffer | null = early;
        early = null;
        let closed = false;
        let wake: (() => void) | null = null;
        onData = (chunk) => {
          held = chunk;
          wake?.();
          return false;
        };
        void ended.then(() => {
          closed = true;
          wake?.();
        });
        try {
          for (;;) {
            if (held !== null) {
              const chunk: Buffer = held;
              held = null;
              yield chunk;
              ours.resume();
              continue;
            }
            if (closed) return;
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
          }
        } finally {
          // Ended early (the scan stopped): nothing more is read.
          if (!closed) ours.destroy();
        }
      },
      destroy: () => {
        ours.destroy();
        childEnd.destroy();
      },
    };
  } catch {
    return null;
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
