// Fault suite for remediation (revoke, rotate, finish, log) against a loopback IAM/STS/Secrets
// Manager that keeps real per-test state: which keys exist, their status, which secrets hold what.
// Every test checks the account afterwards, not only what the CLI printed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/git.js';
import { awsSecret, githubToken } from '../helpers/secrets.js';
import { awsEnv, iamError, queryXml, smError, startFaultServer, type Fault, type FaultServer } from './aws-fault-server.js';
import { cli, expectContract, type FaultRun } from './harness.js';

const USER = 'alice';
const OLD = 'AKIAOLDKEYALICE00001';
const MUTATING = new Set(['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey', 'PutRolePolicy', 'CreateSecret', 'PutSecretValue', 'RotateSecret']);

interface Key {
  user: string;
  status: 'Active' | 'Inactive';
  created: string;
  secret: string;
  lastUsed?: string;
}

/** The simulated account, plus per-operation faults a test plants. */
class Account {
  users = new Set([USER]);
  keys = new Map<string, Key>([[OLD, { user: USER, status: 'Active', created: '2024-01-01T00:00:00Z', secret: 'old-secret-never-used' }]]);
  secrets = new Map<string, string>();
  /** Secrets of every key this account ever created: none may leak to stderr or the audit log. */
  created: Array<{ id: string; secret: string }> = [];
  /** A fault for the nth call (1-based) of an operation, or for every call. */
  faults = new Map<string, Fault | ((n: number, body: string) => Fault | undefined)>();
  /** Called before a mutating operation is applied (e.g. to read the audit log at that moment). */
  onMutate?: (action: string) => void;
  /** Answer GetCallerIdentity signed with a created key like this instead of checking the key. */
  verify?: Fault;
  private counts = new Map<string, number>();
  private seq = 0;

  handle(action: string, body: string, auth: string): string | Fault | undefined {
    const n = (this.counts.get(action) ?? 0) + 1;
    this.counts.set(action, n);
    const planted = this.faults.get(action);
    const fault = typeof planted === 'function' ? planted(n, body) : planted;
    if (MUTATING.has(action)) this.onMutate?.(action);
    if (fault) return fault;
    const p = new URLSearchParams(body);
    const json = () => JSON.parse(body) as Record<string, string>;
    switch (action) {
      case 'GetCallerIdentity': {
        const signer = /Credential=([A-Z0-9]+)\//.exec(auth)?.[1] ?? '';
        if (this.created.some((k) => k.id === signer)) {
          if (this.verify) return this.verify;
          if (this.keys.get(signer)?.status !== 'Active') return iamError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
          return queryXml(action, `<Arn>arn:aws:iam::123456789012:user/${USER}</Arn><UserId>AIDAALICE</UserId><Account>123456789012</Account>`);
        }
        return queryXml(action, '<Arn>arn:aws:iam::123456789012:user/responder</Arn><UserId>AIDARESP</UserId><Account>123456789012</Account>');
      }
      case 'GetAccessKeyLastUsed': {
        const k = this.keys.get(p.get('AccessKeyId') ?? '');
        if (!k) return iamError(404, 'NoSuchEntity', 'The Access Key with id given cannot be found.');
        const used = k.lastUsed ? `<LastUsedDate>${k.lastUsed}</LastUsedDate><ServiceName>s3</ServiceName><Region>us-east-1</Region>` : '<ServiceName>N/A</ServiceName><Region>N/A</Region>';
        return queryXml(action, `<UserName>${k.user}</UserName><AccessKeyLastUsed>${used}</AccessKeyLastUsed>`);
      }
      case 'ListAccessKeys': {
        const user = p.get('UserName') ?? '';
        if (!this.users.has(user)) return iamError(404, 'NoSuchEntity', `The user with name ${user} cannot be found.`);
        const members = [...this.keys].filter(([, k]) => k.user === user).map(([id, k]) => `<member><UserName>${user}</UserName><AccessKeyId>${id}</AccessKeyId><Status>${k.status}</Status><CreateDate>${k.created}</CreateDate></member>`);
        return queryXml(action, `<AccessKeyMetadata>${members.join('')}</AccessKeyMetadata><IsTruncated>false</IsTruncated>`);
      }
      case 'CreateAccessKey': {
        const user = p.get('UserName') ?? '';
        if (!this.users.has(user)) return iamError(404, 'NoSuchEntity', 'no such user');
        if ([...this.keys.values()].filter((k) => k.user === user).length >= 2) return iamError(409, 'LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2');
        const id = `AKIANEWKEYALICE${String(++this.seq).padStart(5, '0')}`;
        const secret = awsSecret();
        this.keys.set(id, { user, status: 'Active', created: new Date().toISOString(), secret });
        this.created.push({ id, secret });
        return queryXml(action, `<AccessKey><UserName>${user}</UserName><AccessKeyId>${id}</AccessKeyId><Status>Active</Status><SecretAccessKey>${secret}</SecretAccessKey><CreateDate>${new Date().toISOString()}</CreateDate></AccessKey>`);
      }
      case 'UpdateAccessKey': {
        const k = this.keys.get(p.get('AccessKeyId') ?? '');
        if (!k) return iamError(404, 'NoSuchEntity', 'no such key');
        k.status = p.get('Status') === 'Inactive' ? 'Inactive' : 'Active';
        return queryXml(action, '');
      }
      case 'DeleteAccessKey': {
        if (!this.keys.delete(p.get('AccessKeyId') ?? '')) return iamError(404, 'NoSuchEntity', 'no such key');
        return queryXml(action, '');
      }
      case 'GetSecretValue': {
        const v = this.secrets.get(json().SecretId ?? '');
        return v === undefined ? smError('ResourceNotFoundException') : JSON.stringify({ Name: json().SecretId, SecretString: v });
      }
      case 'DescribeSecret': {
        const id = json().SecretId ?? '';
        return this.secrets.has(id) ? JSON.stringify({ Name: id, ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}` }) : smError('ResourceNotFoundException');
      }
      case 'CreateSecret':
        this.secrets.set(json().Name ?? '', json().SecretString ?? '');
        return JSON.stringify({ Name: json().Name });
      case 'PutSecretValue':
        this.secrets.set(json().SecretId ?? '', json().SecretString ?? '');
        return JSON.stringify({ Name: json().SecretId, VersionId: 'v2' });
      default:
        return undefined;
    }
  }

  status(id: string): 'Active' | 'Inactive' | 'absent' {
    return this.keys.get(id)?.status ?? 'absent';
  }
}

let account: Account;
let server: FaultServer;
let dir: string;
let log: string;

beforeEach(async () => {
  account = new Account();
  server = await startFaultServer((action, body, req) => account.handle(action, body, String(req.headers.authorization ?? '')));
  dir = mkdtempSync(join(tmpdir(), 'nhrem-'));
  log = join(dir, 'audit.jsonl');
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => awsEnv(server.url);
const mutations = () => server.requests.filter((r) => MUTATING.has(r));
const records = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; target: string; result: string; detail?: string }) : []);
const trail = () => records().map((e) => `${e.result} ${e.action} ${e.target}`);
const allSecrets = () => account.created.map((k) => k.secret);
const run = (args: string[], o: Parameters<typeof cli>[1] = {}) => cli([...args, '--audit-log', log], { env: env(), ...o });

/** Lines a remediation prints on stderr besides its one error line: the plan and its progress. */
const PROGRESS = /^(Account: |Caller: |AWS: profile |Time: |Plan: |  \d+\. |     \S|  ✓ |  skipped: |Resuming: |Next: |Dry run: |Nothing to do|Declined)/;

/** The contract, with the plan allowed on stderr: exactly one `nhiscan:` line for an error exit. */
function expectRemediation(r: FaultRun, c: { code: number; says?: RegExp; stdoutMayHold?: boolean }): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  const other = lines.filter((l) => !PROGRESS.test(l));
  expect(other.length, `exit ${r.code}\nstderr:\n${r.stderr}`).toBe(c.code >= 2 ? 1 : 0);
  expectContract(r, { ...c, secrets: allSecrets(), lines: lines.length });
  for (const s of allSecrets()) expect(existsSync(log) ? readFileSync(log, 'utf8') : '').not.toContain(s);
  if (existsSync(log)) expect(statSync(log).mode & 0o777).toBe(0o600);
  return other[0] ?? '';
}

/** Spawn the CLI with its stdout a pipe whose reader is already gone (`| true`), or kill it mid-call. */
function spawnCli(args: string[], o: { closedStdout?: boolean } = {}): { child: ChildProcess; done: Promise<FaultRun> } {
  const child = spawn(process.execPath, [CLI, ...args, '--audit-log', log], { env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (o.closedStdout) child.stdout!.destroy();
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  const done = new Promise<FaultRun>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out, stderr: err });
    }),
  );
  return { child, done };
}

const rotateArgs = (...extra: string[]) => ['rotate', 'access-key', OLD, '--user', USER, '--yes', ...extra];

describe('1. a new key is never lost: a failed --print is a failed store', () => {
  it('stdout is /dev/full: the new key is deleted again, exit 3, the log records create, failed store and clean-up', async () => {
    const r = await run(rotateArgs('--print'), { stdoutPath: '/dev/full' });
    const line = expectRemediation(r, { code: 3, says: /ENOSPC/ });
    const created = account.created[0]!.id;
    expect(line).toMatch(new RegExp(`State: the new key ${created} could not be stored, so it was deleted again`));
    expect(account.status(created)).toBe('absent');
    expect(account.status(OLD)).toBe('Active');
    expect(trail()).toEqual([`intent create-access-key ${USER}`, `intent store-access-key ${USER}/${created}`, `ok create-access-key ${USER}`, `failed store-access-key ${USER}/${created}`, `intent delete-access-key ${USER}/${created}`, `ok delete-access-key ${USER}/${created}`]);
  });

  it('stdout is a closed pipe (| true): the same, with EPIPE', async () => {
    const { done } = spawnCli(rotateArgs('--print'), { closedStdout: true });
    const r = await done;
    expectRemediation(r, { code: 3, says: /EPIPE/ });
    expect(account.status(account.created[0]!.id)).toBe('absent');
    expect(account.status(OLD)).toBe('Active');
    expect(records().map((e) => e.action)).toContain('store-access-key');
  });

  it('a working stdout gets the key: the same command exits 0 and the key printed is the one IAM holds', async () => {
    const r = await run(rotateArgs('--print'));
    expectRemediation(r, { code: 0, stdoutMayHold: true });
    const printed = JSON.parse(r.stdout) as { AccessKeyId: string; SecretAccessKey: string };
    expect(printed).toEqual({ AccessKeyId: account.created[0]!.id, SecretAccessKey: account.created[0]!.secret });
    expect(account.status(printed.AccessKeyId)).toBe('Active');
  });
});

describe('6. the audit log is checked before the first change, and intent is recorded before each call', () => {
  it('an audit log under a regular file: exit 2 before any change, the key is untouched', async () => {
    writeFileSync(join(dir, 'notadir'), 'x');
    const r = await cli(['revoke', 'access-key', OLD, '--user', USER, '--yes', '--audit-log', join(dir, 'notadir', 'audit.jsonl')], { env: env() });
    expectContract(r, { code: 2, says: /audit log .*notadir\/audit\.jsonl.*nothing was changed/ });
    expect(mutations()).toEqual([]);
    expect(account.status(OLD)).toBe('Active');
  });

  it('an intent record is on disk before the mutating call is made', async () => {
    const seen: string[][] = [];
    account.onMutate = () => seen.push(trail());
    const r = await run(['revoke', 'access-key', OLD, '--user', USER, '--yes']);
    expectRemediation(r, { code: 0 });
    expect(seen).toEqual([[`intent deactivate-access-key ${USER}/${OLD}`]]);
    expect(trail()).toEqual([`intent deactivate-access-key ${USER}/${OLD}`, `ok deactivate-access-key ${USER}/${OLD}`]);
    expect(account.status(OLD)).toBe('Inactive');
  });

  it('kill -9 during the call leaves the intent in the log', async () => {
    account.faults.set('UpdateAccessKey', 'hang');
    const { child, done } = spawnCli(['revoke', 'access-key', OLD, '--user', USER, '--yes']);
    await vi_waitFor(() => server.requests.includes('UpdateAccessKey'));
    child.kill('SIGKILL');
    await done;
    expect(trail()).toEqual([`intent deactivate-access-key ${USER}/${OLD}`]);
  });

  it('an existing audit log with a wider mode ends 0600', async () => {
    writeFileSync(log, '');
    chmodSync(log, 0o644);
    const r = await run(['revoke', 'access-key', OLD, '--user', USER, '--yes']);
    expectRemediation(r, { code: 0 });
    expect(statSync(log).mode & 0o777).toBe(0o600);
  });
});

async function vi_waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('7. every failing step prints the state the account is really in', () => {
  const keyFile = () => join(dir, 'new-key.json');

  it('create fails: no new key, the old one untouched', async () => {
    account.faults.set('CreateAccessKey', 'denied');
    const r = await run(rotateArgs('--to-file', keyFile(), '--deactivate-old'));
    expectRemediation(r, { code: 3, says: new RegExp(`State: no new key was created; ${OLD} is untouched \\(still Active\\)`) });
    expect([...account.keys.keys()]).toEqual([OLD]);
    expect(account.status(OLD)).toBe('Active');
  });

  it('store fails, clean-up works: the new key was deleted again', async () => {
    account.faults.set('CreateSecret', 'denied');
    const r = await run(rotateArgs('--to-secret', 'prod/alice', '--deactivate-old'));
    const created = account.created[0]!.id;
    expectRemediation(r, { code: 3, says: new RegExp(`State: the new key ${created} could not be stored, so it was deleted again; ${OLD} is untouched \\(still Active\\)`) });
    expect(account.status(created)).toBe('absent');
    expect(account.status(OLD)).toBe('Active');
  });

  it('store and clean-up both fail: the message says the key is still Active, in full, with the command to delete it', async () => {
    account.faults.set('CreateSecret', 'denied');
    account.faults.set('DeleteAccessKey', 'denied');
    const r = await run(rotateArgs('--to-secret', 'prod/alice', '--deactivate-old'));
    const created = account.created[0]!.id;
    const line = expectRemediation(r, { code: 3 });
    expect(line).not.toMatch(/deleted again/);
    expect(line).toContain(`${created} is still Active in IAM but its secret was not stored anywhere`);
    expect(line).toContain(`aws iam delete-access-key --user-name ${USER} --access-key-id ${created}`);
    expect(line).toContain(`${OLD} is untouched (still Active)`);
    expect(account.status(created)).toBe('Active');
    expect(trail()).toContain(`failed delete-access-key ${USER}/${created}`);
  });

  it('verify fails: the new key is stored, the old one still Active', async () => {
    account.verify = 'denied';
    const r = await run(rotateArgs('--to-file', keyFile(), '--deactivate-old'));
    const created = account.created[0]!.id;
    const line = expectRemediation(r, { code: 3, says: /step "verify the new key works/ });
    expect(line).toContain(`State: the new key is stored in file ${keyFile()} (${created}); the old key ${OLD} is still active`);
    expect(JSON.parse(readFileSync(keyFile(), 'utf8')).AccessKeyId).toBe(created);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(account.status(created)).toBe('Active');
    expect(account.status(OLD)).toBe('Active');
  });

  it('deactivate fails: stored and verified, the old key still Active, with the command to finish', async () => {
    account.faults.set('UpdateAccessKey', 'denied');
    const r = await run(rotateArgs('--to-file', keyFile(), '--deactivate-old'));
    const created = account.created[0]!.id;
    const line = expectRemediation(r, { code: 3 });
    expect(line).toContain(`State: the new key is stored and verified; the old key ${OLD} is still active (${created} is stored in file ${keyFile()})`);
    expect(line).toContain(`aws iam update-access-key --user-name ${USER} --access-key-id ${OLD} --status Inactive`);
    expect(account.status(OLD)).toBe('Active');
    expect(account.status(created)).toBe('Active');
  });

  it('delete fails (rotate finish): the old key is still there, Inactive', async () => {
    account.keys.get(OLD)!.status = 'Inactive';
    account.faults.set('DeleteAccessKey', 'denied');
    const r = await run(['rotate', 'finish', OLD, '--user', USER, '--yes', '--force']);
    expectRemediation(r, { code: 3, says: new RegExp(`State: ${OLD} not deleted \\(still Inactive\\)`) });
    expect(account.status(OLD)).toBe('Inactive');
  });

  it('the log fails after the change: the change is reported as made, exit 3', async () => {
    account.onMutate = () => {
      rmSync(log);
      mkdirSync(log);
    };
    const r = await run(['revoke', 'access-key', OLD, '--user', USER, '--yes']);
    rmSync(log, { recursive: true });
    const line = expectRemediation(r, { code: 3 });
    expect(line).toMatch(/audit log .* could not be written \(EISDIR\)/);
    expect(line).toContain(`State: ${OLD} is Inactive (done, but not recorded`);
    expect(account.status(OLD)).toBe('Inactive');
  });
});

describe('11. a verify that never answers ends in bounded time with a true state', () => {
  it('GetCallerIdentity with the new key hangs: exit 3, stored, old key still Active', async () => {
    account.verify = 'hang';
    const start = Date.now();
    const r = await run(rotateArgs('--to-file', join(dir, 'k.json'), '--deactivate-old'), { timeoutMs: 40_000 });
    const created = account.created[0]!.id;
    const line = expectRemediation(r, { code: 3 });
    expect(Date.now() - start).toBeLessThan(35_000);
    expect(line).toContain(`State: the new key is stored in file ${join(dir, 'k.json')} (${created}); the old key ${OLD} is still active`);
    expect(account.status(OLD)).toBe('Active');
  }, 45_000);
});

describe('17. what is not there is named, exit 2; torn logs and bad reports never crash', () => {
  it('a key id nobody owns', async () => {
    const r = await run(['revoke', 'access-key', 'AKIANOSUCHKEY0000009', '--yes']);
    expectContract(r, { code: 2, says: /AKIANOSUCHKEY0000009 is not an access key in this account/ });
    expect(mutations()).toEqual([]);
  });

  it('a secret access key pasted in place of its id is refused without being echoed or sent', async () => {
    const pasted = awsSecret();
    const r = await run(['revoke', 'access-key', pasted, '--yes']);
    expectContract(r, { code: 2, secrets: [pasted], says: /not an IAM access key id/ });
    expect(server.requests.filter((a) => a !== 'GetCallerIdentity')).toEqual([]);
  });

  it('--to-file into a missing directory is refused before a key is created', async () => {
    const r = await run(rotateArgs('--to-file', join(dir, 'no', 'such', 'k.json')));
    expectContract(r, { code: 2, says: /its directory is not writable \(ENOENT\); nothing was changed/ });
    expect(account.created).toEqual([]);
  });

  it('a user that does not exist', async () => {
    const r = await run(['revoke', 'access-key', OLD, '--user', 'bob', '--yes']);
    expectContract(r, { code: 2, says: /no IAM user named bob/ });
    expect(mutations()).toEqual([]);
  });

  it('a key of someone else', async () => {
    account.users.add('carol');
    const r = await run(['rotate', 'access-key', OLD, '--user', 'carol', '--print', '--yes']);
    expectContract(r, { code: 2, says: new RegExp(`${OLD} is not an access key of carol`) });
    expect(mutations()).toEqual([]);
  });

  it('a secret that does not exist', async () => {
    const r = await run(['rotate', 'secret', 'prod/nothing', '--yes']);
    expectContract(r, { code: 2, says: /no Secrets Manager secret named prod\/nothing/ });
  });

  it('a torn or garbage line in the audit log is skipped with one warning naming the line, never its content', async () => {
    const planted = awsSecret();
    const ok = { time: '2026-01-01T00:00:00.000Z', caller: null, action: 'deactivate-access-key', target: `${USER}/${OLD}`, result: 'ok' };
    writeFileSync(log, `${JSON.stringify(ok)}\ngarbage ${planted}\n{"time":"2026-01-02T00:00:00.0`, { mode: 0o600 });
    const r = await cli(['log', '--audit-log', log]);
    expectContract(r, { code: 3, secrets: [planted], says: /^nhiscan: incomplete: skipped 2 unreadable line\(s\) in .*audit\.jsonl \(lines 2, 3\)$/m });
    expect(r.stdout).toContain('deactivate-access-key');

    account.keys.get(OLD)!.status = 'Inactive';
    const f = await run(['rotate', 'finish', OLD, '--user', USER, '--yes']);
    expect(f.stderr).not.toContain(planted);
    expect(f.stderr).toMatch(/warning: skipped 2 unreadable line/);
    expect(f.code).toBe(0);
    expect(account.status(OLD)).toBe('absent');
  });

  for (const [name, content] of [
    ['null', 'null'],
    ['an array', '[]'],
    ['an empty object', '{}'],
    ['not JSON', `AWS_SECRET_ACCESS_KEY=${awsSecret()}`],
    ['binary', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x7b])],
  ] as const) {
    it(`--from-report given ${name}: exit 2 naming the file and what it needs`, async () => {
      const file = join(dir, 'report.json');
      writeFileSync(file, content);
      const r = await run(['revoke', 'access-key', '--from-report', file, '--yes']);
      expectContract(r, { code: 2, says: /report\.json is not an nhiscan report: give the output of `nhiscan audit -f json`/, secrets: typeof content === 'string' ? [content.split('=')[1] ?? content] : [] });
      expect(r.stderr).not.toMatch(/Unexpected token|position \d/);
      expect(mutations()).toEqual([]);
    });
  }
});

describe('the audit log itself, read and written by hostile paths', () => {
  it('nhiscan log on a directory: exit 2 naming it', async () => {
    mkdirSync(log);
    const r = await cli(['log', '--audit-log', log]);
    expectContract(r, { code: 2, says: /cannot read the audit log .*audit\.jsonl \(EISDIR\)/ });
    rmSync(log, { recursive: true });
  });

  it('an audit log that is a FIFO nobody reads: exit 2 at once, no change', async () => {
    execFileSync('mkfifo', [log]);
    const r = await run(['revoke', 'access-key', OLD, '--user', USER, '--yes'], { timeoutMs: 10_000 });
    expectContract(r, { code: 2, says: /cannot write the audit log .*nothing was changed/ });
    expect(mutations()).toEqual([]);
    rmSync(log);
  });
});

describe('safety rails at the CLI', () => {
  it('no TTY and no --yes: the plan is shown, nothing changes, exit 2', async () => {
    const r = await cli(['revoke', 'access-key', OLD, '--user', USER, '--audit-log', log], { env: env() });
    expectRemediation(r, { code: 2, says: /refusing to change anything without confirmation/ });
    expect(r.stderr).toMatch(/Plan: revoke/);
    expect(mutations()).toEqual([]);
    expect(account.status(OLD)).toBe('Active');
  });

  it('--dry-run makes no mutating call, whatever the command', async () => {
    for (const args of [
      ['revoke', 'access-key', OLD, '--user', USER, '--dry-run'],
      ['rotate', 'access-key', OLD, '--user', USER, '--to-secret', 'prod/alice', '--deactivate-old', '--dry-run'],
      ['rotate', 'finish', OLD, '--user', USER, '--force', '--dry-run'],
    ]) {
      const r = await run(args);
      expectRemediation(r, { code: 0 });
      expect(r.stderr).toMatch(/Dry run: no changes made/);
    }
    expect(mutations()).toEqual([]);
    expect(account.status(OLD)).toBe('Active');
  });
});

/** The commands a run printed after "Next:", as argv (the lines end in the command). */
function nextCommands(stderr: string): string[][] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('Next: '))
    .map((l) => /(?:^|: )(nhiscan .*)$/.exec(l.slice(6))?.[1])
    .filter((c): c is string => Boolean(c))
    .map((c) => c.split(' ').slice(1));
}

describe('printed commands name the same file when pasted', () => {
  it('a --to-file name with an escape is printed in bash $\'…\' form, which bash reads back as the real name', async () => {
    const file = join(dir, 'k\u001b[31m.json');
    const r = await run(rotateArgs('--to-file', file));
    expectRemediation(r, { code: 0 });
    const next = r.stderr.split('\n').find((l) => l.startsWith('Next: ') && l.includes('--to-file'));
    const arg = /--to-file (\$'(?:[^'\\]|\\.)*')/.exec(next ?? '')?.[1];
    expect(arg, next).toBeDefined();
    expect(execFileSync('bash', ['-c', `printf %s ${arg}`], { encoding: 'utf8' })).toBe(file);
  });
});

describe('5. a rotation never deletes the key it created and stored', () => {
  it('after --print, the printed Next: commands run as printed, and none plans to delete the printed key', async () => {
    const first = await run(rotateArgs('--print'));
    expectRemediation(first, { code: 0, stdoutMayHold: true });
    const created = account.created[0]!.id;
    expect(trail()).toContain(`ok store-access-key ${USER}/${created}`);
    const cmds = nextCommands(first.stderr);
    expect(cmds.length).toBe(2);
    for (const c of cmds) expect(c.join(' ')).not.toMatch(/--print/);
    // The deactivate step, run for real, then the finish step as a dry run: both work as printed.
    const deactivate = await cli([...cmds[0]!, '--yes'], { env: env() });
    expectRemediation(deactivate, { code: 0 });
    expect(account.status(OLD)).toBe('Inactive');
    expect(account.status(created)).toBe('Active');
    const finish = await cli([...cmds[1]!, '--dry-run'], { env: env() });
    expectRemediation(finish, { code: 0 });
    expect(finish.stderr).toMatch(new RegExp(`delete ${OLD}`));
    expect(account.status(created)).toBe('Active');
  });

  it('the old advice (--print --deactivate-old after --print) is refused: the printed key stays, nothing changes', async () => {
    expectRemediation(await run(rotateArgs('--print')), { code: 0, stdoutMayHold: true });
    const created = account.created[0]!.id;
    const before = mutations().length;
    const r = await run(rotateArgs('--print', '--deactivate-old'));
    expectRemediation(r, { code: 2, says: new RegExp(`${created} was printed by an earlier rotation.*nhiscan revoke access-key ${OLD}`) });
    expect(mutations().length).toBe(before);
    expect(account.status(created)).toBe('Active');
    expect(account.status(OLD)).toBe('Active');
  });

  it('a re-run with another --to-file, or after the deploy consumed the file, keeps the stored key and says how to finish', async () => {
    const file = join(dir, 'k1.json');
    const first = await run(rotateArgs('--to-file', file));
    expectRemediation(first, { code: 0 });
    const created = account.created[0]!.id;
    const resume = nextCommands(first.stderr)[0]!;
    expect(resume).toContain('--deactivate-old');
    // As printed (dry run): it resumes from the file.
    const dry = await cli([...resume, '--dry-run'], { env: env() });
    expectRemediation(dry, { code: 0 });
    expect(dry.stderr).toMatch(/Resuming: the new key/);
    expect(dry.stderr).not.toMatch(/delete /);

    for (const args of [rotateArgs('--to-file', join(dir, 'k2.json'), '--deactivate-old'), (rmSync(file), rotateArgs('--to-file', file, '--deactivate-old'))]) {
      const r = await run(args);
      expectRemediation(r, { code: 2, says: new RegExp(`${created} was created and stored in file .*k1\\.json.*aws iam delete-access-key --user-name ${USER} --access-key-id ${created}`) });
      expect(account.status(created)).toBe('Active');
      expect(account.status(OLD)).toBe('Active');
    }
    expect(account.created.length).toBe(1);
  });

  it('a second key the log has no record of is not deleted; one whose store failed is', async () => {
    account.keys.set('AKIASTRAYKEYALICE001', { user: USER, status: 'Active', created: '2026-01-01T00:00:00Z', secret: 'x' });
    const r = await run(rotateArgs('--to-file', join(dir, 'k.json')));
    expectRemediation(r, { code: 2, says: /AKIASTRAYKEYALICE001 .*no record of.*cannot prove it is an orphan.*aws iam delete-access-key/ });
    expect(account.status('AKIASTRAYKEYALICE001')).toBe('Active');

    writeFileSync(log, `${JSON.stringify({ time: '2026-01-01T00:00:01.000Z', caller: null, action: 'store-access-key', target: `${USER}/AKIASTRAYKEYALICE001`, result: 'failed', detail: 'file x: EACCES' })}\n`, { mode: 0o600 });
    const ok = await run(rotateArgs('--to-file', join(dir, 'k.json')));
    expectRemediation(ok, { code: 0 });
    expect(account.status('AKIASTRAYKEYALICE001')).toBe('absent');
  });
});

describe('6. SIGINT/SIGTERM while storing never leaves an orphan key', () => {
  const secretArgs = () => [...rotateArgs('--to-secret', 's9', '--deactivate-old'), '--aws-timeout', '1'];

  it('SIGTERM during CreateSecret that then fails: the step finishes, the new key is deleted again, exit 3 with the state', async () => {
    account.faults.set('CreateSecret', (n) => (n === 1 ? 'hang' : 'denied'));
    const { child, done } = spawnCli(secretArgs());
    await vi_waitFor(() => server.requests.includes('CreateSecret'));
    child.kill('SIGTERM');
    const r = await done;
    const created = account.created[0]!.id;
    expectRemediation(r, { code: 3, says: new RegExp(`State: the new key ${created} could not be stored, so it was deleted again`) });
    expect(account.status(created)).toBe('absent');
    expect(account.status(OLD)).toBe('Active');
    expect(trail()).toContain(`ok delete-access-key ${USER}/${created}`);
  });

  it('SIGINT during CreateSecret that then works: stored, recorded, the later steps not run, exit 3', async () => {
    account.faults.set('CreateSecret', (n) => (n === 1 ? 'hang' : undefined));
    const { child, done } = spawnCli(secretArgs());
    await vi_waitFor(() => server.requests.includes('CreateSecret'));
    child.kill('SIGINT');
    const r = await done;
    const created = account.created[0]!.id;
    expectRemediation(r, { code: 3, says: /interrupted by SIGINT: .*the 2 later step\(s\) were not run\. State: a new key is stored in Secrets Manager secret s9/ });
    expect(JSON.parse(account.secrets.get('s9')!).AccessKeyId).toBe(created);
    expect(account.status(created)).toBe('Active');
    expect(account.status(OLD)).toBe('Active');
    expect(trail()).toContain(`ok store-access-key ${USER}/${created}`);
  });

  it('a second signal forces the exit, after the state line with the key id and the command to delete it', async () => {
    account.faults.set('CreateSecret', 'hang');
    const { child, done } = spawnCli([...rotateArgs('--to-secret', 's9'), '--aws-timeout', '20']);
    await vi_waitFor(() => server.requests.includes('CreateSecret'));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    const r = await done;
    const created = account.created[0]!.id;
    const line = expectRemediation(r, { code: 3, says: /forced to stop by a second SIGTERM/ });
    expect(line).toContain(`aws iam delete-access-key --user-name ${USER} --access-key-id ${created}`);
    expect(trail()).toContain(`intent store-access-key ${USER}/${created}`);
  });
});

describe('10. names printed in plan and step lines are escaped', () => {
  it('a role name, a key file name, a secret name and a report file name with terminal escapes', async () => {
    // A role name with an escape is not an IAM name at all: refused before any plan, and not echoed.
    const role = await run(['revoke', 'role-sessions', 'ro\u001b[31mle', '--dry-run']);
    expect(role.code).toBe(2);
    expect(role.stderr).not.toContain('\u001b');
    expect(role.stderr).toMatch(/not an IAM role name/);
    const runs = [
      await run(rotateArgs('--to-file', join(dir, 'k\u001b[31m.json'), '--dry-run')),
      await run(rotateArgs('--to-secret', 's\u001b[31mx', '--dry-run')),
    ];
    const file = join(dir, 'r\u001b[31m.json');
    writeFileSync(file, JSON.stringify({ tool: 'nhiscan', target: 'repo + aws:123456789012', findings: [{ kind: 'leak', ruleId: 'aws-leaked-key-active', credential: { id: OLD }, evidence: { user: USER } }] }));
    runs.push(await run(['revoke', 'access-key', '--from-report', file, '--dry-run']));
    for (const r of runs) {
      expectRemediation(r, { code: 0 });
      expect(r.stderr).not.toContain('\u001b');
      expect(r.stderr).toContain('\\x1b[31m');
    }
  });
});

describe('role names that are not role names', () => {
  it('a pasted secret as the role is refused unsent and unechoed, with a / or as a valid token', async () => {
    const before = server.requests.length;
    for (const bad of [awsSecret(), githubToken()]) {
      const r = await run(['revoke', 'role-sessions', bad, '--yes']);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain(bad);
    }
    expect(server.requests.slice(before).filter((a) => a === 'PutRolePolicy')).toEqual([]);
  });
});

describe('13. --from-report acts only on an audit report, and says what it skipped', () => {
  const report = (doc: object) => {
    const file = join(dir, 'report.json');
    writeFileSync(file, JSON.stringify(doc));
    return file;
  };
  const leak = (user?: string) => ({ kind: 'leak', ruleId: 'aws-leaked-key-active', credential: { id: OLD }, evidence: user ? { user } : {} });

  it('a plain scan report, or another tool\'s file: exit 2 saying what it needs, no change', async () => {
    for (const doc of [
      { tool: 'nhiscan', target: '/repo', findings: [] },
      { tool: 'other', target: 'aws:123456789012', findings: [leak(USER)] },
      { findings: [leak(USER)] },
    ]) {
      const r = await run(['revoke', 'access-key', '--from-report', report(doc), '--yes']);
      expectContract(r, { code: 2, says: /report\.json .*nhiscan audit -f json/ });
    }
    expect(mutations()).toEqual([]);
  });

  it('a leak finding without its user is listed as skipped, and the run exits 3', async () => {
    const r = await run(['revoke', 'access-key', '--from-report', report({ tool: 'nhiscan', target: 'r + aws:123456789012', findings: [leak()] }), '--yes']);
    expectRemediation(r, { code: 3, says: /incomplete: 1 finding\(s\) of .*report\.json could not be acted on: finding 1 \(AKIAOLDKEYALICE00001\): no IAM user name/ });
    expect(r.stderr).toMatch(/^  skipped: finding 1/m);
    expect(account.status(OLD)).toBe('Active');
  });

  it('a complete audit report: the marked key is deactivated, exit 0', async () => {
    const r = await run(['revoke', 'access-key', '--from-report', report({ tool: 'nhiscan', target: 'r + aws:123456789012', findings: [leak(USER)] }), '--yes']);
    expectRemediation(r, { code: 0 });
    expect(account.status(OLD)).toBe('Inactive');
  });
});
