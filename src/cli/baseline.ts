import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { BASELINE_FILE, isCalendarDate, mergeBaseline, readBaseline, writeBaseline, type BaselineScope } from '../baseline.js';
import type { Report } from '../model.js';
import { UsageError } from '../errors.js';
import { escapeControl } from '../report/escape.js';
import { runScan } from '../scan.js';
import { withGlobalOptions } from './common.js';
import { addSourceOptions, prepareScan, type SourceFlags } from './scan-options.js';

interface BaselineFlags extends SourceFlags {
  file?: string;
  reason?: string;
  author?: string;
  expires?: string;
  force?: boolean;
  keepStale?: boolean;
  fromReport?: string;
}

/**
 * `--from-report FILE`: the JSON report of an `aws` or `audit` run (`-f json --no-baseline`),
 * whose findings are keyed by fingerprint like a scan's. Only the fields a baseline needs are
 * checked; values are never echoed.
 */
async function reportFrom(file: string): Promise<{ report: Report; scope: BaselineScope }> {
  const name = escapeControl(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --from-report ${name}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let doc: Partial<Report>;
  try {
    doc = JSON.parse(text) as Partial<Report>;
  } catch {
    throw new UsageError(`--from-report ${name}: not a JSON report (write one with nhiscan aws -f json -o FILE)`);
  }
  const ok =
    doc !== null && typeof doc === 'object' && doc.tool === 'nhiscan' && typeof doc.target === 'string' && Array.isArray(doc.findings) && typeof doc.coverage?.complete === 'boolean' && Array.isArray(doc.coverage?.gaps) &&
    doc.findings.every((f) => f && typeof f.fingerprint === 'string' && typeof f.ruleId === 'string' && (typeof (f as { identity?: { arn?: unknown } }).identity?.arn === 'string' || typeof (f as { location?: { path?: unknown } }).location?.path === 'string'));
  if (!ok) throw new UsageError(`--from-report ${name}: not an nhiscan JSON report (write one with nhiscan aws -f json -o FILE)`);
  // A report the baseline already filtered lacks the findings it hid: those entries would be dropped.
  if (doc.baseline) throw new UsageError(`--from-report ${name}: the report was made with a baseline applied; re-run it with --no-baseline`);
  const target = doc.target!;
  // `aws` reports hold account findings only; `audit` reports (repos + aws) hold both kinds.
  const scope: BaselineScope = target.startsWith('aws') ? 'cloud' : / \+ aws/.test(target) ? 'all' : 'source';
  return { report: doc as Report, scope };
}

function subcommand(name: 'create' | 'update', setExit: (code: number) => void): Command {
  const cmd = new Command(name)
    .description(
      name === 'create'
        ? `scan the target and record every finding in ${BASELINE_FILE}`
        : 'rescan: add new findings, keep existing entries (and their reasons), drop entries no longer seen',
    )
    .argument('[target]', 'repository or directory', '.')
    // No short flag: -f is --format in every other command.
    .option('--file <file>', `baseline file (default: ${BASELINE_FILE} in the target's root)`)
    .option('--reason <text>', 'reason recorded on new entries')
    .option('--author <name>', 'author recorded on new entries')
    .option('--expires <YYYY-MM-DD>', 'new entries count as findings again from this date');
  if (name === 'create') cmd.option('--force', 'overwrite an existing baseline');
  else cmd.option('--keep-stale', 'keep entries whose finding is no longer seen');
  cmd.option('--from-report <file>', `record the findings of an aws or audit JSON report (nhiscan aws -f json --no-baseline -o FILE) instead of scanning; default file: ./${BASELINE_FILE}`);
  addSourceOptions(cmd, { ranges: false });
  withGlobalOptions(cmd);
  cmd.action(async (target: string, flags: BaselineFlags) => {
    if (flags.expires !== undefined && !isCalendarDate(flags.expires)) throw new UsageError('--expires must be a real date, YYYY-MM-DD');
    const fromReport = flags.fromReport ? await reportFrom(flags.fromReport) : null;
    if (fromReport && target !== '.') throw new UsageError('--from-report takes no target: the report is the target');
    const prepared = fromReport ? null : await prepareScan(target, flags, false);
    const file = flags.file ?? join(prepared ? (prepared.root ?? '.') : '.', BASELINE_FILE);
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (name === 'create' && exists && !flags.force) throw new UsageError(`${escapeControl(file)} exists; use baseline update, or --force to replace it`);
    const previous = name === 'update' ? ((await readBaseline(file, false))?.entries ?? []) : [];
    let report;
    if (fromReport) report = fromReport.report;
    else {
      try {
        report = await runScan(prepared!.plan, prepared!.options);
      } finally {
        prepared!.spinner.stop();
      }
    }
    if (!report.coverage.complete) {
      // A baseline made from an incomplete scan would silently drop entries.
      process.stderr.write(`nhiscan: ${fromReport ? 'report' : 'scan'} incomplete (${escapeControl(report.coverage.gaps.map((g) => g.scope).join(', '))}); baseline not written\n`);
      setExit(3);
      return;
    }
    const merged = mergeBaseline(report, previous, { reason: flags.reason, author: flags.author, expires: flags.expires }, Boolean(flags.keepStale), undefined, fromReport?.scope ?? 'source');
    await writeBaseline(file, merged.entries);
    // The file name comes from the target's path or --file: either may hold terminal controls.
    process.stderr.write(`${escapeControl(file)}: ${merged.entries.length} entr${merged.entries.length === 1 ? 'y' : 'ies'} (${merged.added} added, ${merged.removed} removed)\n`);
    setExit(0);
  });
  return cmd;
}

export function baselineCommand(setExit: (code: number) => void): Command {
  return new Command('baseline')
    .description('record current findings so scans report only new ones')
    .addCommand(subcommand('create', setExit))
    .addCommand(subcommand('update', setExit));
}
