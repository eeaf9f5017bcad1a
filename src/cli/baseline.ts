import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { BASELINE_FILE, isCalendarDate, mergeBaseline, readBaseline, writeBaseline } from '../baseline.js';
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
  addSourceOptions(cmd, { ranges: false });
  withGlobalOptions(cmd);
  cmd.action(async (target: string, flags: BaselineFlags) => {
    if (flags.expires !== undefined && !isCalendarDate(flags.expires)) throw new UsageError('--expires must be a real date, YYYY-MM-DD');
    const { plan, root, spinner, options } = await prepareScan(target, flags, false);
    const file = flags.file ?? join(root ?? '.', BASELINE_FILE);
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (name === 'create' && exists && !flags.force) throw new UsageError(`${escapeControl(file)} exists; use baseline update, or --force to replace it`);
    const previous = name === 'update' ? ((await readBaseline(file, false))?.entries ?? []) : [];
    let report;
    try {
      report = await runScan(plan, options);
    } finally {
      spinner.stop();
    }
    if (!report.coverage.complete) {
      // A baseline made from an incomplete scan would silently drop entries.
      process.stderr.write(`nhiscan: scan incomplete (${escapeControl(report.coverage.gaps.map((g) => g.scope).join(', '))}); baseline not written\n`);
      setExit(3);
      return;
    }
    const merged = mergeBaseline(report, previous, { reason: flags.reason, author: flags.author, expires: flags.expires }, Boolean(flags.keepStale));
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
