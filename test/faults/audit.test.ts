// Fault suite for `nhiscan audit`: one part that cannot be read (a repository git refuses, an AWS
// account with no usable credentials, an unwritable HTML copy) is a gap in a report that is still
// written, never a lost report; and --demo keeps the exit-code contract.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../helpers/git.js';
import { githubToken } from '../helpers/secrets.js';
import { cli, expectContract } from './harness.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'aws');
const OFFLINE = ['--credential-report', join(FIX, 'credential-report.csv'), '--authorization-details', join(FIX, 'authorization-details.json')];
/** No credentials anywhere: no env keys, no profile files, no instance metadata. */
const NO_CREDS = { HOME: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-east-1' };

const repo = tempRepos();
let dir: string;
let token: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nhaudit-'));
  token = githubToken();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function leakyRepo() {
  const r = repo();
  r.commit('add', { 'app.env': `GITHUB_TOKEN=${token}\n` });
  return r;
}

type Doc = { findings: Array<{ ruleId: string }>; coverage: { complete: boolean; gaps: Array<{ scope: string; reason: string }> } };
const parse = (text: string) => JSON.parse(text) as Doc;

describe('8. audit keeps the report when one part cannot be read', () => {
  it('a repository git refuses (bad .git/config) is a gap for it; the other repository and the AWS exports still report', async () => {
    const good = leakyRepo();
    const bad = leakyRepo();
    appendFileSync(join(bad.dir, '.git', 'config'), '[core\n');
    const r = await cli(['audit', good.dir, bad.dir, ...OFFLINE, '-f', 'json']);
    expectContract(r, { code: 3, secrets: [token], says: /incomplete: .*repository \(not scanned\)/ });
    const doc = parse(r.stdout);
    expect(doc.coverage.gaps.map((g) => g.scope)).toEqual([`${bad.dir}: repository (not scanned)`]);
    expect(doc.findings.some((f) => f.ruleId.startsWith('github'))).toBe(true);
    expect(doc.findings.some((f) => f.ruleId.startsWith('aws-'))).toBe(true);
  });

  it('no AWS credentials at all (live mode): the report is written with the AWS part as a gap, exit 3', async () => {
    const out = join(dir, 'out.json');
    const r = await cli(['audit', leakyRepo().dir, '-f', 'json', '-o', out], { env: NO_CREDS });
    expectContract(r, { code: 3, secrets: [token], says: /incomplete: aws .*no usable AWS credentials/ });
    const doc = parse(readFileSync(out, 'utf8'));
    expect(doc.coverage.gaps).toHaveLength(1);
    expect(doc.findings.some((f) => f.ruleId.startsWith('github'))).toBe(true);
  });

  it('AWS_ENDPOINT_URL_STS=garbage: a usage error before any call, like any invalid endpoint', async () => {
    const env = { ...NO_CREDS, AWS_ACCESS_KEY_ID: 'AKIAFAULTTESTKEY0001', AWS_SECRET_ACCESS_KEY: 'fault-test-secret-not-real-000000000000', AWS_ENDPOINT_URL_STS: 'garbage' };
    const r = await cli(['audit', leakyRepo().dir, '-f', 'json'], { env });
    expectContract(r, { code: 2, secrets: [token], says: /AWS_ENDPOINT_URL_STS is not a URL/ });
  });

  it('--html into a missing directory: the main report is written first, then one line, exit 3', async () => {
    const out = join(dir, 'out.json');
    const r = await cli(['audit', leakyRepo().dir, ...OFFLINE, '--html', join(dir, 'no', 'x.html'), '-o', out]);
    expectContract(r, { code: 3, secrets: [token], says: /cannot write .*x\.html: ENOENT/ });
    expect(existsSync(out)).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(out, 'utf8')).findings.length).toBeGreaterThan(0);
  });
});

describe('4. audit --demo keeps the exit-code contract', () => {
  it('an explicit --fail-on is honoured: a critical token in the extra repository is exit 1', async () => {
    const r = await cli(['audit', '--demo', leakyRepo().dir, '--fail-on', 'info', '-f', 'json'], { timeoutMs: 60_000 });
    expectContract(r, { code: 1, secrets: [token], lines: 0 });
  }, 70_000);

  it('repositories of the user\'s own beside the demo gate as usual, without --fail-on', async () => {
    const r = await cli(['audit', '--demo', leakyRepo().dir, '-f', 'json'], { timeoutMs: 60_000 });
    expectContract(r, { code: 1, secrets: [token], lines: 0 });
  }, 70_000);

  it('without --fail-on the demo exits 0, and prints no progress line off a terminal', async () => {
    const r = await cli(['audit', '--demo', '-f', 'json'], { timeoutMs: 60_000 });
    expectContract(r, { code: 0, lines: 0 });
    expect(parse(r.stdout).findings.length).toBeGreaterThan(0);
  }, 70_000);

  it('--demo with an AWS export flag is a usage error naming it', async () => {
    const r = await cli(['audit', '--demo', '--credential-report', '/nonexistent']);
    expectContract(r, { code: 2, says: /--demo .*--credential-report/ });
    expect(r.stdout).toBe('');
  });
});
