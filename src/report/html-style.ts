// The report's stylesheet, inline. Below 1000 px the findings table turns into one card per
// finding, so the fix text keeps the full width instead of a collapsed column.

export const STYLE = `
[hidden]{display:none!important}
body{font:14px/1.45 system-ui,"DejaVu Sans",sans-serif;margin:24px;color:#0f172a;background:#fff}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:24px 0 8px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 12px}.meta dt{color:#475569}.meta dd{margin:0;overflow-wrap:anywhere}
.counts{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0 16px;padding:0;list-style:none}
.sev{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px;white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:8px 40px}
figure{margin:0 0 16px}figcaption{font-weight:600;margin-bottom:6px}
figure svg{max-width:100%;height:auto}.timeline{max-width:900px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:0 0 6px;padding:0;list-style:none;font-size:12px;color:#334155}
.sw{display:inline-block;width:18px;height:8px;margin-right:5px;vertical-align:middle}
.sw-alive{background:#94a3b8}.sw-inactive{height:0;border-top:2px dashed #94a3b8}.sw-leak{width:4px;height:14px;background:#b91c1c;box-shadow:10px 4px 0 -2px rgba(185,28,28,.55)}
.sw-use,.sw-use-after{width:10px;height:10px;border-radius:50%;background:#0f766e}.sw-use-after{background:#ea580c}
.gaps{background:#fef2f2;border:1px solid #fecaca;padding:8px 12px;margin-bottom:16px}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:12px 0}.controls input{min-width:260px;padding:4px 6px}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border-bottom:1px solid #e2e8f0;padding:6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f1f5f9;position:sticky;top:0;z-index:1}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th button::after{content:" \\2195";color:#94a3b8}
th[aria-sort=ascending] button::after{content:" \\25B2";color:#0f172a}
th[aria-sort=descending] button::after{content:" \\25BC";color:#0f172a}
@media (min-width:1001px){.c-sev{width:96px}.c-risk{width:58px}.c-nhi{width:70px}.c-rule{width:12%}.c-acct{width:112px}.c-finding{width:21%}.c-where{width:21%}}
.title{font-weight:600}.c-finding div,.c-where div{font-size:13px}.msg,.head,.occ,.joined,.arn{color:#475569}
code{font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
.cmd{display:block;white-space:pre-wrap;overflow-wrap:anywhere;word-break:normal;background:#f8fafc;border:1px solid #e2e8f0;border-radius:3px;padding:3px 5px;margin-top:4px}
.hint{margin:0;font-size:13px}.nw{white-space:nowrap}
/* A token of code (an ARN, a key id, a flag) wraps as a whole; it breaks inside only when it is wider than the column. */
.tok{display:inline-block;max-width:100%;overflow-wrap:anywhere}.flag{color:#b91c1c}.days{color:#b91c1c}
.status{border-radius:3px;padding:0 4px;font-size:12px}.status-active{background:#fee2e2;color:#991b1b}.status-inactive{background:#e2e8f0;color:#334155}
@media (max-width:1000px){
  table,thead,tbody,tr,td{display:block;width:auto}
  thead tr{display:flex;flex-wrap:wrap;gap:4px 12px;padding:6px;background:#f1f5f9}
  thead th{width:auto;border:0;padding:0;position:static}
  tbody tr{display:grid;grid-template-columns:auto auto auto 1fr;gap:2px 12px;border-bottom:1px solid #cbd5e1;padding:8px 0}
  tbody td{border:0;padding:0}
  td.c-risk::before{content:"risk ";color:#475569}
  .c-acct{grid-column:1/-1}td.c-acct::before{content:"account ";color:#475569}td.c-acct:empty{display:none}
  .c-finding,.c-where,.c-fix{grid-column:1/-1}
  td.c-where::before,td.c-fix::before{content:attr(data-label);display:block;font-size:12px;color:#475569;text-transform:uppercase;letter-spacing:.04em}
}
`;
