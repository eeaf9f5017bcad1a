#!/usr/bin/env node
// The prefilter kernel's base64-run search (runs() in src/detect/kernel/prefilter.ts) alone, two
// .wasm builds in one process, in turn, over the first text blobs of a real repository:
//   node bench/kernel-ab.mjs --path curl.git [--mb 1200] [--rounds 6] A.wasm B.wasm
// Prints each build's best round and the runs found (which must agree). Build another checkout's
// kernel with `npm run build` there: dist/detect/kernel/prefilter.wasm.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const repo = opt('--path');
const mb = Number(opt('--mb', '1200'));
const rounds = Number(opt('--rounds', '6'));
const files = args.filter((a, i) => a.endsWith('.wasm') && !String(args[i - 1]).startsWith('--'));
if (!repo || files.length < 1) {
  process.stderr.write('usage: node bench/kernel-ab.mjs --path REPO [--mb N] [--rounds N] A.wasm [B.wasm]\n');
  process.exit(2);
}

// Blob ids in the order git stores them, then their bytes, up to --mb of text (no NUL in 8000 bytes).
const listing = execFileSync('git', ['-C', repo, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize)', '--unordered'], { encoding: 'latin1', maxBuffer: 1 << 30 });
const ids = [];
let want = 0;
for (const line of listing.split('\n')) {
  const [id, type, size] = line.split(' ');
  if (type !== 'blob' || Number(size) > 10 << 20) continue;
  ids.push(id);
  want += Number(size);
  if (want >= mb * 1e6) break;
}
const out = execFileSync('git', ['-C', repo, 'cat-file', '--batch'], { input: `${ids.join('\n')}\n`, maxBuffer: 4 << 30 });
const blobs = [];
for (let at = 0; at < out.length; ) {
  const nl = out.indexOf(10, at);
  const size = Number(out.subarray(at, nl).toString('latin1').split(' ')[2]);
  const b = out.subarray(nl + 1, nl + 1 + size);
  if (!b.subarray(0, 8000).includes(0)) blobs.push(b);
  at = nl + 1 + size + 1;
}
const total = blobs.reduce((s, b) => s + b.length, 0);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-';
const SEXTETS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** One instance of a build, its base64 tables laid out as prefilter-wasm.ts lays them. */
function instance(file) {
  const { exports: e } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {});
  const tables = 1 << 20;
  const data = 2 << 20;
  const largest = Math.max(...blobs.map((b) => b.length));
  const need = data + 2 * largest + (1 << 20);
  e.memory.grow(Math.ceil(Math.max(0, need - e.memory.buffer.byteLength) / 65536));
  const m = new Uint8Array(e.memory.buffer);
  for (const ch of ALPHABET) m[tables + ch.charCodeAt(0)] = 1;
  [...SEXTETS].forEach((ch, i) => (m[tables + 256 + ch.charCodeAt(0)] = i));
  m[tables + 256 + 0x2b] = m[tables + 256 + 0x2d] = 62;
  m[tables + 256 + 0x2f] = m[tables + 256 + 0x5f] = 63;
  e.setBase64(tables, tables + 256);
  return (b) => {
    m.set(b, data);
    return e.runs(data, b.length, 24, (data + b.length + 16) & ~15, 4096);
  };
}

const builds = files.map((f) => ({ f, run: instance(f), best: Infinity, found: 0 }));
for (let r = 0; r < rounds; r++) {
  for (const b of builds) {
    const t0 = performance.now();
    let found = 0;
    for (const blob of blobs) found += b.run(blob);
    b.best = Math.min(b.best, performance.now() - t0);
    b.found = found;
  }
}
console.log(`${blobs.length} text blobs, ${(total / 1e6).toFixed(0)} MB, best of ${rounds} rounds in turn`);
for (const b of builds) console.log(`${b.f}: ${b.best.toFixed(0)} ms (${(total / 1e6 / b.best).toFixed(2)} GB/s), ${b.found / 2} runs`);
if (builds.length === 2) console.log(`A/B: ${(builds[0].best / builds[1].best).toFixed(3)}${builds[0].found === builds[1].found ? '' : ' (the runs differ!)'}`);
