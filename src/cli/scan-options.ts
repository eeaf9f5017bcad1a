import { availableParallelism } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { CONFIG_FILE, emptyConfig, loadConfig, parseConfig, type Config } from '../config.js';
import { configRoot, planScan, type Plan, type ScanOptions } from '../scan.js';
import { fileAtCommit } from '../sources/git/at-commit.js';
import { parseSize, type GlobalFlags } from './common.js';
import { Spinner } from './progress.js';

/** What to scan: shared by `scan` and `baseline`, so a baseline is made from the same view as the scans it filters. */
export interface SourceFlags extends GlobalFlags {
  git: boolean;
  ignore: boolean;
  staged?: boolean;
  allObjects?: boolean;
  since?: string;
  range?: string;
  maxFileSize: string;
  decodeDepth: number | string;
  workers: number | 'auto';
  config?: string;
}

function parseDepth(value: string): number {
  if (!/^[0-9]$/.test(value)) throw new InvalidArgumentError('expected a whole number from 0 to 9');
  return Number(value);
}

function parseWorkers(value: string): number | 'auto' {
  if (value === 'auto') return value;
  if (!/^[0-9]{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 256) throw new InvalidArgumentError('expected auto, or a whole number from 1 to 256');
  return Number(value);
}

/** Threads for history scans: one matcher and one cat-file each. */
export function workersOption(): Option {
  return new Option('--workers <n>', 'threads for a full-history scan, each with its own git cat-file (auto: the core count, for histories large enough to gain from it)')
    .default('auto')
    .argParser(parseWorkers);
}

export function decodeDepthOption(): Option {
  return new Option('--decode-depth <n>', 'layers of base64/percent encoding to decode and scan (0 = off)').default('1').argParser(parseDepth);
}

export function addSourceOptions(cmd: Command, opts: { ranges: boolean }): Command {
  cmd
    .option('--no-git', 'scan the target as plain files even if it is a repository')
    .option('--no-ignore', 'with a directory scan, do not honour .gitignore')
    .option('--all-objects', 'also scan unreachable and dangling git objects');
  if (opts.ranges) {
    cmd
      .option('--staged', 'scan only staged changes (pre-commit)')
      .option('--since <rev>', 'scan only what commits in <rev>..HEAD introduced')
      .option('--range <A..B>', 'scan only what commits in the range introduced');
  }
  return cmd
    .addOption(new Option('--max-file-size <size>', 'skip blobs and files larger than this').default('10MiB'))
    .addOption(decodeDepthOption())
    .addOption(workersOption())
    .option('-c, --config <file>', `config file (default: .nhiscan.toml in the target's root)`);
}

export interface PreparedScan {
  plan: Plan;
  config: Config;
  root: string | null;
  options: ScanOptions;
  spinner: Spinner;
  timings: Record<string, number>;
}

/**
 * The config that gates a scan. A range is gated by its base commit's .nhiscan.toml, so the change
 * under review cannot loosen its own gate; an explicit --config wins (the CI author chose that file).
 * --staged uses the working tree's: it runs on the developer's own machine, before any review.
 */
export async function gateConfig(plan: Plan, explicit: string | undefined, root: string | null): Promise<Config> {
  if (plan.kind !== 'range' || explicit !== undefined) return loadConfig(explicit, root);
  const text = await fileAtCommit(plan.repo, plan.base, CONFIG_FILE);
  return text === null ? emptyConfig() : parseConfig(text, `${plan.base.slice(0, 12)}:${CONFIG_FILE}`);
}

export async function prepareScan(target: string, flags: SourceFlags, showSecrets: boolean): Promise<PreparedScan> {
  // Flags first: a bad value is a usage error (no report) whatever state the target is in.
  const maxFileSize = parseSize(flags.maxFileSize);
  // 0 would skip every blob and still report "complete": nothing read is no scan at all.
  if (maxFileSize < 1) throw new UsageError('--max-file-size must be at least 1 byte');
  const plan = await planScan({
    target,
    noGit: !flags.git,
    staged: Boolean(flags.staged),
    allObjects: Boolean(flags.allObjects),
    since: flags.since,
    range: flags.range,
  });
  const root = configRoot(plan);
  const config = await gateConfig(plan, flags.config, root);
  const spinner = new Spinner(!flags.debug);
  const prepared: PreparedScan = {
    plan,
    config,
    root,
    spinner,
    timings: {},
    options: {
      target,
      noGit: !flags.git,
      noIgnore: !flags.ignore,
      staged: Boolean(flags.staged),
      allObjects: Boolean(flags.allObjects),
      since: flags.since,
      range: flags.range,
      maxFileSize,
      decodeDepth: Number(flags.decodeDepth),
      workers: flags.workers === 'auto' ? { auto: availableParallelism() } : flags.workers,
      showSecrets,
      config,
      onProgress: (p) => spinner.progress(p),
      onPhase: (p) => spinner.phase(p),
      onTimings: (t) => Object.assign(prepared.timings, t),
    },
  };
  return prepared;
}
