// Fault suite for the AWS inventory: offline exports that are not what they claim to be, secrets in
// parser messages, endpoints that hang, refuse or answer garbage, and malformed flags. Each case
// runs the built CLI and checks the contract (exit class, one stderr line, no planted secret).
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineInventory } from '../../src/cloud/aws/offline.js';
import { clientConfig, DEFAULT_TIMEOUTS } from '../../src/cloud/aws/clients.js';
import { describeAwsError } from '../../src/cloud/aws/errors.js';
import { TempRepo } from '../helpers/git.js';
import { awsKeyId, githubToken } from '../helpers/secrets.js';
import { awsEnv, queryXml, startFaultServer, type Fault, type FaultServer, type Handler } from './aws-fault-server.js';
import { cli, expectContract } from './harness.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'aws');
const REPORT_FIX = join(FIX, 'credential-report.csv');
const DETAILS_FIX = join(FIX, 'authorization-details.json');
const dir = mkdtempSync(join(tmpdir(), 'nhiscan-aws-faults-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const ROOT = '<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const SVC_A = 'svc-a,arn:aws:iam::123456789012:user/svc-a,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-02-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const EMPTY_DETAILS = JSON.stringify({ UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] });

const offline = (report: string, details: string, extra: string[] = []) => ['aws', '--credential-report', report, '--authorization-details', details, ...extra, '-f', 'json'];

describe('offline exports must be the AWS CLI output they claim to be (exit 2, naming file and command)', () => {
  const validReport = file('valid-report.csv', `${HEADER}\n${ROOT}\n`);
  const validDetails = file('valid-details.json', EMPTY_DETAILS);
  const cases: Array<[string, () => string[], RegExp]> = [
    ['an empty credential report', () => offline(file('empty.csv', ''), validDetails), /--credential-report .*empty\.csv: not a credential report: .*empty.*aws iam get-credential-report/],
    ['a .env file as the credential report', () => offline(file('creds.env', `GITHUB_TOKEN=${githubToken()}\nDEBUG=1\n`), validDetails), /creds\.env: not a credential report: no credential report header.*aws iam get-credential-report/],
    ['a report JSON whose Content is not base64', () => offline(file('report.json', '{"Content": "this is not base64!", "ReportFormat": "text/csv"}'), validDetails), /report\.json: not a credential report: Content is not base64/],
    ['a report that is only a header (no <root_account> row)', () => offline(file('header-only.csv', `${HEADER}\n`), validDetails), /header-only\.csv: not a credential report: no <root_account> row/],
    ['a report row with a broken ARN', () => offline(file('bad-arn.csv', `${HEADER}\n${ROOT}\n${SVC_A.replace('arn:aws:iam::123456789012:user/svc-a', 'not-an-arn')}\n`), validDetails), /bad-arn\.csv: not a credential report: row 3: the arn column/],
    ['{} as authorization details', () => offline(validReport, file('obj.json', '{}')), /--authorization-details .*obj\.json: not get-account-authorization-details output: no UserDetailList list.*aws iam get-account-authorization-details/],
    ['[] as authorization details', () => offline(validReport, file('arr.json', '[]')), /arr\.json: not get-account-authorization-details output: a JSON array/],
    ['null as authorization details', () => offline(validReport, file('null.json', 'null')), /null\.json: not get-account-authorization-details output/],
    ['authorization details with a list missing', () => offline(validReport, file('no-roles.json', '{"UserDetailList": [], "GroupDetailList": [], "Policies": []}')), /no-roles\.json: .*no RoleDetailList list/],
    ['authorization details cut short by --max-items', () => offline(validReport, file('truncated.json', JSON.stringify({ ...JSON.parse(EMPTY_DETAILS), IsTruncated: true, Marker: 'abc' }))), /truncated\.json: .*truncated.*--max-items/],
    ['list-secrets output wrapped in an array', () => offline(validReport, validDetails, ['--secrets', file('wrapped.json', '[{"SecretList": []}]')]), /--secrets .*wrapped\.json: not list-secrets output: a JSON array.*aws secretsmanager list-secrets/],
    ['list-secrets with a secret that has no ARN', () => offline(validReport, validDetails, ['--secrets', file('no-arn.json', '{"SecretList": [{"Name": "x"}]}')]), /no-arn\.json: not list-secrets output: SecretList entry 1 has no ARN/],
    ['null as list-access-keys', () => offline(validReport, validDetails, ['--access-keys', file('keys-null.json', 'null')]), /keys-null\.json: not list-access-keys output.*aws iam list-access-keys/],
    ['list-access-keys with a bad Status', () => offline(validReport, validDetails, ['--access-keys', file('keys-bad.json', JSON.stringify({ AccessKeyMetadata: [{ UserName: 'a', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'On' }] }))]), /keys-bad\.json: .*Status is not Active or Inactive/],
  ];
  for (const [name, args, says] of cases) {
    it(name, async () => {
      const r = await cli(args());
      expectContract(r, { code: 2, says });
      expect(r.stdout).toBe('');
    });
  }

  it('an empty-but-valid export (only the root row; four empty lists) is a clean, complete audit', async () => {
    const r = await cli(offline(validReport, validDetails, ['--secrets', file('no-secrets.json', '{"SecretList": []}'), '--access-keys', file('no-keys.json', '{"AccessKeyMetadata": []}')]));
    expectContract(r, { code: 0, lines: 0 });
    expect(JSON.parse(r.stdout)).toMatchObject({ target: 'aws:123456789012', findings: [], coverage: { complete: true, gaps: [] } });
  });

  it('the report as `aws iam get-credential-report` prints it (base64 Content) is read', async () => {
    const json = file('report-cli.json', JSON.stringify({ Content: Buffer.from(`${HEADER}\n${ROOT}\n${SVC_A}\n`).toString('base64'), ReportFormat: 'text/csv', GeneratedTime: '2026-01-01T00:00:00Z' }));
    const svcA = { UserName: 'svc-a', Arn: 'arn:aws:iam::123456789012:user/svc-a', Path: '/', CreateDate: '2020-01-01T00:00:00Z', UserPolicyList: [], GroupList: [], AttachedManagedPolicies: [], Tags: [] };
    const r = await cli(offline(json, file('svc-a-details.json', JSON.stringify({ ...JSON.parse(EMPTY_DETAILS), UserDetailList: [svcA] }))));
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { identity: { name: string } }) => f.identity.name)).toContain('svc-a');
  });

  it('an export saved by PowerShell (UTF-16 with a BOM) or with a UTF-8 BOM is read, not rejected', async () => {
    const utf16 = join(dir, 'details-utf16.json');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(DETAILS_FIX, 'utf8'), 'utf16le')]));
    const bom = join(dir, 'report-bom.csv');
    writeFileSync(bom, `\uFEFF${readFileSync(REPORT_FIX, 'utf8')}`);
    const r = await cli(offline(bom, utf16));
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).coverage.complete).toBe(true);
  });

  it('AWS CLI v1 epoch-second dates in list-secrets are parsed, not dropped', async () => {
    const secrets = file(
      'secrets-v1.json',
      JSON.stringify({
        SecretList: [{ ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf', Name: 'db', RotationEnabled: false, CreatedDate: 1600000000, LastChangedDate: 1700000000.123, LastAccessedDate: 1.7e9 }],
      }),
    );
    const inv = await offlineInventory({ credentialReport: validReport, authorizationDetails: validDetails, secrets });
    expect(inv.secrets[0]).toMatchObject({ created: '2020-09-13T12:26:40.000Z', lastChanged: '2023-11-14T22:13:20.123Z', lastAccessed: '2023-11-14T22:13:20.000Z' });
  });

  it('a malformed policy document in the export is a coverage gap naming it (exit 3); the rest is still scored', async () => {
    const token = githubToken();
    const details = JSON.parse(readFileSync(DETAILS_FIX, 'utf8'));
    details.UserDetailList[0].UserPolicyList = [{ PolicyName: 'broken', PolicyDocument: `{"Statement": [${token}` }];
    const r = await cli(offline(REPORT_FIX, file('bad-policy.json', JSON.stringify(details))));
    expectContract(r, { code: 3, secrets: [token], says: /incomplete: .*bad-policy\.json: user alice inline policy broken: policy document is not valid JSON/ });
    const report = JSON.parse(r.stdout);
    expect(report.coverage.gaps).toHaveLength(1);
    expect(report.findings.length).toBeGreaterThan(20);
  });
});

describe('parser messages never carry input values (a planted token stays off stderr, with or without --debug)', () => {
  const token = githubToken();
  const validReport = file('valid-report-2.csv', `${HEADER}\n${ROOT}\n`);
  const validDetails = file('valid-details-2.json', EMPTY_DETAILS);
  const inputs: Array<[string, () => string[]]> = [
    ['a CSV row with a stray quote around a token', () => offline(file('quote.csv', `${HEADER}\n${ROOT}\nsvc,${token}"x,2020\n`), validDetails)],
    ['a CSV row with a token in an unclosed quote', () => offline(file('unclosed.csv', `${HEADER}\n${ROOT}\nsvc,"${token}\n`), validDetails)],
    ['a CSV row with too many fields', () => offline(file('long.csv', `${HEADER}\n${ROOT},${token}\n`), validDetails)],
    ['a credential report JSON that does not parse', () => offline(file('report-bad.json', `{"Content": ${token}}`), validDetails)],
    ['authorization details that do not parse', () => offline(validReport, file('details-bad.json', `{"UserDetailList": [${token}]}`))],
    ['authorization details that are a bare string', () => offline(validReport, file('details-str.json', `"${token}"`))],
    ['list-secrets that does not parse', () => offline(validReport, validDetails, ['--secrets', file('secrets-bad.json', `{"SecretList": ${token}`)])],
    ['list-access-keys that does not parse', () => offline(validReport, validDetails, ['--access-keys', file('keys-bad2.json', `[${token}`)])],
    ['list-access-keys whose key id is a token', () => offline(validReport, validDetails, ['--access-keys', file('keys-tok.json', JSON.stringify({ AccessKeyMetadata: [{ UserName: 'a', AccessKeyId: token, Status: 'Active' }] }))])],
  ];
  for (const [name, args] of inputs) {
    it(name, async () => {
      const r = await cli(args());
      expectContract(r, { code: 2, secrets: [token], says: /not (a credential report|get-account-authorization-details|list-secrets|list-access-keys)/ });
      // --debug prints the error's stack, whose first line is the message itself.
      const d = await cli([...args(), '--debug']);
      expect(d.code).toBe(2);
      expect(d.stderr.includes(token), d.stderr).toBe(false);
    });
  }

  it('the messages are clean at the source, not only after the CLI redacts them', async () => {
    const files = { credentialReport: file('src-quote.csv', `${HEADER}\n${ROOT}\nsvc,${token}"x,2020\n`), authorizationDetails: validDetails };
    const err = await offlineInventory(files).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(`${(err as Error).message}\n${(err as Error).stack}`).not.toContain(token);
    const err2 = await offlineInventory({ credentialReport: validReport, authorizationDetails: file('src-bad.json', `{"UserDetailList": ${token}}`) }).catch((e: Error) => e);
    expect((err2 as Error).message).toMatch(/not valid JSON/);
    expect(`${(err2 as Error).message}\n${(err2 as Error).stack}`).not.toContain(token);
  });

  it('an AWS answer that does not parse is described without its body', () => {
    const e = Object.assign(new SyntaxError(`Unexpected token 'g', ..."retList": ${token.slice(0, 12)}"... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`), { $metadata: { httpStatusCode: 200 } });
    const d = describeAwsError(e);
    expect(d.kind).toBe('unparseable');
    expect(d.message).not.toContain(token.slice(0, 12));
  });
});

// One server for the live cases; each test sets what it answers.
let server: FaultServer;
let answer: Handler = () => undefined;
const ACCOUNT = '123456789012';
const sts = queryXml('GetCallerIdentity', `<Arn>arn:aws:iam::${ACCOUNT}:user/auditor</Arn><UserId>AIDATEST</UserId><Account>${ACCOUNT}</Account>`);
const policy = (doc: string) => encodeURIComponent(doc);
const user = (name: string, doc: string) =>
  `<member><UserName>${name}</UserName><UserId>AIDA${name}</UserId><Arn>arn:aws:iam::${ACCOUNT}:user/${name}</Arn><Path>/</Path><CreateDate>2020-01-01T00:00:00Z</CreateDate><UserPolicyList><member><PolicyName>p-${name}</PolicyName><PolicyDocument>${policy(doc)}</PolicyDocument></member></UserPolicyList><GroupList/><AttachedManagedPolicies/></member>`;
const ADMIN = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const details = (users: string) => queryXml('GetAccountAuthorizationDetails', `<IsTruncated>false</IsTruncated><UserDetailList>${users}</UserDetailList><GroupDetailList/><RoleDetailList/><Policies/>`);
const REPORT = `${HEADER}\n${ROOT}\n${SVC_A}\n${SVC_A.replace(/svc-a/g, 'svc-b')}`;
const ok: Record<string, string> = {
  GetCallerIdentity: sts,
  GetAccountAuthorizationDetails: details(user('svc-a', ADMIN) + user('svc-b', ADMIN)),
  GenerateCredentialReport: queryXml('GenerateCredentialReport', '<State>COMPLETE</State>'),
  GetCredentialReport: queryXml('GetCredentialReport', `<Content>${Buffer.from(REPORT).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat>`),
  ListAccessKeys: queryXml('ListAccessKeys', '<AccessKeyMetadata/><IsTruncated>false</IsTruncated>'),
  ListSecrets: JSON.stringify({ SecretList: [] }),
};
const accountWith = (over: Record<string, string | Fault>): Handler => (action) => over[action] ?? ok[action];

beforeAll(async () => {
  server = await startFaultServer((action, body, req) => answer(action, body, req));
});
afterAll(() => server.close());

const live = (extra: string[] = []) => ['aws', '-f', 'json', '--aws-timeout', '1', ...extra];
const opsSince = (n: number, op: string) => server.requests.slice(n).filter((a) => a === op).length;

describe('AWS calls time out, and a timeout is a coverage gap (exit 3, report written), never a hang', () => {
  it('every client gets a connect and a request timeout by default, enforced (not just logged)', () => {
    expect(DEFAULT_TIMEOUTS).toEqual({ connectMs: 10_000, requestMs: 30_000 });
    expect(clientConfig({}, 'us-east-1').requestHandler).toMatchObject({ connectionTimeout: 10_000, requestTimeout: 30_000, throwOnRequestTimeout: true });
  });

  it('GetCredentialReport hangs: that call is a gap, retried once only, and the rest of the account still reports', async () => {
    answer = accountWith({ GetCredentialReport: 'hang' });
    const before = server.requests.length;
    const started = Date.now();
    const r = await cli(live(), { env: awsEnv(server.url), timeoutMs: 20_000 });
    expectContract(r, { code: 3, says: /^nhiscan: incomplete: iam:GenerateCredentialReport \/ GetCredentialReport: the AWS endpoint http:\/\/127\.0\.0\.1:\d+ did not answer in time \(timed out\)$/m });
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(opsSince(before, 'GetCredentialReport')).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.coverage.gaps).toHaveLength(1);
    expect(report.findings.some((f: { ruleId: string; identity: { name: string } }) => f.ruleId === 'aws-admin-privileges' && f.identity.name === 'svc-a')).toBe(true);
  });

  it('ListAccessKeys hangs for every user: each is a gap, and once calls keep failing the rest are not even sent', async () => {
    const users = Array.from({ length: 8 }, (_, i) => `svc-${i}`);
    const report = [HEADER, ROOT, ...users.map((u) => SVC_A.replace(/svc-a/g, u))].join('\n');
    answer = accountWith({
      GetAccountAuthorizationDetails: details(users.map((u) => user(u, ADMIN)).join('')),
      GetCredentialReport: queryXml('GetCredentialReport', `<Content>${Buffer.from(report).toString('base64')}</Content>`),
      ListAccessKeys: 'hang',
    });
    const before = server.requests.length;
    const started = Date.now();
    const r = await cli(live(), { env: awsEnv(server.url), timeoutMs: 20_000 });
    expectContract(r, { code: 3, says: /incomplete: iam:ListAccessKeys svc-\d: .*timed out/ });
    expect(Date.now() - started).toBeLessThan(10_000);
    const gaps: Array<{ scope: string; reason: string }> = JSON.parse(r.stdout).coverage.gaps;
    expect(gaps.map((g) => g.scope).sort()).toEqual(users.map((u) => `iam:ListAccessKeys ${u}`));
    // Four in flight at once (the pool), two attempts each; once two had failed, the next ones
    // were not sent. Without the guard it would be 8 users x 2 attempts.
    expect(opsSince(before, 'ListAccessKeys')).toBeLessThan(16);
    expect(gaps.filter((g) => /not tried again/.test(g.reason)).length).toBeGreaterThan(0);
  });

  it('STS hangs: exit 3 fast, the report is written with the gap, and it is not called a credentials problem', async () => {
    answer = () => 'hang';
    const started = Date.now();
    const r = await cli(live(), { env: awsEnv(server.url), timeoutMs: 20_000 });
    expectContract(r, { code: 3, says: /^nhiscan: incomplete: sts:GetCallerIdentity .*did not answer in time/ });
    expect(r.stderr).not.toMatch(/credentials/);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(JSON.parse(r.stdout).coverage).toMatchObject({ complete: false });
  });

  it('audit keeps its repository findings when the AWS endpoint hangs', async () => {
    const repo = new TempRepo();
    try {
      const token = githubToken();
      repo.commit('leak', { 'ci.env': `GITHUB_TOKEN=${token}\n` });
      answer = () => 'hang';
      const r = await cli(['audit', repo.dir, '-f', 'json', '--aws-timeout', '1'], { env: awsEnv(server.url), timeoutMs: 20_000 });
      expectContract(r, { code: 3, secrets: [token], says: /incomplete: sts:GetCallerIdentity/ });
      expect(JSON.parse(r.stdout).findings.some((f: { ruleId: string }) => f.ruleId.startsWith('github'))).toBe(true);
    } finally {
      repo.cleanup();
    }
  });
});

describe('what went wrong is named: refused, unresolvable, garbage (not "no usable AWS credentials")', () => {
  it('a closed port', async () => {
    const r = await cli(live(['--endpoint-url', 'http://127.0.0.1:1']), { env: awsEnv(server.url) });
    expectContract(r, { code: 3, says: /cannot reach the AWS endpoint http:\/\/127\.0\.0\.1:1 \(connection refused\)/ });
    expect(r.stderr).not.toMatch(/credentials/);
    expect(JSON.parse(r.stdout).coverage.complete).toBe(false);
  });

  it('a host that does not resolve', async () => {
    const r = await cli(live(['--endpoint-url', 'http://nhiscan-test.invalid']), { env: awsEnv(server.url) });
    expectContract(r, { code: 3, says: /cannot reach the AWS endpoint http:\/\/nhiscan-test\.invalid \((host not found|DNS lookup failed)\)/ });
  });

  it('STS answers garbage', async () => {
    answer = accountWith({ GetCallerIdentity: 'garbage' });
    const r = await cli(live(), { env: awsEnv(server.url) });
    expectContract(r, { code: 3, says: /the AWS endpoint http:\/\/127\.0\.0\.1:\d+ sent an answer that could not be parsed/ });
    expect(r.stderr).not.toMatch(/credentials/);
  });

  it('a JSON answer quoting a token is a gap that does not quote it', async () => {
    const token = githubToken();
    answer = accountWith({ ListSecrets: { status: 200, body: `{"SecretList": [${token}`, type: 'application/x-amz-json-1.1' } });
    const r = await cli(live(), { env: awsEnv(server.url) });
    expectContract(r, { code: 3, secrets: [token], says: /incomplete: secretsmanager:ListSecrets us-east-1: .*could not be parsed/ });
  });

  it('one malformed policy document is a gap naming it; the rest of the live account still reports', async () => {
    const token = githubToken();
    answer = accountWith({ GetAccountAuthorizationDetails: details(user('svc-a', ADMIN) + user('svc-b', `{"Statement": [${token}`)) });
    const r = await cli(live(), { env: awsEnv(server.url) });
    expectContract(r, { code: 3, secrets: [token], says: /incomplete: iam:GetAccountAuthorizationDetails user svc-b inline policy p-svc-b: policy document is not valid JSON/ });
    const report = JSON.parse(r.stdout);
    expect(report.findings.some((f: { ruleId: string; identity: { name: string } }) => f.ruleId === 'aws-admin-privileges' && f.identity.name === 'svc-a')).toBe(true);
  });

  it('a credential report answer that is not a report is a gap, not a crash, and does not quote it', async () => {
    const token = githubToken();
    answer = accountWith({ GetCredentialReport: queryXml('GetCredentialReport', `<Content>${Buffer.from(`${HEADER}\n${ROOT}\nsvc,${token}"x\n`).toString('base64')}</Content>`) });
    const r = await cli(live(), { env: awsEnv(server.url) });
    expectContract(r, { code: 3, secrets: [token], says: /incomplete: iam:GetCredentialReport: unparseable answer: not valid CSV/ });
  });
});

describe('malformed AWS flags are usage errors (exit 2) before any call', () => {
  const bad: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['--regions ,,,', ['--regions', ',,,'], {}, /--regions/],
    ["--regions ''", ['--regions', ''], {}, /--regions/],
    ['--regions with one bad name', ['--regions', 'us-east-1,not a region'], {}, /--regions/],
    ['--region bogus', ['--region', 'bogus'], {}, /--region is not an AWS region name/],
    ["--region ''", ['--region', ''], {}, /--region is not an AWS region name/],
    ['AWS_REGION bogus', [], { AWS_REGION: 'Not_A_Region' }, /AWS_REGION is not an AWS region name/],
    ['--endpoint-url that is not a URL', ['--endpoint-url', 'localhost:4566'], {}, /--endpoint-url must be an http:\/\/ or https:\/\/ URL|--endpoint-url is not a URL/],
    ['--endpoint-url ftp://', ['--endpoint-url', 'ftp://127.0.0.1/'], {}, /--endpoint-url must be an http/],
    ["--endpoint-url ''", ['--endpoint-url', ''], {}, /--endpoint-url is not a URL/],
    ['--endpoint-url with credentials in it', ['--endpoint-url', `http://user:${'p4ss'}word@127.0.0.1:1/`], {}, /must not carry a user name or password/],
    ['AWS_ENDPOINT_URL that is not a URL', [], { AWS_ENDPOINT_URL: 'nowhere' }, /AWS_ENDPOINT_URL is not a URL/],
    ['a per-service AWS_ENDPOINT_URL_STS that is not a URL', [], { AWS_ENDPOINT_URL_STS: 'garbage' }, /AWS_ENDPOINT_URL_STS is not a URL/],
    ['--aws-timeout 0', ['--aws-timeout', '0'], {}, /--aws-timeout.*expected a number of seconds/],
    ['--aws-timeout abc', ['--aws-timeout', 'abc'], {}, /--aws-timeout.*expected a number of seconds/],
  ];
  for (const [name, args, env, says] of bad) {
    it(name, async () => {
      answer = accountWith({});
      const before = server.requests.length;
      const r = await cli(['aws', '-f', 'json', ...args], { env: awsEnv(server.url, env) });
      expectContract(r, { code: 2, says, secrets: ['p4ssword'] });
      expect(server.requests.length).toBe(before);
    });
  }

  it('remediation commands get the same checks (revoke with a bad endpoint or region)', async () => {
    const id = awsKeyId(ACCOUNT);
    for (const args of [['--endpoint-url', 'not a url'], ['--region', 'nowhere']]) {
      const before = server.requests.length;
      const r = await cli(['revoke', 'access-key', id, '--user', 'svc-a', '--dry-run', ...args], { env: awsEnv(server.url) });
      expectContract(r, { code: 2, says: /--endpoint-url|--region/ });
      expect(server.requests.length).toBe(before);
    }
  });
});

describe('incomplete runs write their report and name the gap in one line; files end 0600', () => {
  it('aws: a call the endpoint does not implement', async () => {
    answer = accountWith({ ListSecrets: 'html500' });
    const r = await cli(live(), { env: awsEnv(server.url) });
    expectContract(r, { code: 3, says: /^nhiscan: incomplete: secretsmanager:ListSecrets us-east-1: HTTP 500/ });
    expect(JSON.parse(r.stdout).coverage.gaps).toHaveLength(1);
  });

  it('audit: the same, with a repository', async () => {
    const repo = new TempRepo();
    try {
      repo.commit('init', { 'README.md': 'hello\n' });
      answer = accountWith({ ListSecrets: 'html500' });
      const r = await cli(['audit', repo.dir, '-f', 'json'], { env: awsEnv(server.url) });
      expectContract(r, { code: 3, says: /^nhiscan: incomplete: secretsmanager:ListSecrets us-east-1: HTTP 500/ });
      expect(JSON.parse(r.stdout).coverage.complete).toBe(false);
    } finally {
      repo.cleanup();
    }
  });

  it('audit --html onto an existing 0644 file leaves it 0600', async () => {
    const html = file('report.html', 'old');
    chmodSync(html, 0o644);
    const r = await cli(['audit', '--demo', '--html', html, '-f', 'json', '--show-secrets'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(html).mode & 0o777).toBe(0o600);
    expect(readFileSync(html, 'utf8')).toMatch(/<html/i);
  });
});
