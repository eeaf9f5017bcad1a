import { isLeakFinding, isSecretFinding, NHI_IDS, SEVERITIES, type Finding, type Report, type SourceLocation } from '../model.js';
import { NHI_CATALOGUE } from '../score/nhi.js';
import { displaySafe } from './escape.js';

const ICON: Record<string, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵', info: '⚪' };

function cell(s: unknown): string {
  return String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function at(l: SourceLocation): string {
  return `\`${l.path}${l.line ? `:${l.line}` : ''}\`${l.commit ? ` @ ${l.commit.slice(0, 10)}` : ''}`;
}

function where(f: Finding): string {
  if (isSecretFinding(f)) return at(f.location);
  const who = `${f.identity.name}${f.credential ? ` (\`${f.credential.id}\`)` : ''}`;
  // A leak names both ends: the identity in the account and the file it leaked from.
  return isLeakFinding(f) ? `${who}, leaked in ${at(f.leaked.location)}` : who;
}

/** For pull-request comments and the GitHub step summary: a summary table, then findings by risk. */
export function renderMarkdown(unsafe: Report): string {
  // Control characters escaped first (a PR comment is also read in terminals and editors).
  const report = displaySafe(unsafe);
  const s = report.summary;
  const out: string[] = [`## nhiscan: ${s.total} finding(s)`, ''];
  out.push(`| severity | ${SEVERITIES.join(' | ')} |`, `| --- | ${SEVERITIES.map(() => '---').join(' | ')} |`, `| count | ${SEVERITIES.map((k) => s.bySeverity[k]).join(' | ')} |`, '');
  const nhi = NHI_IDS.filter((n) => s.byNhi[n]);
  if (nhi.length) {
    out.push('| OWASP NHI | findings |', '| --- | --- |', ...nhi.map((n) => `| ${n} ${NHI_CATALOGUE[n]} | ${s.byNhi[n]} |`), '');
  }
  if (report.findings.length) {
    out.push('| | risk | finding | where | fix |', '| --- | --- | --- | --- | --- |');
    for (const f of report.findings.slice(0, 200)) {
      const fix = f.remediation?.command ? `\`${f.remediation.command}\`` : (f.remediation?.hint ?? '');
      out.push(`| ${ICON[f.severity]} ${f.severity} | ${f.risk ?? ''} | ${cell(f.title)}${isSecretFinding(f) && f.secret ? ` \`${cell(f.secret)}\`` : ''} | ${cell(where(f))} | ${cell(fix)} |`);
    }
    if (report.findings.length > 200) out.push('', `…and ${report.findings.length - 200} more; see the JSON report.`);
    out.push('');
  }
  if (!report.coverage.complete) out.push('**Incomplete:**', ...report.coverage.gaps.map((g) => `- ${cell(g.scope)}: ${cell(g.reason)}`), '');
  return `${out.join('\n')}\n`;
}
