// JSON and JSON Lines reports are written in pieces (src/report/json.ts), so a report too large for
// one V8 string is still written; joined, the pieces must be exactly the one-string rendering.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, Report } from '../src/model.js';
import { jsonSafe } from '../src/report/escape.js';
import { jsonChunks, jsonlChunks } from '../src/report/json.js';
import { runCli } from './helpers/git.js';

const demo = JSON.parse(runCli(['audit', '--demo', '-f', 'json']).stdout) as Report;

/** The demo's findings, many times over, with hostile characters in their titles and the target. */
function big(copies: number): Report {
  const hostile = ['a\u2028b', 'bidi\u202ename', 'del\u007f', 'nl\nquote"back\\', 'findings": []', '\u0085c1'];
  const findings: Finding[] = [];
  for (let i = 0; i < copies; i++) {
    for (const f of demo.findings) {
      const copy = structuredClone(f) as Finding & { title: string };
      copy.title = `${copy.title} ${hostile[i % hostile.length]} ${i}`;
      findings.push(copy);
    }
  }
  return { ...demo, findings, target: 'x\u2029 "findings": []' };
}

const oneString = (r: Report) => `${jsonSafe(JSON.stringify(r, null, 2))}\n`;

describe('reports in pieces', () => {
  it('JSON: the pieces joined are JSON.stringify of the whole report, made safe', () => {
    expect(demo.findings.length).toBeGreaterThan(3);
    for (const r of [demo, big(1), big(400), { ...demo, findings: [] }]) {
      const pieces = jsonChunks(r);
      expect(pieces.join('')).toBe(oneString(r));
      expect(JSON.parse(pieces.join(''))).toEqual(JSON.parse(JSON.stringify(r)));
    }
  });

  it('a large report comes in several pieces of about 1 MiB, none holding the whole', () => {
    const r = big(400);
    const whole = oneString(r);
    const pieces = jsonChunks(r);
    expect(whole.length).toBeGreaterThan(3 << 20);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces.slice(0, -1)) {
      expect(p.length).toBeGreaterThanOrEqual(1 << 20);
      expect(p.length).toBeLessThan((1 << 20) + 64 * 1024);
    }
  });

  it('JSON Lines: a finding per line and the summary last, as one string would have it', () => {
    const r = big(50);
    const text = jsonlChunks(r).join('');
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 1).toBe(r.findings.length + 1);
    expect(JSON.parse(lines[0]!)).toEqual({ type: 'finding', ...JSON.parse(JSON.stringify(r.findings[0])) });
    expect(JSON.parse(lines.at(-2)!)).toMatchObject({ type: 'summary', tool: 'nhiscan' });
    // No raw line or paragraph separator survives to split a line for a log shipper.
    expect(text).not.toMatch(/[\u2028\u2029\u0085\u007f\u202e]/);
  });

  it('the CLI writes the same report to a file (0600) and to stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-pieces-'));
    const file = join(dir, 'r.json');
    // Offline from the bundled exports, so both runs see the same account.
    const fix = join(import.meta.dirname, '..', 'fixtures', 'aws');
    const offline = ['aws', '--credential-report', join(fix, 'credential-report.csv'), '--authorization-details', join(fix, 'authorization-details.json'), '--secrets', join(fix, 'secrets.json'), '--access-keys', join(fix, 'access-keys.json'), '-f', 'json'];
    const out = runCli(offline);
    const toFile = runCli([...offline, '-o', file]);
    expect(out.code).toBe(toFile.code);
    expect(out.stdout.length).toBeGreaterThan(1000);
    expect(toFile.stdout).toBe('');
    const strip = (t: string) => t.replace(/"generatedAt": "[^"]*"/, '').replace(/"durationMs": \d+/, '');
    expect(strip(readFileSync(file, 'utf8'))).toBe(strip(out.stdout));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
