import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface AuditEntry {
  time: string;
  /** The AWS principal that made the change. */
  caller: string | null;
  action: string;
  target: string;
  result: 'ok' | 'failed' | 'dry-run' | 'refused';
  requestId?: string | null;
  detail?: string;
}

export function defaultAuditLog(): string {
  return join(homedir(), '.nhiscan', 'audit.jsonl');
}

/** Append-only JSONL; the file is 0600 and never holds a secret (only ids, names and outcomes). */
export async function appendAudit(file: string, entry: AuditEntry): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await appendFile(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}

export async function readAudit(file: string): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry);
}
