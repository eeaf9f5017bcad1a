import { isSecretFinding, locate, NHI_IDS, nhiIdsOf, SEVERITIES, type Finding, type Report, type Severity } from '../model.js';
import { NHI_CATALOGUE } from '../score/nhi.js';
import { displaySafe } from './escape.js';

const ICON: Record<string, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵', info: '⚪' };

/** GitHub refuses a comment (and a job summary step) longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Rows listed at most; past them, and past the character budget, the rest are counted by severity. */
export const MAX_ROWS = 200;
/** Room kept under the limit for the closing summary and the Action's own lines. */
const RESERVE = 4_000;
/** A cell longer than this is cut (a long hint must not cost other findings their row). */
const MAX_CELL = 400;

function cell(s: unknown): string {
  const t = String(s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return t.length > MAX_CELL ? `${t.slice(0, MAX_CELL - 1)}…` : t;
}

/** Backticks inside a code span would end it early. */
function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

/** The finding's location (model.ts FindingLocation), in one cell: repository, file and line, identity. */
function where(f: Finding, multi: boolean): string {
  const w = f.where ?? locate(f);
  const parts: string[] = [];
  if (w.identity) parts.push(`${w.identity}${w.credential && w.credential !== w.arn ? ` (${code(w.credential)})` : ''}`);
  if (w.path) {
    const file = `${code(`${w.path}${w.line ? `:${w.line}` : ''}`)}${w.commit ? ` @ ${w.commit.slice(0, 10)}` : ''}`;
    parts.push(`${w.identity ? 'leaked in ' : ''}${multi && w.repository ? `${code(w.repository)}: ` : ''}${file}`);
  }
  if (w.account && f.kind !== 'secret' && f.kind !== 'sensitive-file' && multi) parts.push(`account ${w.account}`);
  return parts.join(', ');
}

/**
 * For pull-request comments and the GitHub step summary: what was audited, a summary table, then
 * findings worst first. It stays under GitHub's 65,536-character limit: past MAX_ROWS rows or the
 * character budget, the rest are counted by severity instead of listed.
 */
export function renderMarkdown(unsafe: Report, limit = GITHUB_COMMENT_LIMIT): string {
  // Control characters escaped first (a PR comment is also read in terminals and editors).
  const report = displaySafe(unsafe);
  const s = report.summary;
  const targets = report.targets ?? [report.target];
  // Several targets (an audit): every row names its repository and account.
  const multi = targets.length > 1;
  const out: string[] = [`## nhiscan: ${s.total} finding(s)`, ''];
  out.push(`**${targets.length > 1 ? 'Targets' : 'Target'}:** ${targets.map((t) => code(cell(t))).join(', ')}`);
  if (report.account !== undefined || report.mode) {
    out.push('', `**Account:** ${report.account ? code(report.account) : 'unknown'}${report.mode ? ` (${report.mode})` : ''}${report.caller ? `, caller ${code(cell(report.caller))}` : ''}`);
  }
  if (s.inventory) out.push('', `**Examined:** ${s.inventory.identities} identities, ${s.inventory.accessKeys} access keys, ${s.inventory.secrets === null ? 'secrets not read (no --secrets export)' : `${s.inventory.secrets} secrets`}`);
  if (s.scan) out.push('', `**Scanned:** ${s.scan.blobs} blob(s), ${(s.scan.bytes / 1024 / 1024).toFixed(1)} MiB${s.scan.commits ? ` from ${s.scan.commits} commit(s)` : ''}`);
  out.push('');
  out.push(`| severity | ${SEVERITIES.join(' | ')} |`, `| --- | ${SEVERITIES.map(() => '---').join(' | ')} |`, `| count | ${SEVERITIES.map((k) => s.bySeverity[k]).join(' | ')} |`, '');
  const nhi = NHI_IDS.filter((n) => s.byNhi[n]);
  if (nhi.length) out.push('| OWASP NHI | findings |', '| --- | --- |', ...nhi.map((n) => `| ${n} ${NHI_CATALOGUE[n]} | ${s.byNhi[n]} |`), '');
  if (s.hidden) out.push(`_${s.hidden} finding(s) below --severity are counted above but not listed._`, '');
  if (report.findings.length) {
    out.push('| | risk | finding | NHI | where | fix |', '| --- | --- | --- | --- | --- | --- |');
    let used = out.join('\n').length;
    let listed = 0;
    for (const f of report.findings) {
      const fix = f.remediation?.command ? code(f.remediation.command) : (f.remediation?.hint ?? '');
      const line = `| ${ICON[f.severity]} ${f.severity} | ${f.risk ?? ''} | ${cell(f.title)}${isSecretFinding(f) && f.secret ? ` ${code(cell(f.secret))}` : ''} | ${nhiIdsOf(f).join(' ')} | ${cell(where(f, multi))} | ${cell(fix)} |`;
      if (listed >= MAX_ROWS || used + line.length + 1 > limit - RESERVE) break;
      out.push(line);
      used += line.length + 1;
      listed++;
    }
    const rest = report.findings.slice(listed);
    if (rest.length) {
      const bySev = SEVERITIES.map((k) => [k, rest.filter((f) => f.severity === k).length] as [Severity, number]).filter(([, n]) => n);
      out.push('', `…and ${rest.length} more not listed (${bySev.map(([k, n]) => `${n} ${k}`).join(', ')}); the JSON, SARIF or HTML report lists every finding.`);
    }
    out.push('');
  }
  if (!report.coverage.complete) {
    const gaps = report.coverage.gaps;
    out.push('**Incomplete:**', ...gaps.slice(0, 20).map((g) => `- ${cell(g.scope)}: ${cell(g.reason)}`), ...(gaps.length > 20 ? [`- …and ${gaps.length - 20} more gap(s)`] : []), '');
  }
  return `${out.join('\n')}\n`;
}
