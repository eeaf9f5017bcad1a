// The cloud rules as data, in the one registry: `[rules] disable/severity` for `nhiscan aws` and
// `audit`, unknown ids refused, `rules list` and SARIF describing them, and the README table
// generated from the registry (scripts/rules-table.mjs). The CLI tests spawn the built CLI (dist/).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { builtinRegistry, cloudRegistry, findBuiltinRule, ruleInfo } from '../src/detect/registry.js';
import { UsageError } from '../src/errors.js';
import { summarize, NHI_IDS, type CloudFinding, type Report } from '../src/model.js';
import { toSarif } from '../src/report/sarif.js';
import { CLOUD_RULES } from '../src/score/rules.js';
// @ts-expect-error: a plain .mjs script without types
import { currentBlock, renderCloudRulesTable, replaceBlock } from '../scripts/rules-table.mjs';
import { cli, expectContract } from './faults/harness.js';

const ROOT = join(import.meta.dirname, '..');
const FIX = join(ROOT, 'fixtures', 'aws');
const OFFLINE = ['--credential-report', join(FIX, 'credential-report.csv'), '--authorization-details', join(FIX, 'authorization-details.json'), '--secrets', join(FIX, 'secrets.json')];

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function dir(files: Record<string, string> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'nhiscan-cloud-rules-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe('the cloud rules are data in the registry', () => {
  it('each rule has an id, title, severity, NHI ids, rationale, remediation and a check; ids are unique', () => {
    const ids = CLOUD_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(30);
    for (const r of CLOUD_RULES) {
      expect(r.id, r.id).toMatch(/^aws-[a-z0-9-]+$/);
      expect(r.title.length, r.id).toBeGreaterThan(10);
      expect(r.rationale.length, r.id).toBeGreaterThan(20);
      expect(r.remediation.length, r.id).toBeGreaterThan(10);
      expect(r.nhi.length, r.id).toBeGreaterThan(0);
      for (const n of r.nhi) expect(NHI_IDS, r.id).toContain(n);
      expect(typeof r.check, r.id).toBe('function');
    }
  });

  it('every cloud rule is in the registry once, as kind cloud, with its metadata and nothing executable in its JSON', () => {
    const cloud = cloudRegistry();
    expect(cloud.map((e) => e.id)).toEqual(CLOUD_RULES.map((r) => r.id));
    const ids = builtinRegistry().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const e = findBuiltinRule('aws-group-admin')!;
    expect(ruleInfo(e)).toMatchObject({ kind: 'cloud', provider: 'aws', severity: 'high', nhi: ['NHI5'], scope: 'group' });
    expect(JSON.parse(JSON.stringify(ruleInfo(e)))).not.toHaveProperty('rule');
  });

  it('config [rules] accepts cloud rule ids and refuses unknown ones', () => {
    const cfg = parseConfig('[rules]\ndisable = ["aws-key-age"]\nseverity = { aws-two-active-keys = "low" }\n', 'x.toml');
    expect([...cfg.disabledRules]).toEqual(['aws-key-age']);
    expect(cfg.severity.get('aws-two-active-keys')).toBe('low');
    expect(() => parseConfig('[rules]\ndisable = ["aws-key-agee"]\n', 'x.toml')).toThrow(UsageError);
  });
});

describe('[rules] disable/severity apply to nhiscan aws and audit', () => {
  const CONFIG = '[rules]\ndisable = ["aws-key-age"]\nseverity = { aws-two-active-keys = "low", aws-root-no-mfa = "info" }\n';
  const findings = (stdout: string) => (JSON.parse(stdout) as Report).findings as CloudFinding[];

  it('aws: a disabled cloud rule reports nothing, a severity override applies to each of its findings', { timeout: 30_000 }, async () => {
    const plain = await cli(['aws', ...OFFLINE, '-f', 'json'], { cwd: dir() });
    expectContract(plain, { code: 1 });
    expect(findings(plain.stdout).some((f) => f.ruleId === 'aws-key-age')).toBe(true);
    expect(findings(plain.stdout).find((f) => f.ruleId === 'aws-two-active-keys')?.severity).toBe('medium');

    const d = dir({ '.nhiscan.toml': CONFIG });
    const r = await cli(['aws', ...OFFLINE, '-f', 'json'], { cwd: d });
    expectContract(r, { code: 1 });
    const fs = findings(r.stdout);
    expect(fs.filter((f) => f.ruleId === 'aws-key-age')).toEqual([]);
    expect(fs.filter((f) => f.ruleId === 'aws-two-active-keys').map((f) => f.severity)).toEqual(['low']);
    expect(fs.find((f) => f.ruleId === 'aws-root-no-mfa')?.severity).toBe('info');
    // -c names the same file from elsewhere.
    const c = await cli(['aws', ...OFFLINE, '-f', 'json', '-c', join(d, '.nhiscan.toml')], { cwd: dir() });
    expect(findings(c.stdout).filter((f) => f.ruleId === 'aws-key-age')).toEqual([]);
  });

  it('aws: an unknown rule id in [rules] is a usage error (exit 2), one line naming the file and line', { timeout: 30_000 }, async () => {
    const d = dir({ '.nhiscan.toml': '[rules]\ndisable = ["aws-key-agee"]\n' });
    expectContract(await cli(['aws', ...OFFLINE, '-f', 'json'], { cwd: d }), { code: 2, says: /\.nhiscan\.toml:2: \[rules\] disable entry 1: unknown rule id/ });
  });

  it('audit: the same config turns the cloud rule off there too', { timeout: 60_000 }, async () => {
    const d = dir({ '.nhiscan.toml': CONFIG, 'README': 'nothing here\n' });
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { cwd: d, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'init');
    const r = await cli(['audit', '.', ...OFFLINE, '-f', 'json'], { cwd: d });
    expectContract(r, { code: 1 });
    const fs = (JSON.parse(r.stdout) as Report).findings.filter((f): f is CloudFinding => f.kind === 'cloud');
    expect(fs.length).toBeGreaterThan(5);
    expect(fs.filter((f) => f.ruleId === 'aws-key-age')).toEqual([]);
    expect(fs.filter((f) => f.ruleId === 'aws-two-active-keys').map((f) => f.severity)).toEqual(['low']);
  });
});

describe('rules list and SARIF describe the cloud rules', () => {
  it('rules list: text and json carry every cloud rule; json has rationale and remediation; disable and severity show', { timeout: 30_000 }, async () => {
    const d = dir({ '.nhiscan.toml': '[rules]\ndisable = ["aws-user-idle"]\nseverity = { aws-data-access = "info" }\n' });
    const text = await cli(['rules', 'list'], { cwd: d });
    expectContract(text, { code: 0, lines: 0 });
    expect(text.stdout).toMatch(/^aws-group-admin +cloud +high +aws +Group grants administrator/m);
    expect(text.stdout).toMatch(/^aws-user-idle +cloud +off +aws /m);
    const json = await cli(['rules', 'list', '-f', 'json'], { cwd: d });
    const list = JSON.parse(json.stdout) as Array<{ id: string; kind: string; enabled: boolean; severity: string; rationale?: string; remediation?: string }>;
    const cloud = list.filter((e) => e.kind === 'cloud');
    expect(cloud.map((e) => e.id)).toEqual(CLOUD_RULES.map((r) => r.id));
    for (const e of cloud) {
      expect(e.rationale, e.id).toBe(CLOUD_RULES.find((r) => r.id === e.id)!.rationale);
      expect(e.remediation, e.id).toBe(CLOUD_RULES.find((r) => r.id === e.id)!.remediation);
    }
    expect(cloud.find((e) => e.id === 'aws-user-idle')?.enabled).toBe(false);
    expect(cloud.find((e) => e.id === 'aws-data-access')?.severity).toBe('info');
  });

  it('rules check skips cloud rules (they have no text examples) and still passes', { timeout: 60_000 }, async () => {
    const r = await cli(['rules', 'check', '-f', 'json'], { cwd: dir() });
    expectContract(r, { code: 0, lines: 0 });
    const out = JSON.parse(r.stdout);
    expect(out.failures).toEqual([]);
    expect(out.rules).toBe(builtinRegistry().filter((e) => e.kind !== 'gate' && e.kind !== 'cloud').length);
  });

  it('a SARIF descriptor of a cloud rule comes from the registry: title, top severity, rationale, every NHI id, not tagged secret', () => {
    const rule = findBuiltinRule('aws-secret-public-policy')!;
    const f: CloudFinding = {
      kind: 'cloud', ruleId: rule.id, title: 'whatever the result said', severity: 'low', nhi: ['NHI5'], nhiIds: ['NHI5', 'NHI2', 'NHI6'], fingerprint: '2'.repeat(32),
      identity: { kind: 'secret', name: 's', arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s' }, evidence: {},
    };
    const report: Report = { tool: 'nhiscan', version: '0.0.0', target: 'aws', generatedAt: new Date(0).toISOString(), summary: summarize([f], 0), findings: [f], coverage: { complete: true, gaps: [] } };
    const [d] = toSarif(report).runs[0]!.tool.driver.rules!;
    expect(d).toMatchObject({
      id: rule.id,
      shortDescription: { text: rule.title },
      fullDescription: { text: `${rule.title}. ${rule.rationale}` },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'NHI5', 'NHI2', 'NHI6'], 'security-severity': '9.5' },
    });
  });
});

describe('the README table of cloud rules is generated from the registry', () => {
  it('README.md holds exactly the block scripts/rules-table.mjs renders (run it after changing a rule)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = renderCloudRulesTable(builtinRegistry());
    expect(currentBlock(readme), 'README.md has no cloud-rules block, or an outdated one: node scripts/rules-table.mjs').toBe(block);
  });

  it('the block has one row per cloud rule with its NHI ids and severity, and markdown-safe text', () => {
    const block: string = renderCloudRulesTable(builtinRegistry());
    const rows = block.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(CLOUD_RULES.length);
    expect(rows[CLOUD_RULES.findIndex((r) => r.id === 'aws-root-access-key')]).toMatch(/^\| `aws-root-access-key` \| Root user has an active access key \| NHI4, NHI5, NHI7 \| critical \| /);
    // `*:*` would otherwise read as emphasis.
    expect(rows.find((r) => r.includes('aws-admin-privileges'))).toContain('\\*:\\*');
  });

  it('replaces only the marked block, and refuses a README without markers', () => {
    const next = replaceBlock('intro\n<!-- cloud-rules:start -->\nold\n<!-- cloud-rules:end -->\noutro\n', '<!-- cloud-rules:start -->\nnew\n<!-- cloud-rules:end -->');
    expect(next).toBe('intro\n<!-- cloud-rules:start -->\nnew\n<!-- cloud-rules:end -->\noutro\n');
    expect(() => replaceBlock('no markers', 'x')).toThrow(/no <!-- cloud-rules:start -->/);
  });

  it('the script rewrites a README and --check fails on an outdated one (built registry, dist/)', () => {
    const d = dir({ 'README.md': '# x\n<!-- cloud-rules:start -->\nstale\n<!-- cloud-rules:end -->\n' });
    const file = join(d, 'README.md');
    const script = join(ROOT, 'scripts', 'rules-table.mjs');
    expect(() => execFileSync(process.execPath, [script, '--check', file], { stdio: 'pipe' })).toThrow();
    execFileSync(process.execPath, [script, file], { stdio: 'pipe' });
    expect(readFileSync(file, 'utf8')).toBe(`# x\n${renderCloudRulesTable(builtinRegistry())}\n`);
    execFileSync(process.execPath, [script, '--check', file], { stdio: 'pipe' });
  });
});
