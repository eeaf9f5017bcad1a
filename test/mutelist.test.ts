import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { UsageError } from '../src/errors.js';
import type { CloudFinding, Finding, Report } from '../src/model.js';
import { applyMutelist, wildcard, type MuteEntry } from '../src/score/mutelist.js';
import { cli, expectContract } from './faults/harness.js';

const ACCOUNT = '493820157462';
const OFFLINE = ['--credential-report', 'fixtures/aws/credential-report.csv', '--authorization-details', 'fixtures/aws/authorization-details.json', '--secrets', 'fixtures/aws/secrets.json', '--access-keys', 'fixtures/aws/access-keys.json'];
const ROOT = process.cwd();

function finding(ruleId: string, arn: string, extra: Partial<CloudFinding> = {}): CloudFinding {
  return { kind: 'cloud', ruleId, title: ruleId, severity: 'high', nhi: ['NHI5'], fingerprint: `${ruleId}|${arn}`, identity: { arn, name: arn.split('/').pop()!, kind: 'service-user' }, evidence: {}, ...extra };
}

function entry(e: Partial<MuteEntry>): MuteEntry {
  return { index: 1, line: 1, rules: [], identities: [], accounts: [], tags: {}, reason: 'accepted', ...e };
}

describe('mutelist matching (pure)', () => {
  const admin = finding('aws-admin-privileges', `arn:aws:iam::${ACCOUNT}:user/ops/breakglass`);
  const other = finding('aws-key-age', `arn:aws:iam::${ACCOUNT}:user/ops/breakglass`);
  const elsewhere = finding('aws-admin-privileges', 'arn:aws:iam::222222222222:user/ops/breakglass');
  const all: Finding[] = [admin, other, elsewhere];
  const noTags = () => [];

  it('IAM wildcards: * crosses / and :, ? is one character, the rest is literal', () => {
    expect(wildcard('arn:aws:iam::*:user/*').test(`arn:aws:iam::${ACCOUNT}:user/ops/breakglass`)).toBe(true);
    expect(wildcard('deploy-??').test('deploy-01')).toBe(true);
    expect(wildcard('deploy-??').test('deploy-001')).toBe(false);
    expect(wildcard('a.b').test('axb')).toBe(false);
  });

  it('every condition an entry gives must hold: rule and identity and account', () => {
    const { findings, outcome } = applyMutelist(all, [entry({ rules: ['aws-admin-*'], identities: ['breakglass'], accounts: [ACCOUNT], reason: 'break-glass admin, reviewed quarterly' })], noTags, '2026-12-01');
    expect(findings).toEqual([other, elsewhere]);
    expect(outcome.muted).toEqual([
      { ruleId: 'aws-admin-privileges', fingerprint: admin.fingerprint, severity: 'high', identity: admin.identity.arn, account: ACCOUNT, entry: 1, reason: 'break-glass admin, reviewed quarterly' },
    ]);
  });

  it('an --org finding is matched by its account field; tags come from the inventory', () => {
    const org = finding('aws-key-age', 'arn:aws:iam::333333333333:user/x', { account: '333333333333' });
    const tagged = (f: CloudFinding) => (f === org ? [{ Key: 'team', Value: 'platform-core' }] : []);
    expect(applyMutelist([org], [entry({ accounts: ['3333*'], tags: { team: 'platform-*' } })], tagged, '2026-12-01').findings).toEqual([]);
    expect(applyMutelist([org], [entry({ accounts: ['3333*'], tags: { team: 'apps' } })], tagged, '2026-12-01').findings).toEqual([org]);
  });

  it('an expired entry mutes nothing and is reported; an unexpired one carries its expiry', () => {
    const e = [entry({ index: 1, line: 3, rules: ['aws-key-age'], expires: '2026-12-01', reason: 'old' }), entry({ index: 2, line: 9, rules: ['aws-admin-privileges'], expires: '2027-01-01' })];
    const { findings, outcome } = applyMutelist(all, e, noTags, '2026-12-01');
    expect(findings).toEqual([other]);
    expect(outcome.expired).toEqual([{ entry: 1, line: 3, reason: 'old', expires: '2026-12-01' }]);
    expect(outcome.muted.map((m) => m.expires)).toEqual(['2027-01-01', '2027-01-01']);
  });

  it('never mutes a secret or a leak finding', () => {
    const secret = { kind: 'secret', ruleId: 'aws-access-key-id', title: 't', severity: 'high', nhi: ['NHI2'], fingerprint: 'f' } as unknown as Finding;
    expect(applyMutelist([secret], [entry({ rules: ['*'] })], noTags).findings).toEqual([secret]);
  });
});

describe('[[mutelist]] in .nhiscan.toml', () => {
  const parse = (text: string) => parseConfig(text, '.nhiscan.toml');
  const fails = (text: string): string => {
    try {
      parse(text);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error('parsed');
  };

  it('parses entries, with a TOML date or a string for expires', () => {
    const c = parse(`[[mutelist]]\nrules = ["aws-admin-privileges"]\nidentities = ["arn:aws:iam::*:user/breakglass"]\nreason = "break-glass"\nexpires = 2027-01-31\n\n[[mutelist]]\ntags = { team = "platform" }\naccounts = ["${ACCOUNT}"]\nreason = "platform owns these"\nexpires = "2027-02-01"\n`);
    expect(c.mutelist).toEqual([
      { index: 1, line: 1, rules: ['aws-admin-privileges'], identities: ['arn:aws:iam::*:user/breakglass'], accounts: [], tags: {}, reason: 'break-glass', expires: '2027-01-31' },
      { index: 2, line: 7, rules: [], identities: [], accounts: [ACCOUNT], tags: { team: 'platform' }, reason: 'platform owns these', expires: '2027-02-01' },
    ]);
  });

  it('an entry without a reason, without any condition, with a bad date or an unknown key is a config error naming the line, never the value', () => {
    expect(fails('[allowlist]\npaths = []\n\n[[mutelist]]\nrules = ["aws-key-age"]\n')).toBe('.nhiscan.toml:4: [[mutelist]] #1 needs a "reason" (why the risk is accepted)');
    expect(fails('[[mutelist]]\nreason = "x"\n')).toMatch(/:1: .*would mute every cloud finding/);
    expect(fails('[[mutelist]]\nrules = ["a"]\nreason = "x"\nexpires = "2027-02-30"\n')).toMatch(/:4: \[\[mutelist\]\] #1 expires must be a date/);
    const m = fails('[[mutelist]]\nrules = ["a"]\nreason = "x"\nAKIAIOSFODNN7EXAMPLE = "y"\n');
    expect(m).toMatch(/unknown key \(not shown\) in \[\[mutelist\]\] #1/);
    expect(m).not.toContain('AKIA');
    expect(fails('mutelist = { rules = ["a"], reason = "x" }\n')).toMatch(/use \[\[mutelist\]\] tables/);
  });
});

describe('aws with a mutelist (CLI, offline exports)', () => {
  function config(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-mute-'));
    writeFileSync(join(dir, '.nhiscan.toml'), text);
    return join(dir, '.nhiscan.toml');
  }
  const run = (cfg: string, extra: string[] = []) => cli(['aws', ...OFFLINE.map((a) => (a.startsWith('fixtures') ? join(ROOT, a) : a)), '-c', cfg, '-f', 'json', '--no-baseline', ...extra], { cwd: ROOT });

  it('muted findings leave the findings list, are counted in summary.muted and listed with their reason', async () => {
    const base = JSON.parse((await cli(['aws', ...OFFLINE, '-f', 'json', '--no-baseline'], { cwd: ROOT })).stdout) as Report;
    const cfg = config(`[[mutelist]]\nrules = ["aws-admin-privileges"]\nidentities = ["arn:aws:iam::*:role/support-*"]\nreason = "triage agent, approved in SEC-12"\n\n[[mutelist]]\ntags = { owner = "platform" }\nreason = "platform's CI user, rotation tracked in PLAT-7"\n`);
    const r = await run(cfg);
    expectContract(r, { code: 1, lines: 0 });
    const report = JSON.parse(r.stdout) as Report;
    const deployRules = base.findings.filter((f) => (f as CloudFinding).identity.arn.endsWith('user/ci/svc-deploy')).length;
    expect(deployRules).toBeGreaterThan(1);
    expect(report.summary.muted).toEqual({ total: 1 + deployRules, byRule: expect.objectContaining({ 'aws-admin-privileges': 1 }), expiredEntries: 0 });
    expect(report.summary.total).toBe(base.summary.total - 1 - deployRules);
    expect(report.findings.some((f) => (f as CloudFinding).identity.arn.endsWith('role/support-triage-agent') && f.ruleId === 'aws-admin-privileges')).toBe(false);
    // Muted is not dropped: every muted finding is listed with its entry and reason.
    expect(report.mutelist!.muted.find((m) => m.identity.endsWith('role/support-triage-agent'))).toMatchObject({ entry: 1, reason: 'triage agent, approved in SEC-12', account: ACCOUNT });
    expect(report.mutelist!.muted.filter((m) => m.entry === 2)).toHaveLength(deployRules);
  });

  it('an expired entry stops muting: its findings are back, and one stderr line says so', async () => {
    const cfg = config(`[[mutelist]]\nrules = ["aws-root-*"]\nreason = "legacy root key"\nexpires = 2020-01-01\n`);
    const r = await run(cfg);
    expectContract(r, { code: 1, lines: 1, says: /1 \[\[mutelist\]\] entry expired, their findings are reported again: #1 \(line 1, expired 2020-01-01\)/ });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.some((f) => f.ruleId === 'aws-root-access-key')).toBe(true);
    expect(report.summary.muted).toEqual({ total: 0, byRule: {}, expiredEntries: 1 });
    expect(r.stderr).not.toContain('legacy root key');
  });

  it('a missing reason is exit 2 with one line', async () => {
    const r = await run(config('[[mutelist]]\nrules = ["aws-root-access-key"]\n'));
    expectContract(r, { code: 2, says: /needs a "reason"/ });
    expect(r.stdout).toBe('');
  });
});
