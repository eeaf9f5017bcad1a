#!/usr/bin/env node
// Precision on real code that holds no real secrets: findings per MB, by rule.
//   node bench/precision.mjs                      # ./node_modules, npm's own global modules, Python's stdlib
//   node bench/precision.mjs /some/dir [/other]   # any trees
// Every generic-rule hit on such a corpus is a false positive to fix or to justify in README.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'nhiscan.js');
let targets = process.argv.slice(2);
if (targets.length === 0) {
  targets = [join(root, 'node_modules')];
  try {
    targets.push(execFileSync('npm', ['root', '-g'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no global npm tree
  }
  for (const py of ['/usr/lib/python3.11', '/usr/lib/python3']) if (existsSync(py)) targets.push(py);
  // The machine image's own Python install: stdlib, test suite and site-packages (awscli, botocore, moto …).
  try {
    const lib = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (lib && !targets.includes(lib) && existsSync(lib)) targets.push(lib);
  } catch {
    // no python3
  }
}

let totalBytes = 0;
let totalSecs = 0;
const byRule = new Map();
const examples = new Map();
for (const target of targets.filter((t) => existsSync(t))) {
  const start = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [cli, 'scan', target, '--no-git', '--no-ignore', '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  totalSecs += Number(process.hrtime.bigint() - start) / 1e9;
  if (res.status !== 0 && res.status !== 1) {
    process.stderr.write(`scan of ${target} exited ${res.status}: ${res.stderr}\n`);
    continue;
  }
  const report = JSON.parse(res.stdout);
  totalBytes += report.summary.scan.bytes;
  for (const f of report.findings) {
    byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    if (!examples.has(f.ruleId)) examples.set(f.ruleId, `${target}/${f.location.path}:${f.location.line}`);
  }
  process.stderr.write(`${target}: ${(report.summary.scan.bytes / 1048576).toFixed(1)} MiB, ${report.findings.length} finding(s)\n`);
}

const mib = totalBytes / 1048576;
const total = [...byRule.values()].reduce((a, b) => a + b, 0);
const lines = [`corpus: ${targets.join(', ')}`, `scanned ${mib.toFixed(1)} MiB of text in ${totalSecs.toFixed(1)} s`, `findings: ${total} (${(total / mib).toFixed(3)} per MiB)`];
for (const [rule, n] of [...byRule].sort((a, b) => b[1] - a[1])) {
  lines.push(`  ${rule}: ${n} (${(n / mib).toFixed(3)} per MiB), e.g. ${examples.get(rule)}`);
}
if (process.argv.includes('--list') || process.env.NHISCAN_PRECISION_LIST) {
  for (const [rule] of byRule) lines.push(`  example of ${rule}: ${examples.get(rule)}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
