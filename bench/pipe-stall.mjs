#!/usr/bin/env node
// How much of a one-thread history scan is spent waiting on git: the same blobs, in rev-list order,
// read from `git cat-file --batch` and matched (1) as the scan does, straight off the pipe, and
// (2) read into memory first, then matched from there, and (3) read and thrown away (git's own
// speed in that order). What (1) takes beyond the slower of (3) and (2)'s matching is the reading
// thread's own work of reading (system calls, buffers, their collection) plus any wait on git; a
// reader thread that drained the pipe for the matcher was tried and gained nothing, so on these
// repositories it is mostly the former (README, Speed). (2) holds every blob in memory: on a large
// history give the machine the RAM.
//   node bench/pipe-stall.mjs --path /some/repo.git [--runs 3]      (run `npm run build` first)
import { execFileSync, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const { parseBatch, BATCH_FORMAT, blobItem } = await load('sources/git/cat-file.js');
const { scanItem, emptyStats } = await load('detect/engine.js');
const { newMatcher, activeRules, activeFileRules } = await load('scan.js');
const { emptyConfig } = await load('config.js');
const { FileMatcher } = await load('detect/file-matcher.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const repo = opt('--path');
if (!repo) {
  process.stderr.write('give --path REPO\n');
  process.exit(2);
}
const runs = Number(opt('--runs', '3'));
const objects = execFileSync('git', ['-C', repo, 'rev-list', '--objects', '--all', '--filter=object:type=blob'], { maxBuffer: 1 << 30, encoding: 'latin1' });
const config = emptyConfig();
const matcher = newMatcher(config, activeRules(config), 1);
const files = new FileMatcher(activeFileRules(config));

async function drain() {
  const t0 = performance.now();
  const cat = spawn('git', ['-C', repo, 'cat-file', `--batch=${BATCH_FORMAT}`, '--buffer'], { stdio: ['pipe', 'pipe', 'inherit'] });
  cat.stdin.end(objects, 'latin1');
  let bytes = 0;
  for await (const c of cat.stdout) bytes += c.length;
  return performance.now() - t0;
}

async function once(inMemory) {
  const t0 = performance.now();
  const cat = spawn('git', ['-C', repo, 'cat-file', `--batch=${BATCH_FORMAT}`, '--buffer'], { stdio: ['pipe', 'pipe', 'inherit'] });
  cat.stdin.end(objects, 'latin1');
  let source = cat.stdout;
  let read = 0;
  if (inMemory) {
    const chunks = [];
    for await (const c of cat.stdout) chunks.push(c);
    read = performance.now() - t0;
    source = Readable.from(chunks);
  }
  const stats = emptyStats();
  for await (const e of parseBatch(source, 25 * 1024 * 1024, true)) if (!('missing' in e) && e.type === 'blob') scanItem(blobItem(e), matcher, files, stats);
  const total = performance.now() - t0;
  return { total, read, match: total - read, blobs: stats.blobs };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const piped = [];
const reads = [];
const matches = [];
const drains = [];
for (let i = 0; i < runs; i++) {
  drains.push(await drain());
  piped.push((await once(false)).total);
  const m = await once(true);
  reads.push(m.read);
  matches.push(m.match);
}
const ideal = Math.max(median(drains), median(matches));
console.log(`repo: ${repo}, ${runs} runs each, in turn, medians`);
console.log(`off the pipe: ${median(piped).toFixed(0)} ms`);
console.log(`git alone (read and thrown away): ${median(drains).toFixed(0)} ms`);
console.log(`read into memory: ${median(reads).toFixed(0)} ms, then matched from memory: ${median(matches).toFixed(0)} ms`);
console.log(`the slower phase alone: ${ideal.toFixed(0)} ms; reading off the pipe costs ${(median(piped) - ideal).toFixed(0)} ms more (${((median(piped) / ideal - 1) * 100).toFixed(0)} %)`);
