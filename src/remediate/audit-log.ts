import { constants } from 'node:fs';
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

export interface AuditEntry {
  time: string;
  /** The AWS principal that made the change. */
  caller: string | null;
  action: string;
  target: string;
  /** `intent` is written before a mutating call, so even a kill -9 mid-call leaves evidence. */
  result: 'intent' | 'ok' | 'failed' | 'dry-run' | 'refused';
  requestId?: string | null;
  detail?: string;
  /** The run (one shown and confirmed plan) this record belongs to, and that plan's title. */
  plan?: string;
  planTitle?: string;
  /** The target's state before the action, and after it (or what a failure left). */
  before?: string;
  after?: string;
}

export function defaultAuditLog(): string {
  return join(homedir(), '.nhiscan', 'audit.jsonl');
}

/** The audit log could not be written: the caller decides what that means for the account. */
export class AuditWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(`the audit log ${file} could not be written (${code})`);
  }
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? 'write failed';

/**
 * Run before the first change: the log must be writable, or nothing is done (an unwritable log
 * found after a change is a change nobody can account for). Also brings an existing log to 0600.
 * Exit 2: the path is the user's (or the default they can override), and retrying will not help.
 */
export async function prepareAudit(file: string): Promise<void> {
  let fh;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // O_NONBLOCK: a FIFO with no reader fails (ENXIO) instead of hanging the run.
    fh = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK, 0o600);
    if (!(await fh.stat()).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    await fh.chmod(0o600);
  } catch (err) {
    throw new UsageError(`cannot write the audit log ${file} (${errno(err)}): nothing was changed; fix it or choose another with --audit-log FILE`);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Append-only JSONL; the file is 0600 and never holds a secret (only ids, names and outcomes). */
export async function appendAudit(file: string, entry: AuditEntry): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await appendFile(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  } catch (err) {
    throw new AuditWriteError(file, errno(err));
  }
}

const RESULTS = new Set(['intent', 'ok', 'failed', 'dry-run', 'refused']);

function isEntry(v: unknown): v is AuditEntry {
  const e = v as Record<string, unknown>;
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof e.time === 'string' && typeof e.action === 'string' && typeof e.target === 'string' && typeof e.result === 'string' && RESULTS.has(e.result);
}

export interface AuditRead {
  entries: AuditEntry[];
  /** 1-based numbers of lines that are not a record (torn by a crash, or garbage): skipped. */
  skipped: number[];
}

/**
 * Every record, in order. With `settled` (the default view), an intent followed later by its
 * outcome (same action and target) is folded into it; an intent with no outcome stays: that call
 * was interrupted and its effect is unknown.
 */
export async function readAuditFile(file: string, o: { raw?: boolean } = {}): Promise<AuditRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return { entries: [], skipped: [] };
    throw new UsageError(`cannot read the audit log ${file} (${errno(err)})`);
  }
  const entries: AuditEntry[] = [];
  const skipped: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      skipped.push(i + 1);
      return;
    }
    if (isEntry(v)) entries.push(v);
    else skipped.push(i + 1);
  });
  if (o.raw) return { entries, skipped };
  // Walk back from the end: an intent is settled if an outcome for the same action and target follows.
  const later = new Set<string>();
  const settled: AuditEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    const key = `${e.action}\0${e.target}`;
    if (e.result !== 'intent') later.add(key);
    else if (later.has(key)) continue;
    settled.push(e);
  }
  return { entries: settled.reverse(), skipped };
}

/** The settled records only (torn lines skipped silently: callers that print use readAuditFile). */
export async function readAudit(file: string): Promise<AuditEntry[]> {
  return (await readAuditFile(file)).entries;
}

/** The one warning for skipped lines: numbers only, never the content (it could be anything). */
export function skippedWarning(file: string, skipped: number[]): string | null {
  const what = skippedLines(file, skipped);
  return what === null ? null : `nhiscan: warning: ${what}`;
}

/** "skipped N unreadable line(s) in FILE (lines 3, 7)": what was not read, by number only. */
export function skippedLines(file: string, skipped: number[]): string | null {
  if (skipped.length === 0) return null;
  const shown = skipped.slice(0, 10).join(', ');
  return `skipped ${skipped.length} unreadable line(s) in ${file} (line${skipped.length > 1 ? 's' : ''} ${shown}${skipped.length > 10 ? ', …' : ''})`;
}
