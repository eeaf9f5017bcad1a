import type { ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { spawnGit } from './exec.js';
import { readScratch, type ScratchFile, scratchFile, scratchSize } from './scratch-file.js';

/** How often a git writing into a scratch file is checked against its bound. */
const SIZE_CHECK_MS = 100;

/**
 * The whole standard output of one git, kept as the bytes it wrote, up to `bound` bytes; past that
 * git is stopped and there is no output (the caller has a way that does not need it whole). Into a
 * scratch file when one can be made, read in one allocation once git exits (see scratch-file.ts for
 * why); otherwise from the pipe, chunk by chunk. git's standard error is left to the caller.
 */
export class WholeOutput {
  readonly child: ChildProcess;
  /**
   * The output in a box the taker empties: the promise stays reachable as long as the child's
   * listeners do (a caller keeps the child to stop it), and a promise keeps its value. Resolved with
   * the chunks themselves, curl's 13.5 MB listing stayed alive through the whole scan.
   */
  private readonly result: Promise<{ chunks: Buffer[] | null; code: number | null }>;

  constructor(repo: string, args: string[], bound: number) {
    const file = scratchFile('out');
    if (!file) {
      this.child = spawnGit(repo, args);
      this.result = fromPipe(this.child, bound);
      return;
    }
    try {
      this.child = spawnGit(repo, args, { stdio: ['ignore', file.fd, 'pipe'] });
    } catch (err) {
      closeSync(file.readFd);
      file.remove();
      throw err;
    } finally {
      // The child has its own copy of the descriptor.
      closeSync(file.fd);
    }
    this.result = fromFile(this.child, file, bound);
  }

  /** The output (null when it outgrew the bound or could not be read) and git's exit code (null when it did not start); once. */
  async take(): Promise<{ chunks: Buffer[] | null; code: number | null }> {
    const box = await this.result;
    const out = { ...box };
    box.chunks = null;
    return out;
  }

  /** Not wanted any more: git is stopped. */
  cancel(): void {
    this.child.kill();
  }
}

function fromPipe(child: ChildProcess, bound: number): Promise<{ chunks: Buffer[] | null; code: number | null }> {
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > bound) {
        failed = true;
        chunks = [];
        child.kill();
        return;
      }
      chunks.push(chunk);
    });
    child.stdout!.on('error', () => (failed = true));
    child.on('error', () => resolve({ chunks: null, code: null }));
    child.on('close', (code) => {
      resolve({ chunks: failed ? null : chunks, code });
      // The listener above outlives this: its chunks must not.
      chunks = [];
    });
  });
}

function fromFile(child: ChildProcess, file: ScratchFile, bound: number): Promise<{ chunks: Buffer[] | null; code: number | null }> {
  return new Promise((resolve) => {
    let over = false;
    let settled = false;
    // git writes without us in the way, so it is looked at now and then: a walk that outgrows its
    // bound is stopped before it fills the disk.
    const watch = setInterval(() => {
      try {
        if (scratchSize(file) > bound) {
          over = true;
          child.kill();
        }
      } catch {
        // Read again at the end, where a failure counts.
      }
    }, SIZE_CHECK_MS);
    watch.unref();
    const settle = (code: number | null, read: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      let chunks: Buffer[] | null = null;
      try {
        const whole = readScratch(file, read && !over ? bound : -1);
        chunks = whole ? [whole] : null;
      } catch {
        chunks = null;
      }
      resolve({ chunks, code });
    };
    child.on('error', () => settle(null, false));
    child.on('close', (code) => settle(code, true));
  });
}
