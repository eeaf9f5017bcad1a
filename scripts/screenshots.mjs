#!/usr/bin/env node
// Makes the README's screenshots from the real CLI: the demo audit's HTML report at 1400 and 800 px
// (docs/html-report-1400.png, docs/html-report-800.png) and its terminal output
// (docs/terminal-summary.png; a real terminal wraps at its width, so does this one). Needs a build (npm run build) and Debian's chromium at /usr/bin/chromium.
//   node scripts/screenshots.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'nhiscan.js');
const docs = join(root, 'docs');
const tmp = mkdtempSync(join(tmpdir(), 'nhiscan-shots-'));

// 16 colours as a dark terminal shows them (SGR 30-37, 90-97 foreground; 40-47, 100-107 background).
const PALETTE = ['#1e1e1e', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5', '#666666', '#ff6b6b', '#5af78e', '#f4f99d', '#6cb6ff', '#ff92df', '#9aedfe', '#ffffff'];
const escHtml = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);

/** ANSI SGR to HTML spans: bold, dim, italic, underline, inverse, 16 and 256 colours; other escapes dropped. */
function ansiToHtml(text) {
  let state = {};
  let out = '';
  const open = () => {
    const css = [];
    let fg = state.fg;
    let bg = state.bg;
    if (state.inverse) [fg, bg] = [bg ?? '#1e1e1e', fg ?? '#e5e5e5'];
    if (fg) css.push(`color:${fg}`);
    if (bg) css.push(`background:${bg}`);
    if (state.bold) css.push('font-weight:700');
    if (state.dim) css.push('opacity:.65');
    if (state.italic) css.push('font-style:italic');
    if (state.underline) css.push('text-decoration:underline');
    return css.length ? `<span style="${css.join(';')}">` : '';
  };
  const color256 = (n) => (n < 16 ? PALETTE[n] : n >= 232 ? `rgb(${(n - 232) * 10 + 8},${(n - 232) * 10 + 8},${(n - 232) * 10 + 8})` : `rgb(${[36, 6, 1].map((d) => [0, 95, 135, 175, 215, 255][Math.floor((n - 16) / d) % 6]).join(',')})`);
  for (const part of text.split(/(\x1b\[[0-9;]*[A-Za-z])/)) {
    const m = /^\x1b\[([0-9;]*)m$/.exec(part);
    if (!m) {
      if (!part.startsWith('\x1b')) {
        const o = open();
        out += o + escHtml(part) + (o ? '</span>' : '');
      }
      continue;
    }
    const codes = (m[1] || '0').split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) state = {};
      else if (c === 1) state.bold = true;
      else if (c === 2) state.dim = true;
      else if (c === 3) state.italic = true;
      else if (c === 4) state.underline = true;
      else if (c === 7) state.inverse = true;
      else if (c === 22) state.bold = state.dim = false;
      else if (c === 23) state.italic = false;
      else if (c === 24) state.underline = false;
      else if (c === 27) state.inverse = false;
      else if (c >= 30 && c <= 37) state.fg = PALETTE[c - 30];
      else if (c >= 90 && c <= 97) state.fg = PALETTE[c - 90 + 8];
      else if (c >= 40 && c <= 47) state.bg = PALETTE[c - 40];
      else if (c >= 100 && c <= 107) state.bg = PALETTE[c - 100 + 8];
      else if (c === 39) delete state.fg;
      else if (c === 49) delete state.bg;
      else if ((c === 38 || c === 48) && codes[i + 1] === 5) { state[c === 38 ? 'fg' : 'bg'] = color256(codes[i + 2]); i += 2; }
      else if ((c === 38 || c === 48) && codes[i + 1] === 2) { state[c === 38 ? 'fg' : 'bg'] = `rgb(${codes[i + 2]},${codes[i + 3]},${codes[i + 4]})`; i += 4; }
    }
  }
  return out;
}

const run = (args, env = {}) => execFileSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  const html = join(tmp, 'report.html');
  run(['audit', '--demo', '--html', html], { NO_COLOR: '1' });
  // The top of the report (header, charts, timeline, the first findings): the whole page is thousands of pixels tall.
  for (const [width, height] of [[1400, 1700], [800, 2000]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(pathToFileURL(html).href);
    await page.screenshot({ path: join(docs, `html-report-${width}.png`) });
    await page.close();
  }

  const { NO_COLOR: _drop, ...env } = process.env;
  const ansi = execFileSync(process.execPath, [cli, 'audit', '--demo'], { cwd: root, encoding: 'utf8', env: { ...env, FORCE_COLOR: '1', COLUMNS: '100' }, maxBuffer: 64 << 20 });
  const term = join(tmp, 'terminal.html');
  // 100 columns plus a pixel: a line of exactly 100 characters must not wrap on the rounding of glyph advances.
  writeFileSync(term, `<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#1e1e1e}pre{margin:0;padding:16px 20px;color:#e5e5e5;background:#1e1e1e;font:13px/1.4 "DejaVu Sans Mono",monospace;width:calc(100ch + 1px);white-space:pre-wrap;word-break:break-all}</style><pre>$ COLUMNS=100 node bin/nhiscan.js audit --demo\n${ansiToHtml(ansi)}</pre>`);
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(pathToFileURL(term).href);
  const box = await page.locator('pre').boundingBox();
  await page.screenshot({ path: join(docs, 'terminal-summary.png'), fullPage: true, clip: { x: 0, y: 0, width: Math.ceil(box.width), height: Math.min(1400, Math.ceil(box.height)) } });
  await page.close();
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
console.log('wrote docs/html-report-1400.png, docs/html-report-800.png, docs/terminal-summary.png');
