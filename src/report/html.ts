import { isLeakFinding, isSecretFinding, NHI_IDS, SEVERITIES, type Finding, type Report, type Severity, type SourceLocation } from '../model.js';
import { NHI_CATALOGUE } from '../score/nhi.js';
import { displaySafe } from './escape.js';
import { maskSecrets } from './mask.js';

// One self-contained file: inline CSS, hand-written SVG and a few lines of script. No CDN, works offline.

const COLOR: Record<Severity, string> = { critical: '#b91c1c', high: '#ea580c', medium: '#ca8a04', low: '#2563eb', info: '#6b7280' };

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function bars(title: string, rows: Array<{ label: string; value: number; color: string; tip?: string }>): string {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const h = 22;
  const width = 520;
  const labelW = 150;
  const body = rows
    .map((r, i) => {
      const w = Math.round(((width - labelW - 40) * r.value) / max);
      const y = i * h;
      return `<g><title>${esc(r.tip ?? r.label)}: ${r.value}</title><text x="0" y="${y + 15}" font-size="12">${esc(r.label)}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${h - 6}" fill="${r.color}" rx="2"></rect><text x="${labelW + w + 6}" y="${y + 15}" font-size="12">${r.value}</text></g>`;
    })
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${width}" height="${rows.length * h}" viewBox="0 0 ${width} ${rows.length * h}">${body}</svg></figure>`;
}

interface Lane {
  label: string;
  start: number | null;
  leak: number | null;
  lastUsed: number | null;
  end: number;
  severity: Severity;
}

function lanes(report: Report, now: number): Lane[] {
  const out: Lane[] = [];
  const t = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : null);
  for (const f of report.findings) {
    if (isLeakFinding(f)) {
      // Typed: the key's state in the account (none for a foreign or unknown key) and the leak date.
      const state = f.cloud.state;
      out.push({ label: `${f.credential.id} (${f.identity.name})`, start: t(state?.created), leak: t(f.cloud.exposure.since), lastUsed: t(state?.lastUsed), end: now, severity: f.severity });
      continue;
    }
    if (isSecretFinding(f) || f.credential?.kind !== 'access-key' || f.ruleId !== 'aws-key-age') continue;
    const e = f.evidence;
    out.push({ label: `${f.credential.id} (${f.identity.name})`, start: t(e.created), leak: null, lastUsed: t(e.lastUsed), end: now, severity: f.severity });
  }
  const seen = new Set<string>();
  return out.filter((l) => !seen.has(l.label) && seen.add(l.label)).slice(0, 40);
}

/** Key lifetimes as bars, leaks as red marks, last use as dots: abuse after a leak shows at a glance. */
function timeline(report: Report, now: number): string {
  const rows = lanes(report, now);
  if (!rows.length) return '';
  const times = rows.flatMap((r) => [r.start, r.leak, r.lastUsed].filter((x): x is number => x !== null));
  const min = Math.min(...times, now - 86_400_000 * 30);
  const width = 760;
  const left = 250;
  const x = (ms: number) => left + Math.round(((width - left - 20) * (ms - min)) / Math.max(1, now - min));
  const h = 24;
  const body = rows
    .map((r, i) => {
      const y = i * h + 20;
      const parts = [`<text x="0" y="${y + 4}" font-size="11">${esc(r.label)}</text>`];
      if (r.start !== null) parts.push(`<line x1="${x(r.start)}" x2="${x(r.end)}" y1="${y}" y2="${y}" stroke="#94a3b8" stroke-width="6"><title>key lifetime from ${new Date(r.start).toISOString().slice(0, 10)}</title></line>`);
      if (r.leak !== null) parts.push(`<rect x="${x(r.leak) - 2}" y="${y - 9}" width="4" height="18" fill="${COLOR.critical}"><title>leaked ${new Date(r.leak).toISOString().slice(0, 10)}</title></rect>`);
      if (r.lastUsed !== null) parts.push(`<circle cx="${x(r.lastUsed)}" cy="${y}" r="5" fill="${r.leak !== null && r.lastUsed > r.leak ? COLOR.high : '#0f766e'}"><title>last used ${new Date(r.lastUsed).toISOString().slice(0, 10)}</title></circle>`);
      return `<g class="lane">${parts.join('')}</g>`;
    })
    .join('');
  const axis = `<text x="${left}" y="12" font-size="11">${new Date(min).toISOString().slice(0, 10)}</text><text x="${width - 90}" y="12" font-size="11">${new Date(now).toISOString().slice(0, 10)}</text>`;
  return `<figure><figcaption>Leaks against key lifetimes (grey: key alive; red: leaked in git; dot: last use, orange when after the leak)</figcaption><svg role="img" aria-label="timeline" width="${width}" height="${rows.length * h + 30}">${axis}${body}</svg></figure>`;
}

function at(l: SourceLocation): string {
  return `${l.path}${l.line ? `:${l.line}` : ''}${l.commit ? ` @ ${l.commit.slice(0, 10)} by ${l.author ?? '?'}` : ''}`;
}

function where(f: Finding): string {
  if (isSecretFinding(f)) return at(f.location);
  const who = `${f.identity.name}${f.credential ? ` · ${f.credential.id}` : ''}`;
  return isLeakFinding(f) ? `${who} · leaked in ${at(f.leaked.location)}` : who;
}

function row(f: Finding): string {
  const fix = f.remediation?.command ?? f.remediation?.hint ?? '';
  const secret = isSecretFinding(f) && f.secret ? ` <code>${esc(f.secret)}</code>` : '';
  return `<tr data-severity="${f.severity}" data-kind="${f.kind}"><td data-sort="${SEVERITIES.length - SEVERITIES.indexOf(f.severity)}"><span class="sev" style="background:${COLOR[f.severity]}">${f.severity}</span></td><td>${f.risk ?? ''}</td><td>${esc(f.nhi.join(' '))}</td><td>${esc(f.ruleId)}</td><td>${esc(f.title)}${secret}</td><td>${esc(where(f))}</td><td><code>${esc(fix)}</code></td></tr>`;
}

const SCRIPT = `
document.querySelectorAll('th[data-col]').forEach((th) => th.addEventListener('click', () => {
  const table = th.closest('table'); const body = table.tBodies[0]; const col = Number(th.dataset.col);
  const dir = th.dataset.dir === 'asc' ? 'desc' : 'asc'; th.dataset.dir = dir;
  const val = (tr) => { const td = tr.children[col]; const v = td.dataset.sort ?? td.textContent; const n = Number(v); return Number.isNaN(n) ? v : n; };
  [...body.rows].sort((a, b) => { const x = val(a), y = val(b); const c = x < y ? -1 : x > y ? 1 : 0; return dir === 'asc' ? c : -c; }).forEach((tr) => body.appendChild(tr));
}));
const filter = () => {
  const q = document.getElementById('q').value.toLowerCase(); const sev = document.getElementById('sev').value;
  document.querySelectorAll('#findings tbody tr').forEach((tr) => {
    tr.hidden = !(tr.textContent.toLowerCase().includes(q) && (!sev || tr.dataset.severity === sev));
  });
};
document.getElementById('q').addEventListener('input', filter);
document.getElementById('sev').addEventListener('change', filter);
`;

export function renderHtml(unsafe: Report, now = Date.parse(unsafe.generatedAt)): string {
  // Bidi overrides would reorder a file name on screen; escape() only handles markup.
  const report = displaySafe(maskSecrets(unsafe));
  const s = report.summary;
  const bySeverity = bars(
    'Findings by severity',
    SEVERITIES.map((k) => ({ label: k, value: s.bySeverity[k], color: COLOR[k] })),
  );
  const byNhi = bars(
    'Findings by OWASP NHI Top 10 (2025)',
    NHI_IDS.map((n) => ({ label: `${n} ${NHI_CATALOGUE[n]}`.slice(0, 24), value: s.byNhi[n] ?? 0, color: '#334155', tip: `${n} ${NHI_CATALOGUE[n]}` })),
  );
  const gaps = report.coverage.gaps.length
    ? `<section class="gaps"><h2>Incomplete</h2><ul>${report.coverage.gaps.map((g) => `<li>${esc(g.scope)}: ${esc(g.reason)}</li>`).join('')}</ul></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>nhiscan report: ${esc(report.target)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#0f172a}h1{font-size:20px}figure{display:inline-block;margin:0 24px 16px 0;vertical-align:top}
figcaption{font-weight:600;margin-bottom:6px}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e2e8f0;padding:4px 6px;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f1f5f9;position:sticky;top:0}.sev{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}code{font-size:12px;word-break:break-all}
.gaps{background:#fef2f2;border:1px solid #fecaca;padding:8px 12px;margin-bottom:16px}.controls{margin:12px 0}
</style></head><body>
<h1>nhiscan ${esc(report.version)}: ${esc(report.target)}</h1>
<p>${s.total} finding(s), generated ${esc(report.generatedAt)}. Secrets are redacted unless the report was made with --show-secrets.</p>
${gaps}
${bySeverity}${byNhi}
${timeline(report, now)}
<div class="controls"><input id="q" type="search" placeholder="filter findings" aria-label="filter"> <select id="sev" aria-label="severity"><option value="">all severities</option>${SEVERITIES.map((k) => `<option>${k}</option>`).join('')}</select></div>
<table id="findings"><thead><tr>${['severity', 'risk', 'NHI', 'rule', 'finding', 'where', 'fix'].map((h, i) => `<th data-col="${i}">${h}</th>`).join('')}</tr></thead>
<tbody>${report.findings.map(row).join('\n')}</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
