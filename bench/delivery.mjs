#!/usr/bin/env node
// What reading a history costs nhiscan before any matching, against the floor and the full scan,
// on any repository:
//   node bench/delivery.mjs --path /some/repo.git [--runs 5]      (run `npm run build` first)
// Four whole processes, in turn, --runs times each:
//   floor  `git cat-file --batch-all-objects --batch --unordered` (every object once, in pack order)
//          into /dev/null, as bench/history.mjs's floor (README's) is;
//   piped  the same into `cat > /dev/null` (through sh): the bytes handed to a reader, as any
//          scan's are. Writing into /dev/null copies nothing; a pipe costs git the copy and its
//          wake-ups, which on curl nearly doubled the floor;
//   read   a node process that loads the scan's history source (src/sources/git/history.ts: the
//          walk, store order, cat-file) and takes every blob it hands out, matching none of them:
//          the scan with matching for free;
//   scan   `nhiscan scan REPO -f json`, the default worker count.
// Medians, and each as a multiple of the floor (and of the piped floor). `read` is the lower bound
// of this design: a scan cannot come in under it, however fast its matching.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);

if (args[0] === '--read-only') {
  // The child: the history source alone, every blob taken and dropped.
  const { HistorySource } = await import(pathToFileURL(join(root, 'dist', 'sources', 'git', 'history.js')).href);
  const source = new HistorySource(args[1], { maxFileSize: 10 * 1024 * 1024, allObjects: false });
  let blobs = 0;
  let bytes = 0;
  for await (const item of source.items()) {
    blobs++;
    bytes += item.data?.length ?? 0;
  }
  if (source.gaps.length) {
    process.stderr.write(`gaps: ${JSON.stringify(source.gaps)}\n`);
    process.exit(3);
  }
  process.stdout.write(`${blobs} ${bytes}\n`);
  process.exit(0);
}

const repo = opt('--path');
const runs = Number(opt('--runs', '5'));
if (!repo || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: node bench/delivery.mjs --path REPO [--runs N]\n');
  process.exit(2);
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
    child.on('close', (code) => {
      const secs = Number(process.hrtime.bigint() - start) / 1e9;
      if (!ok(code)) reject(new Error(`${label} exited ${code}: ${err.split('\n')[0]}`));
      else resolve({ secs, stdout: last });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'nhiscan-delivery-'));
const times = { floor: [], piped: [], read: [], scan: [] };
let read = '';
try {
  for (let i = 0; i < runs; i++) {
    // In turn, so a machine that slows down part-way slows all three.
    const floorArgs = ['-C', repo, 'cat-file', '--batch-all-objects', '--batch', '--unordered'];
    times.floor.push((await timed('floor (git cat-file)', 'git', floorArgs, (c) => c === 0)).secs);
    // git's own exit status, through a file (a pipeline's is cat's); the repository is an argument
    // of the script, never part of its text.
    const pipedArgs = ['-c', '{ git "$@"; echo $? > "$0"; } | cat > /dev/null; read s < "$0"; exit "$s"', join(dir, 'status'), ...floorArgs];
    times.piped.push((await timed('piped floor (git cat-file | cat)', 'sh', pipedArgs, (c) => c === 0)).secs);
    const r = await timed('read', process.execPath, [fileURLToPath(import.meta.url), '--read-only', repo], (c) => c === 0, true);
    times.read.push(r.secs);
    read = r.stdout.trim();
    // 1: findings; 3: incomplete (still a whole run).
    times.scan.push((await timed('scan', process.execPath, [join(root, 'bin', 'nhiscan.js'), 'scan', repo, '-f', 'json', '-o', join(dir, 'r.json')], (c) => c === 0 || c === 1 || c === 3)).secs);
  }
} catch (err) {
  process.stderr.write(`delivery: ${err.message}\n`);
  process.exitCode = 3;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (process.exitCode === 3) process.exit(3);
const [blobs, bytes] = read.split(' ').map(Number);
const floor = median(times.floor);
const piped = median(times.piped);
const both = (t) => `${t.toFixed(2)} s, ${(t / floor).toFixed(2)}x the floor, ${(t / piped).toFixed(2)}x the piped floor`;
console.log(`repo: ${repo}; ${runs} runs of each, in turn; medians`);
console.log(`floor  git cat-file --batch-all-objects --batch --unordered > /dev/null: ${floor.toFixed(2)} s`);
console.log(`piped  the same into cat > /dev/null: ${piped.toFixed(2)} s`);
console.log(`read   the history source alone, ${blobs} blobs, ${(bytes / 2 ** 20).toFixed(1)} MiB, nothing matched: ${both(median(times.read))}`);
console.log(`scan   nhiscan scan -f json: ${both(median(times.scan))}`);
