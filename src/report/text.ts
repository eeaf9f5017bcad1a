import { DROP_REASONS } from '../detect/suppress.js';
import { Chalk, type ChalkInstance } from 'chalk';
import { isLeakFinding, isSecretFinding, NHI_IDS, SEVERITIES, type CloudFinding, type Finding, type LeakFinding, type Report, type SecretFinding, type Severity } from '../model.js';
import { NHI_CATALOGUE } from '../score/nhi.js';
import { displaySafe } from './escape.js';

function paint(c: ChalkInstance, s: Severity): (t: string) => string {
  switch (s) {
    case 'critical':
      return (t) => c.bgRed.white.bold(t);
    case 'high':
      return (t) => c.red.bold(t);
    case 'medium':
      return (t) => c.yellow(t);
    case 'low':
      return (t) => c.cyan(t);
    default:
      return (t) => c.gray(t);
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function secretBlock(c: ChalkInstance, f: SecretFinding): string[] {
  const loc = f.location;
  const where = `${loc.path}${loc.line ? `:${loc.line}:${loc.column}` : ''}`;
  const lines = [`  ${c.bold(where)}`];
  if (loc.commit) {
    const msg = (loc.message ?? '').slice(0, 72);
    lines.push(`  commit ${c.yellow(loc.commit.slice(0, 12))}  ${loc.author ?? ''} <${loc.email ?? ''}>  ${(loc.date ?? '').slice(0, 10)}  ${c.dim(`"${msg}"`)}`);
  }
  const facts: string[] = [];
  if (f.validation) facts.push(f.validation);
  if (f.decoded?.[0]?.encoding === 'strings') facts.push(`in a binary file's printable text, byte ${f.decoded[0].start}`);
  else if (f.decoded?.length) facts.push(`found after decoding ${f.decoded.map((d) => d.encoding).join(' > ')}`);
  if (f.identifier && f.identifier !== f.secret) facts.push(`id ${f.identifier}`);
  if (f.inHead !== null) facts.push(f.inHead ? c.red('still in HEAD') : 'not in HEAD (history only)');
  if (f.occurrences.commits > 1 || f.occurrences.paths > 1) {
    facts.push(`${f.occurrences.commits} commit(s), ${f.occurrences.paths} path(s), ${f.occurrences.blobs} version(s)`);
  }
  if (facts.length) lines.push(`  ${c.dim(facts.join(' · '))}`);
  for (const other of f.occurrences.locations.slice(1, 6)) {
    lines.push(`  ${c.dim(`also: ${other.path}:${other.line}${other.commit ? ` (${other.commit.slice(0, 12)})` : ''}`)}`);
  }
  if (f.occurrences.locations.length > 6) lines.push(`  ${c.dim(`… and ${f.occurrences.locations.length - 6} more path(s)`)}`);
  return lines;
}

/** The typed cloud half of a leak, as one line of facts. */
function leakFacts(c: ChalkInstance, f: LeakFinding): string {
  const { state, exposure } = f.cloud;
  // The key id is on the line above (the leaked finding's `id`).
  const facts: string[] = [];
  if (state) {
    facts.push(state.status === 'Active' ? c.red('Active') : state.status);
    if (state.created) facts.push(`created ${state.created.slice(0, 10)}`);
    facts.push(state.lastUsed ? `last used ${state.lastUsed.slice(0, 10)}${state.lastUsedService ? ` by ${state.lastUsedService}` : ''}${state.lastUsedRegion ? ` in ${state.lastUsedRegion}` : ''}` : 'never used');
    if (state.from === 'GetAccessKeyLastUsed') facts.push('owner from GetAccessKeyLastUsed');
  } else if (f.cloud.match === 'foreign-account') facts.push(`account ${f.cloud.account ?? '?'} (not contacted)`);
  else if (f.cloud.match === 'canary') facts.push('canary account (not contacted)');
  else facts.push('not in the audited account');
  if (exposure.days !== null) facts.push(`exposed ${exposure.days} day(s) since ${(exposure.since ?? '').slice(0, 10)}`);
  if (f.cloud.usedAfterLeak) facts.push(c.red('used after the leak'));
  if (f.cloud.secretKeyLeakedToo) facts.push('secret key leaked beside it');
  return facts.join(' · ');
}

function findingBlock(c: ChalkInstance, f: Finding): string[] {
  const sev = paint(c, f.severity)(` ${f.severity.toUpperCase()} `.padEnd(10));
  const nhi = f.nhi.length ? c.dim(` [${f.nhi.join(',')}]`) : '';
  if (isSecretFinding(f)) {
    const head = `${sev} ${c.bold(f.title)}  ${f.secret}${nhi}`;
    const lines = [head, ...secretBlock(c, f)];
    if (f.remediation) lines.push(`  ${c.green('fix:')} ${f.remediation.hint}`);
    return lines;
  }
  const lines = [`${sev} ${c.bold(f.title)}  ${f.identity.name}${nhi}`, `  ${c.dim(f.identity.arn)}`];
  if (isLeakFinding(f)) {
    // Where it leaked (the secret finding's own block), then what the account says about the key.
    lines.push(...secretBlock(c, f.leaked), `  ${leakFacts(c, f)}`);
    if (f.remediation) lines.push(`  ${c.green('fix:')} ${f.remediation.hint}${f.remediation.command ? `\n       ${c.bold(f.remediation.command)}` : ''}`);
    return lines;
  }
  const ev = Object.entries(f.evidence)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' · ');
  if (ev) lines.push(`  ${c.dim(ev)}`);
  if (f.remediation) lines.push(`  ${c.green('fix:')} ${f.remediation.hint}${f.remediation.command ? `\n       ${c.bold(f.remediation.command)}` : ''}`);
  return lines;
}

export function summaryLine(report: Report, color = false): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const s = report.summary;
  const counts = SEVERITIES.filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]} ${k}`)
    .join(', ');
  const parts = [`${s.total} finding(s)${counts ? ` (${counts})` : ''}`];
  if (s.scan) {
    const skipped = [s.scan.skippedLarge ? `${s.scan.skippedLarge} over size limit` : '']
      .filter(Boolean)
      .join(', ');
    parts.push(`scanned ${s.scan.blobs} blob(s), ${mb(s.scan.bytes)}${s.scan.commits ? ` from ${s.scan.commits} commit(s)` : ''}`);
    if (skipped) parts.push(`skipped ${skipped}`);
    if (s.scan.skippedBinary) parts.push(`${s.scan.skippedBinary} binary read for printable text only`);
    // What the suppression stage dropped, by reason (src/detect/suppress.ts).
    const dropped = DROP_REASONS.map((why) => [why, s.scan!.dropped?.[why] ?? 0] as const).filter(([, n]) => n);
    if (dropped.length) parts.push(`not reported: ${dropped.map(([why, n]) => `${n} ${why}`).join(', ')}`);
    else if (s.scan.suppressed) parts.push(`${s.scan.suppressed} allowed inline`);
  }
  if (report.baseline) {
    const b = report.baseline;
    parts.push(`baseline: ${b.suppressed} known${b.stale.length ? `, ${b.stale.length} stale` : ''}${b.expired.length ? `, ${b.expired.length} expired` : ''}`);
  }
  parts.push(`${(s.durationMs / 1000).toFixed(2)}s`);
  const line = parts.join('; ');
  return report.coverage.complete ? line : `${line}; ${c.red('INCOMPLETE')}`;
}

/** Cloud findings as one table per identity, riskiest identity first. */
function identityTables(c: ChalkInstance, findings: CloudFinding[]): string[] {
  const byIdentity = new Map<string, CloudFinding[]>();
  for (const f of findings) {
    const list = byIdentity.get(f.identity.arn) ?? [];
    list.push(f);
    byIdentity.set(f.identity.arn, list);
  }
  const out: string[] = [];
  const groups = [...byIdentity.values()].sort((a, b) => Math.max(...b.map((f) => f.risk ?? 0)) - Math.max(...a.map((f) => f.risk ?? 0)));
  for (const group of groups) {
    const id = group[0]!.identity;
    const risk = Math.max(...group.map((f) => f.risk ?? 0));
    out.push(`${c.bold(id.name)}  ${c.dim(`${id.kind} · risk ${risk} · ${id.arn}`)}`);
    for (const f of group) {
      const cred = f.credential ? ` ${c.dim(f.credential.id)}` : '';
      out.push(`  ${paint(c, f.severity)(f.severity.toUpperCase().padEnd(8))} ${String(f.risk ?? '').padStart(3)}  ${(f.nhi.join(',') || '-').padEnd(10)} ${f.title}${cred}`);
      if (f.remediation?.command) out.push(`  ${' '.repeat(26)}${c.green('→')} ${f.remediation.command}`);
    }
    out.push('');
  }
  return out;
}

function nhiSummary(report: Report): string[] {
  const entries = NHI_IDS.filter((n) => report.summary.byNhi[n]).map((n) => `${n} ${NHI_CATALOGUE[n]}: ${report.summary.byNhi[n]}`);
  return entries.length ? ['By OWASP NHI Top 10:', ...entries.map((e) => `  ${e}`), ''] : [];
}

/** Every scanned value reaches the terminal escaped (see escape.ts), with or without colour. */
export function renderText(unsafe: Report, color: boolean): string {
  const report = displaySafe(unsafe);
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  // Leaked credentials that are live in the cloud come first, whatever else the report holds.
  const leaks = report.findings.filter(isLeakFinding);
  const cloud = report.findings.filter((f): f is CloudFinding => f.kind === 'cloud');
  if (leaks.length) {
    out.push(c.bold.red('Leaked credentials, joined with the account'), '');
    for (const f of leaks) out.push(...findingBlock(c, f), '');
  }
  for (const f of report.findings) if (isSecretFinding(f)) out.push(...findingBlock(c, f), '');
  if (cloud.length) out.push(...identityTables(c, cloud));
  if (leaks.length || cloud.length) out.push(...nhiSummary(report));
  const b = report.baseline;
  if (b) {
    for (const e of b.expired) out.push(c.yellow(`baseline entry expired ${e.expires}: ${e.ruleId} at ${e.path} (${e.fingerprint.slice(0, 12)}) now counts as new`));
    for (const e of b.stale) out.push(c.dim(`baseline entry no longer seen (stale): ${e.ruleId} at ${e.path} (${e.fingerprint.slice(0, 12)})`));
    if (b.expired.length || b.stale.length) out.push('');
  }
  for (const g of report.coverage.gaps) out.push(c.red(`incomplete: ${g.scope}: ${g.reason}`));
  if (report.coverage.gaps.length) out.push('');
  out.push(report.findings.length === 0 && report.coverage.complete ? c.green(`✓ ${summaryLine(report)}`) : summaryLine(report, color));
  return `${out.join('\n')}\n`;
}
