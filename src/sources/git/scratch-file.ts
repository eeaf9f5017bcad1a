// Files a git writes its output into, instead of a pipe this process reads chunk by chunk. Used
// where the output is wanted whole or later: git log's provenance walk (read after the scan), the
// object walk and git's object listing (read whole once git exits). Read from a pipe, each chunk is
// an allocation of its own (up to 64 KiB, most of curl's listing came in 4 KiB reads), and on the
// main thread those freed chunks stayed in the allocator's heap for the rest of the scan: 35 MiB
// for curl's 15 MB walk and 13.5 MB listing. A file is read in one allocation.
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchFile {
  /** For git to write (give it as the child's stdout, then close it here). */
  fd: number;
  /** For this process to read. */
  readFd: number;
  /** Removes the file and its directory where that did not happen at once (Windows); idempotent. */
  remove(): void;
}

/**
 * A new file open for writing (for git) and for reading (for us), in a directory of its own under
 * the system's temporary directory, mode 0600 in a 0700 directory: git output can hold secrets
 * (commit subjects, paths). Both names are removed at once where the system allows it (an open file
 * needs no name), so a scan killed by a signal leaves nothing behind; elsewhere at `remove`, or at
 * exit. Null when none can be made (no writable temporary directory): callers then read a pipe.
 */
export function scratchFile(prefix: string): ScratchFile | null {
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), `nhiscan-${prefix}-`));
  } catch (err) {
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
    return null;
  }
  let removed = false;
  const remove = () => {
    process.off('exit', remove);
    if (removed) return;
    removed = true;
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', remove);
  const path = join(dir, prefix);
  let fd: number;
  let readFd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
    readFd = openSync(path, 'r');
  } catch (err) {
    remove();
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
    return null;
  }
  try {
    remove();
  } catch {
    // Windows keeps the name of an open file: it goes at `remove`, once read, or at exit.
    removed = false;
    process.on('exit', remove);
  }
  return { fd, readFd, remove };
}

/** Bytes written to a scratch file so far. */
export function scratchSize(file: ScratchFile): number {
  return fstatSync(file.readFd).size;
}

/**
 * The whole file in one buffer of its own, or null when it holds more than `limit` bytes. Closes
 * the reading descriptor and removes the file either way.
 */
export function readScratch(file: ScratchFile, limit: number): Buffer | null {
  try {
    const size = scratchSize(file);
    if (size > limit) return null;
    const out = Buffer.allocUnsafeSlow(size);
    let at = 0;
    while (at < size) {
      const n = readSync(file.readFd, out, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === size ? out : out.subarray(0, at);
  } finally {
    closeSync(file.readFd);
    file.remove();
  }
}
