import { Command } from 'commander';
import { defaultAuditLog, readAuditFile, skippedWarning } from '../remediate/audit-log.js';
import { withGlobalOptions, writeStdout } from './common.js';

export function logCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('log')
    .description('print the remediation audit log')
    .option('--audit-log <file>', 'the log (default: ~/.nhiscan/audit.jsonl)')
    .option('--json', 'one JSON object per line, as stored (intent records included)');
  withGlobalOptions(cmd);
  cmd.action(async (flags: { auditLog?: string; json?: boolean }) => {
    const file = flags.auditLog ?? defaultAuditLog();
    // Text shows each action once (an intent folds into its outcome); an intent left alone was interrupted.
    const { entries, skipped } = await readAuditFile(file, { raw: Boolean(flags.json) });
    const warning = skippedWarning(file, skipped);
    if (warning) process.stderr.write(`${warning}\n`);
    const text = entries
      .map((e) =>
        flags.json
          ? `${JSON.stringify(e)}\n`
          : `${e.time}  ${(e.result === 'intent' ? 'started' : e.result).padEnd(8)} ${e.action.padEnd(22)} ${e.target}  by ${e.caller ?? '?'}${e.requestId ? `  request ${e.requestId}` : ''}${e.detail ? `  ${e.detail}` : ''}${e.result === 'intent' ? '  (no outcome recorded: interrupted, effect unknown)' : ''}\n`,
      )
      .join('');
    if (text) await writeStdout(text);
    setExit(0);
  });
  return cmd;
}
