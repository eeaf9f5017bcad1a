import { join } from 'node:path';
import { Command } from 'commander';
import { BASELINE_FILE, readBaseline } from '../baseline.js';
import { runScan } from '../scan.js';
import { emit, exitCodeFor, failOnOption, formatOption, resolveFormat, withGlobalOptions } from './common.js';
import { addSourceOptions, prepareScan, type SourceFlags } from './scan-options.js';

interface ScanFlags extends SourceFlags {
  format?: string;
  output?: string;
  failOn: string;
  showSecrets?: boolean;
  baseline?: string | false;
}

export function scanCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('scan')
    .description('scan git history, a directory, staged changes or stdin (-) for secrets')
    .argument('[target]', 'repository, directory, file, or - for stdin', '.')
    .addOption(formatOption())
    .option('-o, --output <file>', 'write the report to a file (mode 0600) instead of stdout')
    .addOption(failOnOption())
    .option('--show-secrets', 'print secrets in full (default: redacted)')
    .option('-b, --baseline <file>', `report only findings not in this baseline (default: ${BASELINE_FILE} in the target's root, if present)`)
    .option('--no-baseline', 'ignore any baseline file');
  addSourceOptions(cmd, { ranges: true });
  withGlobalOptions(cmd);
  cmd.action(async (target: string, flags: ScanFlags) => {
    const prepared = await prepareScan(target, flags, Boolean(flags.showSecrets));
    const { plan, config, root, spinner, options, timings } = prepared;
    if (flags.baseline !== false) {
      const explicit = typeof flags.baseline === 'string';
      const file = explicit ? (flags.baseline as string) : root ? join(root, BASELINE_FILE) : null;
      options.baseline = file ? await readBaseline(file, explicit) : null;
    }
    const format = resolveFormat(flags.format);
    let report;
    try {
      report = await runScan(plan, options);
    } finally {
      spinner.stop();
    }
    await emit(report, format, flags.output, flags);
    if (flags.debug) {
      const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
      process.stderr.write(
        `debug: ${JSON.stringify(report.summary.scan)} peakRssMiB=${peakRssMiB} timings=${JSON.stringify(timings)} config=${config.file ?? 'none'} baseline=${report.baseline?.file ?? 'none'}\n`,
      );
    }
    setExit(exitCodeFor(report, flags.failOn));
  });
  return cmd;
}
