// Issue 12: the leaked-key response works as printed. A loopback AWS-compatible endpoint keeps a
// small account's state (users, keys, their last use, secrets); the audit runs against it, and the
// commands the audit and each step print are then run as printed. The account is checked after
// every step, not only what the CLI said.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allowedActions, policyFor } from '../src/remediate/permissions.js';
import { awsEnv, iamError, queryXml, smError, startFaultServer, type Fault, type FaultServer } from './faults/aws-fault-server.js';
import { cli, type FaultRun } from './faults/harness.js';
import { TempRepo } from './helpers/git.js';
import { awsKeyId, awsSecret } from './helpers/secrets.js';

const ACCOUNT = '123456789012';
const USER = 'alice';
const MUTATING = new Set(['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey', 'CreateSecret', 'PutSecretValue', 'RotateSecret', 'DeleteResourcePolicy']);

interface Key {
  user: string;
  status: 'Active' | 'Inactive';
  created: string;
  lastUsed?: string;
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** A stateful account: enough of IAM, STS and Secrets Manager for `audit`, `revoke`, `rotate` and `finish`. */
class Account {
  users = new Set([USER]);
  keys = new Map<string, Key>();
  secrets = new Map<string, string>();
  /** Secret access keys of keys this account created: they may appear only in the key's store. */
  created: Array<{ id: string; secret: string }> = [];
  /** Secrets Manager secrets the audit lists (name → entry), beside the ones rotate stores. */
  listed: Array<Record<string, unknown>> = [];
  policies = new Map<string, string>();
  alias: string | Fault = 'acme-prod';
  callerAccount = ACCOUNT;

  handle(action: string, body: string, auth: string): string | Fault | undefined {
    const p = new URLSearchParams(body);
    const json = () => JSON.parse(body) as Record<string, string>;
    switch (action) {
      case 'GetCallerIdentity': {
        const signer = /Credential=([A-Z0-9]+)\//.exec(auth)?.[1] ?? '';
        if (this.created.some((k) => k.id === signer)) {
          if (this.keys.get(signer)?.status !== 'Active') return iamError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
          return queryXml(action, `<Arn>arn:aws:iam::${ACCOUNT}:user/${USER}</Arn><UserId>AIDAALICE</UserId><Account>${ACCOUNT}</Account>`);
        }
        return queryXml(action, `<Arn>arn:aws:iam::${this.callerAccount}:user/responder</Arn><UserId>AIDARESP</UserId><Account>${this.callerAccount}</Account>`);
      }
      case 'ListAccountAliases':
        if (typeof this.alias !== 'string') return this.alias;
        return queryXml(action, `<AccountAliases><member>${this.alias}</member></AccountAliases><IsTruncated>false</IsTruncated>`);
      case 'GetAccountAuthorizationDetails': {
        const users = [...this.users].map((u) => `<member><UserName>${u}</UserName><UserId>AIDA${u.toUpperCase()}</UserId><Arn>arn:aws:iam::${ACCOUNT}:user/${u}</Arn><Path>/</Path><CreateDate>2020-01-01T00:00:00Z</CreateDate><UserPolicyList/><GroupList/><AttachedManagedPolicies/></member>`);
        return queryXml(action, `<IsTruncated>false</IsTruncated><UserDetailList>${users.join('')}</UserDetailList><GroupDetailList/><RoleDetailList/><Policies/>`);
      }
      case 'GenerateCredentialReport':
        return queryXml(action, '<State>COMPLETE</State>');
      case 'GetCredentialReport':
        return queryXml(action, `<Content>${Buffer.from(this.credentialReport()).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>${new Date().toISOString()}</GeneratedTime>`);
      case 'GetAccessKeyLastUsed': {
        const k = this.keys.get(p.get('AccessKeyId') ?? '');
        if (!k) return iamError(404, 'NoSuchEntity', 'The Access Key with id given cannot be found.');
        const used = k.lastUsed ? `<LastUsedDate>${k.lastUsed}</LastUsedDate><ServiceName>s3</ServiceName><Region>us-east-1</Region>` : '<ServiceName>N/A</ServiceName><Region>N/A</Region>';
        return queryXml(action, `<UserName>${k.user}</UserName><AccessKeyLastUsed>${used}</AccessKeyLastUsed>`);
      }
      case 'ListAccessKeys': {
        const user = p.get('UserName') ?? '';
        if (!this.users.has(user)) return iamError(404, 'NoSuchEntity', `The user with name ${user} cannot be found.`);
        const members = this.keysOf(user).map(([id, k]) => `<member><UserName>${user}</UserName><AccessKeyId>${id}</AccessKeyId><Status>${k.status}</Status><CreateDate>${k.created}</CreateDate></member>`);
        return queryXml(action, `<AccessKeyMetadata>${members.join('')}</AccessKeyMetadata><IsTruncated>false</IsTruncated>`);
      }
      case 'CreateAccessKey': {
        const user = p.get('UserName') ?? '';
        if (!this.users.has(user)) return iamError(404, 'NoSuchEntity', 'no such user');
        if (this.keysOf(user).length >= 2) return iamError(409, 'LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2');
        const id = awsKeyId(ACCOUNT);
        const secret = awsSecret();
        const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        this.keys.set(id, { user, status: 'Active', created });
        this.created.push({ id, secret });
        return queryXml(action, `<AccessKey><UserName>${user}</UserName><AccessKeyId>${id}</AccessKeyId><Status>Active</Status><SecretAccessKey>${secret}</SecretAccessKey><CreateDate>${created}</CreateDate></AccessKey>`);
      }
      case 'UpdateAccessKey': {
        const k = this.keys.get(p.get('AccessKeyId') ?? '');
        if (!k) return iamError(404, 'NoSuchEntity', 'no such key');
        k.status = p.get('Status') === 'Inactive' ? 'Inactive' : 'Active';
        return queryXml(action, '');
      }
      case 'DeleteAccessKey':
        if (!this.keys.delete(p.get('AccessKeyId') ?? '')) return iamError(404, 'NoSuchEntity', 'no such key');
        return queryXml(action, '');
      case 'ListSecrets':
        return JSON.stringify({ SecretList: this.listed });
      case 'GetResourcePolicy': {
        const id = json().SecretId ?? '';
        return JSON.stringify({ ARN: id, ...(this.policies.has(id) ? { ResourcePolicy: this.policies.get(id) } : {}) });
      }
      case 'GetSecretValue': {
        const v = this.secrets.get(json().SecretId ?? '');
        return v === undefined ? smError('ResourceNotFoundException') : JSON.stringify({ Name: json().SecretId, SecretString: v });
      }
      case 'DescribeSecret': {
        const id = json().SecretId ?? '';
        const listed = this.listed.find((s) => s.ARN === id || s.Name === id);
        if (listed) return JSON.stringify(listed);
        return this.secrets.has(id) ? JSON.stringify({ Name: id, ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${id}` }) : smError('ResourceNotFoundException');
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

  keysOf(user: string): Array<[string, Key]> {
    return [...this.keys].filter(([, k]) => k.user === user).sort(([, a], [, b]) => Date.parse(a.created) - Date.parse(b.created));
  }

  status(id: string): 'Active' | 'Inactive' | 'absent' {
    return this.keys.get(id)?.status ?? 'absent';
  }

  /** "id:status" of a user's keys, oldest first: what the account looks like now. */
  state(user = USER): string[] {
    return this.keysOf(user).map(([id, k]) => `${id}:${k.status}`);
  }

  private credentialReport(): string {
    const head =
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
    const rows = [...this.users].map((u) => {
      const slots = [0, 1].map((i) => {
        const k = this.keysOf(u)[i]?.[1];
        if (!k) return 'false,N/A,N/A,N/A,N/A';
        return `${k.status === 'Active'},${k.created},${k.lastUsed ?? 'N/A'},${k.lastUsed ? 'us-east-1' : 'N/A'},${k.lastUsed ? 's3' : 'N/A'}`;
      });
      return `${u},arn:aws:iam::${ACCOUNT}:user/${u},2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,${slots.join(',')},false,N/A,false,N/A`;
    });
    return [head, ...rows].join('\n');
  }
}

let account: Account;
let server: FaultServer;
let home: string;
let log: string;
let repo: TempRepo;
let leaked: string;

beforeEach(async () => {
  account = new Account();
  // The leaked key: old, last used two weeks ago (outside the recent-use window).
  leaked = awsKeyId(ACCOUNT);
  account.keys.set(leaked, { user: USER, status: 'Active', created: '2024-01-01T00:00:00Z', lastUsed: hoursAgo(24 * 14) });
  server = await startFaultServer((action, body, req) => account.handle(action, body, String(req.headers.authorization ?? '')));
  home = mkdtempSync(join(tmpdir(), 'nhresp-'));
  log = join(home, 'audit.jsonl');
  repo = new TempRepo();
  repo.write('deploy/prod.env', `AWS_ACCESS_KEY_ID=${leaked}\nAWS_SECRET_ACCESS_KEY=${awsSecret()}\n`).commit('deploy config');
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
  repo.cleanup();
});

const env = () => awsEnv(server.url, { HOME: home });
const mutations = () => server.requests.filter((r) => MUTATING.has(r));
/** Run nhiscan with this test's account, HOME and audit log. */
const run = (args: string[]) => cli([...args, '--audit-log', log], { env: env() });
const allSecrets = () => account.created.map((k) => k.secret);

interface ReportFinding {
  ruleId: string;
  kind: string;
  credential?: { id: string; kind?: string };
  remediation?: { hint: string; command?: string };
}

async function audit(): Promise<{ run: FaultRun; findings: ReportFinding[] }> {
  const r = await cli(['audit', repo.dir, '-f', 'json', '--fail-on', 'critical'], { env: env() });
  expect(r.stdout, r.stderr).not.toBe('');
  return { run: r, findings: (JSON.parse(r.stdout) as { findings: ReportFinding[] }).findings };
}

/** A printed `nhiscan …` command as argv (the tests' names need no shell quoting; a quote would mean they did). */
function argv(command: string): string[] {
  expect(command).not.toMatch(/['"$`\\]/);
  const words = command.trim().split(/\s+/);
  expect(words[0]).toBe('nhiscan');
  return words.slice(1);
}

/** The command after "…: " on a `Next:` line that contains `needle`. */
function nextCommand(stderr: string, needle: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith('Next: ') && l.includes(needle));
  expect(line, stderr).toBeDefined();
  return line!.slice(line!.lastIndexOf(': nhiscan ') + 2);
}

const SECRETS_MANAGER = new Set(['ListSecrets', 'GetResourcePolicy', 'GetSecretValue', 'DescribeSecret', 'CreateSecret', 'PutSecretValue', 'RotateSecret']);
/** The IAM action each request the endpoint saw needs: every one must be in the policy --print-policy prints. */
const actionsOf = (requests: string[]) => [...new Set(requests.map((r) => (r === 'GetCallerIdentity' ? 'sts:' : SECRETS_MANAGER.has(r) ? 'secretsmanager:' : 'iam:') + r))];

/** Nothing of a created key's secret outside its store: not stderr, stdout or the audit log. */
function noSecretsLeaked(...runs: FaultRun[]): void {
  const text = runs.map((r) => r.stdout + r.stderr).join('') + (existsSync(log) ? readFileSync(log, 'utf8') : '');
  for (const s of allSecrets()) expect(text).not.toContain(s);
}

describe('the leaked-key walkthrough, as printed (audit → revoke → rotate → finish)', () => {
  it('to the default file: the audit fix line runs as printed; the old key stays Inactive until finish deletes it', async () => {
    const { findings } = await audit();
    const audited = server.requests.length;
    expect(actionsOf(server.requests).filter((a) => !allowedActions(policyFor('read-only')).has(a))).toEqual([]);
    const leak = findings.find((f) => f.ruleId === 'aws-leaked-key-active');
    expect(leak?.credential?.id).toBe(leaked);
    const fix = leak!.remediation!.command!;
    expect(fix).toBe(`nhiscan revoke access-key ${leaked} --user ${USER} && nhiscan rotate access-key ${leaked} --user ${USER}`);
    const [revokeCmd, rotateCmd] = fix.split(' && ');

    const revoked = await run([...argv(revokeCmd!), '--yes']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(account.state()).toEqual([`${leaked}:Inactive`]);
    // The plan header: what a responder checks before pressing yes.
    expect(revoked.stderr).toMatch(new RegExp(`^Account: ${ACCOUNT}  alias: acme-prod$`, 'm'));
    expect(revoked.stderr).toMatch(/^Caller: arn:aws:iam::123456789012:user\/responder$/m);
    expect(revoked.stderr).toContain(`endpoint ${server.url}`);
    expect(revoked.stderr).toMatch(new RegExp(`${leaked} last used: .* \\(14 days ago\\) by s3 in us-east-1`));

    const rotated = await run([...argv(rotateCmd!), '--yes']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const [, fresh] = account.state();
    const newId = fresh!.split(':')[0]!;
    expect(account.state()).toEqual([`${leaked}:Inactive`, `${newId}:Active`]);
    const file = join(home, '.nhiscan', 'keys', `replaces-${leaked}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.nhiscan', 'keys')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ AccessKeyId: newId, SecretAccessKey: account.created[0]!.secret });
    // Verified with the new key itself before the user deploys it.
    expect(rotated.stderr).toMatch(/✓ verify the new key works .*signed in as arn:aws:iam::123456789012:user\/alice/);

    const finished = await run([...argv(nextCommand(rotated.stderr, 'rotate finish')), '--yes']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(account.state()).toEqual([`${newId}:Active`]);
    noSecretsLeaked(revoked, rotated, finished);
    // Every call the response made is in the remediation policy (the new key's own GetCallerIdentity too, which needs none).
    expect(actionsOf(server.requests.slice(audited)).filter((a) => !allowedActions(policyFor('remediation')).has(a))).toEqual([]);
  });

  it('to a Secrets Manager secret: revoke, rotate --to-secret, finish; the secret holds the new key', async () => {
    const revoked = await run(['revoke', 'access-key', leaked, '--user', USER, '--yes']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(account.state()).toEqual([`${leaked}:Inactive`]);
    // revoke's own Next: line is the rotate command; with a store named it runs just as well.
    const rotateCmd = nextCommand(revoked.stderr, 'rotate access-key');
    const rotated = await run([...argv(rotateCmd), '--to-secret', 'prod/alice/aws', '--yes']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const newId = account.state()[1]!.split(':')[0]!;
    expect(account.state()).toEqual([`${leaked}:Inactive`, `${newId}:Active`]);
    expect(JSON.parse(account.secrets.get('prod/alice/aws')!)).toEqual({ AccessKeyId: newId, SecretAccessKey: account.created[0]!.secret });
    expect(existsSync(join(home, '.nhiscan', 'keys'))).toBe(false);

    // Re-running rotate resumes (verifies again), it never creates a third key.
    const again = await run([...argv(rotateCmd), '--to-secret', 'prod/alice/aws', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(account.created).toHaveLength(1);

    const finished = await run([...argv(nextCommand(rotated.stderr, 'rotate finish')), '--yes']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(account.state()).toEqual([`${newId}:Active`]);
    noSecretsLeaked(revoked, rotated, again, finished);
    expect(actionsOf(server.requests).filter((a) => !allowedActions(policyFor('remediation')).has(a))).toEqual([]);
    const all = allowedActions(policyFor('all'));
    expect([...allowedActions(policyFor('read-only')), ...allowedActions(policyFor('remediation'))].every((a) => all.has(a))).toBe(true);
  });

  it('the audit log records, for every action, its plan and the state before and after; nhiscan log filters and prints JSON', async () => {
    await run(['revoke', 'access-key', leaked, '--user', USER, '--yes']);
    await run(['rotate', 'access-key', leaked, '--user', USER, '--yes']);
    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    const deactivated = records.find((e) => e.action === 'deactivate-access-key' && e.result === 'ok')!;
    expect(deactivated).toMatchObject({ before: `${leaked} Active`, after: `${leaked} Inactive`, planTitle: `revoke ${leaked}` });
    expect(deactivated.plan).toMatch(/^[0-9a-f-]{36}$/);
    const created = records.find((e) => e.action === 'create-access-key' && e.result === 'ok')!;
    expect(created.plan).not.toBe(deactivated.plan);
    expect(created.after).toMatch(new RegExp(`^AKIA[A-Z0-9]{16} Active, stored in file .*replaces-${leaked}\\.json .*; ${leaked} Inactive$`));

    const byKey = await cli(['log', '--audit-log', log, '--key', leaked, '-f', 'json'], { env: env() });
    expect(byKey.code, byKey.stderr).toBe(0);
    const shown = byKey.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((e) => [e.target, e.detail, e.before, e.after].some((v) => (v ?? '').includes(leaked)))).toBe(true);
    // The other user's records, and the new key's own store records, are not about the leaked key.
    expect(shown.length).toBeLessThan(records.length);
    expect(shown.map((e) => e.action)).toContain('deactivate-access-key');

    const future = await cli(['log', '--audit-log', log, '--since', '2999-01-01'], { env: env() });
    expect(future).toMatchObject({ code: 0, stdout: '' });
    const otherUser = await cli(['log', '--audit-log', log, '--user', 'bob', '-f', 'json'], { env: env() });
    expect(otherUser).toMatchObject({ code: 0, stdout: '' });
    const badTime = await cli(['log', '--audit-log', log, '--since', 'yesterday-ish'], { env: env() });
    expect(badTime.code).toBe(2);
  });
});

describe('every printed command runs as printed with --dry-run', () => {
  it('the audit\'s fix commands, and the Next: lines of revoke and rotate, each plan and change nothing', async () => {
    // More to fix: a second user with two active keys (one in use, one never used) and an old key.
    account.users.add('svc-ci');
    const used = awsKeyId(ACCOUNT);
    const idle = awsKeyId(ACCOUNT);
    account.keys.set(used, { user: 'svc-ci', status: 'Active', created: '2023-01-01T00:00:00Z', lastUsed: hoursAgo(24 * 3) });
    account.keys.set(idle, { user: 'svc-ci', status: 'Active', created: '2023-06-01T00:00:00Z' });
    const { findings } = await audit();
    const two = findings.find((f) => f.ruleId === 'aws-two-active-keys');
    // The one to revoke is the one nothing uses, not the one in use.
    expect(two?.remediation?.command).toBe(`nhiscan revoke access-key ${idle} --user svc-ci`);
    const commands = findings.flatMap((f) => (f.remediation?.command ? f.remediation.command.split(' && ') : []));
    expect(commands.length).toBeGreaterThanOrEqual(4);
    const printed: string[] = [];
    for (const c of commands) {
      const r = await run([...argv(c), '--dry-run']);
      expect(r.code, `${c}\n${r.stderr}`).toBe(0);
      expect(r.stderr).toMatch(/Dry run: no changes made|Nothing to do/);
      printed.push(...r.stderr.split('\n').filter((l) => l.startsWith('Next: ')).map((l) => l.slice(l.lastIndexOf(': nhiscan ') + 2)));
    }
    // The Next: commands printed by those runs run too (finish needs a deactivation on record: --force in a dry run).
    expect(printed.length).toBeGreaterThan(0);
    for (const c of new Set(printed)) {
      const r = await run([...argv(c), '--dry-run', ...(c.includes('rotate finish') ? ['--force'] : [])]);
      expect(r.code, `${c}\n${r.stderr}`).toBe(0);
    }
    expect(mutations()).toEqual([]);
  });
});

describe('--from-report is exact', () => {
  const report = (target: string, findings: unknown[]) => {
    const file = join(home, 'report.json');
    writeFileSync(file, JSON.stringify({ tool: 'nhiscan', target, findings }));
    return file;
  };
  const leakOf = (id: string, active: boolean) => ({ kind: 'leak', ruleId: active ? 'aws-leaked-key-active' : 'aws-leaked-key-inactive', credential: { kind: 'access-key', id }, evidence: { user: USER } });

  it('a report of another account is refused up front: exit 2, one line, no call about its keys', async () => {
    const r = await run(['revoke', 'access-key', '--from-report', report('repo + aws:999999999999', [leakOf(leaked, true)]), '--yes']);
    expect(r.code).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('nhiscan: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/report\.json is a report of account 999999999999, but these credentials are in account 123456789012/);
    expect(server.requests).not.toContain('ListAccessKeys');
    expect(account.state()).toEqual([`${leaked}:Active`]);
  });

  it('every key it skips is listed with the reason, and the count line matches the steps', async () => {
    const inactive = awsKeyId(ACCOUNT);
    account.keys.set(inactive, { user: USER, status: 'Inactive', created: '2023-01-01T00:00:00Z' });
    const r = await run(['revoke', 'access-key', '--from-report', report(`repo + aws:${ACCOUNT}`, [leakOf(leaked, true), leakOf(inactive, false)]), '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Plan: revoke 1 key\(s\) from .*report\.json \(1 skipped, listed above\)$/m);
    expect(r.stderr).toMatch(new RegExp(`^  skipped: ${inactive} \\(alice\\): already Inactive, nothing to do \\(to delete it: nhiscan revoke access-key ${inactive} --user alice --audit-log \\S+ --delete\\)$`, 'm'));
    expect(r.stderr.match(/^ {2}\d+\. /gm)).toHaveLength(1);
    expect(account.status(leaked)).toBe('Inactive');
  });

  it('a key gone from the account since the report is listed as skipped, the rest is done, exit 3', async () => {
    const gone = awsKeyId(ACCOUNT);
    const r = await run(['revoke', 'access-key', '--from-report', report(`repo + aws:${ACCOUNT}`, [leakOf(gone, true), leakOf(leaked, true)]), '--yes']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^  skipped: ${gone}: ${gone} is not an access key of alice$`, 'm'));
    expect(account.status(leaked)).toBe('Inactive');
  });
});

describe('a key used in the last 24 hours', () => {
  beforeEach(() => {
    account.keys.get(leaked)!.lastUsed = hoursAgo(1);
  });

  it('revoke --yes refuses and says why (exit 2); --dry-run shows the warning; --force deactivates', async () => {
    const dry = await run(['revoke', 'access-key', leaked, '--user', USER, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(new RegExp(`warning: ${leaked} was used 60 min ago by s3 in us-east-1, within the last 24 h: deactivating it stops whatever still uses it`));
    expect(dry.stderr).toMatch(/A real run needs --force/);
    const refused = await run(['revoke', 'access-key', leaked, '--user', USER, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^nhiscan: refusing: .* was used 60 min ago .*re-run with --force/m);
    expect(account.status(leaked)).toBe('Active');
    const forced = await run(['revoke', 'access-key', leaked, '--user', USER, '--yes', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(account.status(leaked)).toBe('Inactive');
  });

  it('rotate --deactivate-old stops before creating anything; --recent-use-hours 0 turns the check off', async () => {
    const refused = await run(['rotate', 'access-key', leaked, '--user', USER, '--to-secret', 's', '--deactivate-old', '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing: .*deactivating it stops/);
    expect(account.state()).toEqual([`${leaked}:Active`]);
    const off = await run(['revoke', 'access-key', leaked, '--user', USER, '--yes', '--recent-use-hours', '0']);
    expect(off.code, off.stderr).toBe(0);
    expect(account.status(leaked)).toBe('Inactive');
  });
});

describe('the suggested fixes are right', () => {
  it('a secret without rotation gets instructions, not `rotate secret`; a public policy gets the policy fix', async () => {
    const arn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`;
    account.listed.push({ ARN: arn, Name: 'prod/db', RotationEnabled: false, CreatedDate: 1700000000, LastAccessedDate: Math.floor(Date.now() / 1000) });
    account.policies.set(arn, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] }));
    const { findings } = await audit();
    const off = findings.find((f) => f.ruleId === 'aws-secret-rotation-disabled');
    expect(off?.remediation?.command).toBeUndefined();
    expect(off?.remediation?.hint).toContain(`aws secretsmanager rotate-secret --secret-id ${arn} --region us-east-1 --rotation-lambda-arn`);
    const pub = findings.find((f) => f.ruleId === 'aws-secret-public-policy');
    expect(pub?.remediation?.command).toBe(`aws secretsmanager delete-resource-policy --secret-id ${arn} --region us-east-1`);
    // And `rotate secret` itself, on a secret with no function, says how instead of failing blindly.
    const r = await run(['rotate', 'secret', arn, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no rotation function: attach one/);
  });
});


describe('offline runs (credential report only: no key ids)', () => {
  it('print no command with a "user#slot" key id; the hint says how to find the id', async () => {
    const r = await cli(['aws', '--credential-report', join('fixtures', 'aws', 'credential-report.csv'), '--authorization-details', join('fixtures', 'aws', 'authorization-details.json'), '-f', 'json'], { env: { HOME: home } });
    const findings = (JSON.parse(r.stdout) as { findings: ReportFinding[] }).findings;
    // IAM users' keys (the root user's keys are not managed with IAM user commands).
    const keyFindings = findings.filter((f) => f.credential?.id.includes('#') && !f.credential.id.startsWith('<root') && f.credential.kind === 'access-key');
    expect(keyFindings.length).toBeGreaterThan(0);
    for (const f of keyFindings) {
      expect(f.remediation?.command ?? '').not.toContain('#');
      expect(f.remediation?.hint).toMatch(/aws iam list-access-keys --user-name \S+/);
    }
    expect(findings.flatMap((f) => (f.remediation?.command ? [f.remediation.command] : [])).filter((c) => c.includes('#'))).toEqual([]);
  });
});
