import type { Severity } from '../model.js';
import { esc, textWidth } from './html-text.js';

// Hand-written SVG, inline: the report is one file that must work offline and draw the same in
// any browser. Sizes are computed here, so no label can run into a bar or a marker.

export const COLOR: Record<Severity, string> = { critical: '#b91c1c', high: '#c2410c', medium: '#a16207', low: '#1d4ed8', info: '#4b5563' };

const CHART_FONT = 12;

export interface BarRow {
  label: string;
  value: number;
  color: string;
}

/** Horizontal bars; the label column is as wide as the longest label, so labels are never cut. */
export function bars(title: string, rows: BarRow[]): string {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const h = 22;
  const labelW = Math.ceil(Math.max(...rows.map((r) => textWidth(r.label, CHART_FONT)))) + 12;
  const barMax = 240;
  const width = labelW + barMax + 40;
  const body = rows
    .map((r, i) => {
      const w = r.value ? Math.max(2, Math.round((barMax * r.value) / max)) : 0;
      const y = i * h;
      return (
        `<g class="bar"><title>${esc(r.label)}: ${r.value}</title>` +
        `<text class="bar-label" x="0" y="${y + 15}">${esc(r.label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${h - 6}" fill="${r.color}" rx="2"></rect>` +
        `<text class="bar-value" x="${labelW + w + 6}" y="${y + 15}">${r.value}</text></g>`
      );
    })
    .join('');
  const height = rows.length * h;
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="${CHART_FONT}">${body}</svg></figure>`;
}

/** One access key on the timeline: its life in the account, its leak, its last use. */
export interface Lane {
  keyId: string;
  owner: string;
  /** The key's state in the audited account; null when the account does not hold it. */
  status: 'Active' | 'Inactive' | null;
  /** What the lane says about a key the account does not hold (another account, a canary). */
  note: string | null;
  created: number | null;
  lastUsed: number | null;
  leaked: number | null;
  exposureDays: number | null;
  usedAfterLeak: boolean | null;
  severity: Severity;
}

const DAY = 86_400_000;

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Axis ticks on the first day of a month, every 1, 2, 3, 6, 12 or 24 months: the smallest step
 * whose labels stay `minGap` pixels apart, so they never overlap one another.
 */
export function ticks(min: number, max: number, pixels: number, minGap = 64): Array<{ at: number; label: string }> {
  const months = Math.max(1, (max - min) / (30.44 * DAY));
  const step = [1, 2, 3, 6, 12, 24, 60].find((s) => (pixels / months) * s >= minGap) ?? 120;
  // Months counted from year 0, so a 12-month step lands on January and a 3-month one on quarters.
  const first = new Date(min);
  let t = first.getUTCFullYear() * 12 + first.getUTCMonth() + (Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1) < min ? 1 : 0);
  while (t % step !== 0) t++;
  const out: Array<{ at: number; label: string }> = [];
  for (let at = Date.UTC(Math.floor(t / 12), t % 12, 1); at <= max; t += step, at = Date.UTC(Math.floor(t / 12), t % 12, 1)) {
    out.push({ at, label: step >= 12 ? String(Math.floor(t / 12)) : `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}` });
  }
  return out;
}

function laneLabel(l: Lane): string {
  const parts = [l.keyId, l.owner];
  if (l.status) parts.push(l.status === 'Active' ? 'active' : 'inactive');
  if (l.note) parts.push(l.note);
  if (l.leaked !== null) parts.push(`leaked ${day(l.leaked)}${l.exposureDays !== null ? `, exposed ${l.exposureDays} days` : ''}`);
  if (l.usedAfterLeak) parts.push('used after the leak');
  return parts.join(' · ');
}

/**
 * Key lifetimes against leaks. Each lane's label sits on its own line above its bar, so it never
 * covers a marker; the axis labels sit in their own band at the top. An inactive key is drawn
 * alive only up to its last known use: IAM does not record when a key was deactivated, so from
 * there to the audit it is a thin dashed line (the key exists and can be reactivated).
 */
export function timeline(lanes: Lane[], now: number): string {
  if (!lanes.length) return '';
  const times = lanes.flatMap((l) => [l.created, l.leaked, l.lastUsed].filter((t): t is number => t !== null));
  const min = Math.min(...times, now - 30 * DAY) - 15 * DAY;
  const width = 900;
  const left = 24;
  const right = width - 24;
  const x = (ms: number) => Math.round(left + ((right - left) * (ms - min)) / Math.max(1, now - min));
  const axisH = 28;
  const laneH = 40;
  const height = axisH + lanes.length * laneH + 22;
  const grid = ticks(min, now, right - left)
    .map((t) => `<g class="tick"><line x1="${x(t.at)}" x2="${x(t.at)}" y1="${axisH - 6}" y2="${height - 22}" stroke="#e2e8f0"></line><text class="tick-label" x="${x(t.at)}" y="14" text-anchor="middle">${t.label}</text></g>`)
    .join('');
  const audit = `<g class="audit"><line x1="${x(now)}" x2="${x(now)}" y1="${axisH - 6}" y2="${height - 22}" stroke="#64748b" stroke-dasharray="3 3"></line><text class="audit-label" x="${x(now)}" y="${height - 6}" text-anchor="end">audit ${day(now)}</text></g>`;
  const body = lanes
    .map((l, i) => {
      const top = axisH + i * laneH;
      const y = top + 26;
      const parts = [`<text class="lane-label" x="${left}" y="${top + 12}">${esc(laneLabel(l))}</text>`];
      if (l.created !== null) {
        // Alive: from creation to the audit when active; to the last known use when inactive.
        const aliveTo = l.status === 'Inactive' ? Math.max(l.created, l.lastUsed ?? l.created) : now;
        parts.push(`<line class="alive" x1="${x(l.created)}" x2="${Math.max(x(aliveTo), x(l.created) + 2)}" y1="${y}" y2="${y}" stroke="#94a3b8" stroke-width="8"><title>${l.status === 'Inactive' ? `active from ${day(l.created)} until at least its last use` : `active from ${day(l.created)} to the audit`}</title></line>`);
        if (l.status === 'Inactive') parts.push(`<line class="inactive" x1="${x(aliveTo)}" x2="${x(now)}" y1="${y}" y2="${y}" stroke="#94a3b8" stroke-width="2" stroke-dasharray="4 4"><title>inactive at the audit (IAM does not record since when); the key still exists and can be reactivated</title></line>`);
      }
      if (l.leaked !== null) {
        parts.push(`<line class="exposure" x1="${x(l.leaked)}" x2="${x(now)}" y1="${y + 7}" y2="${y + 7}" stroke="${COLOR.critical}" stroke-width="2" opacity="0.55"><title>exposed in git history${l.exposureDays !== null ? ` for ${l.exposureDays} days` : ''}</title></line>`);
        parts.push(`<rect class="leak" x="${x(l.leaked) - 2}" y="${y - 9}" width="4" height="18" fill="${COLOR.critical}"><title>leaked in git ${day(l.leaked)}</title></rect>`);
      }
      if (l.lastUsed !== null) {
        const after = l.leaked !== null && l.lastUsed > l.leaked;
        parts.push(`<circle class="last-use" cx="${x(l.lastUsed)}" cy="${y}" r="5" fill="${after ? '#ea580c' : '#0f766e'}" stroke="#fff" stroke-width="1.5"><title>last used ${day(l.lastUsed)}${after ? ', after the leak' : ''}</title></circle>`);
      }
      return `<g class="lane" data-key="${esc(l.keyId)}">${parts.join('')}</g>`;
    })
    .join('');
  const legend =
    '<ul class="legend">' +
    '<li><span class="sw sw-alive"></span>key active</li>' +
    '<li><span class="sw sw-inactive"></span>key inactive (still exists)</li>' +
    '<li><span class="sw sw-leak"></span>leaked in git, then exposed to the audit</li>' +
    '<li><span class="sw sw-use"></span>last use</li>' +
    '<li><span class="sw sw-use-after"></span>last use after the leak</li></ul>';
  return `<figure class="timeline"><figcaption>Leaks against key lifetimes</figcaption>${legend}<svg role="img" aria-label="timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-size="11">${grid}${audit}${body}</svg></figure>`;
}
