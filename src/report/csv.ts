import { stringify } from 'csv-stringify/sync';
import { isLeakFinding, isSecretFinding, locate, nhiIdsOf, type Finding, type Report } from '../model.js';
import { displaySafe } from './escape.js';

/**
 * The fixed columns, in order: every row has every column, and a column means the same thing in
 * every row (empty when it does not apply). Documented in README ("CSV columns").
 */
export const CSV_COLUMNS = [
  'severity',
  'risk',
  'rule',
  'kind',
  'nhi',
  'title',
  // Where (the one location shape, model.ts FindingLocation)
  'repository',
  'path',
  'line',
  'column',
  'commit',
  'commit_date',
  'commit_author',
  'account',
  'region',
  'identity',
  'identity_kind',
  'arn',
  'credential',
  // What
  'secret',
  'provider',
  'validation',
  'in_head',
  'occurrences',
  // A leak's cloud half
  'leak_match',
  'key_status',
  'key_created',
  'key_last_used',
  'key_last_used_service',
  'exposure_days',
  'used_after_leak',
  'secret_key_leaked_too',
  'remediation',
  'command',
  'fingerprint',
] as const;

type Cell = string | number | boolean | null | undefined;

function row(f: Finding): Record<string, Cell> {
  const w = f.where ?? locate(f);
  const src = isSecretFinding(f) ? f : isLeakFinding(f) ? f.leaked : null;
  const loc = src?.location;
  const out: Record<string, Cell> = {
    severity: f.severity,
    risk: f.risk,
    rule: f.ruleId,
    kind: f.kind,
    nhi: nhiIdsOf(f).join(' '),
    title: f.title,
    repository: w.repository,
    path: w.path,
    line: w.line,
    column: w.column,
    commit: w.commit,
    commit_date: loc?.date,
    commit_author: loc?.author,
    account: w.account,
    region: w.region,
    identity: w.identity,
    identity_kind: w.identityKind,
    arn: w.arn,
    credential: w.credential,
    secret: src?.secret,
    provider: src?.provider,
    validation: src?.validation,
    in_head: src?.inHead,
    occurrences: src ? src.occurrences.commits : undefined,
    remediation: f.remediation?.hint,
    command: f.remediation?.command,
    fingerprint: f.fingerprint,
  };
  if (isLeakFinding(f)) {
    const st = f.cloud.state;
    Object.assign(out, {
      leak_match: f.cloud.match,
      key_status: st?.status,
      key_created: st?.created,
      key_last_used: st?.lastUsed,
      key_last_used_service: st?.lastUsedService,
      exposure_days: f.cloud.exposure.days,
      used_after_leak: f.cloud.usedAfterLeak,
      secret_key_leaked_too: f.cloud.secretKeyLeakedToo,
    });
  }
  // An account check's evidence, flat: one `evidence.<key>` column per key (see renderCsv).
  if (f.kind === 'cloud') for (const [k, v] of Object.entries(f.evidence)) out[`evidence.${k}`] = Array.isArray(v) ? v.join(' ') : v;
  return out;
}

/**
 * One row per finding, for spreadsheets and ticket imports: the fixed columns, then one
 * `evidence.<key>` column per evidence key the report's account checks carry (sorted; empty in
 * rows whose check has no such key), so no cell holds JSON.
 */
export function renderCsv(unsafe: Report): string {
  const report = displaySafe(unsafe);
  const rows = report.findings.map(row);
  const evidence = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('evidence.'))))].sort();
  const columns = [...CSV_COLUMNS, ...evidence];
  return stringify(
    rows.map((r) => columns.map((c) => r[c] ?? '')),
    {
      header: true,
      // A cell starting with = + - @ (or tab/CR) is a formula to a spreadsheet: a file named
      // `=HYPERLINK(…)` would run on open. csv-stringify prefixes such cells with '.
      escape_formulas: true,
      columns,
      cast: { boolean: (b) => (b ? 'true' : 'false') },
    },
  );
}
