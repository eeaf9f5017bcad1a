// Terminal injection: file names, commit authors and messages come from the scanned repository.
// None of their control characters may reach the terminal (or a spreadsheet) raw, in any writer.
import { describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Report } from '../../src/model.js';
import { escapeControl } from '../../src/report/escape.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { tempRepos } from '../helpers/git.js';
import { githubToken } from '../helpers/secrets.js';
import { cli, expectContract } from './harness.js';

const repo = tempRepos();

// Tab and newline are the writers' own layout; every other control, and the bidi controls, are data.
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const HOSTILE_NAMES = [
  '\u001b[2J\u001b]0;pwned\u0007.env', // clear screen, retitle the window
  'cr\rhidden.env', // carriage return: overwrite the start of the line
  'new\nline.env', // a fake report line
  'bidi-\u202egpj.env', // right-to-left override: reads as "bidi-vne.jpg"
  'c1-\u009b31m.env', // C1 CSI: one character, same effect as ESC [
];

function hostileRepo(): { dir: string; tokens: string[] } {
  const r = repo();
  r.git('config', 'user.name', '\u001b[31mEvil\u001b[0m \u202eliam');
  r.git('config', 'user.email', 'evil\u0007@example.org');
  const tokens = HOSTILE_NAMES.map(() => githubToken());
  r.commit('add \u009b2J config\u001b[8m', Object.fromEntries(HOSTILE_NAMES.map((n, i) => [n, `token = ${tokens[i]}\n`])));
  return { dir: r.dir, tokens };
}

describe('no raw control characters from scanned data in any writer', () => {
  it.each(['text', 'json', 'jsonl', 'sarif'])('history scan, --format %s', { timeout: 30_000 }, async (format) => {
    const { dir, tokens } = hostileRepo();
    const r = await cli(['scan', dir, '--format', format, '--no-color']);
    expectContract(r, { code: 1, secrets: tokens });
    expect(r.stdout.length).toBeGreaterThan(0);
    const raw = RAW.exec(r.stdout);
    expect(raw, `raw U+${raw?.[0].charCodeAt(0).toString(16)} in ${format} output`).toBeNull();
  });

  it('text shows what was escaped, so the reader still sees the real name', { timeout: 30_000 }, async () => {
    const { dir } = hostileRepo();
    const r = await cli(['scan', dir, '--format', 'text', '--no-color']);
    expect(r.stdout).toContain('\\x1b[2J\\x1b]0;pwned\\x07.env');
    expect(r.stdout).toContain('bidi-\\u202egpj.env');
    // git itself drops the author's leading ESC; the one after "Evil" is kept.
    expect(r.stdout).toContain('Evil\\x1b[0m \\u202eliam');
    expect(r.stdout).toContain('"add \\x9b2J config\\x1b[8m"');
    expect(r.stdout).toContain('new\\x0aline.env');
  });

  it('JSON keeps the exact value (escaped as \\u, parsed back unchanged)', { timeout: 30_000 }, async () => {
    const { dir } = hostileRepo();
    const r = await cli(['scan', dir, '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    const paths = report.findings.map((f) => ('location' in f ? f.location.path : '')).sort();
    expect(paths).toEqual([...HOSTILE_NAMES].sort());
  });

  // scan has no markdown/csv/html format (audit does, but needs an AWS account): render the scan's report directly.
  it.each([
    ['markdown', renderMarkdown],
    ['csv', renderCsv],
    ['html', (r: Report) => renderHtml(r)],
  ] as const)('the %s writer has no raw control characters either', { timeout: 30_000 }, async (_name, render) => {
    const { dir } = hostileRepo();
    const report = JSON.parse((await cli(['scan', dir, '--format', 'json'])).stdout) as Report;
    // Every hostile name must be a finding before its rendering is judged; if one is ever missing,
    // say what the scan itself reported (a CI run once lost the bidi one, and nothing else showed).
    const paths = report.findings.map((f) => ('location' in f ? f.location.path : '')).sort();
    expect(paths, JSON.stringify({ coverage: report.coverage, summary: report.summary })).toEqual([...HOSTILE_NAMES].sort());
    const out = render(report);
    const raw = RAW.exec(out);
    expect(raw, `raw U+${raw?.[0].charCodeAt(0).toString(16)}`).toBeNull();
    expect(out).toContain('bidi-\\u202egpj.env');
  });
});

describe('CSV formula injection', () => {
  it.each(['=HYPERLINK("x")', '+1+1', '-2+3', '@SUM(A1)'])('a file named %j is a text cell, not a formula', { timeout: 30_000 }, async (name) => {
    const r = repo();
    const token = githubToken();
    r.commit('add', { [`${name}.env`]: `token = ${token}\n` });
    const out = await cli(['scan', r.dir, '--format', 'json']);
    expectContract(out, { code: 1, secrets: [token] });
    const rows = parseCsv(renderCsv(JSON.parse(out.stdout) as Report), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => row.path)).toEqual([`'${name}.env`]);
  });
});

describe('escapeControl', () => {
  it('escapes C0, DEL, C1 and bidi controls, and leaves other text alone', () => {
    expect(escapeControl('a\u0000b\tc\nd\u001be\u007ff\u0085g\u009bh\u202ei\u2066j\u2069k')).toBe(
      'a\\x00b\\x09c\\x0ad\\x1be\\x7ff\\x85g\\x9bh\\u202ei\\u2066j\\u2069k',
    );
    expect(escapeControl('résumé 😀 ünïcode / path:1')).toBe('résumé 😀 ünïcode / path:1');
  });
});
