import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './helpers/git.js';

// A tiny AWS-compatible endpoint on loopback: STS and IAM speak the query protocol (XML), Secrets
// Manager answers like an emulator that does not implement it: HTTP 500 with an HTML page.
const requests: string[] = [];
let throttleOnce = true;
let server: Server;
let url: string;

const REPORT = [
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
  'svc-a,arn:aws:iam::123456789012:user/svc-a,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-02-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
].join('\n');

const policy = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }));

function xml(action: string, result: string): string {
  return `<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`;
}

const ANSWERS: Record<string, string> = {
  GetCallerIdentity: xml('GetCallerIdentity', '<Arn>arn:aws:iam::123456789012:user/auditor</Arn><UserId>AIDATEST</UserId><Account>123456789012</Account>'),
  GetAccountAuthorizationDetails: xml(
    'GetAccountAuthorizationDetails',
    `<IsTruncated>false</IsTruncated><UserDetailList><member><UserName>svc-a</UserName><UserId>AIDASVCA</UserId><Arn>arn:aws:iam::123456789012:user/svc-a</Arn><Path>/</Path><CreateDate>2020-01-01T00:00:00Z</CreateDate><UserPolicyList><member><PolicyName>all</PolicyName><PolicyDocument>${policy}</PolicyDocument></member></UserPolicyList><GroupList/><AttachedManagedPolicies/></member></UserDetailList><GroupDetailList/><RoleDetailList/><Policies/>`,
  ),
  GenerateCredentialReport: xml('GenerateCredentialReport', '<State>COMPLETE</State>'),
  GetCredentialReport: xml('GetCredentialReport', `<Content>${Buffer.from(REPORT).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-01T00:00:00Z</GeneratedTime>`),
  UpdateAccessKey: xml('UpdateAccessKey', ''),
  DeleteAccessKey: xml('DeleteAccessKey', ''),
  PutRolePolicy: xml('PutRolePolicy', ''),
  GetAccessKeyLastUsed: xml('GetAccessKeyLastUsed', '<UserName>svc-a</UserName><AccessKeyLastUsed><ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed>'),
  CreateAccessKey: xml('CreateAccessKey', '<AccessKey><UserName>svc-a</UserName><AccessKeyId>AKIATESTNEWKEY000002</AccessKeyId><Status>Active</Status><SecretAccessKey>test-only-new-secret-0000000000000000000</SecretAccessKey><CreateDate>2026-11-01T00:00:00Z</CreateDate></AccessKey>'),
  ListAccessKeys: xml('ListAccessKeys', '<AccessKeyMetadata><member><UserName>svc-a</UserName><AccessKeyId>AKIATESTKEY000000001</AccessKeyId><Status>Active</Status><CreateDate>2020-02-01T00:00:00Z</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated>'),
};

async function body(req: IncomingMessage): Promise<string> {
  let b = '';
  for await (const c of req) b += c;
  return b;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const text = await body(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target ? target.split('.').pop()! : (new URLSearchParams(text).get('Action') ?? '?');
    requests.push(action);
    if (target) {
      res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body><h1>500 Internal Server Error</h1>not implemented</body></html>');
      return;
    }
    if (action === 'GetAccountAuthorizationDetails' && throttleOnce) {
      throttleOnce = false;
      res.writeHead(400, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r-2</RequestId></ErrorResponse>');
      return;
    }
    const answer = ANSWERS[action];
    if (!answer) {
      res.writeHead(400, { 'content-type': 'text/xml' }).end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${action}</Message></Error><RequestId>r-3</RequestId></ErrorResponse>`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml' }).end(answer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDTESTONLY', AWS_SECRET_ACCESS_KEY: 'test-only-secret', AWS_REGION: 'us-east-1' };
const mutations = () => requests.filter((a) => ['UpdateAccessKey', 'DeleteAccessKey', 'CreateAccessKey', 'PutRolePolicy'].includes(a));

describe('revoke, rotate and log against an AWS-compatible endpoint', () => {
  it('off a terminal, refuses without --yes (exit 2); --dry-run shows the plan; neither changes anything', async () => {
    const before = mutations().length;
    const refused = await run(['revoke', 'access-key', 'AKIATESTKEY000000001', '--user', 'svc-a', '--endpoint-url', url], ENV);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Plan: revoke AKIATESTKEY000000001/);
    expect(refused.stderr).toMatch(/refusing to change anything without confirmation/);
    const dry = await run(['revoke', 'access-key', 'AKIATESTKEY000000001', '--user', 'svc-a', '--endpoint-url', url, '--dry-run', '--audit-log', join(tmpdir(), 'nhiscan-endpoint-dry.jsonl')], ENV);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/Dry run: no changes made/);
    expect(mutations().length).toBe(before);
  });

  it('revoke --yes deactivates and logs it; rotate stores the new key in a 0600 file, verifies and deactivates; log prints both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-endpoint-'));
    const log = join(dir, 'audit.jsonl');
    const revoked = await run(['revoke', 'access-key', 'AKIATESTKEY000000001', '--user', 'svc-a', '--endpoint-url', url, '--yes', '--audit-log', log], ENV);
    expect(revoked.code).toBe(0);
    expect(mutations()).toContain('UpdateAccessKey');
    const keyFile = join(dir, 'new.json');
    const rotated = await run(['rotate', 'access-key', 'AKIATESTKEY000000001', '--user', 'svc-a', '--to-file', keyFile, '--deactivate-old', '--yes', '--endpoint-url', url, '--audit-log', log], ENV);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(keyFile, 'utf8')).AccessKeyId).toBe('AKIATESTNEWKEY000002');
    expect(rotated.stdout).toBe('');
    expect(rotated.stderr).toMatch(/Next: Watch for anything failing, then delete the old key: nhiscan rotate finish AKIATESTKEY000000001/);
    const printed = await run(['log', '--audit-log', log], {});
    expect(printed.stdout).toMatch(/ok\s+deactivate-access-key\s+svc-a\/AKIATESTKEY000000001 {2}by arn:aws:iam::123456789012:user\/auditor/);
    expect(printed.stdout).toMatch(/ok\s+create-access-key/);
    expect(readFileSync(log, 'utf8')).not.toContain('test-only-new-secret');
  });
});

describe('nhiscan aws against an AWS-compatible endpoint', () => {
  it('reads the account through --endpoint-url, retries throttling, reports an HTML 500 as a gap and exits 3', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIDTESTONLY', AWS_SECRET_ACCESS_KEY: 'test-only-secret', AWS_REGION: 'us-east-1' };
    const r = await run(['aws', '--endpoint-url', url, '-f', 'json', '--debug'], env);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.target).toBe('aws:123456789012');
    // The envelope of a live read: the account, who read it, and how.
    expect(report).toMatchObject({ command: 'aws', account: '123456789012', mode: 'live', targets: ['aws:123456789012'] });
    expect(report.caller).toMatch(/^arn:aws:/);
    expect(report.coverage.complete).toBe(false);
    expect(report.coverage.gaps).toHaveLength(1);
    expect(report.coverage.gaps[0].scope).toBe('secretsmanager:ListSecrets us-east-1');
    expect(report.coverage.gaps[0].reason).toMatch(/HTTP 500/);
    const rules = report.findings.map((f: { ruleId: string }) => f.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['aws-admin-privileges', 'aws-key-age', 'aws-key-never-used']));
    expect(report.findings.find((f: { ruleId: string }) => f.ruleId === 'aws-key-age').credential.id).toBe('AKIATESTKEY000000001');
    // The throttled call was retried by the SDK, and --debug counts every request.
    expect(requests.filter((a) => a === 'GetAccountAuthorizationDetails')).toHaveLength(2);
    expect(r.stderr).toMatch(/debug: \d+ AWS API call\(s\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('AWS_ENDPOINT_URL works like --endpoint-url', async () => {
    const before = requests.length;
    const r = await run(['aws', '-f', 'json'], { AWS_ACCESS_KEY_ID: 'AKIDTESTONLY', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: url });
    expect(r.code).toBe(3);
    expect(requests.length).toBeGreaterThan(before);
  });

  it('exits 3 with one line when no credentials are available, and still writes the report with the gap', async () => {
    const r = await run(['aws', '--endpoint-url', url, '-f', 'json'], { AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^nhiscan: incomplete: aws \(nothing in the account was read\): no usable AWS credentials/);
    const report = JSON.parse(r.stdout);
    expect(report.coverage.complete).toBe(false);
    expect(report.findings).toEqual([]);
  });
});
