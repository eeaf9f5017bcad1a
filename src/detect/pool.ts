// The main thread's side of the scan workers: it walks the history once and deals the object
// lines out in batches; each worker reads and scans its share with its own cat-file and matcher.
// Nothing is shared but this queue, so the design scales with cores.
import { addDrops } from './suppress.js';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config.js';
import type { CoverageGap, ScanStats } from '../model.js';
import { emptyStats, type BlobHits, type Progress } from './engine.js';
import type { FileRule } from './file-rule.js';
import type { Rule } from './rule.js';
import { fromWire, type WireHits } from './wire.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker.js';

export interface PoolOptions {
  workers: number;
  repo: string;
  maxFileSize: number;
  decodeDepth: number;
  config: Config;
  rules: readonly Rule[];
  fileRules: readonly FileRule[];
  onProgress?: ((p: Progress) => void) | undefined;
  /** Whether the batches come in store order; asked when a worker gets its first batch. */
  storeOrdered?: () => boolean;
}

export interface PoolResult {
  hits: BlobHits[];
  stats: ScanStats;
  gaps: CoverageGap[];
  /** Objects the workers' cat-files did not find. */
  missing: string[];
}

/** Batches a worker may hold at once: enough to keep it busy, few enough to bound memory. */
const IN_FLIGHT = 4;

/**
 * A worker's young generation, in MiB. A scan allocates short-lived blobs and strings: V8 let each
 * worker's young generation grow to about 32 MiB, and with two workers the node process peaked at
 * 240-270 MiB on curl. At 8 it peaked at 170-209 MiB, with the same wall and CPU time (3 pairs,
 * 1.00x each); 96 had been tried earlier: no faster, 68 MiB more.
 */
const WORKER_YOUNG_MB = 8;

/**
 * How far V8 lets an old generation grow past what survived its last full collection, in percent.
 * Left to itself V8 picks a factor of up to 4 when collecting is cheap, as it is for a worker whose
 * live data is its matcher and the blob in hand, so each worker's old generation swelled with dead
 * blobs and strings before its next full collection: with 2 workers on curl, node's peak ranged
 * 197-262 MiB across runs. Capped at 2x (100) it was 182-187 MiB, at the same speed (6 pairs,
 * wall 0.977x). A cap on the growth, not on the heap: a text with 95,000 findings, which holds
 * hundreds of MiB live, still ran (0.95x). The flag is process-wide and read at each collection;
 * set here, it changes only runs that use the pool (the main thread alone was not measured better).
 */
const HEAP_GROWING_PERCENT = 100;

/** From dist/ the worker is beside this file; run from the TypeScript sources (tests), use the build. */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/detect/worker.js', here) : new URL('./worker.js', here);
}

interface Slot {
  worker: Worker;
  inFlight: number;
  /** Lines sent and not yet answered, so a worker that dies can say how much it lost. */
  linesOut: number;
  sizes: number[];
  alive: boolean;
  done: Promise<void>;
}

export async function scanInPool(batches: AsyncIterable<string[]>, o: PoolOptions): Promise<PoolResult> {
  const init: WorkerInit = {
    repo: o.repo,
    maxFileSize: o.maxFileSize,
    decodeDepth: o.decodeDepth,
    config: o.config.text !== null && o.config.file !== null ? { text: o.config.text, file: o.config.file } : null,
  };
  const wire: WireHits[] = [];
  const missing: string[] = [];
  const gaps: CoverageGap[] = [];
  const stats = emptyStats();
  const progress = { blobs: 0, bytes: 0 };
  let wake: (() => void) | null = null;
  const nudge = () => {
    wake?.();
    wake = null;
  };

  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const slots: Slot[] = [];
  for (let i = 0; i < o.workers; i++) {
    const worker = new Worker(workerUrl(), { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    const slot = { worker, inFlight: 0, linesOut: 0, sizes: [], alive: true } as unknown as Slot;
    slot.done = new Promise<void>((resolve) => {
      let finished = false;
      const lost = (reason: string) => {
        if (finished) return;
        finished = true;
        slot.alive = false;
        gaps.push({ scope: `scan worker ${i + 1}`, reason: `${reason}; ${slot.linesOut} object(s) it held were not scanned` });
        nudge();
        resolve();
      };
      worker.on('message', (msg: FromWorker) => {
        if ('batch' in msg) {
          slot.inFlight--;
          slot.linesOut -= slot.sizes.shift() ?? 0;
          wire.push(...msg.hits);
          missing.push(...msg.missing);
          progress.blobs += msg.blobs;
          progress.bytes += msg.bytes;
          o.onProgress?.({ ...progress });
          nudge();
          return;
        }
        finished = true;
        for (const k of Object.keys(msg.stats) as Array<keyof ScanStats>) {
          if (k === 'dropped') addDrops((stats.dropped ??= {}), msg.stats.dropped);
          else stats[k] = (stats[k] ?? 0) + (msg.stats[k] ?? 0);
        }
        for (const g of msg.gaps) if (!gaps.some((x) => x.scope === g.scope)) gaps.push(g);
        void worker.terminate();
        resolve();
      });
      worker.on('error', (err) => lost(`failed: ${err.message.split('\n')[0]}`));
      worker.on('exit', (code) => lost(`exited with code ${code} before finishing`));
    });
    slots.push(slot);
  }

  let seq = 0;
  for await (const lines of batches) {
    let slot: Slot | undefined;
    for (;;) {
      const alive = slots.filter((s) => s.alive);
      if (alive.length === 0) break;
      slot = alive.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      if (slot.inFlight < IN_FLIGHT) break;
      await new Promise<void>((r) => (wake = r));
      slot = undefined;
    }
    if (!slot) {
      gaps.push({ scope: 'scan workers', reason: 'every scan worker failed; the rest of the history was not scanned' });
      break;
    }
    slot.inFlight++;
    slot.linesOut += lines.length;
    slot.sizes.push(lines.length);
    slot.worker.postMessage({ lines, seq, storeOrdered: o.storeOrdered?.() === true } satisfies ToWorker);
    seq += lines.length;
  }
  for (const s of slots) if (s.alive) s.worker.postMessage({ end: true } satisfies ToWorker);
  await Promise.all(slots.map((s) => s.done));

  wire.sort((a, b) => a.seq - b.seq);
  return { hits: wire.map((w) => fromWire(w, o.rules, o.fileRules)), stats, gaps, missing };
}
