import { readFile, writeFile } from 'node:fs/promises';
import { OutputError, UsageError } from './errors.js';
import type { BaselineEntry, BaselineOutcome, Finding, Report } from './model.js';
import { isSecretFinding } from './model.js';
import { escapeControl } from './report/escape.js';

export const BASELINE_FILE = '.nhiscan-baseline.json';

export interface Baseline {
  file: string;
  entries: BaselineEntry[];
}

/** A real calendar day as YYYY-MM-DD: 2027-13-45 has the shape but is no date. */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

export async function readBaseline(file: string, mustExist: boolean): Promise<Baseline | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!mustExist && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read baseline ${escapeControl(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseBaseline(text, file);
}

/** A baseline from its text; `file` names it in errors (a path, or COMMIT:path for a committed one). */
export function parseBaseline(text: string, file: string): Baseline {
  const name = escapeControl(file); // a path is shown escaped; the outcome keeps the real one
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // V8's message quotes the input around the error, and a baseline sits beside secrets.
    throw new UsageError(`${name}: not valid JSON (make one with nhiscan baseline create)`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${name}: expected {"entries": [...]} (make one with nhiscan baseline create)`);
  const entries = (doc as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new UsageError(`${name}: expected {"entries": [...]}`);
  entries.forEach((e: Partial<BaselineEntry>, i) => {
    if (e === null || typeof e !== 'object' || typeof e.fingerprint !== 'string' || typeof e.ruleId !== 'string') {
      throw new UsageError(`${name}: entry ${i + 1} needs "fingerprint" and "ruleId"`);
    }
    if (e.expires !== undefined && (typeof e.expires !== 'string' || !isCalendarDate(e.expires))) {
      throw new UsageError(`${name}: entry ${i + 1} has an invalid "expires" (use YYYY-MM-DD)`);
    }
  });
  return { file, entries: entries as BaselineEntry[] };
}

/**
 * Which entries a run can see. One .nhiscan-baseline.json can hold both kinds: entries of source
 * findings (their `path` is a file path) and of account findings (cloud and leak findings, whose
 * `path` is the identity's ARN). A scan must not call the account's entries stale, nor `aws` the
 * repository's; `audit` sees both.
 */
export type BaselineScope = 'source' | 'cloud' | 'all';

export function inScope(entry: BaselineEntry, scope: BaselineScope): boolean {
  if (scope === 'all') return true;
  // `path` is informational and may be missing in a hand-written file: such an entry counts as a source entry.
  const cloud = typeof entry.path === 'string' && entry.path.startsWith('arn:');
  return cloud === (scope === 'cloud');
}

export function isExpired(entry: BaselineEntry, today: string): boolean {
  return entry.expires !== undefined && entry.expires <= today;
}

/**
 * Drop findings a live entry covers. `complete` says whether the scan saw everything the baseline
 * describes (a full history or directory scan); only then can an unseen entry be called stale.
 */
export function applyBaseline(
  findings: Finding[],
  baseline: Baseline,
  complete: boolean,
  today = new Date().toISOString().slice(0, 10),
  scope: BaselineScope = 'source',
): { findings: Finding[]; outcome: BaselineOutcome } {
  const byFp = new Map(baseline.entries.map((e) => [e.fingerprint, e]));
  const seen = new Set<string>();
  let suppressed = 0;
  const kept = findings.filter((f) => {
    const entry = byFp.get(f.fingerprint);
    // An entry covers only the finding it was made for: same fingerprint and the same rule.
    if (!entry || entry.ruleId !== f.ruleId) return true;
    seen.add(f.fingerprint);
    if (isExpired(entry, today)) return true;
    suppressed++;
    return false;
  });
  return {
    findings: kept,
    outcome: {
      file: baseline.file,
      suppressed,
      stale: complete ? baseline.entries.filter((e) => inScope(e, scope) && !seen.has(e.fingerprint)) : [],
      expired: baseline.entries.filter((e) => inScope(e, scope) && isExpired(e, today)),
    },
  };
}

export interface EntryDefaults {
  reason?: string;
  author?: string;
  expires?: string;
}

function entryFor(f: Finding, defaults: EntryDefaults, today: string): BaselineEntry {
  return {
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    path: isSecretFinding(f) ? f.location.path : f.identity.arn,
    added: today,
    ...(defaults.reason ? { reason: defaults.reason } : {}),
    ...(defaults.author ? { author: defaults.author } : {}),
    ...(defaults.expires ? { expires: defaults.expires } : {}),
  };
}

/**
 * New entries for findings not yet in `previous`; kept entries keep their reason, author and
 * expiry. Entries no longer seen are dropped unless `keepStale`; entries outside `scope` (the
 * account's, in a baseline made from a scan) are kept as they are.
 */
export function mergeBaseline(
  report: Report,
  previous: BaselineEntry[],
  defaults: EntryDefaults,
  keepStale: boolean,
  today = new Date().toISOString().slice(0, 10),
  scope: BaselineScope = 'source',
): { entries: BaselineEntry[]; added: number; removed: number } {
  const old = new Map(previous.map((e) => [e.fingerprint, e]));
  const current = new Map<string, BaselineEntry>();
  let added = 0;
  for (const f of report.findings) {
    if (current.has(f.fingerprint)) continue;
    const existing = old.get(f.fingerprint);
    if (!existing) added++;
    current.set(f.fingerprint, existing ?? entryFor(f, defaults, today));
  }
  let removed = 0;
  for (const e of previous) {
    if (current.has(e.fingerprint)) continue;
    if (keepStale || !inScope(e, scope)) current.set(e.fingerprint, e);
    else removed++;
  }
  const entries = [...current.values()].sort((a, b) => a.ruleId.localeCompare(b.ruleId) || (a.path ?? '').localeCompare(b.path ?? '') || a.fingerprint.localeCompare(b.fingerprint));
  return { entries, added, removed };
}

export async function writeBaseline(file: string, entries: BaselineEntry[]): Promise<void> {
  const doc = { tool: 'nhiscan', format: 1, entries };
  try {
    await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`);
  } catch (err) {
    // The baseline is this command's output: not writing it is exit 3, named with file and errno.
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw err;
    throw new OutputError(`cannot write baseline ${escapeControl(file)}: ${code}`);
  }
}
