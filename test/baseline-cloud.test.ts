import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, mergeBaseline } from '../src/baseline.js';
import type { BaselineEntry, CloudFinding, Report } from '../src/model.js';
import { cli, expectContract } from './faults/harness.js';
import { tempRepos } from './helpers/git.js';
import { githubToken } from './helpers/secrets.js';

const ROOT = process.cwd();
const OFFLINE = ['--credential-report', 'credential-report.csv', '--authorization-details', 'authorization-details.json', '--secrets', 'secrets.json', '--access-keys', 'access-keys.json'].map((a) =>
  a.startsWith('--') ? a : join(ROOT, 'fixtures', 'aws', a),
);
const BREAK_GLASS = 'arn:aws:iam::493820157462:user/alice';

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('baseline for aws (keyed by fingerprint)', () => {
  it('baseline create --from-report records an aws run; the next aws run honours ./.nhiscan-baseline.json and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-bl-aws-'));
    const first = await cli(['aws', ...OFFLINE, '-f', 'json', '-o', 'run.json'], { cwd: dir });
    expectContract(first, { code: 1, lines: 0 });
    const run = readJson<Report>(join(dir, 'run.json'));
    expect(run.findings.length).toBeGreaterThan(10);

    const made = await cli(['baseline', 'create', '--from-report', 'run.json', '--reason', 'accepted at onboarding'], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    const baseline = readJson<{ entries: BaselineEntry[] }>(join(dir, '.nhiscan-baseline.json'));
    expect(baseline.entries.map((e) => e.fingerprint).sort()).toEqual([...new Set(run.findings.map((f) => f.fingerprint))].sort());
    expect(baseline.entries.every((e) => e.path.startsWith('arn:') && e.reason === 'accepted at onboarding')).toBe(true);

    const again = await cli(['aws', ...OFFLINE, '-f', 'json'], { cwd: dir });
    expectContract(again, { code: 0, lines: 0 });
    const report = JSON.parse(again.stdout) as Report;
    expect(report.findings).toEqual([]);
    expect(report.baseline).toMatchObject({ suppressed: run.findings.length, stale: [], expired: [] });

    // --no-baseline shows everything again; a baseline that lost one entry lets exactly that finding through.
    expect((await cli(['aws', ...OFFLINE, '--no-baseline'], { cwd: dir })).code).toBe(1);
    const dropped = baseline.entries.find((e) => e.ruleId === 'aws-admin-privileges' && e.path === BREAK_GLASS)!;
    writeFileSync(join(dir, 'fewer.json'), JSON.stringify({ entries: baseline.entries.filter((e) => e !== dropped) }));
    const one = await cli(['aws', ...OFFLINE, '-f', 'json', '-b', 'fewer.json'], { cwd: dir });
    expect(one.code).toBe(1);
    expect((JSON.parse(one.stdout) as Report).findings.map((f) => [f.ruleId, (f as CloudFinding).identity.arn])).toEqual([['aws-admin-privileges', BREAK_GLASS]]);
  });

  it('--from-report refuses a report the baseline already filtered (exit 2) and an incomplete one (exit 3, nothing written)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-bl-bad-'));
    await cli(['aws', ...OFFLINE, '-f', 'json', '-o', 'r.json'], { cwd: dir });
    const r = readJson<Report>(join(dir, 'r.json'));
    writeFileSync(join(dir, 'filtered.json'), JSON.stringify({ ...r, baseline: { file: 'x', suppressed: 1, stale: [], expired: [] } }));
    expectContract(await cli(['baseline', 'create', '--from-report', 'filtered.json'], { cwd: dir }), { code: 2, says: /--no-baseline/ });
    writeFileSync(join(dir, 'partial.json'), JSON.stringify({ ...r, coverage: { complete: false, gaps: [{ scope: 'iam:ListAccessKeys svc', reason: 'AccessDenied' }] } }));
    expectContract(await cli(['baseline', 'create', '--from-report', 'partial.json'], { cwd: dir }), { code: 3, says: /report incomplete/ });
    expect(existsSync(join(dir, '.nhiscan-baseline.json'))).toBe(false);
    writeFileSync(join(dir, 'junk.json'), '{"tool":"nhiscan","findings":[{"ruleId":1}]}');
    expectContract(await cli(['baseline', 'create', '--from-report', 'junk.json'], { cwd: dir }), { code: 2, says: /not an nhiscan JSON report/ });
  });
});

describe('baseline for audit', () => {
  const repo = tempRepos();

  it('audit honours .nhiscan-baseline.json for cloud and secret findings alike: an accepted break-glass admin no longer fails CI', async () => {
    const r = repo();
    r.commit('config', { 'app.env': `GITHUB_TOKEN=${githubToken()}\n` });
    // The report goes outside the repository: committed, its key ids would be findings of their own.
    const out = join(mkdtempSync(join(tmpdir(), 'nhiscan-bl-out-')), 'audit.json');
    const first = await cli(['audit', ...OFFLINE, '-f', 'json', '-o', out], { cwd: r.dir });
    expectContract(first, { code: 1, lines: 0 });
    const run = readJson<Report>(out);
    expect(run.findings.some((f) => f.kind === 'secret')).toBe(true);
    expect(run.findings.some((f) => f.ruleId === 'aws-admin-privileges' && (f as CloudFinding).identity.arn === BREAK_GLASS)).toBe(true);

    expect((await cli(['baseline', 'create', '--from-report', out], { cwd: r.dir })).code).toBe(0);
    const ci = await cli(['audit', ...OFFLINE, '-f', 'json'], { cwd: r.dir });
    expectContract(ci, { code: 0, lines: 0 });
    const report = JSON.parse(ci.stdout) as Report;
    expect(report.findings).toEqual([]);
    expect(report.baseline!.suppressed).toBe(run.findings.length);

    // A new secret is still caught.
    r.commit('more', { 'other.env': `TOKEN=${githubToken()}\n` });
    const next = await cli(['audit', ...OFFLINE, '-f', 'json'], { cwd: r.dir });
    expect(next.code).toBe(1);
    expect((JSON.parse(next.stdout) as Report).findings.map((f) => f.kind)).toEqual(['secret']);
  });
});

describe('one baseline file, two kinds of entries', () => {
  const src: BaselineEntry = { fingerprint: 'fp-src', ruleId: 'github-pat', path: 'app.env', added: '2026-01-01' };
  const cloud: BaselineEntry = { fingerprint: 'fp-cloud', ruleId: 'aws-admin-privileges', path: BREAK_GLASS, added: '2026-01-01' };
  const file = { file: 'b.json', entries: [src, cloud] };

  it('a scan does not call account entries stale, nor an aws run the repository\'s; audit sees both', () => {
    expect(applyBaseline([], file, true).outcome.stale).toEqual([src]);
    expect(applyBaseline([], file, true, '2026-12-01', 'cloud').outcome.stale).toEqual([cloud]);
    expect(applyBaseline([], file, true, '2026-12-01', 'all').outcome.stale).toEqual([src, cloud]);
  });

  it('updating from an aws report keeps the repository\'s entries, and the other way round', () => {
    const empty = { findings: [] } as unknown as Report;
    expect(mergeBaseline(empty, [src, cloud], {}, false, '2026-12-01', 'cloud').entries).toEqual([src]);
    expect(mergeBaseline(empty, [src, cloud], {}, false, '2026-12-01', 'source').entries).toEqual([cloud]);
  });
});
