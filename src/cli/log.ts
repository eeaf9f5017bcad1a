import { Command } from 'commander';
import { defaultAuditLog, readAudit } from '../remediate/audit-log.js';
import { withGlobalOptions } from './common.js';

export function logCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('log')
    .description('print the remediation audit log')
    .option('--audit-log <file>', 'the log (default: ~/.nhiscan/audit.jsonl)')
    .option('--json', 'one JSON object per line, as stored');
  withGlobalOptions(cmd);
  cmd.action(async (flags: { auditLog?: string; json?: boolean }) => {
    const entries = await readAudit(flags.auditLog ?? defaultAuditLog());
    for (const e of entries) {
      process.stdout.write(
        flags.json ? `${JSON.stringify(e)}\n` : `${e.time}  ${e.result.padEnd(8)} ${e.action.padEnd(22)} ${e.target}  by ${e.caller ?? '?'}${e.requestId ? `  request ${e.requestId}` : ''}${e.detail ? `  ${e.detail}` : ''}\n`,
      );
    }
    setExit(0);
  });
  return cmd;
}
