#!/usr/bin/env node
// Start-up cost: `nhiscan --version`, and `scan --staged` with 10 staged files in a fresh clone of
// any repository, against `node -e 0` (the floor any Node CLI pays). Medians of --runs.
//   node bench/startup.mjs --path /some/repo [--runs 9] [--against /other/checkout]
// --against times a second checkout's bin/nhiscan.js (say, the base commit's) in the same runs,
// interleaved with this one, and prints the ratio: one side by side measurement, not two.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const runs = Number(opt('--runs', '9'));
const repo = opt('--path');
const against = opt('--against');
const clis = { this: join(root, 'bin', 'nhiscan.js'), ...(against ? { against: join(against, 'bin', 'nhiscan.js') } : {}) };
if (!repo) {
  process.stderr.write('give --path REPO\n');
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(argv, cwd) {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, argv, { cwd, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t) / 1e9;
}
const work = mkdtempSync(join(tmpdir(), 'nhiscan-startup-'));
const w = join(work, 'w');
execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, w]);
const files = execFileSync('git', ['ls-files'], { cwd: w, encoding: 'utf8' }).split('\n').filter(Boolean).slice(0, 10);
files.forEach((f, i) => writeFileSync(join(w, f), `// edit ${i}\nconst apiToken = options.token;\n`, { flag: 'a' }));
execFileSync('git', ['add', ...files], { cwd: w });
const rows = { 'node -e 0': { floor: [] } };
const row = (name) => (rows[name] ??= Object.fromEntries(Object.keys(clis).map((k) => [k, []])));
for (let i = 0; i < runs; i++) {
  rows['node -e 0'].floor.push(time(['-e', '0']));
  for (const [k, cli] of Object.entries(clis)) {
    row('nhiscan --version')[k].push(time([cli, '--version']));
    row('nhiscan scan --staged (10 files)')[k].push(time([cli, 'scan', '--staged', '--format', 'json'], w));
  }
}
rmSync(work, { recursive: true, force: true });
for (const [name, sides] of Object.entries(rows)) {
  const m = Object.fromEntries(Object.entries(sides).map(([k, v]) => [k, median(v)]));
  const shown = Object.entries(m).map(([k, v]) => (k === 'floor' || !against ? `${v.toFixed(3)} s` : `${k} ${v.toFixed(3)} s`));
  const ratio = against && m.this !== undefined ? ` (this/against ${(m.this / m.against).toFixed(2)})` : '';
  process.stdout.write(`${name}: ${shown.join(', ')}${ratio} (median of ${runs})\n`);
}
