// Two builds' serial steps of a history scan over the same real repository, in one process, in
// turn (A B, B A, ...): putting the walk into store order (`inStoreOrder` with git's listing),
// putting hits back in walk order (`walkIndexOf` for N ids), and the keyword pass alone
// (`KeywordPrefilter.pass` over the first MB of blobs in store order). bench/history.mjs times
// whole runs; this shows what each of these steps costs.
//
//   node bench/walk-order-ab.mjs REPO DIST_A DIST_B [rounds] [pass MB]
//   e.g. node bench/walk-order-ab.mjs curl.git ./dist ../before/dist 5 360
import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const [repo, da, db, roundsArg, mbArg] = process.argv.slice(2);
if (!repo || !da || !db) {
  console.error('usage: node bench/walk-order-ab.mjs REPO DIST_A DIST_B [rounds] [pass MB]');
  process.exit(2);
}
const rounds = Number(roundsArg) || 5;
const passBytes = (Number(mbArg) || 360) * 1e6;
const git = (args) => execFileSync('git', ['-C', repo, ...args], { maxBuffer: 1 << 30 });

// What the scan reads: the one walk of every object, and git's typed listing in store order.
const walk = git(['rev-list', '--objects', '--all', '--missing=print']);
const listing = git(['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)', '--unordered']);
// Ids to put back in walk order: a spread of the walk's blob lines (a scan's hits are a few dozen).
const blobIds = listing.toString('latin1').split('\n').filter((l) => l.endsWith(' blob')).map((l) => l.slice(0, l.indexOf(' ')));
const wanted = new Set(Array.from({ length: 76 }, (_, i) => blobIds[(i * 7919) % blobIds.length]));
// Blobs for the pass, in store order, up to the bound: cat-file's output read until there is enough.
const raw = await new Promise((done) => {
  const cat = spawn('git', ['-C', repo, 'cat-file', '--batch=%(objectsize)', '--buffer'], { stdio: ['pipe', 'pipe', 'ignore'] });
  cat.stdin.on('error', () => undefined);
  cat.stdin.end(`${blobIds.join('\n')}\n`);
  const chunks = [];
  let size = 0;
  cat.stdout.on('data', (c) => {
    chunks.push(c);
    size += c.length;
    if (size > passBytes) cat.kill();
  });
  cat.on('close', () => done(Buffer.concat(chunks)));
});
const blobs = [];
let blobBytes = 0;
for (let at = 0; at < raw.length; ) {
  const nl = raw.indexOf(10, at);
  if (nl === -1) break;
  const n = Number(raw.toString('latin1', at, nl));
  if (nl + 1 + n > raw.length || blobBytes + n > passBytes) break;
  blobs.push(raw.subarray(nl + 1, nl + 1 + n));
  blobBytes += n;
  at = nl + 2 + n;
}

async function load(dist) {
  const d = resolve(dist);
  const order = await import(`${d}/sources/git/store-order.js`);
  const { emptyConfig } = await import(`${d}/config.js`);
  const { activeRules } = await import(`${d}/scan.js`);
  const { KeywordPrefilter } = await import(`${d}/detect/prefilter.js`);
  return { order, pf: new KeywordPrefilter(activeRules(emptyConfig())), ms: { order: 0, index: 0, pass: 0 }, check: '' };
}
const sides = { A: await load(da), B: await load(db) };

function round(side) {
  let t = performance.now();
  const held = side.order.inStoreOrder([walk], [listing], () => undefined);
  side.ms.order += performance.now() - t;
  t = performance.now();
  const index = held.walkIndexOf(wanted);
  side.ms.index += performance.now() - t;
  t = performance.now();
  let picked = 0;
  for (const b of blobs) picked += side.pf.pass(b, true, 'src/x.c').rules.length;
  side.ms.pass += performance.now() - t;
  side.check = `${index.size} ids placed, ${picked} rules picked`;
}
for (let r = 0; r < rounds; r++) for (const k of r % 2 ? ['B', 'A'] : ['A', 'B']) round(sides[k]);

const per = (ms) => (ms / rounds).toFixed(0);
for (const [k, s] of Object.entries(sides)) {
  console.log(`${k}: inStoreOrder ${per(s.ms.order)} ms, walkIndexOf ${per(s.ms.index)} ms, pass ${(blobBytes / 1e6 / (s.ms.pass / rounds)).toFixed(2)} GB/s (${s.check})`);
}
const ratio = (f) => (sides.A.ms[f] / sides.B.ms[f]).toFixed(3);
console.log(`A/B over ${rounds} rounds, ${(blobBytes / 1e6).toFixed(0)} MB for the pass: inStoreOrder ${ratio('order')}, walkIndexOf ${ratio('index')}, pass ${ratio('pass')}`);
