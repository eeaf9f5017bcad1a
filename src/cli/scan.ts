import { join } from 'node:path';
import { Command } from 'commander';
import { BASELINE_FILE, parseBaseline, readBaseline, type Baseline } from '../baseline.js';
import { CONFIG_FILE } from '../config.js';
import { EXIT, NhiscanError, OutputError } from '../errors.js';
import { failedReport, runScan, type Plan } from '../scan.js';
import { fileAtCommit } from '../sources/git/at-commit.js';
import { conclude, emit, failOnOption, formatOption, resolveFormat, withGlobalOptions, type GlobalFlags } from './common.js';
import { addSourceOptions, prepareScan, type SourceFlags } from './scan-options.js';
import { addReportOptions, type ReportFlags } from './report-options.js';
import type { Format } from '../report/index.js';

interface ScanFlags extends SourceFlags, ReportFlags {
  format?: string;
  output?: string;
  failOn: string;
  showSecrets?: boolean;
  baseline?: string | false;
}

/** Like the config, a range's baseline comes from its base commit unless -b names one. */
async function gateBaseline(plan: Plan, flags: ScanFlags, root: string | null): Promise<Baseline | null> {
  if (flags.baseline === false) return null;
  if (typeof flags.baseline === 'string') return readBaseline(flags.baseline, true);
  if (plan.kind === 'range') {
    const text = await fileAtCommit(plan.repo, plan.base, BASELINE_FILE);
    return text === null ? null : parseBaseline(text, `${plan.base.slice(0, 12)}:${BASELINE_FILE}`);
  }
  return root ? readBaseline(join(root, BASELINE_FILE), false) : null;
}

/**
 * A scan that stops with exit 3 (git refuses the repository, git is missing, the target cannot be
 * read) still writes its report, with the reason as a gap, then fails as before: main prints the
 * one stderr line. Usage errors (2) write no report. If writing the report fails too, the original
 * failure is the one reported: it is the cause, and the exit code is 3 either way.
 */
async function failWithReport(err: unknown, target: string, format: Format, flags: ScanFlags & GlobalFlags): Promise<never> {
  const usage = err instanceof NhiscanError && err.exitCode === EXIT.usage;
  if (!usage && !(err instanceof OutputError)) {
    const reason = err instanceof NhiscanError ? (err.message.split('\n')[0] ?? '') : 'unexpected error';
    await emit(failedReport(target, { scope: 'scan', reason }), format, flags.output, flags).catch((e: unknown) => {
      if (!(e instanceof OutputError)) throw e;
    });
  }
  throw err;
}

export function scanCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('scan')
    .description('scan git history, a directory, staged changes or stdin (-) for secrets')
    .argument('[target]', 'repository, directory, file, or - for stdin', '.')
    .addOption(formatOption(['markdown', 'csv']))
    .option('-o, --output <file>', 'write the report to a file (mode 0600) instead of stdout')
    .addOption(failOnOption())
    .option('--show-secrets', 'print secrets in full (default: redacted)')
    .option('-b, --baseline <file>', `report only findings not in this baseline (default: ${BASELINE_FILE} in the target's root, if present; for --since/--range, as committed in the range's base)`)
    .option('--no-baseline', 'ignore any baseline file');
  addSourceOptions(cmd, { ranges: true });
  addReportOptions(cmd);
  withGlobalOptions(cmd);
  cmd.action(async (target: string, flags: ScanFlags) => {
    const format = resolveFormat(flags.format);
    let prepared;
    try {
      prepared = await prepareScan(target, flags, Boolean(flags.showSecrets));
      // Canary-token key ids are reported as such, offline (audit joins them with the account itself).
      prepared.options.canaries = true;
      prepared.options.baseline = await gateBaseline(prepared.plan, flags, prepared.root);
      // Only files the gate actually read from the base are watched for changes by the range.
      prepared.options.gateFiles = [
        ...(flags.config === undefined ? [CONFIG_FILE] : []),
        ...(flags.baseline === undefined ? [BASELINE_FILE] : []),
      ];
    } catch (err) {
      prepared?.spinner.stop();
      return failWithReport(err, target, format, flags);
    }
    const { plan, config, spinner, options, timings } = prepared;
    let report;
    try {
      report = await runScan(plan, options);
    } catch (err) {
      spinner.stop();
      return failWithReport(err, target, format, flags);
    } finally {
      spinner.stop();
    }
    const code = await conclude(report, { format, output: flags.output, failOn: flags.failOn, flags });
    if (flags.debug) {
      const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
      // What the prefilter let through to the regexes, as a share of everything scanned.
      const { bytes, regexChars } = report.summary.scan ?? {};
      const share = bytes ? `${((100 * (regexChars ?? 0)) / bytes).toFixed(1)}%` : 'n/a';
      process.stderr.write(
        `debug: ${JSON.stringify(report.summary.scan)} regexShare=${share} peakRssMiB=${peakRssMiB} timings=${JSON.stringify(timings)} config=${config.file ?? 'none'} baseline=${report.baseline?.file ?? 'none'}\n`,
      );
    }
    setExit(code);
  });
  return cmd;
}
