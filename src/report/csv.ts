import { stringify } from 'csv-stringify/sync';
import { isLeakFinding, isSecretFinding, type LeakFinding, type Report } from '../model.js';
import { displaySafe } from './escape.js';

/** A leak's evidence cell, from its typed fields: where it leaked, and the key's state. */
function leakFacts(f: LeakFinding) {
  const l = f.leaked.location;
  const st = f.cloud.state;
  return {
    path: l.path,
    line: l.line,
    commit: l.commit ?? null,
    leakedAt: f.cloud.exposure.since,
    exposureDays: f.cloud.exposure.days,
    inHead: f.leaked.inHead,
    match: f.cloud.match,
    account: f.cloud.account,
    status: st?.status ?? null,
    lastUsed: st?.lastUsed ?? null,
    lastUsedService: st?.lastUsedService ?? null,
    usedAfterLeak: f.cloud.usedAfterLeak,
    secretKeyLeakedToo: f.cloud.secretKeyLeakedToo,
  };
}

/** One row per finding, for spreadsheets and ticket imports. */
export function renderCsv(unsafe: Report): string {
  const report = displaySafe(unsafe);
  const rows = report.findings.map((f) => {
    const common = [f.risk ?? '', f.severity, f.ruleId, f.nhi.join(' '), f.title];
    if (isSecretFinding(f)) return [...common, f.kind, f.location.path, f.identifier ?? f.secret, f.provider, '', f.remediation?.hint ?? '', f.fingerprint];
    if (isLeakFinding(f)) return [...common, f.identity.kind, f.identity.name, f.credential.id, f.identity.arn, JSON.stringify(leakFacts(f)), f.remediation?.command ?? f.remediation?.hint ?? '', f.fingerprint];
    return [...common, f.identity.kind, f.identity.name, f.credential?.id ?? '', f.identity.arn, JSON.stringify(f.evidence), f.remediation?.command ?? f.remediation?.hint ?? '', f.fingerprint];
  });
  return stringify(rows, {
    header: true,
    // A cell starting with = + - @ (or tab/CR) is a formula to a spreadsheet: a file named
    // `=HYPERLINK(…)` would run on open. csv-stringify prefixes such cells with '.
    escape_formulas: true,
    columns: ['risk', 'severity', 'rule', 'nhi', 'title', 'kind', 'name', 'credential', 'arn', 'evidence', 'remediation', 'fingerprint'],
  });
}
