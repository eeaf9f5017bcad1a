#!/usr/bin/env node
// Precision on real code that holds no real secrets: findings per MiB, by rule, over two ecosystems.
//   node bench/precision.mjs                      # this project's node_modules, npm's global modules,
//                                                 # Debian's Python tree and Python's stdlib
//   node bench/precision.mjs /some/dir [/other]   # any trees
//   NHISCAN_CLI=/other/bin/nhiscan.js node bench/precision.mjs   # measure another build
// Every generic or contextual hit on such a corpus is a false positive to fix or to justify in
// README; those rules must stay at or below LIMIT findings per MiB. Prints the commands it ran and
// locations (path:line), never a matched value.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const LIMIT = 0.05;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = process.env.NHISCAN_CLI ?? join(root, 'bin', 'nhiscan.js');

// Rules that judge a value by the name or position it sits in, not by a format of its own: they are
// the ones real code can trip. Ids starting generic-, config- or structured- are counted too, and so
// is any rule the build's registry marks generic or structured.
const CONTEXTUAL = new Set([
  'database-url-password',
  'url-basic-auth',
  'jdbc-url-password',
  'odbc-connection-string-password',
  'authorization-basic-credentials',
  'authorization-bearer-token',
  'netrc-password',
  'pgpass-password',
]);
const CONTEXTUAL_PREFIX = /^(?:generic|config|structured)-/;
try {
  const { builtinRules } = await import(pathToFileURL(join(dirname(cli), '..', 'dist', 'detect', 'rules', 'index.js')).href);
  for (const r of builtinRules) if (r.provider === 'generic' || r.structured) CONTEXTUAL.add(r.id);
} catch (err) {
  // A build without that module still runs the bench, on the names above.
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
}
const contextual = (id) => CONTEXTUAL.has(id) || CONTEXTUAL_PREFIX.test(id);

let targets = process.argv.slice(2).map((path) => ({ path, eco: 'given' }));
if (targets.length === 0) {
  targets = [{ path: join(root, 'node_modules'), eco: 'npm' }];
  try {
    targets.push({ path: execFileSync('npm', ['root', '-g'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), eco: 'npm' });
  } catch (err) {
    // no npm on PATH: one npm tree is still measured
    if (err?.code !== 'ENOENT' && err?.status == null) throw err;
  }
  for (const py of ['/usr/lib/python3/dist-packages', '/usr/lib/python3.11']) targets.push({ path: py, eco: 'python' });
  // The machine's own Python install (stdlib, its test suite and site-packages such as botocore).
  try {
    const lib = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (lib) targets.push({ path: lib, eco: 'python' });
  } catch (err) {
    if (err?.code !== 'ENOENT' && err?.status == null) throw err;
  }
}
targets = targets.filter((t, i) => existsSync(t.path) && targets.findIndex((u) => u.path === t.path) === i);

const out = [`precision bench: findings per MiB of real code (generic/contextual limit ${LIMIT}/MiB)`];
const bytesByEco = new Map();
const byRule = new Map(); // id -> { n, byEco: Map, examples: [] }
let totalBytes = 0;
let totalSecs = 0;
for (const t of targets) {
  const args = ['scan', t.path, '--no-git', '--no-ignore', '--no-baseline', '--format', 'json'];
  out.push(`command: node ${cli} ${args.join(' ')}`);
  const start = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  let report;
  try {
    report = JSON.parse(res.stdout);
  } catch {
    out.push(`  exited ${res.status} with no JSON report: ${(res.stderr ?? '').split('\n')[0]}`);
    continue;
  }
  totalSecs += secs;
  const { bytes } = report.summary.scan;
  totalBytes += bytes;
  bytesByEco.set(t.eco, (bytesByEco.get(t.eco) ?? 0) + bytes);
  for (const f of report.findings) {
    const r = byRule.get(f.ruleId) ?? { n: 0, byEco: new Map(), examples: [] };
    byRule.set(f.ruleId, r);
    r.n++;
    r.byEco.set(t.eco, (r.byEco.get(t.eco) ?? 0) + 1);
    if (r.examples.length < 3) r.examples.push(`${t.path}/${f.location.path}:${f.location.line}`);
  }
  const gaps = report.coverage.complete ? '' : `, INCOMPLETE: ${report.coverage.gaps.length} gap(s)`;
  out.push(`  ${t.eco}: ${(bytes / 1048576).toFixed(1)} MiB of text in ${secs.toFixed(1)} s, ${report.findings.length} finding(s), exit ${res.status}${gaps}`);
}

const mib = totalBytes / 1048576;
const ecoMib = (e) => (bytesByEco.get(e) ?? 0) / 1048576;
const total = [...byRule.values()].reduce((a, r) => a + r.n, 0);
out.push('', `scanned ${mib.toFixed(1)} MiB of text in ${totalSecs.toFixed(1)} s (${[...bytesByEco.keys()].map((e) => `${e} ${ecoMib(e).toFixed(1)} MiB`).join(', ')})`);
out.push(`findings: ${total} (${mib ? (total / mib).toFixed(3) : '-'} per MiB)`);
let ctxTotal = 0;
const over = [];
out.push('', 'by rule: count, per MiB overall and per ecosystem; C = generic/contextual, OVER = above the limit');
for (const [id, r] of [...byRule].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))) {
  const rate = r.n / mib;
  const isCtx = contextual(id);
  if (isCtx) ctxTotal += r.n;
  const flag = isCtx ? (rate > LIMIT ? 'C OVER' : 'C') : '';
  if (flag === 'C OVER') over.push(id);
  const eco = [...bytesByEco.keys()].map((e) => `${e} ${((r.byEco.get(e) ?? 0) / (ecoMib(e) || 1)).toFixed(3)}`).join(', ');
  out.push(`  ${flag.padEnd(6)} ${id}: ${r.n} (${rate.toFixed(3)}/MiB; ${eco}), e.g. ${r.examples.join(' ; ')}`);
}
out.push('', `generic/contextual: ${ctxTotal} finding(s), ${mib ? (ctxTotal / mib).toFixed(3) : '-'} per MiB together; over ${LIMIT}/MiB: ${over.length ? over.join(', ') : 'none'}`);
process.stdout.write(`${out.join('\n')}\n`);
