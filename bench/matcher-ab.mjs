// Two builds' matchers over the same blobs of a real repository, in one process, batch by batch in
// turn (A B, then B A, ...), so both see the same machine load: the ratio of their matching time.
// It leaves out what the builds share (git, provenance, reports); bench/history.mjs times whole runs.
//
//   node bench/matcher-ab.mjs REPO DIST_A DIST_B [max MB]
//   e.g. a build of this commit against one of an earlier commit (git worktree add, npm ci, npm run build):
//   node bench/matcher-ab.mjs curl.git ./dist ../before/dist
//
// CFG_A / CFG_B: a .nhiscan.toml for either side (e.g. to disable a rule set and see what it costs).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [repo, da, db, maxMB] = process.argv.slice(2);
if (!repo || !da || !db) {
  console.error('usage: node bench/matcher-ab.mjs REPO DIST_A DIST_B [max MB]');
  process.exit(2);
}

async function load(dist, cfgFile) {
  const d = resolve(dist);
  const scan = await import(`${d}/scan.js`);
  const cfg = await import(`${d}/config.js`);
  const eng = await import(`${d}/detect/engine.js`);
  const fm = await import(`${d}/detect/file-matcher.js`);
  const config = cfgFile ? cfg.parseConfig(readFileSync(cfgFile, 'utf8'), cfgFile) : cfg.emptyConfig();
  return { m: scan.newMatcher(config, scan.activeRules(config), 1), f: new fm.FileMatcher(scan.activeFileRules(config)), scanItem: eng.scanItem, stats: eng.emptyStats(), ms: 0, hits: 0 };
}

const A = await load(da, process.env.CFG_A);
const B = await load(db, process.env.CFG_B);
const cf = await import(`${resolve(da)}/sources/git/cat-file.js`);

// Each blob once, with the first path it is seen at (branches and tags, as the README's figures).
const listing = execFileSync('git', ['-C', repo, 'rev-list', '--objects', '--branches', '--tags'], { maxBuffer: 1 << 30, encoding: 'latin1' });
const seen = new Set();
const lines = [];
for (const line of listing.split('\n')) {
  const sp = line.indexOf(' ');
  if (sp < 0 || seen.has(line.slice(0, sp))) continue;
  seen.add(line.slice(0, sp));
  lines.push(line);
}
const git = spawn('git', ['-C', repo, 'cat-file', `--batch=${cf.BATCH_FORMAT}`, '--buffer'], { stdio: ['pipe', 'pipe', 'inherit'] });
git.stdin.on('error', () => {});
git.stdin.end(`${lines.join('\n')}\n`, 'latin1');

const limit = (Number(maxMB) || Infinity) * 1e6;
let batch = [];
let bytes = 0;
let total = 0;
let flip = false;
function run(side) {
  const t0 = performance.now();
  for (const item of batch) {
    const hit = side.scanItem(item, side.m, side.f, side.stats);
    if (hit) side.hits += hit.matches.length + hit.files.length;
  }
  side.ms += performance.now() - t0;
}
function flush() {
  if (flip) (run(A), run(B));
  else (run(B), run(A));
  flip = !flip;
  batch = [];
  bytes = 0;
}
for await (const entry of cf.parseBatch(git.stdout, 100 * 1024 * 1024)) {
  if (entry.type !== 'blob') continue;
  batch.push(cf.blobItem(entry));
  bytes += entry.size;
  total += entry.size;
  if (bytes > 8e6) flush();
  if (total > limit) break;
}
flush();
git.kill();
console.log(`${(total / 1e6).toFixed(0)} MB of blobs; A ${(A.ms / 1e3).toFixed(2)} s, ${A.hits} matches; B ${(B.ms / 1e3).toFixed(2)} s, ${B.hits} matches; A/B ${(A.ms / B.ms).toFixed(3)}`);
