#!/usr/bin/env node
// History-scan speed against the floor of reading every object once, on any repository:
//   node bench/history.mjs --path /some/repo.git [--runs 3] [--workers 1,2]
//   node bench/history.mjs --synthetic [--commits 20000]   # regression check only: not evidence
// For each repository, in one run, it prints the floor (`git cat-file --batch-all-objects --batch
// --unordered`), nhiscan's wall and CPU time and peak memory (nhiscan plus its git children,
// sampled from /proc) for each worker count, the share of bytes that reached the regex stage, and
// `gitleaks git` when a gitleaks binary is on PATH; then the ratios. Medians of --runs. Memory is
// PSS summed over the process tree (shared pack pages counted once), and nhiscan's own RSS.
// Times and memory come from separate runs: reading a process's smaps every 50 ms takes the lock
// its page faults need, and slowed the scan it measured by 10-25% (curl: 8.9-10.9 s sampled
// against 7.4-8.2 s not, 3 interleaved pairs). The floor and the timed scans run in turn, so a
// machine that slows down part-way slows both sides of a ratio; then --mem-runs sampled scans.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'nhiscan.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};
const runs = Number(opt('--runs', '3'));
const memRuns = Number(opt('--mem-runs', String(runs)));
const workerCounts = String(opt('--workers', '1,2')).split(',').map(Number);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const TICK = 100; // clock ticks per second for /proc/<pid>/stat on Linux

/** Every descendant of pid (and pid), from /proc. */
function tree(pid) {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {
      // gone already
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]) ?? []));
  return out;
}

/**
 * Proportional set size: shared pages (git's mmapped pack, read by every cat-file) count once
 * across the processes that share them, so the sum is the memory really in use. Plain RSS would
 * count the pack once per git process.
 */
function pssKiB(pid) {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function rssKiB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** CPU seconds of this process's children that have exited and been waited for, theirs included. */
function reapedCpu() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / TICK;
}

/**
 * Run a command; wall time, CPU and peak summed PSS. The CPU is what the kernel charges this
 * process for the command once it is waited for: its own and that of every descendant it waited
 * for. (Summing each process's sampled time and its children's, as before, counted git's CPU twice:
 * once sampled, once in nhiscan's children's time.)
 */
function measure(cmd, argv, cwd, sampled = false) {
  return new Promise((resolve, reject) => {
    const cpu0 = reapedCpu();
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let peak = 0;
    let own = 0;
    const sample = () => {
      const pids = tree(child.pid);
      peak = Math.max(peak, pids.reduce((s, p) => s + pssKiB(p), 0));
      own = Math.max(own, rssKiB(child.pid));
    };
    const timer = sampled ? setInterval(sample, 50) : null;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearInterval(timer);
      const secs = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ code, secs, cpu: reapedCpu() - cpu0, peakMiB: peak / 1024, ownMiB: own / 1024, stderr });
    });
  });
}

async function bench(repo) {
  const count = execFileSync('git', ['rev-list', '--all', '--count'], { cwd: repo, encoding: 'utf8' }).trim();
  const lines = [`repo: ${repo}`, `commits (all refs): ${count}`];
  const floor = [];
  const perWorkers = new Map(workerCounts.map((w) => [w, { walls: [], cpus: [], sampledWalls: [], peak: 0, own: 0 }]));
  let scanStats = null;
  const scanOnce = async (w, sampled) => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-bench-'));
    const out = join(dir, 'r.json');
    const r = await measure(process.execPath, [cli, 'scan', repo, '--format', 'json', '--output', out, '--workers', String(w)], undefined, sampled);
    if (r.code !== 0 && r.code !== 1 && r.code !== 3) throw new Error(`scan exited ${r.code}: ${r.stderr}`);
    const rep = JSON.parse(readFileSync(out, 'utf8'));
    scanStats = { ...rep.summary.scan, findings: rep.summary.total, complete: rep.coverage.complete, exit: r.code };
    rmSync(dir, { recursive: true, force: true });
    return r;
  };
  for (let i = 0; i < runs; i++) {
    const r = await measure('git', ['cat-file', '--batch-all-objects', '--batch', '--unordered'], repo);
    if (r.code !== 0) throw new Error(`floor failed: ${r.stderr}`);
    floor.push(r.secs);
    for (const w of workerCounts) {
      const t = await scanOnce(w, false);
      perWorkers.get(w).walls.push(t.secs);
      perWorkers.get(w).cpus.push(t.cpu);
    }
  }
  for (let i = 0; i < memRuns; i++) {
    for (const w of workerCounts) {
      const m = await scanOnce(w, true);
      const acc = perWorkers.get(w);
      acc.sampledWalls.push(m.secs);
      acc.peak = Math.max(acc.peak, m.peakMiB);
      acc.own = Math.max(acc.own, m.ownMiB);
    }
  }
  const f = median(floor);
  lines.push(`floor  git cat-file --batch-all-objects --batch --unordered: ${f.toFixed(2)} s`);
  for (const w of workerCounts) {
    const { walls, cpus, sampledWalls, peak, own } = perWorkers.get(w);
    const s = median(walls);
    // The sampled runs' wall time too: what the sampling costs the scan it measures is seen here.
    const memory = memRuns > 0
      ? `peak memory (the largest of ${memRuns} sampled runs, which took ${median(sampledWalls).toFixed(2)} s) ${peak.toFixed(0)} MiB PSS with its git children (nhiscan's own RSS ${own.toFixed(0)} MiB)`
      : 'memory not sampled (--mem-runs 0)';
    lines.push(`nhiscan scan --workers ${w}: ${s.toFixed(2)} s wall, ${median(cpus).toFixed(1)} s CPU; ${(s / f).toFixed(2)}x the floor; ${memory}`);
  }
  const mib = scanStats.bytes / 1024 / 1024;
  lines.push(`scanned: ${scanStats.blobs} unique text blobs, ${mib.toFixed(1)} MiB; reached the regex stage: ${((100 * (scanStats.regexChars ?? 0)) / scanStats.bytes).toFixed(1)}% of them; ${scanStats.findings} findings; complete: ${scanStats.complete} (exit ${scanStats.exit})`);
  const gitleaks = spawnSync('gitleaks', ['version'], { encoding: 'utf8' });
  if (gitleaks.status === 0) {
    const g = [];
    for (let i = 0; i < runs; i++) g.push((await measure('gitleaks', ['git', repo, '--no-banner', '--report-path', '/dev/null', '--exit-code', '0'])).secs);
    lines.push(`gitleaks ${gitleaks.stdout.trim()} git: ${median(g).toFixed(2)} s (${(median(g) / f).toFixed(2)}x the floor)`);
  } else {
    lines.push('gitleaks: not on PATH, not measured');
  }
  return lines.join('\n');
}

async function main() {
  let repo = opt('--path');
  if (!repo) {
    if (!args.includes('--synthetic')) throw new Error('give --path REPO (a real repository), or --synthetic for the regression check');
    const { buildSynthRepo } = await import('./synth-repo.mjs');
    const commits = Number(opt('--commits', '20000'));
    repo = join(root, 'bench', '.work', `synth-${commits}.git`);
    process.stderr.write(`synthetic repository (a regression check, not evidence): building or reusing ${repo}\n`);
    await buildSynthRepo(repo, { commits });
  }
  process.stdout.write(`${await bench(repo)}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.message}\n`);
  process.exit(1);
});
