import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config.js';
import { configRoot, planScan, runScan } from '../scan.js';
import { emit, exitCodeFor, failOnOption, formatOption, parseSize, resolveFormat, withGlobalOptions, type GlobalFlags } from './common.js';
import { Spinner } from './progress.js';

interface ScanFlags extends GlobalFlags {
  format?: string;
  output?: string;
  failOn: string;
  showSecrets?: boolean;
  git: boolean;
  ignore: boolean;
  staged?: boolean;
  allObjects?: boolean;
  since?: string;
  range?: string;
  maxFileSize: string;
  decodeDepth: number | string;
  config?: string;
}

function parseDepth(value: string): number {
  if (!/^[0-9]$/.test(value)) throw new InvalidArgumentError('expected a whole number from 0 to 9');
  return Number(value);
}

export function scanCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('scan')
    .description('scan git history, a directory, staged changes or stdin (-) for secrets')
    .argument('[target]', 'repository, directory, file, or - for stdin', '.')
    .addOption(formatOption())
    .option('-o, --output <file>', 'write the report to a file (mode 0600) instead of stdout')
    .addOption(failOnOption())
    .option('--show-secrets', 'print secrets in full (default: redacted)')
    .option('--no-git', 'scan the target as plain files even if it is a repository')
    .option('--no-ignore', 'with a directory scan, do not honour .gitignore')
    .option('--staged', 'scan only staged changes (pre-commit)')
    .option('--all-objects', 'also scan unreachable and dangling git objects')
    .option('--since <rev>', 'scan only what commits in <rev>..HEAD introduced')
    .option('--range <A..B>', 'scan only what commits in the range introduced')
    .addOption(new Option('--max-file-size <size>', 'skip blobs and files larger than this').default('10MiB'))
    .addOption(new Option('--decode-depth <n>', 'layers of base64/percent encoding to decode and scan (0 = off)').default('1').argParser(parseDepth))
    .option('-c, --config <file>', `config file (default: .nhiscan.toml in the target's root)`);
  withGlobalOptions(cmd);
  cmd.action(async (target: string, flags: ScanFlags) => {
    const plan = await planScan({
      target,
      noGit: !flags.git,
      staged: Boolean(flags.staged),
      allObjects: Boolean(flags.allObjects),
      since: flags.since,
      range: flags.range,
    });
    const config = await loadConfig(flags.config, configRoot(plan));
    const format = resolveFormat(flags.format);
    const spinner = new Spinner(!flags.debug);
    let report;
    let timings: Record<string, number> = {};
    try {
      report = await runScan(plan, {
        target,
        noGit: !flags.git,
        noIgnore: !flags.ignore,
        staged: Boolean(flags.staged),
        allObjects: Boolean(flags.allObjects),
        since: flags.since,
        range: flags.range,
        maxFileSize: parseSize(flags.maxFileSize),
        decodeDepth: Number(flags.decodeDepth),
        showSecrets: Boolean(flags.showSecrets),
        config,
        onProgress: (p) => spinner.progress(p),
        onPhase: (p) => spinner.phase(p),
        onTimings: (t) => (timings = t),
      });
    } finally {
      spinner.stop();
    }
    await emit(report, format, flags.output, flags);
    if (flags.debug) {
      const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
      process.stderr.write(`debug: ${JSON.stringify(report.summary.scan)} peakRssMiB=${peakRssMiB} timings=${JSON.stringify(timings)} config=${config.file ?? 'none'}\n`);
    }
    setExit(exitCodeFor(report, flags.failOn));
  });
  return cmd;
}
