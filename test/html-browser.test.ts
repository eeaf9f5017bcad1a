import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/model.js';
import { renderHtml } from '../src/report/html.js';
import { runCli } from './helpers/git.js';

// The HTML report in a real browser: Debian's chromium, headless. No skip when it is missing:
// .ci/run installs it, and a machine without it fails here.
const CHROMIUM = '/usr/bin/chromium';

// The page callbacks run in the browser; the project compiles without the DOM lib, so what they use is named here.
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };
declare function getComputedStyle(e: unknown, pseudo?: string): { content: string; wordBreak: string };
interface Box { x: number; y: number; width: number; height: number }
interface Node { textContent: string | null; dataset: Record<string, string>; getBBox(): Box; getBoundingClientRect(): Box; querySelector(s: string): Node | null; querySelectorAll(s: string): Node[]; x: { baseVal: { value: number } } }

let browser: Browser;
let dir: string;
let url: string;

beforeAll(async () => {
  const r = runCli(['audit', '--demo', '-f', 'json']);
  const report = JSON.parse(r.stdout) as Report;
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-html-browser-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtml(report));
  url = pathToFileURL(file).href;
  browser = await chromium.launch({ executablePath: CHROMIUM });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(width: number): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(url);
  return { page, requests };
}

const column = (page: Page, cls: string) => page.$$eval(`#findings tbody tr:not([hidden]) td.${cls}`, (tds) => tds.map((td) => td.textContent ?? ''));

describe('HTML report in Chromium', () => {
  it('no request leaves the page: the only request is the page itself', async () => {
    const { page, requests } = await open(1400);
    await page.waitForLoadState('networkidle');
    await page.click('th.c-risk button');
    await page.fill('#q', 'svc');
    expect(requests).toEqual([url]);
    await page.close();
  });

  it('a click sorts: first click worst first with an indicator, the second reverses, text columns start A to Z', async () => {
    const { page } = await open(1400);
    const before = await column(page, 'c-rule');
    await page.click('th.c-risk button');
    const risks = (await column(page, 'c-risk')).map(Number);
    expect(risks).toEqual([...risks].sort((a, b) => b - a));
    expect(await column(page, 'c-rule')).not.toEqual(before);
    expect(await page.getAttribute('th.c-risk', 'aria-sort')).toBe('descending');
    const arrow = await page.$eval('th.c-risk button', (b) => getComputedStyle(b, '::after').content);
    expect(arrow).toContain('▼');
    await page.click('th.c-risk button');
    const asc = (await column(page, 'c-risk')).map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(await page.getAttribute('th.c-risk', 'aria-sort')).toBe('ascending');
    await page.click('th.c-rule button');
    expect(await page.getAttribute('th.c-risk', 'aria-sort')).toBe('none');
    expect(await page.getAttribute('th.c-rule', 'aria-sort')).toBe('ascending');
    const rules = await column(page, 'c-rule');
    expect(rules).toEqual([...rules].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
    await page.close();
  });

  it('typing a filter hides rows; the severity floor hides lower ones', async () => {
    const { page } = await open(1400);
    const all = (await column(page, 'c-rule')).length;
    await page.fill('#q', 'svc-deploy');
    const shown = await page.$$eval('#findings tbody tr:not([hidden])', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(all);
    for (const t of shown) expect(t).toContain('svc-deploy');
    expect(await page.isVisible('#findings tbody tr[hidden]')).toBe(false);
    await page.fill('#q', '');
    await page.selectOption('#sev', '3');
    const sevs = await page.$$eval('#findings tbody tr:not([hidden])', (trs) => trs.map((tr) => (tr as unknown as Node).dataset.severity));
    expect(new Set(sevs)).toEqual(new Set(['critical', 'high']));
    expect(await page.textContent('#shown')).toMatch(/^\d+ of \d+ finding/);
    await page.close();
  });

  for (const width of [1400, 800]) {
    it(`at ${width} px: nothing overflows, labels clear bars and markers, the fix column keeps its width`, async () => {
      const { page } = await open(width);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // NHI chart: every label ends left of its bar, and shows in full.
      const chart = await page.$$eval('svg[aria-label^="Findings by OWASP"] g.bar', (gs) =>
        gs.map((g) => {
          const label = (g as unknown as Node).querySelector('text.bar-label')!;
          const bar = (g as unknown as Node).querySelector('rect')!;
          return { text: label.textContent, right: label.getBBox().x + label.getBBox().width, bar: bar.x.baseVal.value };
        }),
      );
      expect(chart.map((c) => c.text)).toContain('NHI6 Insecure Cloud Deployment Configurations');
      for (const c of chart) expect(c.right, c.text ?? '').toBeLessThan(c.bar);
      // Timeline: axis labels do not overlap one another, and lane labels sit above every marker.
      const tl = await page.$eval('svg[aria-label="timeline"]', (svg) => {
        const box = (e: unknown) => {
          const b = (e as unknown as Node).getBBox();
          return { x: b.x, y: b.y, width: b.width, height: b.height };
        };
        const ticks = [...(svg as unknown as Node).querySelectorAll('text.tick-label')].map(box);
        const lanes = [...(svg as unknown as Node).querySelectorAll('g.lane')].map((g) => ({
          label: box(g.querySelector('text.lane-label')!),
          marks: [...g.querySelectorAll('line,rect,circle')].map(box),
        }));
        return { ticks, lanes };
      });
      expect(tl.ticks.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < tl.ticks.length; i++) expect(tl.ticks[i]!.x).toBeGreaterThan(tl.ticks[i - 1]!.x + tl.ticks[i - 1]!.width);
      for (const l of tl.lanes) for (const m of l.marks) expect(m.y).toBeGreaterThanOrEqual(l.label.y + l.label.height);
      // Fix text wraps at word boundaries and keeps a usable width.
      const fix = await page.$eval('#findings tbody tr td.c-fix', (td) => ({ width: (td as unknown as Node).getBoundingClientRect().width, wordBreak: getComputedStyle((td as unknown as Node).querySelector('.cmd')).wordBreak }));
      expect(fix.wordBreak).not.toBe('break-all');
      expect(fix.width).toBeGreaterThan(width === 800 ? 600 : 300);
      await page.close();
    });
  }
});
