#!/usr/bin/env node
// What reading a history costs nhiscan before any matching, against the floor and the full scan,
// on any repository:
//   node bench/delivery.mjs --path /some/repo.git [--runs 5]      (run `npm run build` first)
// Five whole processes, in turn, --runs times each:
//   floor  `git cat-file --batch-all-objects --batch --unordered` (every object once, in pack order)
//          into /dev/null, as bench/history.mjs's floor (README's) is;
//   piped  the same into `cat > /dev/null` (through sh). Writing into /dev/null copies nothing; a
//          pipe costs git the copy and its wake-ups, which on curl nearly doubled the floor. It
//          still hands over every object, trees and commits too, which a scan never reads;
//   read1  a node process that takes every blob the scan's history source hands out on the main
//          thread (src/sources/git/history.ts items(): the walk, the store order, one cat-file),
//          matching none of them: how a history under 64 MiB packed is read (src/scan.ts
//          threadPlan), with no matching, no provenance walk and no report;
//   read2  the same walk and store order (objectBatches), its batches of 512 dealt in turn to two
//          cat-files read into one reused buffer each, as the pool's workers read theirs
//          (src/detect/worker.ts), again matching nothing: how a larger history is read;
//   scan   `nhiscan scan REPO -f json`, the default worker count.
// Medians (the upper middle one for an even --runs), each as a multiple of the floor and of the
// piped floor. A scan reading as read1 or read2 does cannot come in under it, however fast its
// matching.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(root, 'dist', ...p.split('/'));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);

/** The child side: read the history one of the two ways, print `<blobs> <bytes> <gaps>`. */
async function readOnly(mode, repo) {
  const load = (p) => import(pathToFileURL(dist(p)).href);
  const { HistorySource } = await load('sources/git/history.js');
  const source = new HistorySource(repo, { maxFileSize: 10 * 1024 * 1024, allObjects: false });
  let blobs = 0;
  let bytes = 0;
  let missing = 0;
  if (mode === 'read1') {
    for await (const item of source.items()) {
      blobs++;
      bytes += item.data?.length ?? 0;
    }
  } else {
    const { outputSocket } = await load('sources/git/output-socket.js');
    const { BatchParser, catFileArgs } = await load('sources/git/cat-file.js');
    const { spawnGit, waitForExit } = await load('sources/git/exec.js');
    const readers = [];
    for (let k = 0; k < 2; k++) readers.push({ socket: await outputSocket(), child: null });
    const done = [];
    let turn = 0;
    for await (const lines of source.objectBatches(512)) {
      const r = readers[turn++ % readers.length];
      if (!r.child) {
        // Spawned with its first batch, as a worker's is: its cache settings follow the order.
        r.child = spawnGit(repo, catFileArgs(source.storeOrdered), { stdio: ['pipe', r.socket ? r.socket.childEnd : 'pipe', 'pipe'] });
        r.socket?.handOver();
        r.child.stdin.on('error', () => undefined);
        const parser = new BatchParser(10 * 1024 * 1024, false, 'all');
        const take = (entry) => {
          if ('missing' in entry) missing++;
          else {
            blobs++;
            bytes += entry.data?.length ?? 0;
          }
        };
        const exit = waitForExit(r.child, { text: '' });
        if (r.socket) done.push(r.socket.read((chunk) => parser.push(chunk, take)).then(() => exit));
        else done.push((async () => {
          for await (const chunk of r.child.stdout) parser.push(chunk, take);
          return exit;
        })());
      }
      // Written without waiting, so each cat-file always has its next ids (the pool holds at most
      // four batches per worker): if anything this errs towards faster reading, as a bound should.
      r.child.stdin.write(`${lines.join('\n')}\n`, 'latin1');
    }
    for (const r of readers) {
      if (r.child) r.child.stdin.end();
      else r.socket?.destroy();
    }
    const codes = await Promise.all(done);
    if (codes.some((c) => c !== 0)) throw new Error(`a cat-file exited ${codes.join(', ')}`);
    source.noteMissing();
  }
  process.stdout.write(`${blobs} ${bytes} ${source.gaps.length + (missing ? 1 : 0)}\n`);
}

if (args[0] === '--read-only') {
  if ((args[1] !== 'read1' && args[1] !== 'read2') || !args[2]) {
    process.stderr.write('usage: node bench/delivery.mjs --read-only read1|read2 REPO\n');
    process.exit(2);
  }
  try {
    await readOnly(args[1], args[2]);
    process.exit(0);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(3);
  }
}

const repo = opt('--path');
const runs = Number(opt('--runs', '5'));
if (!repo || repo.startsWith('--') || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: node bench/delivery.mjs --path REPO [--runs N]\n');
  process.exit(2);
}
if (!existsSync(dist('sources/git/history.js')) || !existsSync(join(root, 'dist', 'bundle', 'main.js'))) {
  process.stderr.write('delivery: no build here; run `npm run build` first\n');
  process.exit(3);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/**
 * A whole process's wall time. Its output goes to /dev/null, as bench/history.mjs's floor does (which
 * makes the floor as cheap as it can be), unless `keep`: then it is read and its text returned.
 */
function timed(label, cmd, argv, ok, keep = false) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ['ignore', keep ? 'pipe' : 'ignore', 'pipe'] });
    let last = '';
    let err = '';
    child.stdout?.on('data', (chunk) => (last += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const secs = Number(process.hrtime.bigint() - start) / 1e9;
      if (!ok(code)) reject(new Error(`${label} ${signal ? `was killed by ${signal}` : `exited ${code}`}: ${err.split('\n')[0]}`));
      else resolve({ secs, stdout: last });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'nhiscan-delivery-'));
const times = { floor: [], piped: [], read1: [], read2: [], scan: [] };
const read = {};
let scanExit = 0;
try {
  for (let i = 0; i < runs; i++) {
    // In turn, so a machine that slows down part-way slows all of them.
    const floorArgs = ['-C', repo, 'cat-file', '--batch-all-objects', '--batch', '--unordered'];
    times.floor.push((await timed('floor (git cat-file)', 'git', floorArgs, (c) => c === 0)).secs);
    // git's own exit status, through a file (a pipeline's is cat's); the repository is an argument
    // of the script, never part of its text.
    const pipedArgs = ['-c', '{ git "$@"; echo $? > "$0"; } | cat > /dev/null; read s < "$0"; exit "$s"', join(dir, 'status'), ...floorArgs];
    times.piped.push((await timed('piped floor (git cat-file | cat)', 'sh', pipedArgs, (c) => c === 0)).secs);
    for (const mode of ['read1', 'read2']) {
      const r = await timed(mode, process.execPath, [fileURLToPath(import.meta.url), '--read-only', mode, repo], (c) => c === 0, true);
      times[mode].push(r.secs);
      read[mode] = r.stdout.trim().split(' ').map(Number);
    }
    // 1: findings; 3: incomplete, a whole run still, said below.
    const scan = await timed('scan', process.execPath, [join(root, 'bin', 'nhiscan.js'), 'scan', repo, '-f', 'json', '-o', join(dir, 'r.json')], (c) => {
      if (c === 3) scanExit = 3;
      return c === 0 || c === 1 || c === 3;
    });
    times.scan.push(scan.secs);
  }
} catch (err) {
  process.stderr.write(`delivery: ${err.message}\n`);
  process.exitCode = 3;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (process.exitCode === 3) process.exit(3);
const floor = median(times.floor);
const piped = median(times.piped);
const both = (t) => `${t.toFixed(2)} s, ${(t / floor).toFixed(2)}x the floor, ${(t / piped).toFixed(2)}x the piped floor`;
const what = ([blobs, bytes, gaps]) => `${blobs} blobs, ${(bytes / 2 ** 20).toFixed(1)} MiB${gaps ? `, ${gaps} gap(s): not all was read` : ''}`;
console.log(`repo: ${repo}; ${runs} runs of each, in turn; medians`);
console.log(`floor  git cat-file --batch-all-objects --batch --unordered > /dev/null: ${floor.toFixed(2)} s`);
console.log(`piped  the same into cat > /dev/null: ${piped.toFixed(2)} s`);
console.log(`read1  the history source on one thread, one cat-file, nothing matched (${what(read.read1)}): ${both(median(times.read1))}`);
console.log(`read2  the same walk, two cat-files as the pool reads, nothing matched (${what(read.read2)}): ${both(median(times.read2))}`);
console.log(`scan   nhiscan scan -f json${scanExit === 3 ? ' (exit 3: incomplete)' : ''}: ${both(median(times.scan))}`);
