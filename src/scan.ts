import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { pathAllowed, secretAllowed, type Config } from './config.js';
import { buildFindings, type Provenance } from './detect/findings.js';
import { scanItems, type Progress } from './detect/engine.js';
import { Matcher } from './detect/matcher.js';
import { FileMatcher } from './detect/file-matcher.js';
import type { FileRule } from './detect/file-rule.js';
import { fileRules } from './detect/rules/files.js';
import type { Rule } from './detect/rule.js';
import { builtinRules } from './detect/rules/index.js';
import { GitError, UsageError } from './errors.js';
import { compareFindings, summarize, type CoverageGap, type Finding, type Report, type Severity } from './model.js';
import { applyBaseline, type Baseline } from './baseline.js';
import { DirectorySource, FileSource } from './sources/directory.js';
import { HistorySource } from './sources/git/history.js';
import { blobsInHead, introductionsOf } from './sources/git/provenance.js';
import { RangeSource } from './sources/git/range.js';
import { detectRepo, requireRepo, stashCommits, unreachableCommits } from './sources/git/repo.js';
import { StagedSource } from './sources/git/staged.js';
import { gitOutput } from './sources/git/exec.js';
import { StdinSource } from './sources/stdin.js';
import type { Source } from './sources/types.js';
import { VERSION } from './version.js';

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
  /** Phase durations, for --debug. */
  onTimings?: (t: Record<string, number>) => void;
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

export type Plan =
  | { kind: 'stdin' }
  | { kind: 'file'; path: string }
  | { kind: 'directory'; root: string }
  | { kind: 'history'; repo: string }
  | { kind: 'range'; repo: string; revArgs: string[] }
  | { kind: 'staged'; repo: string };

/** Decide what the target is; the only place that turns flags into a source kind. */
export async function planScan(opts: Pick<ScanOptions, 'target' | 'noGit' | 'staged' | 'allObjects' | 'since' | 'range'>): Promise<Plan> {
  const modes = [opts.staged, Boolean(opts.since), Boolean(opts.range), opts.allObjects].filter(Boolean).length;
  if (modes > 1) throw new UsageError('--staged, --since, --range and --all-objects are mutually exclusive');
  if (opts.target === '-') {
    if (modes) throw new UsageError('stdin (-) cannot be combined with git options');
    return { kind: 'stdin' };
  }
  const target = resolve(opts.target);
  let st;
  try {
    st = await stat(target);
  } catch {
    throw new UsageError(`target not found: ${opts.target}`);
  }
  if (st.isFile()) {
    if (modes) throw new UsageError('git options need a repository, not a file');
    return { kind: 'file', path: target };
  }
  if (opts.noGit) {
    if (modes) throw new UsageError('--no-git cannot be combined with git options');
    return { kind: 'directory', root: target };
  }
  if (opts.staged) return { kind: 'staged', repo: await requireRepo(target) };
  const repo = await detectRepo(target);
  if (opts.since || opts.range) {
    if (!repo) throw new GitError(`not a git repository: ${opts.target}`);
    const revArgs = opts.range ? [opts.range] : [`${opts.since}..HEAD`];
    return { kind: 'range', repo: repo.root, revArgs };
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
  const matcher = new Matcher(activeRules(config), {
    decodeDepth: opts.decodeDepth ?? 1,
    allowLine: config.allow.lines.length ? (line) => config.allow.lines.some((re) => re.test(line)) : undefined,
  });
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
      source = new HistorySource(plan.repo, { maxFileSize: opts.maxFileSize, allObjects: opts.allObjects });
      break;
    case 'range':
      if (plan.revArgs[0]) await assertRevisionRange(plan.repo, plan.revArgs[0]);
      source = new RangeSource(plan.repo, plan.revArgs, opts.maxFileSize);
      break;
    case 'staged':
      source = new StagedSource(plan.repo, opts.maxFileSize);
      break;
  }

  opts.onPhase?.('scanning');
  const timings: Record<string, number> = {};
  let mark = Date.now();
  const historyLike = plan.kind === 'history' || plan.kind === 'range';
  // In history the path a blob was read under is one of many; path allowlists apply after provenance.
  const skipPath = historyLike ? undefined : (p: string) => pathAllowed(config, p);
  let scanned;
  try {
    scanned = await scanItems(source.items(), matcher, new FileMatcher(activeFileRules(config)), opts.onProgress, skipPath);
  } catch (err) {
    if (err instanceof GitError) throw err;
    throw new GitError(`reading ${plan.kind} failed: ${(err as Error).message}`);
  }
  const { hits, stats } = scanned;
  timings.scanMs = Date.now() - mark;
  mark = Date.now();
  for (const hit of hits) hit.matches = hit.matches.filter((m) => !secretAllowed(config, m.secret));

  const gaps: CoverageGap[] = [...source.gaps];
  const provenance: Provenance = {};
  if (plan.kind === 'history' || plan.kind === 'range') {
    const wanted = new Set(hits.filter((h) => h.matches.length || h.files.length).map((h) => h.key));
    opts.onPhase?.('attaching provenance');
    if (source instanceof RangeSource) {
      provenance.introductions = source.introductions;
      stats.commits = source.commits;
    } else {
      const stashes = source instanceof HistorySource && !opts.allObjects ? source.stashes : await stashCommits(plan.repo);
      const revArgs = ['--all', ...stashes];
      if (opts.allObjects) revArgs.push(...(await unreachableCommits(plan.repo)));
      try {
        provenance.introductions = await introductionsOf(plan.repo, revArgs, wanted);
      } catch (err) {
        gaps.push({ scope: 'git log (provenance)', reason: (err as Error).message });
        provenance.introductions = new Map();
      }
    }
    provenance.inHead = await blobsInHead(plan.repo, wanted);
  }
  timings.provenanceMs = Date.now() - mark;
  opts.onTimings?.(timings);

  let findings: Finding[] = buildFindings(hits, provenance, {
    showSecrets: opts.showSecrets,
    keep: (loc) => !pathAllowed(config, loc.path) && !(loc.commit && config.allow.commits.has(loc.commit)),
  }).sort(compareFindings);
  let baselineOutcome;
  if (opts.baseline) {
    // Only a scan of everything can tell that a baselined secret is gone.
    const full = plan.kind === 'history' || plan.kind === 'directory';
    ({ findings, outcome: baselineOutcome } = applyBaseline(findings, opts.baseline, full));
  }

  return {
    tool: 'nhiscan',
    version: VERSION,
    target: plan.kind === 'stdin' ? '(stdin)' : plan.kind === 'file' ? plan.path : plan.kind === 'directory' ? plan.root : plan.repo,
    generatedAt: new Date().toISOString(),
    summary: summarize(findings, Date.now() - started, stats),
    findings,
    coverage: { complete: gaps.length === 0, gaps },
    ...(baselineOutcome ? { baseline: baselineOutcome } : {}),
  };
}

async function assertRevisionRange(repo: string, range: string): Promise<void> {
  for (const rev of range.split(/\.{2,3}/).filter(Boolean)) {
    try {
      await gitOutput(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    } catch {
      throw new UsageError(`unknown revision: ${rev}`);
    }
  }
}
