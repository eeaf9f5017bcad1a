#!/usr/bin/env node
// Does BPE "rarity" tell secrets from words? Tokens per character under a BPE tokenizer, against
// the Shannon entropy gate the generic rules use today, on real code (false positives) and on
// real-secret shapes (rule examples, generated random strings, weak-but-real passwords).
//
//   node bench/bpe-rarity.mjs                    # node_modules + Debian's Python trees
//   node bench/bpe-rarity.mjs /some/dir [/other] # any trees of real code
//   BPE_NODE_MODULES=/tmp/bpe/node_modules node bench/bpe-rarity.mjs   # tokenizer installed elsewhere
//
// Needs `gpt-tokenizer` (MIT, pure JS, no network) importable: it is NOT a dependency of nhiscan.
// Install it outside the repo (`cd /tmp/bpe && npm install gpt-tokenizer`) and point
// BPE_NODE_MODULES at that node_modules. Needs a built dist/ (it reuses the rules and the
// structured stage's readers, so it measures exactly what the scanner looks at).
//
// Candidates are values the generic and contextual rules look at on real library code, which
// holds no real secrets: every one is a false positive if reported. Three pools:
//   raw       every match of a generic-* pattern's `secret` group, and every value under a key the
//             structured stage's judgeKey calls a credential (before any value test);
//   gated     raw generic matches that pass today's minEntropy (the validator must reject them);
//   survivors what today's pipeline reports: CLI findings with ruleId generic-*/config-*, plus
//             config pairs judgeValue accepts when the file is judged by its natural tier (the path
//             inside its package, as if the package were someone's project).
// Prints counts, quantiles and threshold sweeps, never a candidate value.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, readdirSync, readFileSync, lstatSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const MAX_FILE = 1024 * 1024;

// ---- the tokenizer, loaded and timed ------------------------------------------------------
const bpeBase = process.env.BPE_NODE_MODULES;
const encSpec = (name) => (bpeBase ? pathToFileURL(join(bpeBase, 'gpt-tokenizer', 'esm', 'encoding', `${name}.js`)).href : `gpt-tokenizer/encoding/${name}`);
async function loadEncoding(name) {
  const t0 = performance.now();
  let mod;
  try {
    mod = await import(encSpec(name));
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    console.error(`bpe-rarity: gpt-tokenizer is not installed here; install it outside the repo and set BPE_NODE_MODULES (see the header)`);
    process.exit(2);
  }
  const ms = performance.now() - t0;
  return { name, encode: mod.encode, loadMs: ms };
}
const encodings = [await loadEncoding('cl100k_base'), await loadEncoding('o200k_base')];

const { builtinRules } = await import(dist('detect/rules/index.js'));
const { shannonEntropy } = await import(dist('detect/entropy.js'));
const { isPlaceholder } = await import(dist('detect/placeholder.js'));
const S = {};
for (const m of ['context', 'judge', 'json', 'lines', 'tree', 'xml', 'yaml']) Object.assign(S, await import(dist(`detect/structured/${m}.js`)));

// ---- targets --------------------------------------------------------------------------------
// The precision bench's corpus (bench/precision.mjs), which the generic rules were tuned on, plus
// the Google Cloud SDK's Python tree as held-out code they were not tuned on.
let targets = process.argv.slice(2);
if (targets.length === 0) {
  const sh = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return r.status === 0 ? r.stdout.trim() : ''; // tool missing or failing: that tree is not measured
  };
  targets = [
    join(root, 'node_modules'),
    sh('npm', ['root', '-g']),
    '/usr/lib/python3/dist-packages',
    '/usr/lib/python3.11',
    sh('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])']),
    '/usr/lib/google-cloud-sdk/lib',
  ];
}
targets = targets.filter((t, i) => t && existsSync(t) && targets.indexOf(t) === i);

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'EACCES' || err.code === 'ENOENT') return; // unreadable or vanished: not code we can measure
    throw err;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.git' && e.name !== '__pycache__') yield* walk(p);
    } else if (e.isFile()) yield p;
  }
}

function readText(p) {
  const st = lstatSync(p);
  if (st.size === 0 || st.size > MAX_FILE) return null;
  const buf = readFileSync(p);
  if (buf.subarray(0, 8000).includes(0)) return null; // binary: generic rules stay off there
  return buf.toString('utf8');
}

// ---- pool 1: raw candidates from real code ---------------------------------------------------
const generic = builtinRules.filter((r) => r.id.startsWith('generic-') && !r.structured);
const gre = generic.map((r) => ({ rule: r, re: new RegExp(r.pattern.source, r.pattern.flags.replace('g', '') + 'g') }));

function pairsFor(text, ctx) {
  // The stage's own readers, chosen as src/detect/structured/index.ts does (without its size gates).
  switch (ctx.format) {
    case 'env': return S.readEnv(text);
    case 'properties': return S.readProperties(text);
    case 'ini': return S.readIni(text, false);
    case 'toml': return S.readIni(text, true);
    case 'space': return S.readSpace(text);
    case 'yaml': { const t = text.length <= 256 * 1024 ? S.parseYaml(text) : null; return t ? S.pairsOf(t) : S.readLoose(text); }
    case 'json': { const t = S.parseJson(text); return t ? S.pairsOf(t) : S.readJsonLoose(text); }
    case 'xml': return S.parseXml(text) ?? S.readXmlLoose(text);
  }
  return [];
}

// Unique values per pool: a value repeated across copies of one library counts once.
const raw = { generic: new Map(), config: new Map() }; // value -> { gated, literal, survivor }
let bytes = 0;
let files = 0;
const note = (value, info) => {
  const pool = raw[info.pool];
  const prev = pool.get(value);
  if (!prev) pool.set(value, info);
  else {
    prev.gated ||= info.gated;
    prev.literal ||= info.literal;
    if (info.literalBy) prev.literalBy = [...new Set([...(prev.literalBy ?? []), ...info.literalBy])];
    prev.survivor ||= info.survivor;
  }
};
// BPE_CACHE=/tmp/x.json keeps the corpus pools between runs (mode 0600: they hold the values).
const cliSurvivors = [];
const cache = process.env.BPE_CACHE;
if (cache && existsSync(cache)) {
  const c = JSON.parse(readFileSync(cache, 'utf8'));
  for (const pool of ['generic', 'config']) raw[pool] = new Map(c.raw[pool]);
  cliSurvivors.push(...c.cliSurvivors);
  ({ bytes, files } = c);
  targets = c.targets;
} else {
  for (const t of targets) {
    for (const p of walk(t)) {
      const text = readText(p);
      if (text === null) continue;
      files++;
      bytes += text.length;
      const lower = text.toLowerCase();
      for (const { rule, re } of gre) {
        if (!rule.keywords.some((k) => lower.includes(k))) continue;
        re.lastIndex = 0;
        for (let m; (m = re.exec(text)); ) {
          const secret = m.groups?.secret;
          if (!secret) continue;
          const gated = rule.minEntropy === undefined || shannonEntropy(secret) >= rule.minEntropy;
          // The validator and placeholder checks on their own, as if the entropy gate were replaced.
          const literal = !isPlaceholder(secret) && (rule.validate ? rule.validate(secret, { text, index: m.index, groups: m.groups }).valid : true);
          note(secret, { pool: 'generic', gated, literal, survivor: gated && literal, literalBy: literal ? [rule.id] : [] });
        }
      }
      const rel = relative(t, p);
      const ctx = S.classify(rel, text.slice(0, 512));
      if (!ctx) continue;
      for (const pair of pairsFor(text, ctx)) {
        const key = pair.keys[pair.keys.length - 1] ?? '';
        const verdict = S.judgeKey(key);
        if (!verdict || pair.value.length < 3) continue;
        const survivor = S.judgeValue(pair.value, key, verdict, ctx.tier);
        // Passes every syntactic test (not a number, constant, reference, path, URL, e-mail, name):
        // the most lenient judgement, a strong password key in a credential file.
        const literal = S.judgeValue(pair.value, 'password', { cls: 'password', strong: true }, 'credential');
        note(pair.value, { pool: 'config', gated: false, literal, survivor });
      }
    }
  }

  // CLI survivors, the pipeline as shipped (0600 report in a private temp dir, deleted after).
  // Exit 1 is findings of other rules (test keys in CPython), not a failure of the scan.
  {
    const dir = mkdtempSync(join(tmpdir(), 'bpe-rarity-'));
    try {
      for (const t of targets) {
        const out = join(dir, 'r.json');
        const run = spawnSync(process.execPath, [join(root, 'bin', 'nhiscan.js'), 'scan', '--no-git', '--no-ignore', t, '-f', 'json', '--show-secrets', '-o', out, '--fail-on', 'critical'], { encoding: 'utf8' });
        if (run.status !== 0 && run.status !== 1) throw new Error(`nhiscan scan ${t} exited ${run.status}: ${run.stderr.split('\n')[0]}`);
        for (const f of JSON.parse(readFileSync(out, 'utf8')).findings) if (/^(?:generic|config)-/.test(f.ruleId)) cliSurvivors.push({ secret: f.secret, ruleId: f.ruleId });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (cache) {
    const c = { raw: { generic: [...raw.generic], config: [...raw.config] }, cliSurvivors, bytes, files, targets };
    writeFileSync(cache, JSON.stringify(c), { mode: 0o600 });
  }
}
// A config-* finding has no generic rule: it counts as kept by any gate on its own rule's terms (literalBy empty).
for (const { secret, ruleId } of cliSurvivors) {
  note(secret, { pool: ruleId.startsWith('config-') ? 'config' : 'generic', gated: true, literal: true, survivor: true, literalBy: ruleId.startsWith('generic-') ? [ruleId] : [] });
}

const keysWhere = (pool, pred) => [...raw[pool]].filter(([, i]) => pred(i)).map(([v]) => v);
const fpGeneric = keysWhere('generic', () => true);
const fpGenLit = keysWhere('generic', (i) => i.literal);
const fpGated = keysWhere('generic', (i) => i.gated);
const fpConfig = keysWhere('config', () => true);
const fpConfLit = keysWhere('config', (i) => i.literal);
const fpSurv = [...keysWhere('generic', (i) => i.survivor), ...keysWhere('config', (i) => i.survivor)];
const fpAll = [...fpGeneric, ...fpConfig];

// ---- pool 2: real secrets -------------------------------------------------------------------
const examples = [];
const exGeneric = [];
const exGenericRule = []; // examples of the generic-* content rules only, for the end-to-end table
for (const r of builtinRules) {
  for (const ex of r.examples?.positive ?? []) {
    if (!ex.secret) continue;
    examples.push(ex.secret);
    if (r.id.startsWith('generic-') || r.structured || r.provider === 'generic') exGeneric.push(ex.secret);
    if (r.id.startsWith('generic-') && !r.structured) exGenericRule.push(ex.secret);
  }
}
// Seeded, so every run measures the same strings.
let seed = 0x9e3779b9;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const ALPHA = {
  base62: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
};
const LENGTHS = [16, 20, 24, 32, 40, 48, 64];
const generated = [];
const generatedBy = {}; // `${kind} ${len}` -> strings
for (const [kind, a] of Object.entries(ALPHA)) {
  for (const len of LENGTHS) {
    const group = (generatedBy[`${kind} ${len}`] = []);
    for (let i = 0; i < 100; i++) {
      let s = '';
      for (let j = 0; j < len; j++) s += a[Math.floor(rand() * a.length)];
      group.push(s);
      generated.push(s);
    }
  }
}
// Weak but real: the shapes leaked .env files and shell profiles hold (a word, a year, a symbol).
const weak = [
  'Summer2024!', 'hunter2hunter2', 'Winter2023#', 'Welcome123!', 'P@ssw0rd2022', 'Qwerty123!', 'letmein2020', 'Dragon#1987',
  'monkey123', 'iloveyou22', 'Football99!', 'Admin@123', 'Spring2022$', 'Changeme1!', 'Company2024', 'mysql_root_pw1',
  'pg4dm1n!', 'Tr0ub4dor&3', 'correcthorsebatterystaple', 'Charlie2019', 'Autumn#2025', 'B4n4n4s!', 'Sunshine77',
  'Jessica1990', 'Liverpool#10', 'R3dSox2004', 'devpass2023', 'Mustang66!', 'Starwars!77', 'Kittens4ever', 'ac1dburn',
  'Rosebud#42',
];

// ---- features ---------------------------------------------------------------------------------
const [cl, o2] = encodings;
const feats = (s) => ({
  len: s.length,
  h: shannonEntropy(s),
  tpc: cl.encode(s).length / s.length,
  tpcLower: cl.encode(s.toLowerCase()).length / s.length,
  tpcO200k: o2.encode(s).length / s.length,
});
const sets = {
  'code: generic-* matches (raw)': fpGeneric,
  '  passing validator+placeholder': fpGenLit,
  '  passing minEntropy': fpGated,
  'code: config credential-key pairs': fpConfig,
  '  syntactically literal values': fpConfLit,
  'code: survivors (reported today)': fpSurv,
  'rule examples (all rules)': examples,
  '  of which generic/config rules': exGeneric,
  'generated random (b62/hex/b64)': generated,
  'weak passwords': weak,
};
const F = Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.map(feats)]));

const q = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const fmt = (x, d = 2) => (Number.isNaN(x) ? '-' : x.toFixed(d));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const QS = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95];

console.log(`nhiscan bpe-rarity: ${files} text files, ${(bytes / 1048576).toFixed(1)} MiB of real code in ${targets.join(', ')}`);
console.log(`tokenizer gpt-tokenizer ${cl.name} (load ${cl.loadMs.toFixed(0)} ms), ${o2.name} (load ${o2.loadMs.toFixed(0)} ms)`);
console.log(`CLI survivors (generic-*/config-* findings as shipped): ${cliSurvivors.length}\n`);
for (const feat of ['tpc', 'tpcLower', 'tpcO200k', 'h', 'len']) {
  const label = { tpc: 'tokens/char (cl100k)', tpcLower: 'tokens/char lower-cased (cl100k)', tpcO200k: 'tokens/char (o200k)', h: 'Shannon entropy, bits/char', len: 'length' }[feat];
  console.log(`${label}: quantiles`);
  console.log(pad('set', 36) + lpad('n', 7) + QS.map((p) => lpad(`p${Math.round(p * 100)}`, 7)).join(''));
  for (const [k, v] of Object.entries(F)) {
    const xs = v.map((f) => f[feat]);
    console.log(pad(k, 36) + lpad(xs.length, 7) + QS.map((p) => lpad(fmt(q(xs, p), feat === 'len' ? 0 : 2), 7)).join(''));
  }
  console.log('');
}

// ---- threshold sweeps: keep a string when feature >= t ---------------------------------------
const share = (xs, pred) => (xs.length ? xs.filter(pred).length / xs.length : NaN);
const pct = (x) => (Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);
function sweep(feat, from, to, step) {
  const rows = [];
  for (let t = from; t <= to + 1e-9; t += step) {
    const keep = (f) => f[feat] >= t - 1e-12;
    rows.push({
      t,
      ex: share(F['rule examples (all rules)'], keep),
      exG: share(F['  of which generic/config rules'], keep),
      gen: share(F['generated random (b62/hex/b64)'], keep),
      weak: share(F['weak passwords'], keep),
      rmGen: 1 - share(F['code: generic-* matches (raw)'], keep),
      rmGenLit: 1 - share(F['  passing validator+placeholder'], keep),
      rmConfLit: 1 - share(F['  syntactically literal values'], keep),
      rmSurv: 1 - share(F['code: survivors (reported today)'], keep),
    });
  }
  return rows;
}
const header = pad('t', 7) + ['examples', 'ex.generic', 'random', 'weak pw', 'rm gen', 'rm gen.val', 'rm conf.lit', 'rm surv'].map((h) => lpad(h, 12)).join('');
const row = (r) => pad(fmt(r.t), 7) + [r.ex, r.exG, r.gen, r.weak, r.rmGen, r.rmGenLit, r.rmConfLit, r.rmSurv].map((x) => lpad(pct(x), 12)).join('');
function report(feat, label, from, to, step) {
  const rows = sweep(feat, from, to, step);
  console.log(`${label}: keep when >= t (recall on secrets; share of real-code candidates removed)`);
  console.log(header);
  for (const r of rows) console.log(row(r));
  const ok = (r) => r.ex === 1 && r.weak >= 0.95;
  // Best: most of the false positives that only the gate stands against (validator-passing generic
  // matches and literal config values), removed while every real-secret example is kept.
  const gain = (r) => (r.rmGenLit || 0) + (r.rmConfLit || 0) + (r.rmSurv || 0);
  const best = rows.filter(ok).reduce((a, b) => (gain(b) > gain(a) ? b : a), rows[0]);
  const bestEx = rows.filter((r) => r.ex === 1).reduce((a, b) => (gain(b) > gain(a) ? b : a), rows[0]);
  console.log(`best t with all examples kept and weak >= 95%: ${row(best)}`);
  console.log(`best t with all examples kept (weak ignored):  ${row(bestEx)}\n`);
}
report('tpc', 'tokens/char (cl100k)', 0.1, 0.6, 0.02);
report('tpcLower', 'tokens/char lower-cased (cl100k)', 0.1, 0.6, 0.02);
report('h', 'Shannon entropy (today: generic-password 3.0, generic-secret 3.5)', 2.0, 4.5, 0.25);
{
  // Today's gate is per rule: on the validator-passing generic matches it removes this share.
  const byRule = new Map(generic.map((r) => [r.id, r.minEntropy ?? 0]));
  const lit = [...raw.generic].filter(([, i]) => i.literal);
  console.log(`today's per-rule minEntropy (${[...byRule].map(([id, h]) => `${id} ${h}`).join(', ')}) removes ${pct(lit.filter(([, i]) => !i.gated).length / (lit.length || NaN))} of the ${lit.length} validator-passing generic matches\n`);
}

// ---- end to end: the generic chain with its gate swapped -------------------------------------
// Secrets go through the real rule: `DB_PASSWORD="…"` for generic-password (weak passwords) and
// `API_KEY="…"` for generic-secret (random strings), rule examples under either; then the
// validator and placeholder checks, then the gate. False positives: the validator-passing matches
// on real code, each under the rule that matched it.
{
  const byId = new Map(generic.map((r) => [r.id, r]));
  const tpcOf = new Map();
  const tpc = (v) => tpcOf.get(v) ?? (tpcOf.set(v, cl.encode(v).length / v.length), tpcOf.get(v));
  const gates = {
    'minEntropy (today)': (r, v) => r.minEntropy === undefined || shannonEntropy(v) >= r.minEntropy,
    'no gate': () => true,
    'tokens/char >= 0.24': (_r, v) => tpc(v) >= 0.24,
    'tokens/char >= 0.30': (_r, v) => tpc(v) >= 0.3,
    'minEntropy and tpc >= 0.24': (r, v) => (r.minEntropy === undefined || shannonEntropy(v) >= r.minEntropy) && tpc(v) >= 0.24,
    'minEntropy or tpc >= 0.30': (r, v) => r.minEntropy === undefined || shannonEntropy(v) >= r.minEntropy || tpc(v) >= 0.3,
  };
  const through = (id, name, value, gate) => {
    const r = byId.get(id);
    if (!r) return false;
    const text = `${name}="${value}"\n`;
    const re = new RegExp(r.pattern.source, r.pattern.flags.replace('g', ''));
    const m = re.exec(text);
    if (!m || m.groups?.secret !== value || isPlaceholder(value)) return false;
    if (r.validate && !r.validate(value, { text, index: m.index, groups: m.groups }).valid) return false;
    return gate(r, value);
  };
  const pw = (v, g) => through('generic-password', 'DB_PASSWORD', v, g);
  const key = (v, g) => through('generic-secret', 'API_KEY', v, g);
  const lit = [...raw.generic].filter(([, i]) => i.literal);
  console.log(`generic rules end to end, gate swapped (${lit.length} validator-passing matches on ${(bytes / 1048576).toFixed(0)} MiB of code)`);
  console.log(pad('gate', 30) + ['FP kept', 'FP/MiB', 'random', 'weak pw', 'examples'].map((h) => lpad(h, 10)).join(''));
  for (const [label, g] of Object.entries(gates)) {
    const fp = lit.filter(([v, i]) => (i.literalBy ?? []).some((id) => byId.has(id) && g(byId.get(id), v))).length;
    const rnd = share(generated, (v) => key(v, g));
    const wk = share(weak, (v) => pw(v, g));
    const ex = share(exGenericRule, (v) => pw(v, g) || key(v, g));
    console.log(pad(label, 30) + [String(fp), (fp / (bytes / 1048576)).toFixed(3), pct(rnd), pct(wk), pct(ex)].map((x) => lpad(x, 10)).join(''));
  }
  console.log(`(random, weak pw, examples: share reported by the rule; examples: the ${exGenericRule.length} of the generic-* rules)\n`);
}
{
  // Which real secrets each gate loses, by alphabet and length (the gate alone, no validator).
  console.log('generated random kept by the gate alone, by alphabet and length');
  console.log(pad('set', 14) + ['h>=3.0', 'h>=3.5', 'tpc>=0.24', 'tpc>=0.30'].map((h) => lpad(h, 11)).join(''));
  for (const [k, xs] of Object.entries(generatedBy)) {
    const fs = xs.map(feats);
    console.log(pad(k, 14) + [share(fs, (f) => f.h >= 3.0), share(fs, (f) => f.h >= 3.5), share(fs, (f) => f.tpc >= 0.24), share(fs, (f) => f.tpc >= 0.3)].map((x) => lpad(pct(x), 11)).join(''));
  }
  // BPE ranks were learnt on mostly Latin text: other scripts split into many tokens and look "rare".
  const nonAscii = fpAll.filter((v) => /[^\x00-\x7f]/.test(v));
  const rare = nonAscii.filter((v) => cl.encode(v).length / v.length >= 0.5).length;
  console.log(`non-ASCII candidates on real code: ${nonAscii.length}, of which ${rare} score tokens/char >= 0.5 (as random as a key)\n`);
}

// ---- cost -------------------------------------------------------------------------------------
const all = [...fpAll, ...examples, ...generated, ...weak];
for (const e of encodings) {
  for (const s of all.slice(0, 2000)) e.encode(s); // warm up
  const t0 = performance.now();
  let n = 0;
  for (let rep = 0; rep < 3; rep++) for (const s of all) (e.encode(s), n++);
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`cost ${e.name}: ${us.toFixed(1)} µs per string (mean length ${(all.reduce((a, s) => a + s.length, 0) / all.length).toFixed(0)}), module load ${e.loadMs.toFixed(0)} ms in this process`);
}
{
  const t0 = performance.now();
  let n = 0;
  for (let rep = 0; rep < 3; rep++) for (const s of all) (shannonEntropy(s), n++);
  console.log(`cost shannonEntropy: ${(((performance.now() - t0) * 1000) / n).toFixed(2)} µs per string`);
}
// Load time in a fresh process (the start-up cost a lazy import would add to the first candidate).
for (const name of ['cl100k_base', 'o200k_base']) {
  const code = `const t=performance.now();await import(${JSON.stringify(encSpec(name))});console.log((performance.now()-t).toFixed(0))`;
  const ms = [];
  for (let i = 0; i < 3; i++) ms.push(Number(spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).stdout.trim()));
  const file = fileURLToPath(encSpec(name).startsWith('file:') ? encSpec(name) : import.meta.resolve(encSpec(name)));
  const rank = join(dirname(dirname(file)), 'bpeRanks', `${name}.js`);
  const size = (existsSync(rank) ? statSync(rank).size : 0) + statSync(file).size;
  console.log(`fresh-process import ${name}: ${ms.join(' / ')} ms; encoding + ranks files ${(size / 1048576).toFixed(1)} MiB`);
}
