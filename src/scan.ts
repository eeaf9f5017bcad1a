import { fstatSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { CONFIG_FILE, pathAllowed, type Config } from './config.js';
import { countDrop, dropAllowedSecrets, locationFilter, type DropCounts } from './detect/suppress.js';
import { buildFindings, gateChangeFinding, type Provenance } from './detect/findings.js';
import { scanItems, type BlobHits, type Progress } from './detect/engine.js';
import { scanInPool } from './detect/pool.js';
import { Matcher } from './detect/matcher.js';
import { FileMatcher } from './detect/file-matcher.js';
import type { FileRule } from './detect/file-rule.js';
import { fileRules } from './detect/rules/files.js';
import type { Rule } from './detect/rule.js';
import { builtinRules } from './detect/rules/index.js';
import { GitError, UsageError } from './errors.js';
import { compareFindings, summarize, type CoverageGap, type Finding, type Report, type ScanStats, type Severity } from './model.js';
import { applyBaseline, BASELINE_FILE, type Baseline } from './baseline.js';
import { DirectorySource, FileSource } from './sources/directory.js';
import { HistorySource } from './sources/git/history.js';
import { blobsInHead, earlyIntroductions, introductionsOf } from './sources/git/provenance.js';
import { RangeSource } from './sources/git/range.js';
import { detectRepo, gitFailure, requireRepo, shallowCommits, stashCommits, UNSHALLOW_HINT, unreachableCommits } from './sources/git/repo.js';
import { StagedSource } from './sources/git/staged.js';
import { gitRun } from './sources/git/exec.js';
import { SourceError } from './sources/errors.js';
import { StdinSource } from './sources/stdin.js';
import type { Source } from './sources/types.js';
import { VERSION } from './version.js';
import { emptyInventory } from './cloud/aws/types.js';
import { correlate } from './score/correlate.js';
import { isSecretFinding, type SecretFinding } from './model.js';

export interface ScanOptions {
  target: string;
  noGit: boolean;
  noIgnore: boolean;
  staged: boolean;
  allObjects: boolean;
  since?: string;
  range?: string;
  maxFileSize: number;
  showSecrets: boolean;
  config: Config;
  stdin?: NodeJS.ReadableStream;
  onProgress?: (p: Progress) => void;
  onPhase?: (phase: string) => void;
  /** Layers of base64/percent encoding to look through; default 1, 0 turns decoding off. */
  decodeDepth?: number;
  /** Findings it covers are dropped; stale and expired entries are reported. */
  baseline?: Baseline | null;
  /**
   * Threads for a full-history scan (each with its own matcher and cat-file). With 1, a small
   * history is scanned on the main thread and a larger one by one worker (see threadPlan). The CLI
   * defaults to the core count. Other sources are small and stay on one thread.
   */
  workers?: number | { auto: number };
  /**
   * Bytes of a history walk held to read it in store order (default STORE_ORDER_BOUND); a larger
   * walk streams in walk order. Not a CLI option: tests set 0 to take the streaming path.
   */
  storeOrderBound?: number;
  /**
   * Packed KiB from which a one-worker history scan runs in the pool rather than on the main thread
   * (default AUTO_MIN_PACKED_KIB). Not a CLI option: tests set 0 to take the pool with one worker.
   */
  poolMinKib?: number;
  /** Phase durations, for --debug. */
  onTimings?: (t: Record<string, number>) => void;
  /**
   * Range scans: root files whose change by the range is a finding of its own (the gate's own config
   * and baseline, read from the base commit). Default: .nhiscan.toml and .nhiscan-baseline.json.
   */
  gateFiles?: string[];
  /**
   * Turn AWS key ids from known canary-token accounts into canary findings (as `audit` does), offline:
   * the account is decoded from the key id, nothing is contacted. `scan` sets it; `audit` joins
   * them itself, with the account.
   */
  canaries?: boolean;
}

/** `[rules] disable` and `severity` apply alike to content and file rules. */
function configured<R extends { id: string; severity: Severity }>(config: Config, rules: R[]): R[] {
  return rules
    .filter((r) => !config.disabledRules.has(r.id))
    .map((r) => {
      const severity = config.severity.get(r.id);
      return severity ? { ...r, severity } : r;
    });
}

export function activeFileRules(config: Config): FileRule[] {
  return configured(config, fileRules);
}

/** The user's own rules come first so they win over generic built-ins on the same span. */
export function activeRules(config: Config, rules: Rule[] = builtinRules): Rule[] {
  return configured(config, [...config.customRules, ...rules]);
}

/**
 * `auto` uses the cores only for histories big enough to repay a worker's start-up (its own
 * matcher, cat-file and module load): on express (18 MiB packed) two workers were 10% slower
 * than one; on curl (130 MiB packed) 1.5x faster.
 */
const AUTO_MIN_PACKED_KIB = 64 * 1024;

/**
 * Threads for a full-history scan, and whether the history is small (under AUTO_MIN_PACKED_KIB):
 * only a small one's provenance walk runs beside the scan, since it keeps all of git log's output
 * (25 MB on curl) until the scan is done.
 *
 * `pooled`: a history of known size that is not small is scanned in the pool even with one worker.
 * A worker's young generation is capped (WORKER_YOUNG_MB) and the main thread is left to the walk:
 * on curl with --workers 1, node's peak went 225 -> 167 MiB and the wall time 0.94x (5 pairs, same
 * report). A small one stays on the main thread, where a worker's start-up is not repaid: express
 * (18 MiB packed) in the pool with one worker took 1.08x the wall time (9 pairs, same report).
 */
export function threadPlan(
  kib: number | null,
  asked: ScanOptions['workers'],
  poolMinKib = AUTO_MIN_PACKED_KIB,
): { workers: number; small: boolean; pooled: boolean } {
  // Size unknown (the command failed): one thread is always correct, just slower.
  const small = kib !== null && kib < AUTO_MIN_PACKED_KIB;
  const workers = typeof asked === 'number' ? asked : !asked || asked.auto < 2 || kib === null || small ? 1 : asked.auto;
  return { workers, small, pooled: workers > 1 || (kib !== null && kib >= poolMinKib) };
}

async function workerCount(source: HistorySource, o: ScanOptions): Promise<ReturnType<typeof threadPlan>> {
  return threadPlan((await source.counts())?.kib ?? null, o.workers, o.poolMinKib);
}

/** Object lines per batch dealt to a scan worker. */
const POOL_BATCH = 512;

/** The matcher a scan uses; scan workers build theirs with this too, so both see the same rules. */
export function newMatcher(config: Config, rules: Rule[], decodeDepth: number): Matcher {
  return new Matcher(rules, {
    decodeDepth,
    allowLine: config.allow.lines.length ? (line) => config.allow.lines.some((re) => re.test(line)) : undefined,
  });
}

export type Plan =
  | { kind: 'stdin' }
  | { kind: 'file'; path: string }
  | { kind: 'directory'; root: string }
  | { kind: 'history'; repo: string }
  /** `base`: the commit the range starts from, whose config and baseline gate it. */
  | { kind: 'range'; repo: string; revArgs: string[]; base: string }
  | { kind: 'staged'; repo: string };

/** `A..B` or `A...B`; either side may be empty (HEAD), as in git. */
const RANGE = /^(.*?)(\.\.\.?)(.*)$/;

/** An empty `--since ''` or `--range ''` must not quietly widen into a full scan. */
function nonEmpty(flag: string, value: string | undefined): void {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} needs a revision, got an empty value`);
}

/** stdin that is a directory reads as zero bytes: that is a wiring mistake, not a clean input. */
function assertStdinReadable(): void {
  let st;
  try {
    st = fstatSync(0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EBADF') throw new UsageError('stdin (-) is closed; pipe the content to scan into nhiscan');
    throw err;
  }
  if (st.isDirectory()) throw new UsageError('stdin (-) is a directory; pass the directory as the target instead of redirecting it');
}

async function statTarget(target: string, shown: string) {
  try {
    return await stat(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`target not found: ${shown}`);
    if (code === 'ELOOP') throw new UsageError(`target is a symlink loop: ${shown}`);
    // It exists (or may), but we may not look: the run read nothing, which is "incomplete" (3), not a typo (2).
    if (code === 'EACCES' || code === 'EPERM') throw new SourceError(`permission denied: ${shown}`);
    if (code) throw new SourceError(`cannot read target ${shown}: ${code}`);
    throw err;
  }
}

/** Decide what the target is; the only place that turns flags into a source kind. */
export async function planScan(opts: Pick<ScanOptions, 'target' | 'noGit' | 'staged' | 'allObjects' | 'since' | 'range'>): Promise<Plan> {
  nonEmpty('--since', opts.since);
  nonEmpty('--range', opts.range);
  if (opts.range !== undefined) {
    const m = RANGE.exec(opts.range);
    if (!m || (!m[1] && !m[3])) throw new UsageError('--range needs the form A..B (or A...B)');
  }
  const modes = [opts.staged, opts.since !== undefined, opts.range !== undefined, opts.allObjects].filter(Boolean).length;
  if (modes > 1) throw new UsageError('--staged, --since, --range and --all-objects are mutually exclusive');
  if (opts.target === '-') {
    if (modes) throw new UsageError('stdin (-) cannot be combined with git options');
    assertStdinReadable();
    return { kind: 'stdin' };
  }
  const target = resolve(opts.target);
  const st = await statTarget(target, opts.target);
  if (st.isFile()) {
    if (modes) throw new UsageError('git options need a repository, not a file');
    return { kind: 'file', path: target };
  }
  if (!st.isDirectory()) throw new UsageError(`target is not a file or directory: ${opts.target}`);
  if (opts.noGit) {
    if (modes) throw new UsageError('--no-git cannot be combined with git options');
    return { kind: 'directory', root: target };
  }
  if (opts.staged) return { kind: 'staged', repo: await requireRepo(target) };
  const repo = await detectRepo(target);
  if (opts.since !== undefined || opts.range !== undefined) {
    if (!repo) throw new GitError(`not a git repository: ${opts.target}`);
    const range = opts.range ?? `${opts.since}..HEAD`;
    return { kind: 'range', repo: repo.root, revArgs: [range], base: await rangeBase(repo.root, range) };
  }
  if (opts.allObjects && !repo) throw new GitError(`not a git repository: ${opts.target}`);
  return repo ? { kind: 'history', repo: repo.root } : { kind: 'directory', root: target };
}

export function configRoot(plan: Plan): string | null {
  switch (plan.kind) {
    case 'stdin':
    case 'file':
      return process.cwd();
    case 'directory':
      return plan.root;
    default:
      return plan.repo;
  }
}

export async function runScan(plan: Plan, opts: ScanOptions): Promise<Report> {
  const started = Date.now();
  const { config } = opts;
  const matcher = newMatcher(config, activeRules(config), opts.decodeDepth ?? 1);
  let source: Source;
  switch (plan.kind) {
    case 'stdin':
      source = new StdinSource((opts.stdin ?? process.stdin) as never, opts.maxFileSize);
      break;
    case 'file':
      source = new FileSource(plan.path, opts.maxFileSize);
      break;
    case 'directory':
      source = new DirectorySource(plan.root, { maxFileSize: opts.maxFileSize, useIgnore: !opts.noIgnore });
      break;
    case 'history':
      source = new HistorySource(plan.repo, { maxFileSize: opts.maxFileSize, allObjects: opts.allObjects, storeOrderBound: opts.storeOrderBound });
      break;
    case 'range':
      source = new RangeSource(plan.repo, plan.revArgs, opts.maxFileSize, new Set(opts.gateFiles ?? [CONFIG_FILE, BASELINE_FILE]));
      break;
    case 'staged':
      source = new StagedSource(plan.repo, opts.maxFileSize);
      break;
  }

  opts.onPhase?.('scanning');
  const timings: Record<string, number> = {};
  let mark = Date.now();
  const historyLike = plan.kind === 'history' || plan.kind === 'range';
  const root = configRoot(plan);
  const allowedPath = (p: string) => pathAllowedUnder(config, root, p);
  // In history the path a blob was read under is one of many; path allowlists apply after provenance.
  const skipPath = historyLike ? undefined : allowedPath;
  // A git failure part-way keeps what was scanned so far and becomes a gap; anything else is a bug.
  const failures: CoverageGap[] = [];
  const fileMatcher = new FileMatcher(activeFileRules(config));
  const { workers, small, pooled } =
    source instanceof HistorySource && !opts.allObjects ? await workerCount(source, opts) : { workers: 1, small: false, pooled: false };
  // The provenance walk's git log runs beside the others when a core is left for it, writing into
  // a file that is parsed after the scan: beside the one walk of a repository of up to about a
  // million objects, whatever the worker count (the scan waits for that walk, which needs one
  // core); or, after the two walks of a larger one, beside a one-worker scan of a small history.
  // Otherwise it runs after the scan.
  let early: ReturnType<typeof earlyIntroductions> | null = null;
  if (source instanceof HistorySource && !opts.allObjects) {
    const history = source;
    history.provenanceBeside = (when) => {
      // Once: a one walk that started it and then gave way to two walks keeps it.
      if (early === null && (when === 'walk' || (workers === 1 && small))) early = earlyIntroductions(history.repo, ['--all', ...history.stashes]);
    };
  }
  let hits: BlobHits[];
  let stats: ScanStats;
  timings.scanWorkers = 0;
  const poolGaps: CoverageGap[] = [];
  if (source instanceof HistorySource && !opts.allObjects && pooled) {
    const history = source;
    // For --debug: how many scan workers ran (none: the main thread scanned).
    timings.scanWorkers = workers;
    const inPool = await scanInPool(untilGitFails(source.objectBatches(POOL_BATCH), failures, plan.kind), {
      workers,
      repo: source.repo,
      maxFileSize: opts.maxFileSize,
      decodeDepth: opts.decodeDepth ?? 1,
      config,
      rules: matcher.rules,
      fileRules: fileMatcher.rules,
      onProgress: opts.onProgress,
      storeOrdered: () => history.storeOrdered,
    });
    ({ hits, stats } = inPool);
    poolGaps.push(...inPool.gaps);
    source.missing.push(...inPool.missing);
    source.noteMissing();
  } else {
    ({ hits, stats } = await scanItems(untilGitFails(source.items(), failures, plan.kind), matcher, fileMatcher, opts.onProgress, skipPath));
  }
  if (source instanceof HistorySource) source.toWalkOrder(hits);
  timings.scanMs = Date.now() - mark;
  mark = Date.now();
  // The one suppression stage (src/detect/suppress.ts) goes on from what the matcher dropped.
  const dropped: DropCounts = { ...stats.dropped };
  stats.dropped = dropped;
  dropAllowedSecrets(hits, config, dropped);

  const gaps: CoverageGap[] = [...source.gaps, ...failures, ...matcher.gaps(), ...poolGaps];
  const provenance: Provenance = {};
  if (plan.kind === 'history' || plan.kind === 'range') {
    const wanted = new Set(hits.filter((h) => h.matches.length || h.files.length).map((h) => h.key));
    opts.onPhase?.('attaching provenance');
    // Which blobs HEAD holds is asked of git while provenance is parsed; its gap, if any, goes after
    // provenance's, as when the two ran in turn.
    const inHeadGaps: CoverageGap[] = [];
    const inHeadAsked = orGap(() => blobsInHead(plan.repo, wanted), null, 'git ls-tree HEAD', inHeadGaps);
    // Awaited below; a provenance step that throws must not leave it an unhandled rejection.
    inHeadAsked.catch(() => undefined);
    if (source instanceof RangeSource) {
      provenance.introductions = source.introductions;
      stats.commits = source.commits;
    } else {
      // `early` is assigned in a callback, which TypeScript's flow analysis does not see.
      const started = early as ReturnType<typeof earlyIntroductions> | null;
      if (started) {
        provenance.introductions = await started.finish(wanted, gaps);
      } else {
        const revArgs = ['--all'];
        if (source instanceof HistorySource && !opts.allObjects) revArgs.push(...source.stashes);
        else revArgs.push(...(await orGap(() => stashCommits(plan.repo), [], 'git stash reflog', gaps)));
        if (opts.allObjects) revArgs.push(...(await orGap(() => unreachableCommits(plan.repo), [], 'git fsck (unreachable commits)', gaps)));
        provenance.introductions = await introductionsOf(plan.repo, revArgs, wanted, gaps);
      }
    }
    // Unknown (null on findings) rather than a guessed "not in HEAD" when HEAD cannot be read.
    const inHead = await inHeadAsked;
    gaps.push(...inHeadGaps);
    if (inHead) provenance.inHead = inHead;
  }
  timings.provenanceMs = Date.now() - mark;
  opts.onTimings?.(timings);

  let findings: Finding[] = buildFindings(hits, provenance, {
    showSecrets: opts.showSecrets,
    drop: locationFilter(allowedPath, config.allow.commits),
    dropped,
  });
  if (source instanceof RangeSource && plan.kind === 'range') findings.push(...gateFindings(source, plan, config));
  const target = plan.kind === 'stdin' ? '(stdin)' : plan.kind === 'file' ? plan.path : plan.kind === 'directory' ? plan.root : plan.repo;
  // Every finding names the target it came from: an audit of several repositories shows whose it is.
  findings = findings.map((f) => (isSecretFinding(f) ? { ...f, repository: target } : f));
  if (opts.canaries) findings = withCanaries(findings);
  findings.sort(compareFindings);
  let baselineOutcome;
  if (opts.baseline) {
    // Only a scan of everything can tell that a baselined secret is gone.
    const full = plan.kind === 'history' || plan.kind === 'directory';
    ({ findings, outcome: baselineOutcome } = applyBaseline(findings, opts.baseline, full));
    countDrop(dropped, 'baseline', baselineOutcome.suppressed);
  }

  return {
    tool: 'nhiscan',
    version: VERSION,
    command: 'scan',
    target,
    targets: [target],
    generatedAt: new Date().toISOString(),
    summary: summarize(findings, Date.now() - started, stats),
    findings,
    coverage: { complete: gaps.length === 0, gaps },
    ...(baselineOutcome ? { baseline: baselineOutcome } : {}),
  };
}

const NO_ACCOUNT = emptyInventory();

/**
 * A key id from a canary-token account is a tripwire, not a leak to rotate: it becomes the same
 * `aws-leaked-canary-token` finding `audit` reports, from the account decoded offline (correlate
 * against no account; nothing is contacted). Other key ids stay as they are.
 */
function withCanaries(findings: Finding[]): Finding[] {
  const secrets = findings.filter(isSecretFinding);
  const canaries = correlate(secrets, NO_ACCOUNT, new Map()).filter((l) => l.cloud.match === 'canary');
  if (!canaries.length) return findings;
  const joined = new Set<SecretFinding>(canaries.map((c) => c.leaked));
  return [...findings.filter((f) => !(isSecretFinding(f) && joined.has(f))), ...canaries];
}

/**
 * Path allowlists are gitignore patterns relative to the config's root; the `ignore` matcher throws
 * on anything else ("/srv/app.env", "../x"). A path outside the root is one no allowlist can name.
 */
function pathAllowedUnder(config: Config, root: string | null, p: string): boolean {
  let rel = p;
  if (isAbsolute(p)) {
    if (!root) return false;
    rel = relative(root, p);
  }
  if (rel === '' || isAbsolute(rel) || /^\.*\/|^\.+$/.test(rel) || rel.startsWith('../')) return false;
  return pathAllowed(config, rel);
}

/** Items until git fails; the failure is kept as a gap so the findings so far still reach the report. */
async function* untilGitFails<T>(items: AsyncIterable<T>, gaps: CoverageGap[], kind: string): AsyncGenerator<T> {
  try {
    yield* items;
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    gaps.push({ scope: `reading ${kind}`, reason: err.message });
  }
}

/** A git step whose failure costs only its own part of the report. */
async function orGap<T, F>(step: () => Promise<T>, fallback: F, scope: string, gaps: CoverageGap[]): Promise<T | F> {
  try {
    return await step();
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    gaps.push({ scope, reason: err.message });
    return fallback;
  }
}

/**
 * The range changed the gate's own config or baseline: the scan used the base commit's version, and
 * the change is a finding `--fail-on` sees, so a pull request cannot quietly loosen its own gate.
 */
function gateFindings(source: RangeSource, plan: Extract<Plan, { kind: 'range' }>, config: Config): Finding[] {
  const [rule] = configured(config, [{ id: 'nhiscan-config-changed', severity: 'medium' as Severity }]);
  if (!rule) return [];
  return source.gateChanges.map((c) => gateChangeFinding(c, plan.base, rule.severity));
}

/**
 * One revision of a range, as a commit id. "Unknown revision" (exit 2) only when git cannot resolve
 * the name at all; a name that resolves to an object this clone does not have is a missing object,
 * i.e. an incomplete repository (exit 3), which in CI usually means a shallow clone.
 */
async function verifyCommit(repo: string, rev: string): Promise<string> {
  const peeled = await gitRun(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  if (peeled.code === 0) return peeled.stdout.trim();
  const named = await gitRun(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', rev]);
  if (named.code === 1 && named.stderr.trim() === '') {
    // In a shallow clone an unresolvable name (HEAD~5, an unfetched branch) may well be in the
    // history the clone lacks: that is an incomplete repository (3), not a typo (2).
    if ((await shallowCommits(repo)).size > 0) throw new GitError(`unknown revision in --since/--range, in a shallow clone; ${UNSHALLOW_HINT}`);
    // The revision itself is not echoed: whatever was pasted there could be a secret.
    throw new UsageError('unknown revision in --since/--range (check it with git rev-parse --verify)');
  }
  if (named.code !== 0) throw gitFailure(`rev-parse ${rev}`, named);
  const id = named.stdout.trim();
  const exists = await gitRun(repo, ['cat-file', '-e', id]);
  if (exists.code === 0) throw new UsageError(`revision ${rev} is not a commit`);
  const shallow = (await shallowCommits(repo)).size > 0;
  throw new GitError(
    `revision ${rev} names ${id}, whose object is missing from this repository${shallow ? ` (a shallow clone; ${UNSHALLOW_HINT})` : ''}`,
  );
}

/** Verify every revision of the range and return the commit it starts from. */
async function rangeBase(repo: string, range: string): Promise<string> {
  const m = RANGE.exec(range)!;
  const from = m[1] || 'HEAD';
  const to = m[3] || 'HEAD';
  const [a, b] = [await verifyCommit(repo, from), await verifyCommit(repo, to)];
  if (m[2] === '..') return a;
  // A...B: both sides since they forked; the fork point is the base.
  const mb = await gitRun(repo, ['merge-base', a, b]);
  if (mb.code === 1 && mb.stderr.trim() === '') throw new UsageError(`${from} and ${to} have no common ancestor for ${range}`);
  if (mb.code !== 0) throw gitFailure('merge-base', mb);
  return mb.stdout.trim();
}

/** The report of a scan that could not run at all: no findings, and the reason as its one gap. */
export function failedReport(target: string, gap: CoverageGap): Report {
  return {
    tool: 'nhiscan',
    version: VERSION,
    target: target === '-' ? '(stdin)' : resolve(target),
    generatedAt: new Date().toISOString(),
    summary: summarize([], 0),
    findings: [],
    coverage: { complete: false, gaps: [gap] },
  };
}
