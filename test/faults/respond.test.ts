// Fault paths of the response flow's new parts (issue 12): the plan header's calls, the default key
// store, the recent-use window, the report's account, `log` filters. Each against a loopback endpoint.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsSecret } from '../helpers/secrets.js';
import { awsEnv, queryXml, startFaultServer, type Fault, type FaultServer } from './aws-fault-server.js';
import { cli, expectContract } from './harness.js';

const KEY = 'AKIAOLDKEYALICE00001';
const NEW = 'AKIANEWKEYALICE00002';
let status: 'Active' | 'Inactive';
let created: boolean;
let deleted: string[];
let faults: Map<string, Fault>;
let server: FaultServer;
let home: string;
let newSecret: string;

beforeEach(async () => {
  status = 'Inactive';
  created = false;
  deleted = [];
  faults = new Map();
  newSecret = awsSecret();
  server = await startFaultServer((action, body) => {
    const fault = faults.get(action);
    if (fault) return fault;
    const p = new URLSearchParams(body);
    switch (action) {
      case 'GetCallerIdentity':
        return queryXml(action, '<Arn>arn:aws:iam::123456789012:user/responder</Arn><UserId>AIDAR</UserId><Account>123456789012</Account>');
      case 'ListAccountAliases':
        return queryXml(action, '<AccountAliases/><IsTruncated>false</IsTruncated>');
      case 'GetAccessKeyLastUsed':
        return queryXml(action, '<UserName>alice</UserName><AccessKeyLastUsed><ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed>');
      case 'ListAccessKeys': {
        const keys = [`<member><UserName>alice</UserName><AccessKeyId>${KEY}</AccessKeyId><Status>${status}</Status><CreateDate>2024-01-01T00:00:00Z</CreateDate></member>`];
        if (created && !deleted.includes(NEW)) keys.push(`<member><UserName>alice</UserName><AccessKeyId>${NEW}</AccessKeyId><Status>Active</Status><CreateDate>2026-01-01T00:00:00Z</CreateDate></member>`);
        return queryXml(action, `<AccessKeyMetadata>${keys.join('')}</AccessKeyMetadata><IsTruncated>false</IsTruncated>`);
      }
      case 'CreateAccessKey':
        created = true;
        return queryXml(action, `<AccessKey><UserName>alice</UserName><AccessKeyId>${NEW}</AccessKeyId><Status>Active</Status><SecretAccessKey>${newSecret}</SecretAccessKey><CreateDate>2026-01-01T00:00:00Z</CreateDate></AccessKey>`);
      case 'DeleteAccessKey':
        deleted.push(p.get('AccessKeyId') ?? '');
        return queryXml(action, '');
      default:
        return undefined;
    }
  });
  home = mkdtempSync(join(tmpdir(), 'nhrespf-'));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

const run = (args: string[], timeoutMs?: number) => cli([...args, '--audit-log', join(home, 'log', 'audit.jsonl')], { env: awsEnv(server.url, { HOME: home }), ...(timeoutMs ? { timeoutMs } : {}) });

describe('the plan header', () => {
  it('ListAccountAliases denied: the plan shows that in place of the alias and goes on', async () => {
    faults.set('ListAccountAliases', 'denied');
    const r = await run(['rotate', 'finish', KEY, '--user', 'alice', '--dry-run', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Account: 123456789012 {2}alias: \(not shown: iam:ListAccountAliases refused, AccessDenied/m);
  });

  it('ListAccountAliases answers an HTML 500: exit 3, one line, nothing planned or changed', async () => {
    faults.set('ListAccountAliases', 'html500');
    const r = await run(['revoke', 'access-key', KEY, '--user', 'alice', '--yes']);
    expectContract(r, { code: 3, says: /iam:ListAccountAliases failed: .*nothing was changed/ });
    expect(server.requests).not.toContain('ListAccessKeys');
  });
});

describe('the default key store', () => {
  it('a default key directory that cannot be made is found before any key is created: exit 2, one line', async () => {
    // ~/.nhiscan/keys is a regular file (works as root too, unlike a chmod).
    mkdirSync(join(home, '.nhiscan'));
    writeFileSync(join(home, '.nhiscan', 'keys'), '');
    const r = await run(['rotate', 'access-key', KEY, '--user', 'alice', '--yes']);
    expectContract(r, { code: 2, says: /cannot read .*replaces-AKIAOLDKEYALICE00001\.json \(ENOTDIR\)/ });
    expect(created).toBe(false);
  });

  it('a key file left at the default path that is not ours is not overwritten: exit 2 before any key is created', async () => {
    mkdirSync(join(home, '.nhiscan', 'keys'), { recursive: true });
    writeFileSync(join(home, '.nhiscan', 'keys', `replaces-${KEY}.json`), 'something else\n');
    const r = await run(['rotate', 'access-key', KEY, '--user', 'alice', '--yes']);
    expectContract(r, { code: 2, says: /replaces-AKIAOLDKEYALICE00001\.json exists; refusing to overwrite it/ });
    expect(created).toBe(false);
  });
});

describe('hostile input to the new options', () => {
  it('--recent-use-hours that is not a whole number: exit 2, the value not echoed', async () => {
    const r = await run(['revoke', 'access-key', KEY, '--user', 'alice', '--recent-use-hours', 'wJalrXUtnFEMI/K7MDENG']);
    expectContract(r, { code: 2, secrets: ['wJalrXUtnFEMI/K7MDENG'], says: /expected a whole number of hours/ });
    expect(server.requests).toEqual([]);
  });

  it('a report that does not say which account it read: exit 2, nothing about its keys asked', async () => {
    const file = join(home, 'report.json');
    writeFileSync(file, JSON.stringify({ tool: 'nhiscan', target: 'repo + aws', findings: [{ kind: 'leak', ruleId: 'aws-leaked-key-active', credential: { id: KEY }, evidence: { user: 'alice' } }] }));
    const r = await run(['revoke', 'access-key', '--from-report', file, '--yes']);
    expectContract(r, { code: 2, says: /report\.json does not say which AWS account it read/ });
    expect(server.requests).not.toContain('ListAccessKeys');
  });

  it('log --since with a pasted secret, and --key on a log that does not exist', async () => {
    const pasted = awsSecret();
    const bad = await cli(['log', '--audit-log', join(home, 'none.jsonl'), '--since', pasted], { env: { HOME: home } });
    expectContract(bad, { code: 2, secrets: [pasted], says: /--since expects a date or time/ });
    const empty = await cli(['log', '--audit-log', join(home, 'none.jsonl'), '--key', KEY, '-f', 'json'], { env: { HOME: home } });
    expect(empty).toMatchObject({ code: 0, stdout: '' });
    expect(existsSync(join(home, 'none.jsonl'))).toBe(false);
  });

  it('--print with a store named too: exit 2 before any call', async () => {
    const r = await run(['rotate', 'access-key', KEY, '--user', 'alice', '--print', '--to-file', join(home, 'k.json'), '--yes']);
    expectContract(r, { code: 2, says: /at most one of --to-secret/ });
    expect(server.requests).toEqual([]);
  });
});
