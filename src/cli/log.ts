import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { defaultAuditLog, readAuditFile, skippedLines, type AuditEntry } from '../remediate/audit-log.js';
import { escapeControl } from '../report/escape.js';
import { withGlobalOptions, writeStdout } from './common.js';

/** One record as text. Targets and details come from AWS names and error text: their control characters are shown escaped. */
function textLine(e: AuditEntry): string {
  const state = e.before !== undefined || e.after !== undefined ? `  [${e.before ?? '?'} → ${e.after ?? '?'}]` : '';
  const line = `${e.time}  ${(e.result === 'intent' ? 'started' : e.result).padEnd(8)} ${e.action.padEnd(22)} ${e.target}  by ${e.caller ?? '?'}${e.requestId ? `  request ${e.requestId}` : ''}${e.detail ? `  ${e.detail}` : ''}${state}${e.planTitle ? `  (plan ${e.plan?.slice(0, 8) ?? '?'}: ${e.planTitle})` : ''}${e.result === 'intent' ? '  (no outcome recorded: interrupted, effect unknown)' : ''}`;
  return `${escapeControl(line)}\n`;
}

/** A --since/--until value: an ISO date or date-time. Not echoed when wrong (it is typed input). */
function instant(flag: string): (value: string) => number {
  return (value) => {
    const t = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim()) ? Date.parse(value.trim()) : NaN;
    if (Number.isNaN(t)) throw new UsageError(`${flag} expects a date or time like 2026-12-01 or 2026-12-01T10:00:00Z`);
    return t;
  };
}

/** Targets are "user/KEYID" (key actions), "user" (create, verify) or a role or secret name. */
function matches(e: AuditEntry, f: { key?: string; user?: string; since?: number; until?: number }): boolean {
  const t = Date.parse(e.time);
  if (f.since !== undefined && !(t >= f.since)) return false;
  if (f.until !== undefined && !(t <= f.until)) return false;
  const [user, key] = e.target.includes('/') ? e.target.split('/', 2) : [e.target, undefined];
  // A key is named in its own records' target, and in the create/verify records that replace it (their before/after).
  if (f.key !== undefined && key !== f.key && !`${e.before ?? ''} ${e.after ?? ''} ${e.detail ?? ''}`.split(/[\s,;()]+/).includes(f.key)) return false;
  if (f.user !== undefined && user !== f.user) return false;
  return true;
}

export function logCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('log')
    .description('print the remediation audit log (filter by key, user or time)')
    .option('--audit-log <file>', 'the log (default: ~/.nhiscan/audit.jsonl)')
    .addOption(new Option('-f, --format <format>', 'text (default), or json: one object per line, as stored (intent records included)').choices(['text', 'json']))
    .option('--json', 'the same as -f json')
    .option('--key <keyId>', 'only records about this access key')
    .option('--user <name>', 'only records about this IAM user (or role, or secret name)')
    .option('--since <time>', 'only records at or after this date or time (ISO 8601)')
    .option('--until <time>', 'only records at or before this date or time (ISO 8601)');
  withGlobalOptions(cmd);
  cmd.action(async (flags: { auditLog?: string; json?: boolean; format?: string; key?: string; user?: string; since?: string; until?: string }) => {
    const file = flags.auditLog ?? defaultAuditLog();
    const json = Boolean(flags.json) || flags.format === 'json';
    const filter = {
      ...(flags.key !== undefined ? { key: flags.key } : {}),
      ...(flags.user !== undefined ? { user: flags.user } : {}),
      ...(flags.since !== undefined ? { since: instant('--since')(flags.since) } : {}),
      ...(flags.until !== undefined ? { until: instant('--until')(flags.until) } : {}),
    };
    // Text shows each action once (an intent folds into its outcome); an intent left alone was interrupted.
    const { entries, skipped } = await readAuditFile(file, { raw: json });
    // JSON.stringify writes control characters as \u escapes already.
    const text = entries
      .filter((e) => matches(e, filter))
      .map((e) => (json ? `${JSON.stringify(e)}\n` : textLine(e)))
      .join('');
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
