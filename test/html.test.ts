import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LeakFinding, Report } from '../src/model.js';
import { ticks } from '../src/report/html-charts.js';
import { renderHtml } from '../src/report/html.js';
import { runCli } from './helpers/git.js';

// What the HTML report says, read from its markup (the browser test checks how it lays out).

let report: Report;
let document: ReturnType<typeof parseHTML>['document'];

beforeAll(() => {
  report = JSON.parse(runCli(['audit', '--demo', '-f', 'json']).stdout) as Report;
  document = parseHTML(renderHtml(report)).document;
});

describe('HTML report content', () => {
  it('leak rows carry exposure days, used-after-leak, the commit and the repository', () => {
    const leaks = report.findings.filter((f): f is LeakFinding => f.kind === 'leak');
    expect(leaks.length).toBeGreaterThan(2);
    const rows = [...document.querySelectorAll('#findings tbody tr[data-kind="leak"]')];
    expect(rows.length).toBe(leaks.length);
    const repo = report.target.split(' + ')[0]!;
    for (const f of leaks) {
      const tr = rows.find((r) => r.textContent!.includes(f.credential.id) && r.textContent!.includes(f.leaked.location.path))!;
      const text = tr.textContent!.replace(/\s+/g, ' ');
      expect(text).toContain(`exposed ${f.cloud.exposure.days} days`);
      expect(text).toContain(f.cloud.usedAfterLeak === null ? 'used after the leak: unknown' : f.cloud.usedAfterLeak ? 'used after the leak' : 'not used after the leak');
      expect(text).toContain(f.leaked.location.commit!.slice(0, 12));
      expect(text).toContain(`repository ${repo}`);
    }
  });

  it('an inactive key is drawn alive only up to its last use, then dashed to the audit', () => {
    const inactive = report.findings.find((f): f is LeakFinding => f.kind === 'leak' && f.cloud.state?.status === 'Inactive')!;
    const active = report.findings.find((f): f is LeakFinding => f.kind === 'leak' && f.cloud.state?.status === 'Active')!;
    const lane = (id: string) => document.querySelector(`svg[aria-label="timeline"] g.lane[data-key="${id}"]`)!;
    const end = Number(lane(active.credential.id).querySelector('line.alive')!.getAttribute('x2'));
    const inactiveLane = lane(inactive.credential.id);
    const aliveTo = Number(inactiveLane.querySelector('line.alive')!.getAttribute('x2'));
    const lastUse = Number(inactiveLane.querySelector('circle.last-use')!.getAttribute('cx'));
    expect(aliveTo).toBe(lastUse);
    expect(aliveTo).toBeLessThan(end);
    expect(Number(inactiveLane.querySelector('line.inactive')!.getAttribute('x2'))).toBe(end);
    expect(lane(active.credential.id).querySelector('line.inactive')).toBeNull();
  });

  it('NHI chart labels are whole', () => {
    const labels = [...document.querySelectorAll('svg[aria-label^="Findings by OWASP"] text.bar-label')].map((t) => t.textContent);
    expect(labels).toContain('NHI6 Insecure Cloud Deployment Configurations');
    expect(labels).toContain('NHI10 Human Use of NHI');
  });

  it('the timeline axis has month ticks, not only its two ends', () => {
    const t = ticks(Date.parse('2024-01-05'), Date.parse('2026-12-02'), 852);
    expect(t.map((x) => x.label)).toEqual(['2024-04', '2024-07', '2024-10', '2025-01', '2025-04', '2025-07', '2025-10', '2026-01', '2026-04', '2026-07', '2026-10']);
    expect(ticks(Date.parse('2016-01-05'), Date.parse('2026-12-02'), 852).every((x) => /^\d{4}$/.test(x.label))).toBe(true);
  });

  it('first sort direction: severity and risk worst first, text A to Z; no column marked before a click', () => {
    const th = (cls: string) => document.querySelector(`th.${cls}`)!;
    expect(th('c-sev').getAttribute('data-first')).toBe('descending');
    expect(th('c-risk').getAttribute('data-first')).toBe('descending');
    expect(th('c-rule').getAttribute('data-first')).toBe('ascending');
    expect([...document.querySelectorAll('th')].every((h) => h.getAttribute('aria-sort') === 'none')).toBe(true);
  });

  it('one file, offline: no external reference, and a CSP that forbids every request', () => {
    const html = renderHtml(report);
    expect(html).not.toMatch(/\b(src|href)=|url\(|@import/i);
    expect(document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')).toMatch(/^default-src 'none';.*script-src 'sha256-/);
  });
});
