// The report's only script, inline: sortable columns and the filter. A page with no network needs
// no library for this; the Content-Security-Policy admits exactly this text by its hash.

export const SCRIPT = `
const table = document.getElementById('findings');
const body = table.tBodies[0];
const heads = [...table.tHead.rows[0].cells];
const key = (tr, col) => {
  const td = tr.cells[col];
  const v = td.dataset.sort ?? td.textContent.trim();
  const n = Number(v);
  return v !== '' && !Number.isNaN(n) ? n : v.toLowerCase();
};
heads.forEach((th, col) => {
  const button = th.querySelector('button');
  if (!button) return;
  button.addEventListener('click', () => {
    // The first click sorts the most useful way (worst first for severity and risk), then toggles.
    const now = th.getAttribute('aria-sort');
    const dir = now === 'descending' ? 'ascending' : now === 'ascending' ? 'descending' : th.dataset.first;
    heads.forEach((h) => h.setAttribute('aria-sort', 'none'));
    th.setAttribute('aria-sort', dir);
    const sign = dir === 'ascending' ? 1 : -1;
    [...body.rows]
      .map((tr, i) => ({ tr, k: key(tr, col), i }))
      .sort((a, b) => {
        const c = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k : String(a.k).localeCompare(String(b.k), undefined, { numeric: true });
        return c * sign || a.i - b.i;
      })
      .forEach((r) => body.appendChild(r.tr));
  });
});
const q = document.getElementById('q');
const sev = document.getElementById('sev');
const shown = document.getElementById('shown');
const filter = () => {
  const words = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
  const min = Number(sev.value || 0);
  let n = 0;
  for (const tr of body.rows) {
    const text = tr.textContent.toLowerCase();
    const ok = words.every((w) => text.includes(w)) && Number(tr.dataset.rank) >= min;
    tr.hidden = !ok;
    if (ok) n++;
  }
  shown.textContent = n === body.rows.length ? n + ' finding(s)' : n + ' of ' + body.rows.length + ' finding(s) shown';
};
q.addEventListener('input', filter);
sev.addEventListener('change', filter);
`;
