// A scan worker: its own matcher and its own `git cat-file --batch`. The main thread sends it
// batches of `<id> <path>` lines; it reads those blobs, scans them, and sends back only hits.
import type { ChildProcess } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';
import { emptyConfig, parseConfig } from '../config.js';
import { activeFileRules, activeRules, newMatcher } from '../scan.js';
import { BatchParser, blobItem, catFileArgs, parseBatch, type BatchEntry } from '../sources/git/cat-file.js';
import { outputSocket } from '../sources/git/output-socket.js';
import { firstLine, spawnGit, waitForExit } from '../sources/git/exec.js';
import { emptyStats, scanItem } from './engine.js';
import { FileMatcher } from './file-matcher.js';
import { toWire, type WireHits } from './wire.js';

export interface WorkerInit {
  repo: string;
  maxFileSize: number;
  decodeDepth: number;
  config: { text: string; file: string } | null;
}

/** Main → worker. */
export type ToWorker = { lines: string[]; seq: number; storeOrdered?: boolean } | { end: true };
/** Worker → main: results per finished batch, then one final message. */
export type FromWorker =
  | { batch: true; hits: WireHits[]; missing: string[]; blobs: number; bytes: number }
  | { done: true; stats: ReturnType<typeof emptyStats>; gaps: Array<{ scope: string; reason: string }> };

const init = workerData as WorkerInit;
const port = parentPort!;
const config = init.config ? parseConfig(init.config.text, init.config.file) : emptyConfig();
const rules = activeRules(config);
const fileRules = activeFileRules(config);
const matcher = newMatcher(config, rules, init.decodeDepth);
const files = new FileMatcher(fileRules);
/**
 * Where cat-file writes: a socket read into one reused buffer when one can be made (see
 * output-socket.ts), else a pipe. Made before the first batch is taken; batches sent meanwhile wait
 * in the port.
 */
const socket = await outputSocket();

/**
 * The worker's cat-file, spawned with the first batch: its delta-base cache depends on whether the
 * walk comes in store order, which is known only once the walk is (see catFileArgs).
 */
let catFile: ChildProcess | null = null;
const catErr = { text: '' };
let catExit: Promise<number> = Promise.resolve(0);
let started: (child: ChildProcess | null) => void = () => undefined;
const ready = new Promise<ChildProcess | null>((resolve) => (started = resolve));

/** Per batch sent: its first sequence number and how many lines it had, in order. */
const pending: Array<{ seq: number; count: number }> = [];

port.on('message', (msg: ToWorker) => {
  if ('end' in msg) {
    if (catFile) catFile.stdin!.end();
    else started(null);
    return;
  }
  if (!catFile) {
    catFile = spawnGit(init.repo, catFileArgs(msg.storeOrdered === true), { stdio: ['pipe', socket ? socket.childEnd : 'pipe', 'pipe'] });
    socket?.handOver();
    catExit = waitForExit(catFile, catErr);
    catExit.catch(() => undefined);
    catFile.stdin!.on('error', () => undefined);
    started(catFile);
  }
  pending.push({ seq: msg.seq, count: msg.lines.length });
  catFile.stdin!.write(`${msg.lines.join('\n')}\n`, 'latin1');
});

async function run(): Promise<void> {
  const stats = emptyStats();
  let hits: WireHits[] = [];
  let missing: string[] = [];
  let at = 0; // index within the current batch
  let blobs0 = 0;
  let bytes0 = 0;
  const child = await ready;
  const take = (entry: BatchEntry): void => {
    const batch = pending[0]!;
    const seq = batch.seq + at;
    if ('missing' in entry) missing.push(entry.id);
    else if (entry.type === 'blob') {
      const hit = scanItem(blobItem(entry), matcher, files, stats);
      if (hit) hits.push(toWire(hit, seq, rules, fileRules));
    }
    if (++at === batch.count) {
      pending.shift();
      at = 0;
      port.postMessage({ batch: true, hits, missing, blobs: stats.blobs - blobs0, bytes: stats.bytes - bytes0 } satisfies FromWorker);
      hits = [];
      missing = [];
      blobs0 = stats.blobs;
      bytes0 = stats.bytes;
    }
  };
  // Every input line gets an answer (rev-list names commits too), so count all of them.
  if (child && socket) {
    // Each blob is scanned while its bytes are still in the reused buffer, before the next read.
    const parser = new BatchParser(init.maxFileSize, true, 'all');
    await socket.read((chunk) => parser.push(chunk, take));
    parser.end();
  } else {
    socket?.destroy();
    for await (const entry of child ? parseBatch(child.stdout!, init.maxFileSize, true) : []) take(entry);
  }
  stats.dropped = { ...matcher.dropped };
  const gaps = [...matcher.gaps()];
  const code = await catExit;
  if (code !== 0) gaps.push({ scope: 'git cat-file', reason: firstLine(catErr.text) || `exit ${code}` });
  port.postMessage({ done: true, stats, gaps } satisfies FromWorker);
}

run().catch((err: unknown) => {
  // Anything else is a bug; the main thread turns a worker error into a gap with this message.
  throw err;
});
