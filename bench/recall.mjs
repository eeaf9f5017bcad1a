#!/usr/bin/env node
// Recall on the self-made config-leak corpus (fixtures/config-leaks), by class.
// SELF-MADE CORPUS: A REGRESSION CHECK, NOT EVIDENCE. Its files were written by the people who tune
// the rules; the issue's figure that counts is recall on a held-out corpus of real leaks.
//
//   node bench/recall.mjs                 # scan fixtures/config-leaks/corpus with the built CLI
//   node bench/recall.mjs --regenerate    # first rewrite the corpus into a temp dir with generate.mjs
//   node bench/recall.mjs --json          # also print the summary as one JSON line at the end
//   NHISCAN_CLI=/other/bin/nhiscan.js node bench/recall.mjs   # measure another build (e.g. a baseline)
//
// A label is found when a secret finding sits on its path and line (a binary file's label: on its
// path, by a rule whose id starts with the label's family, since a line in a blob means little). Sensitive-file findings (line 0, "this file is a
// credential store") do not count as finding the credential; they are listed apart. Every finding
// under negative/ is a false positive; findings elsewhere on unlabelled lines are listed too.
// Never prints a secret: only paths, lines, classes, rule ids and what the label says it is.
// Exit 0 always: this is a bench, not a test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = process.env.NHISCAN_CLI ?? join(root, 'bin', 'nhiscan.js');
const args = process.argv.slice(2);
let base = join(root, 'fixtures', 'config-leaks');
let temp = null;
if (args.includes('--regenerate')) {
  temp = mkdtempSync(join(tmpdir(), 'nhiscan-recall-'));
  const gen = spawnSync(process.execPath, [join(base, 'generate.mjs'), temp], { encoding: 'utf8' });
  if (gen.status !== 0) {
    process.stdout.write(`generate.mjs failed (exit ${gen.status}): ${gen.stderr.split('\n')[0]}\n`);
    process.exit(0);
  }
  base = temp;
}
const readJsonl = (file) => readFileSync(join(base, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const labels = readJsonl('labels.jsonl');
const nearMisses = readJsonl('near-misses.jsonl');
const corpus = join(base, 'corpus');

const scanArgs = ['scan', corpus, '--no-git', '--no-ignore', '--no-baseline', '--format', 'json'];
const shown = (p) => (p.startsWith(root) ? relative(root, p) || '.' : p);
const lines = ['self-made corpus: a regression check, not evidence', `command: node ${shown(cli)} ${scanArgs.map(shown).join(' ')}`];
const started = process.hrtime.bigint();
const res = spawnSync(process.execPath, [cli, ...scanArgs], { encoding: 'utf8', maxBuffer: 1 << 28 });
const secs = Number(process.hrtime.bigint() - started) / 1e9;
if (temp) rmSync(temp, { recursive: true, force: true });
let report;
try {
  report = JSON.parse(res.stdout);
} catch {
  // A usage error or a crash writes no report: say so and stop (still exit 0, it is a bench).
  lines.push(`nhiscan exited ${res.status} without a JSON report: ${(res.stderr ?? '').split('\n')[0]}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(0);
}
const scan = report.summary.scan;
lines.push(`nhiscan exit ${res.status} in ${secs.toFixed(1)} s; ${scan.blobs} files, ${(scan.bytes / 1024).toFixed(0)} KiB, ${scan.skippedBinary} skipped as binary; coverage ${report.coverage.complete ? 'complete' : `INCOMPLETE (${report.coverage.gaps.length} gaps)`}`);

// Every place each finding was seen (a finding folds the same value seen in several files).
const key = (path, line) => `${path}\0${line}`;
const atLine = new Map(); // path\0line -> [ruleId]
const atPath = new Map(); // path -> [ruleId]
const fileFindings = new Map(); // path -> [ruleId]
for (const f of report.findings) {
  const places = f.occurrences?.locations?.length ? f.occurrences.locations : [f.location];
  for (const loc of places) {
    if (f.kind !== 'secret') {
      fileFindings.set(loc.path, [...(fileFindings.get(loc.path) ?? []), f.ruleId]);
      continue;
    }
    atLine.set(key(loc.path, loc.line), [...(atLine.get(key(loc.path, loc.line)) ?? []), f.ruleId]);
    atPath.set(loc.path, [...(atPath.get(loc.path) ?? []), f.ruleId]);
  }
}

// ---- recall by class
const classes = new Map();
const missed = [];
const viaFileOnly = [];
const hitRules = new Map();
const labelled = new Set();
const binaryPaths = new Set(labels.filter((l) => l.binary).map((l) => l.path));
for (const l of labels) {
  labelled.add(key(l.path, l.line));
  const c = classes.get(l.class) ?? { labels: 0, found: 0 };
  classes.set(l.class, c);
  c.labels++;
  const rules = l.binary ? atPath.get(l.path)?.filter((r) => r.startsWith(l.family)) : atLine.get(key(l.path, l.line));
  if (rules?.length) {
    c.found++;
    for (const r of new Set(rules)) hitRules.set(r, (hitRules.get(r) ?? 0) + 1);
  } else {
    missed.push(l);
    if (fileFindings.has(l.path)) viaFileOnly.push(l);
  }
}
const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(0)}%` : '-');
lines.push('', 'recall by class (found = a secret finding on the labelled path and line)');
lines.push(`  ${'class'.padEnd(18)} ${'labels'.padStart(6)} ${'found'.padStart(6)} ${'recall'.padStart(7)}`);
let total = 0;
let found = 0;
for (const [name, c] of [...classes].sort(([a], [b]) => a.localeCompare(b))) {
  lines.push(`  ${name.padEnd(18)} ${String(c.labels).padStart(6)} ${String(c.found).padStart(6)} ${pct(c.found, c.labels).padStart(7)}`);
  total += c.labels;
  found += c.found;
}
lines.push(`  ${'overall'.padEnd(18)} ${String(total).padStart(6)} ${String(found).padStart(6)} ${pct(found, total).padStart(7)}`);
lines.push('', 'labels found, by rule');
for (const [r, n] of [...hitRules].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(`  ${r}: ${n}`);

// ---- false positives
const nearMissAt = new Map(nearMisses.map((n) => [key(n.path, n.line), n]));
const fps = [];
const unlabelled = [];
for (const [k, rules] of atLine) {
  const [path, line] = k.split('\0');
  // A blob's findings are matched to its labels by path (above), whatever line they give.
  if (labelled.has(k) || binaryPaths.has(path)) continue;
  const nm = nearMissAt.get(k);
  const row = { path, line: Number(line), rules: [...new Set(rules)], nm };
  if (path.startsWith('negative/') || nm) fps.push(row);
  else unlabelled.push(row);
}
for (const [path, rules] of fileFindings) {
  if (path.startsWith('negative/')) fps.push({ path, line: 0, rules: [...new Set(rules)], nm: null, file: true });
}
const negFiles = new Set(nearMisses.map((n) => n.path).filter((p) => p.startsWith('negative/')));
const byNmClass = new Map();
for (const fp of fps) {
  const c = fp.nm?.class ?? '(unlisted line)';
  byNmClass.set(c, (byNmClass.get(c) ?? 0) + 1);
}
lines.push('', `false positives: ${fps.length} on ${nearMisses.length} near-miss lines (${negFiles.size} negative files, plus near misses inside positive files)`);
for (const [c, n] of [...byNmClass].sort()) lines.push(`  ${c}: ${n}`);
const sortRows = (a, b) => a.path.localeCompare(b.path) || a.line - b.line;
for (const fp of fps.sort(sortRows)) {
  lines.push(`  ${fp.path}:${fp.line} ${fp.rules.join(',')}${fp.nm ? ` (${fp.nm.class}: ${fp.nm.what})` : fp.file ? ' (file finding)' : ''}`);
}
lines.push('', `unlabelled findings in positive files: ${unlabelled.length}`);
for (const u of unlabelled.sort(sortRows)) lines.push(`  ${u.path}:${u.line} ${u.rules.join(',')}`);

lines.push('', `missed labels: ${missed.length}`);
for (const m of missed.sort(sortRows)) lines.push(`  ${m.path}:${m.line} [${m.class}] ${m.what}${fileFindings.has(m.path) ? `  (file flagged only: ${[...new Set(fileFindings.get(m.path))].join(',')})` : ''}`);
lines.push('', `missed labels whose file is flagged by a sensitive-file rule only: ${viaFileOnly.length}`);

if (args.includes('--json')) {
  lines.push(JSON.stringify({ recall: found / total, found, total, byClass: Object.fromEntries(classes), falsePositives: fps.length, unlabelled: unlabelled.length }));
}
process.stdout.write(`${lines.join('\n')}\n`);
