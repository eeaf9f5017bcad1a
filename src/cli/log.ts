import { Command } from 'commander';
import { defaultAuditLog, readAuditFile, skippedLines, type AuditEntry } from '../remediate/audit-log.js';
import { escapeControl } from '../report/escape.js';
import { withGlobalOptions, writeStdout } from './common.js';

/** One record as text. Targets and details come from AWS names and error text: their control characters are shown escaped. */
function textLine(e: AuditEntry): string {
  const line = `${e.time}  ${(e.result === 'intent' ? 'started' : e.result).padEnd(8)} ${e.action.padEnd(22)} ${e.target}  by ${e.caller ?? '?'}${e.requestId ? `  request ${e.requestId}` : ''}${e.detail ? `  ${e.detail}` : ''}${e.result === 'intent' ? '  (no outcome recorded: interrupted, effect unknown)' : ''}`;
  return `${escapeControl(line)}\n`;
}

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
    // JSON.stringify writes control characters as \u escapes already.
    const text = entries.map((e) => (flags.json ? `${JSON.stringify(e)}\n` : textLine(e))).join('');
    if (text) await writeStdout(text);
    // The good records are printed; a log not read whole cannot vouch for what happened: exit 3.
    const missing = skippedLines(file, skipped);
    if (missing) {
      process.stderr.write(`nhiscan: incomplete: ${escapeControl(missing)}\n`);
      setExit(3);
      return;
    }
    setExit(0);
  });
  return cmd;
}
