#!/usr/bin/env node
// Times `nhiscan scan` on a large history against the floor of reading every object once:
//   node bench/history.mjs                  # synthetic repo, 20,000 commits (built once, cached)
//   node bench/history.mjs --commits 50000
//   node bench/history.mjs --path /some/repo
// Prints wall time, MB/s of unique blob bytes, nhiscan's peak RSS, the ratio to the floor, and
// the wall time of `scan --staged` with 10 staged files.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSynthRepo } from './synth-repo.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'nhiscan.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};
const runs = Number(opt('--runs', '3'));

function timed(cmd, argv, { cwd, stdout = 'ignore' } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', stdout, 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, secs: Number(process.hrtime.bigint() - start) / 1e9, stderr: err }));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  let repo = opt('--path');
  if (!repo) {
    const commits = Number(opt('--commits', '20000'));
    repo = join(root, 'bench', '.work', `synth-${commits}.git`);
    process.stderr.write(`building or reusing ${repo} …\n`);
    await buildSynthRepo(repo, { commits });
  }
  const count = execFileSync('git', ['rev-list', '--all', '--count'], { cwd: repo, encoding: 'utf8' }).trim();
  const packBytes = execFileSync('git', ['count-objects', '-v'], { cwd: repo, encoding: 'utf8' });

  const floor = [];
  for (let i = 0; i < runs; i++) {
    const r = await timed('git', ['cat-file', '--batch-all-objects', '--batch', '--unordered'], { cwd: repo });
    if (r.code !== 0) throw new Error(`floor failed: ${r.stderr}`);
    floor.push(r.secs);
  }

  const scans = [];
  let rss = 0;
  let bytes = 0;
  let blobs = 0;
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    const out = join(tmpdir(), `nhiscan-bench-${process.pid}.json`);
    const r = await timed(process.execPath, [cli, 'scan', repo, '--format', 'json', '--output', out, '--debug']);
    if (r.code !== 1 && r.code !== 0) throw new Error(`scan exited ${r.code}: ${r.stderr}`);
    scans.push(r.secs);
    const m = /peakRssMiB=(\d+)/.exec(r.stderr);
    rss = Math.max(rss, m ? Number(m[1]) : 0);
    const report = JSON.parse(execFileSync('cat', [out], { encoding: 'utf8', maxBuffer: 1 << 28 }));
    bytes = report.summary.scan.bytes;
    blobs = report.summary.scan.blobs;
    findings = report.summary.total;
    rmSync(out, { force: true });
  }

  // --staged: a working clone with 10 modified, staged files.
  const work = mkdtempSync(join(tmpdir(), 'nhiscan-bench-staged-'));
  execFileSync('git', ['clone', '-q', repo, join(work, 'w')]);
  const w = join(work, 'w');
  const files = execFileSync('git', ['ls-files'], { cwd: w, encoding: 'utf8' }).split('\n').filter(Boolean).slice(0, 10);
  files.forEach((f, i) => writeFileSync(join(w, f), `// edit ${i}\nconst apiToken = options.token;\n`, { flag: 'a' }));
  execFileSync('git', ['add', ...files], { cwd: w });
  const staged = [];
  for (let i = 0; i < 5; i++) staged.push((await timed(process.execPath, [cli, 'scan', '--staged', '--format', 'json'], { cwd: w })).secs);
  rmSync(work, { recursive: true, force: true });

  const f = median(floor);
  const s = median(scans);
  const mb = bytes / 1024 / 1024;
  const lines = [
    `repo: ${repo}`,
    `commits: ${count}; unique text blobs scanned: ${blobs} (${mb.toFixed(1)} MiB); findings: ${findings}`,
    packBytes.split('\n').find((l) => l.startsWith('size-pack')) ?? '',
    `floor  git cat-file --batch-all-objects --batch --unordered: ${f.toFixed(2)} s (median of ${runs})`,
    `nhiscan scan --format json: ${s.toFixed(2)} s (median of ${runs}), ${(mb / s).toFixed(1)} MiB/s, peak RSS ${rss} MiB`,
    `ratio to floor: ${(s / f).toFixed(2)}x`,
    `nhiscan scan --staged (10 files): ${median(staged).toFixed(3)} s (median of 5)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.message}\n`);
  process.exit(1);
});
