import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import { NHI_IDS, nhiIdsOf, type LeakFinding, type Report } from '../src/model.js';
import { ticks } from '../src/report/html-charts.js';
import { renderHtml } from '../src/report/html.js';
import { runCli, tempRepos } from './helpers/git.js';
import { githubToken } from './helpers/secrets.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'aws');
const OFFLINE = ['--credential-report', join(FIX, 'credential-report.csv'), '--authorization-details', join(FIX, 'authorization-details.json'), '--secrets', join(FIX, 'secrets.json'), '--access-keys', join(FIX, 'access-keys.json')];

type Doc = ReturnType<typeof parseHTML>['document'];
const dom = (r: Report): Doc => parseHTML(renderHtml(r)).document;

/** The header's definition list, as term -> text. */
function meta(doc: Doc): Map<string, string> {
  const dts = [...doc.querySelectorAll('dl.meta dt')];
  return new Map(dts.map((dt) => [dt.textContent!, (dt.nextElementSibling?.innerHTML ?? '').replace(/<br>/g, '\n')]));
}

// What the HTML report says, read from its markup (the browser test checks how it lays out).

let report: Report;
let document: Doc;

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

  it('the header shows the targets, the account and how it was read, the caller and what was examined', () => {
    const m = meta(document);
    expect(m.get('targets')!.split('\n')).toEqual(report.targets);
    expect(report.account).toMatch(/^\d{12}$/);
    expect(m.get('AWS account')).toBe(`${report.account} · offline (exports)`);
    expect(m.get('caller')).toBe('none (offline exports)');
    const i = report.summary.inventory!;
    expect(m.get('examined')).toBe(`${i.identities} identities (${i.users} users, ${i.roles} roles), ${i.accessKeys} access keys, ${i.secrets} secrets`);
    // A live read names its caller; muted and hidden findings are counted in the header.
    const live = dom({ ...report, mode: 'live', caller: 'arn:aws:iam::493820157462:user/auditor', summary: { ...report.summary, hidden: 3, muted: { total: 2, byRule: { 'aws-key-age': 2 }, expiredEntries: 1 } } });
    const lm = meta(live);
    expect(lm.get('AWS account')).toBe(`${report.account} · live`);
    expect(lm.get('caller')).toBe('arn:aws:iam::493820157462:user/auditor');
    expect(lm.get('muted')).toBe('2 by the mutelist (1 expired entry muted nothing)');
    expect(lm.get('shown')).toBe(`${report.summary.total - 3} (3 below --severity counted here, not listed)`);
    expect(meta(document).has('muted')).toBe(false);
  });

  it('the NHI chart counts every OWASP id of a finding, as summary.byNhi does, and rows list them all', () => {
    const multi = report.findings.filter((f) => nhiIdsOf(f).length > 1);
    expect(multi.length).toBeGreaterThan(0);
    const values = new Map([...document.querySelectorAll('svg[aria-label^="Findings by OWASP"] g.bar')].map((g) => [g.querySelector('text.bar-label')!.textContent!.split(' ')[0], Number(g.querySelector('text.bar-value')!.textContent)]));
    for (const n of NHI_IDS) {
      expect(values.get(n), n).toBe(report.findings.filter((f) => nhiIdsOf(f).includes(n)).length);
      expect(values.get(n), n).toBe(report.summary.byNhi[n] ?? 0);
    }
    const cells = [...document.querySelectorAll('#findings tbody td.c-nhi')].map((td) => td.textContent);
    for (const f of multi) expect(cells).toContain(nhiIdsOf(f).join(' '));
  });

  it('an account column only when findings carry their account (--org), each row naming its own', () => {
    expect(document.querySelector('th.c-acct')).toBeNull();
    const other = '210987654321';
    let n = 0;
    const org: Report = {
      ...report,
      findings: report.findings.map((f) => (f.kind === 'cloud' ? { ...f, account: n++ % 2 ? other : report.account! } : f)),
      accounts: [report.account!, other, '333333333333'].map((account, i) => ({ account, status: (['read', 'not-read', 'skipped'] as const)[i]!, total: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, gaps: i === 1 ? 1 : 0 })),
    };
    const doc = dom(org);
    expect(meta(doc).get('accounts')).toBe('1 read, <b class="flag">1 not read</b>, 1 skipped (not active)');
    expect(doc.querySelector('th.c-acct')!.textContent).toBe('account');
    const rows = [...doc.querySelectorAll('#findings tbody tr[data-kind="cloud"]')];
    const accounts = rows.map((tr) => tr.querySelector('td.c-acct')!.textContent);
    expect(new Set(accounts)).toEqual(new Set([report.account, other]));
    // Every row has the cell, so the columns stay aligned with the header.
    for (const tr of doc.querySelectorAll('#findings tbody tr')) expect(tr.querySelectorAll('td').length).toBe(doc.querySelectorAll('thead th').length);
  });
});

describe('HTML report of a multi-repository audit', () => {
  const repo = tempRepos();

  it('names each finding\'s own repository, and lists every target in the header', () => {
    const a = repo();
    const b = repo();
    a.commit('a', { 'deploy.sh': `export GH=${githubToken()}\n` });
    b.commit('b', { 'deploy.sh': `export GH=${githubToken()}\n` });
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-html-repos-'));
    try {
      const file = join(dir, 'report.html');
      const r = runCli(['audit', a.dir, b.dir, ...OFFLINE, '-f', 'json', '--html', file]);
      expect(r.stderr).toBe('');
      const json = JSON.parse(r.stdout) as Report;
      const doc = parseHTML(readFileSync(file, 'utf8')).document;
      const rows = [...doc.querySelectorAll('#findings tbody tr[data-kind="secret"]')].filter((tr) => tr.textContent!.includes('deploy.sh:1'));
      expect(rows.length).toBe(2);
      const named = rows.map((tr) => tr.querySelector('.repo .v')!.textContent);
      expect(new Set(named)).toEqual(new Set([a.dir, b.dir]));
      expect(meta(doc).get('targets')!.split('\n')).toEqual([a.dir, b.dir, `aws:${json.account}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
