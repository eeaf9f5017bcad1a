import { createHash } from 'node:crypto';
import { finalizeReport, NHI_IDS, SEVERITIES, summarize, type Report } from '../model.js';
import { NHI_CATALOGUE } from '../score/nhi.js';
import { bars, COLOR, timeline } from './html-charts.js';
import { keyLanes, multiAccount, row } from './html-findings.js';
import { SCRIPT } from './html-script.js';
import { STYLE } from './html-style.js';
import { esc } from './html-text.js';
import { displaySafe } from './escape.js';
import { maskSecrets } from './mask.js';

// One self-contained file: inline CSS, hand-written SVG and one inline script. No CDN, no font or
// image to fetch; the Content-Security-Policy forbids every request, so it stays offline even if a
// value ever slipped through escaping, and it runs only the script whose hash it names.

export { esc } from './html-text.js';

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

type Column = [string, string, 'ascending' | 'descending'];

/**
 * Columns: header, class, first sort direction (worst first for severity and risk, A to Z for text).
 * The account column only when the report spans several accounts (--org).
 */
function columns(account: boolean): Column[] {
  return [
    ['severity', 'c-sev', 'descending'],
    ['risk', 'c-risk', 'descending'],
    ['NHI', 'c-nhi', 'ascending'],
    ['rule', 'c-rule', 'ascending'],
    ...(account ? [['account', 'c-acct', 'ascending'] as Column] : []),
    ['finding', 'c-finding', 'ascending'],
    ['where', 'c-where', 'ascending'],
    ['fix', 'c-fix', 'ascending'],
  ];
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 3 : 1);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What was looked at, read from the envelope (targets, account, caller, mode, inventory), never re-derived. */
function header(report: Report): string {
  const s = report.summary;
  const items: Array<[string, string]> = [];
  const targets = report.targets ?? [report.target];
  items.push([targets.length === 1 ? 'target' : 'targets', targets.map(esc).join('<br>')]);
  if (report.account !== undefined || report.mode) {
    const mode = report.mode ? ` · ${report.mode === 'offline' ? 'offline (exports)' : 'live'}` : '';
    items.push(['AWS account', `${report.account ? esc(report.account) : 'unknown'}${mode}`]);
    items.push(['caller', report.caller ? esc(report.caller) : report.mode === 'offline' ? 'none (offline exports)' : 'unknown']);
  }
  if (report.accounts?.length) {
    const n = (st: string) => report.accounts!.filter((a) => a.status === st).length;
    const notRead = n('not-read');
    items.push(['accounts', `${plural(n('read'), 'read', 'read')}${notRead ? `, <b class="flag">${notRead} not read</b>` : ''}${n('skipped') ? `, ${n('skipped')} skipped (not active)` : ''}`]);
  }
  if (s.inventory) {
    const i = s.inventory;
    items.push(['examined', `${plural(i.identities, 'identity', 'identities')} (${plural(i.users, 'user')}, ${plural(i.roles, 'role')}), ${plural(i.accessKeys, 'access key')}, ${i.secrets === null ? 'secrets not read (no --secrets export)' : plural(i.secrets, 'secret')}`]);
  }
  items.push(['generated', `${esc(report.generatedAt)} by nhiscan ${esc(report.version)}${report.command ? ` ${esc(report.command)}` : ''}`]);
  if (s.scan) items.push(['scanned', `${s.scan.blobs} blob(s), ${mib(s.scan.bytes)} MiB${s.scan.commits !== undefined ? `, ${s.scan.commits} commit(s)` : ''}`]);
  if (s.hidden) items.push(['shown', `${s.total - s.hidden} (${s.hidden} below --severity counted here, not listed)`]);
  if (s.muted?.total || s.muted?.expiredEntries) {
    const expired = s.muted.expiredEntries ? ` (${plural(s.muted.expiredEntries, 'expired entry', 'expired entries')} muted nothing)` : '';
    items.push(['muted', `${s.muted.total} by the mutelist${expired}`]);
  }
  items.push(['coverage', report.coverage.complete ? 'complete' : `<b class="flag">incomplete</b>: ${report.coverage.gaps.length} gap(s), listed below`]);
  const meta = `<dl class="meta">${items.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
  const counts = `<ul class="counts">${SEVERITIES.map((k) => `<li><span class="sev" style="background:${COLOR[k]}">${s.bySeverity[k]} ${k}</span></li>`).join('')}</ul>`;
  return `<h1>nhiscan report: ${s.total} finding(s)</h1>${meta}${counts}`;
}

export function renderHtml(unsafe: Report, now = Date.parse(unsafe.generatedAt)): string {
  // Bidi overrides would reorder a file name on screen; esc() only handles markup.
  // finalizeReport: worst first, and every finding's typed `where` (a caller may pass a bare report).
  const report = displaySafe(maskSecrets(finalizeReport(unsafe)));
  // The charts count the findings listed below, by the model's own summary (every NHI id of each,
  // via nhiIdsOf), so they agree with the table when --severity hides some.
  const listed = summarize(report.findings, 0);
  const bySeverity = bars('Findings by severity', SEVERITIES.map((k) => ({ label: k, value: listed.bySeverity[k], color: COLOR[k] })));
  const byNhi = bars('Findings by OWASP NHI Top 10 (2025)', NHI_IDS.map((n) => ({ label: `${n} ${NHI_CATALOGUE[n]}`, value: listed.byNhi[n] ?? 0, color: '#334155' })));
  const gaps = report.coverage.gaps.length
    ? `<section class="gaps"><h2>Incomplete: not everything was read</h2><ul>${report.coverage.gaps.map((g) => `<li>${esc(g.scope)}: ${esc(g.reason)}</li>`).join('')}</ul></section>`
    : '';
  const findings = report.findings;
  const account = multiAccount(report);
  const head = columns(account).map(([h, cls, first]) => `<th class="${cls}" aria-sort="none" data-first="${first}"><button type="button">${h}</button></th>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>nhiscan report: ${esc(report.target)}</title>
<style>${STYLE}</style></head><body>
${header(report)}
<p>Secrets are redacted unless the report was made with --show-secrets.</p>
${gaps}
<div class="charts">${bySeverity}${byNhi}</div>
${timeline(keyLanes(findings), now)}
<h2>Findings</h2>
<div class="controls"><input id="q" type="search" placeholder="filter: words in any column" aria-label="filter findings"> <select id="sev" aria-label="minimum severity"><option value="">all severities</option><option value="4">critical</option><option value="3">high and above</option><option value="2">medium and above</option><option value="1">low and above</option></select> <output id="shown">${findings.length} finding(s)</output> <span class="note">sorted by severity, then risk; click a column to sort</span></div>
<table id="findings"><thead><tr>${head}</tr></thead>
<tbody>${findings.map((f) => row(f, { account })).join('\n')}</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
