#!/usr/bin/env node
// A regression input, not evidence: one committed file holding N fake AWS access key ids (valid
// for their kind, one a line), scanned from history, timed with its report written. It guards the
// costs that grow with the number of findings in one text (the claimed-span search was quadratic).
//   node bench/many-secrets.mjs [--keys 50000] [--runs 3] [--against /other/checkout]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const keys = Number(opt('--keys', '50000'));
const runs = Number(opt('--runs', '3'));
const against = opt('--against');
const clis = { this: join(root, 'bin', 'nhiscan.js'), ...(against ? { against: join(against, 'bin', 'nhiscan.js') } : {}) };

const work = mkdtempSync(join(tmpdir(), 'nhiscan-many-'));
const repo = join(work, 'r');
const git = (...a) => execFileSync('git', ['-C', repo, ...a], { stdio: 'pipe' });
execFileSync('git', ['init', '-q', repo]);
git('config', 'user.email', 'bench@example.invalid');
git('config', 'user.name', 'bench');
// Base32 characters after AKIA, each id different: a key id's shape, nobody's key.
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const lines = [];
for (let i = 0; i < keys; i++) {
  let id = 'AKIA';
  for (let k = 0, x = i * 2654435761; k < 16; k++, x = Math.floor(x / 5) + k * 7919) id += B32[x % 32];
  lines.push(`aws_access_key_id = ${id}`);
}
writeFileSync(join(repo, 'keys.txt'), `${lines.join('\n')}\n`);
git('add', '.');
git('commit', '-qm', 'keys');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = Object.fromEntries(Object.keys(clis).map((k) => [k, []]));
let findings = null;
for (let i = 0; i < runs; i++) {
  for (const [k, cli] of Object.entries(clis)) {
    const out = join(work, `${k}.json`);
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, 'scan', repo, '-f', 'json', '-o', out], { stdio: 'ignore' });
    times[k].push(Number(process.hrtime.bigint() - t) / 1e9);
    if (r.status !== 1) process.stderr.write(`${k}: exit ${r.status} (1 expected: findings)\n`);
    if (k === 'this' && findings === null) findings = JSON.parse(readFileSync(out, 'utf8')).findings.length;
  }
}
console.log(`${keys} key ids in one file (synthetic regression input), ${findings} findings`);
for (const [k, xs] of Object.entries(times)) console.log(`${k}: ${median(xs).toFixed(2)} s (median of ${runs})`);
if (against) console.log(`this/against: ${(median(times.this) / median(times.against)).toFixed(3)}`);
rmSync(work, { recursive: true, force: true });
