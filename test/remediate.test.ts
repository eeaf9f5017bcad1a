import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutRolePolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '../src/cloud/aws/clients.js';
import { UsageError } from '../src/errors.js';
import { finishSteps, reportKeys, revokeKeySteps, revokeSessionsPolicy, rotateKeyPlan, type RemediationEnv, type StoreTarget } from '../src/remediate/access-keys.js';
import { appendAudit, readAudit } from '../src/remediate/audit-log.js';
import { executePlan, StepFailed, type RunContext } from '../src/remediate/plan.js';
import { AWS_KEY_FIX, fillKeyId } from '../src/detect/fix-hints.js';
import { rotateSecretSteps } from '../src/remediate/secrets.js';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const sm = mockClient(SecretsManagerClient);

const USER = 'svc-deploy';
const OLD = 'AKIAOLDKEY0000000001';
const NEW = 'AKIANEWKEY0000000002';
const NEW_SECRET = 'new-secret-access-key-value-0000000000000';

let dir: string;
let lines: string[];

function env(): RemediationEnv {
  return { clients: createClients({ region: 'us-east-1' }), auditLog: join(dir, 'audit.jsonl'), sleep: async () => undefined, verifyAttempts: 3 };
}

function ctx(over: Partial<RunContext> = {}): RunContext {
  return { dryRun: false, yes: true, interactive: false, auditLog: join(dir, 'audit.jsonl'), caller: 'arn:aws:iam::123456789012:user/responder', out: (l) => lines.push(l), confirm: async () => true, ...over };
}

const MUTATING = [CreateAccessKeyCommand, UpdateAccessKeyCommand, DeleteAccessKeyCommand, PutRolePolicyCommand, PutSecretValueCommand, CreateSecretCommand, RotateSecretCommand] as const;
function mutatingCalls(): number {
  return MUTATING.reduce((n, c) => n + iam.commandCalls(c as never).length + sm.commandCalls(c as never).length, 0);
}

function keys(list: Array<{ id: string; status?: 'Active' | 'Inactive'; created?: string }>) {
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: list.map((k) => ({ UserName: USER, AccessKeyId: k.id, Status: k.status ?? 'Active', CreateDate: new Date(k.created ?? '2024-01-01T00:00:00Z') })) });
}

beforeEach(() => {
  iam.reset();
  sts.reset();
  sm.reset();
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-rem-'));
  lines = [];
  iam.on(CreateAccessKeyCommand).resolves({ AccessKey: { UserName: USER, AccessKeyId: NEW, SecretAccessKey: NEW_SECRET, Status: 'Active', CreateDate: new Date() }, $metadata: { requestId: 'req-create' } });
  iam.on(UpdateAccessKeyCommand).resolves({ $metadata: { requestId: 'req-update' } });
  iam.on(DeleteAccessKeyCommand).resolves({ $metadata: { requestId: 'req-delete' } });
  iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: USER, AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
  sts.on(GetCallerIdentityCommand).resolves({ Arn: `arn:aws:iam::123456789012:user/${USER}`, Account: '123456789012' });
});

const fileStore = (force = false): StoreTarget => ({ kind: 'file', path: join(dir, 'new-key.json'), force });

describe('rotate access-key: the state machine', () => {
  it('creates, stores (0600), verifies with the new key, then deactivates the old one; logs every step without secrets', async () => {
    keys([{ id: OLD }]);
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: true });
    expect(plan.steps.map((s) => s.action)).toEqual(['create-access-key', 'verify-access-key', 'deactivate-access-key']);
    expect(await executePlan('rotate', plan.steps, ctx())).toBe('done');
    const file = join(dir, 'new-key.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ AccessKeyId: NEW, SecretAccessKey: NEW_SECRET });
    expect(iam.commandCalls(UpdateAccessKeyCommand)[0]!.args[0].input).toEqual({ UserName: USER, AccessKeyId: OLD, Status: 'Inactive' });
    const log = await readAudit(join(dir, 'audit.jsonl'));
    expect(log.map((e) => [e.action, e.result])).toEqual([
      ['store-access-key', 'ok'],
      ['create-access-key', 'ok'],
      ['verify-access-key', 'ok'],
      ['deactivate-access-key', 'ok'],
    ]);
    expect(log[1]).toMatchObject({ caller: 'arn:aws:iam::123456789012:user/responder', target: USER, requestId: 'req-create' });
    expect(readFileSync(join(dir, 'audit.jsonl'), 'utf8')).not.toContain(NEW_SECRET);
  });

  it('without --deactivate-old leaves the old key active and says what to do next', async () => {
    keys([{ id: OLD }]);
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: false });
    await executePlan('rotate', plan.steps, ctx());
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(plan.next().join('\n')).toMatch(/--deactivate-old/);
  });

  it('stores in Secrets Manager, creating the secret when it does not exist', async () => {
    keys([{ id: OLD }]);
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' }));
    sm.on(DescribeSecretCommand).rejects(Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' }));
    sm.on(CreateSecretCommand).resolves({ $metadata: { requestId: 'req-secret' } });
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: { kind: 'secret', id: 'prod/svc-deploy/key' }, deactivateOld: false });
    await executePlan('rotate', plan.steps, ctx());
    const input = sm.commandCalls(CreateSecretCommand)[0]!.args[0].input;
    expect(input.Name).toBe('prod/svc-deploy/key');
    expect(JSON.parse(input.SecretString!)).toEqual({ AccessKeyId: NEW, SecretAccessKey: NEW_SECRET });
  });

  it('failure at create: nothing else happens, the old key is untouched', async () => {
    keys([{ id: OLD }]);
    iam.on(CreateAccessKeyCommand).rejects(Object.assign(new Error('LimitExceeded'), { name: 'LimitExceeded' }));
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: true });
    await expect(executePlan('rotate', plan.steps, ctx())).rejects.toThrow(StepFailed);
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect((await readAudit(join(dir, 'audit.jsonl'))).map((e) => e.result)).toEqual(['failed']);
  });

  it('failure at store: the new key is deleted again, exit 3, the old key untouched', async () => {
    keys([{ id: OLD }]);
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' }));
    sm.on(DescribeSecretCommand).resolves({ Name: 's' });
    sm.on(PutSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: { kind: 'secret', id: 's' }, deactivateOld: true });
    const err = await executePlan('rotate', plan.steps, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect((err as StepFailed).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/was deleted again/);
    expect(iam.commandCalls(DeleteAccessKeyCommand).map((c) => c.args[0].input.AccessKeyId)).toEqual([NEW]);
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
  });

  it('failure at verify: stops before deactivating; the stored key is kept', async () => {
    keys([{ id: OLD }]);
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is invalid'), { name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } }));
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: true });
    const err = (await executePlan('rotate', plan.steps, ctx()).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/verify the new key works.*State: the new key is stored in file/);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(3);
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(JSON.parse(readFileSync(join(dir, 'new-key.json'), 'utf8')).AccessKeyId).toBe(NEW);
  });

  it('failure at deactivate: reported with the state left behind', async () => {
    keys([{ id: OLD }]);
    iam.on(UpdateAccessKeyCommand).rejects(Object.assign(new Error('throttled'), { name: 'Throttling' }));
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: true });
    await expect(executePlan('rotate', plan.steps, ctx())).rejects.toThrow(/State: the new key is stored and verified; the old key AKIAOLDKEY0000000001 is still active/);
  });

  it('resumes an interrupted rotation from the store: no third key, the stored one is used', async () => {
    keys([{ id: OLD }, { id: NEW, created: '2026-01-01T00:00:00Z' }]);
    writeFileSync(join(dir, 'new-key.json'), JSON.stringify({ AccessKeyId: NEW, SecretAccessKey: NEW_SECRET }), { mode: 0o600 });
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: true });
    expect(plan.resumed).toBe(true);
    expect(plan.steps.map((s) => s.action)).toEqual(['verify-access-key', 'deactivate-access-key']);
    await executePlan('rotate', plan.steps, ctx());
    expect(iam.commandCalls(CreateAccessKeyCommand)).toHaveLength(0);
  });

  it('respects the 2-key limit: proposes deleting an inactive blocker, replaces an unstored orphan, refuses two live keys', async () => {
    keys([{ id: OLD }, { id: 'AKIABLOCKER000000003', status: 'Inactive' }]);
    let plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: false });
    expect(plan.steps.map((s) => s.describe)).toEqual([expect.stringMatching(/^delete AKIABLOCKER000000003 .*inactive key blocks the second slot/), expect.stringMatching(/^create a new access key/)]);

    // A newer, never-used key is deleted only when the audit log proves its store failed.
    keys([{ id: OLD, created: '2024-01-01T00:00:00Z' }, { id: 'AKIAORPHAN0000000004', created: '2026-01-01T00:00:00Z' }]);
    await expect(rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: false })).rejects.toThrow(/cannot prove it is an orphan/);
    await appendAudit(join(dir, 'audit.jsonl'), { time: '2026-01-01T00:00:01Z', caller: null, action: 'store-access-key', target: `${USER}/AKIAORPHAN0000000004`, result: 'failed' });
    plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: false });
    expect(plan.steps[0]!.describe).toMatch(/AKIAORPHAN0000000004 .*interrupted rotation/);

    keys([{ id: OLD }, { id: 'AKIAOTHER00000000005' }]);
    iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: USER, AccessKeyLastUsed: { LastUsedDate: new Date('2026-05-01T00:00:00Z'), ServiceName: 's3', Region: 'us-east-1' } });
    await expect(rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: false })).rejects.toThrow(/already has two active keys/);
  });

  it('refuses to overwrite an existing key file without --force', async () => {
    keys([{ id: OLD }]);
    writeFileSync(join(dir, 'new-key.json'), '{"other": true}');
    await expect(rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: false })).rejects.toThrow(/refusing to overwrite/);
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(true), deactivateOld: false });
    await executePlan('rotate', plan.steps, ctx());
    expect(statSync(join(dir, 'new-key.json')).mode & 0o777).toBe(0o600);
  });
});

describe('safety rails', () => {
  it('a dry run shows the plan and makes zero mutating calls', async () => {
    keys([{ id: OLD }]);
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: true });
    expect(await executePlan('rotate', plan.steps, ctx({ dryRun: true }))).toBe('dry-run');
    expect(mutatingCalls()).toBe(0);
    expect(lines[0]).toMatch(/^Plan: rotate/);
    expect((await readAudit(join(dir, 'audit.jsonl'))).every((e) => e.result === 'dry-run')).toBe(true);
  });

  it('off a terminal, refuses without --yes (exit 2) and changes nothing', async () => {
    keys([{ id: OLD }]);
    const steps = await revokeKeySteps(env(), OLD, { user: USER, delete: false, force: false });
    const err = await executePlan('revoke', steps, ctx({ yes: false, interactive: false })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect(mutatingCalls()).toBe(0);
  });

  it('on a terminal, asks, and a no changes nothing', async () => {
    keys([{ id: OLD }]);
    const steps = await revokeKeySteps(env(), OLD, { user: USER, delete: false, force: false });
    expect(await executePlan('revoke', steps, ctx({ yes: false, interactive: true, confirm: async () => false }))).toBe('declined');
    expect(mutatingCalls()).toBe(0);
  });
});

describe('revoke', () => {
  it('deactivates; deletes only an inactive key unless forced; finds the owner by key id', async () => {
    keys([{ id: OLD }]);
    expect((await revokeKeySteps(env(), OLD, { delete: false, force: false })).map((s) => s.action)).toEqual(['deactivate-access-key']);
    expect(iam.commandCalls(GetAccessKeyLastUsedCommand)[0]!.args[0].input).toEqual({ AccessKeyId: OLD });
    await expect(revokeKeySteps(env(), OLD, { user: USER, delete: true, force: false })).rejects.toThrow(/is active: deactivate it first/);
    expect((await revokeKeySteps(env(), OLD, { user: USER, delete: true, force: true })).map((s) => s.action)).toEqual(['deactivate-access-key', 'delete-access-key']);
    keys([{ id: OLD, status: 'Inactive' }]);
    expect((await revokeKeySteps(env(), OLD, { user: USER, delete: true, force: false })).map((s) => s.action)).toEqual(['delete-access-key']);
  });

  it('reads the keys a saved audit report marks', () => {
    const report = JSON.stringify({
      findings: [
        { kind: 'leak', ruleId: 'aws-leaked-key-active', credential: { id: 'AKIA1' }, evidence: { user: 'a' } },
        { kind: 'leak', ruleId: 'aws-leaked-key-inactive', credential: { id: 'AKIA2' }, evidence: { user: 'b' } },
        { kind: 'leak', ruleId: 'aws-leaked-foreign-key', credential: { id: 'AKIA3' }, evidence: {} },
        { kind: 'cloud', ruleId: 'aws-key-age', credential: { id: 'AKIA4' }, evidence: { user: 'c' } },
      ],
    });
    expect(reportKeys(report, 'leaked-active')).toEqual([{ keyId: 'AKIA1', user: 'a', active: true }]);
    expect(reportKeys(report, undefined).map((k) => k.keyId)).toEqual(['AKIA1', 'AKIA2']);
    expect(() => reportKeys(report, 'everything')).toThrow(UsageError);
  });

  it('role sessions: the documented deny on aws:TokenIssueTime before now', () => {
    const now = new Date('2026-06-01T12:00:00.000Z');
    expect(revokeSessionsPolicy(now)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'NhiscanRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-06-01T12:00:00.000Z' } } }],
    });
  });
});

describe('rotate finish', () => {
  it('deletes the old key only if unused since it was deactivated; failure at delete is reported', async () => {
    keys([{ id: OLD, status: 'Inactive' }]);
    const log = join(dir, 'audit.jsonl');
    await expect(finishSteps(env(), OLD, { user: USER, force: false })).rejects.toThrow(/no record .* of when/);
    await appendAudit(log, { time: '2026-05-01T00:00:00.000Z', caller: null, action: 'deactivate-access-key', target: `${USER}/${OLD}`, result: 'ok' });
    iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: USER, AccessKeyLastUsed: { LastUsedDate: new Date('2026-05-02T00:00:00Z'), ServiceName: 's3', Region: 'us-east-1' } });
    await expect(finishSteps(env(), OLD, { user: USER, force: false })).rejects.toThrow(/used at .* after it was deactivated/);
    iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: USER, AccessKeyLastUsed: { LastUsedDate: new Date('2026-04-30T00:00:00Z'), ServiceName: 's3', Region: 'us-east-1' } });
    const steps = await finishSteps(env(), OLD, { user: USER, force: false });
    iam.on(DeleteAccessKeyCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    await expect(executePlan('finish', steps, ctx())).rejects.toThrow(/State: AKIAOLDKEY0000000001 not deleted/);
    iam.on(DeleteAccessKeyCommand).resolves({});
    await executePlan('finish', steps, ctx());
    expect(iam.commandCalls(DeleteAccessKeyCommand).length).toBeGreaterThan(0);
  });
});

describe('rotate secret', () => {
  it('calls RotateSecret; a secret without a rotation function gets an error naming the fix', async () => {
    sm.on(DescribeSecretCommand).resolves({ Name: 'prod/db', ARN: 'arn:s' });
    await expect(rotateSecretSteps(env(), 'prod/db')).rejects.toThrow(/prod\/db has no rotation function: attach one \(aws secretsmanager rotate-secret --secret-id prod\/db --rotation-lambda-arn/);
    sm.on(DescribeSecretCommand).resolves({ Name: 'prod/db', ARN: 'arn:s', RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rot' });
    sm.on(RotateSecretCommand).resolves({ VersionId: 'v2', $metadata: { requestId: 'r' } });
    const { steps } = await rotateSecretSteps(env(), 'prod/db');
    await executePlan('rotate secret', steps, ctx());
    expect(sm.commandCalls(RotateSecretCommand)[0]!.args[0].input).toEqual({ SecretId: 'prod/db', RotateImmediately: true });
    expect(lines.join('\n')).toMatch(/new version v2/);
  });
});

describe('fault states (issue 9): what is printed matches what is known', () => {
  // A call that got no answer: the SDK's errors carry $metadata without an HTTP status.
  const noAnswer = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: { attempts: 1 } });

  it('the verify step is bounded in total time, however many attempts are allowed', async () => {
    keys([{ id: OLD }]);
    let clock = 0;
    const slept: number[] = [];
    const e = { ...env(), verifyAttempts: 100, verifyBudgetMs: 45_000, now: () => clock, sleep: async (ms: number) => void (slept.push(ms), (clock += ms)) };
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is invalid'), { name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } }));
    const plan = await rotateKeyPlan(e, OLD, { user: USER, store: fileStore(), deactivateOld: true });
    await expect(executePlan('rotate', plan.steps, ctx())).rejects.toThrow(/State: the new key is stored in file/);
    expect(slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(45_000);
    expect(sts.commandCalls(GetCallerIdentityCommand).length).toBe(slept.length + 1);
    expect(sts.commandCalls(GetCallerIdentityCommand).length).toBeLessThan(10);
  });

  it('a deactivate that got no answer says the key may or may not be Inactive, and how to check', async () => {
    keys([{ id: OLD }]);
    iam.on(UpdateAccessKeyCommand).rejects(noAnswer());
    const steps = await revokeKeySteps(env(), OLD, { user: USER, delete: false, force: false });
    await expect(executePlan('revoke', steps, ctx())).rejects.toThrow(`State: ${OLD} may or may not be Inactive now (the call got no clear answer): check with aws iam list-access-keys --user-name ${USER}`);
  });

  it('a create that got no answer says a key may exist, and a retried 4xx is not taken as "nothing created"', async () => {
    keys([{ id: OLD }]);
    for (const err of [noAnswer(), Object.assign(new Error('Cannot exceed quota'), { name: 'LimitExceededException', $metadata: { httpStatusCode: 409, attempts: 8 } })]) {
      iam.on(CreateAccessKeyCommand).rejects(err);
      const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: false });
      await expect(executePlan('rotate', plan.steps, ctx())).rejects.toThrow(/State: IAM may have created a new key for svc-deploy whose secret nhiscan never received .*check with aws iam list-access-keys --user-name svc-deploy/);
    }
  });

  it('a clean-up delete that got no answer says the unstored key may still be Active, with the command', async () => {
    keys([{ id: OLD }]);
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' }));
    sm.on(DescribeSecretCommand).resolves({ Name: 's' });
    sm.on(PutSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403, attempts: 1 } }));
    iam.on(DeleteAccessKeyCommand).rejects(noAnswer());
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: { kind: 'secret', id: 's' }, deactivateOld: false });
    const err = (await executePlan('rotate', plan.steps, ctx()).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(`State: the new key ${NEW} may still be Active in IAM`);
    expect(err.message).toContain(`aws iam delete-access-key --user-name ${USER} --access-key-id ${NEW}`);
    expect(err.message).not.toContain(NEW_SECRET);
    expect(readFileSync(join(dir, 'audit.jsonl'), 'utf8')).not.toContain(NEW_SECRET);
  });

  it('a --to-secret that holds something other than an access key is not overwritten without --force', async () => {
    keys([{ id: OLD }]);
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'postgres://app:hunter2-not-a-key@db/prod' });
    const err = (await rotateKeyPlan(env(), OLD, { user: USER, store: { kind: 'secret', id: 'prod/db' }, deactivateOld: false }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/prod\/db holds something other than an access key; refusing/);
    expect(err.message).not.toContain('hunter2');
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: { kind: 'secret', id: 'prod/db', force: true }, deactivateOld: false });
    expect(plan.steps.map((s) => s.action)).toEqual(['create-access-key']);
  });

  it('an interrupted call (an intent with no outcome) stays visible in the settled view', async () => {
    const log = join(dir, 'audit.jsonl');
    const base = { time: '2026-05-01T00:00:00.000Z', caller: null, target: `${USER}/${OLD}` };
    await appendAudit(log, { ...base, action: 'deactivate-access-key', result: 'intent' });
    await appendAudit(log, { ...base, action: 'deactivate-access-key', result: 'ok' });
    await appendAudit(log, { ...base, action: 'delete-access-key', result: 'intent' });
    expect((await readAudit(log)).map((e) => `${e.result} ${e.action}`)).toEqual(['ok deactivate-access-key', 'intent delete-access-key']);
  });
});

describe('issue 12: rotate after revoke, recent use, the scan hint', () => {
  it('an inactive (revoked) key: create, store, verify; no deactivate step; the old key stays Inactive', async () => {
    keys([{ id: OLD, status: 'Inactive' }]);
    const plan = await rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: false });
    expect(plan.steps.map((s) => s.action)).toEqual(['create-access-key', 'verify-access-key']);
    expect(await executePlan('rotate', plan.steps, ctx())).toBe('done');
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(plan.next().join('\n')).toMatch(new RegExp(`nhiscan rotate finish ${OLD} --user ${USER}`));
  });

  it('an inactive key beside another active key in use: refused, pointing at finish (no slot, nothing to create)', async () => {
    keys([{ id: OLD, status: 'Inactive' }, { id: NEW, created: '2025-01-01T00:00:00Z' }]);
    iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: USER, AccessKeyLastUsed: { LastUsedDate: new Date('2025-06-01T00:00:00Z'), ServiceName: 's3', Region: 'us-east-1' } });
    await expect(rotateKeyPlan(env(), OLD, { user: USER, store: fileStore(), deactivateOld: false })).rejects.toThrow(/already has another active key .* rotate finish/);
  });

  it('a key used an hour ago: the typed confirmation decides; a wrong word changes nothing', async () => {
    keys([{ id: OLD }]);
    iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: USER, AccessKeyLastUsed: { LastUsedDate: new Date(Date.now() - 3_600_000), ServiceName: 's3', Region: 'us-east-1' } });
    const steps = await revokeKeySteps(env(), OLD, { user: USER, delete: false, force: false });
    expect(steps[0]!.recentUse).toMatch(/was used 60 min ago by s3 in us-east-1, within the last 24 h/);
    const asked: string[] = [];
    const wrong = await executePlan('revoke', steps, ctx({ yes: false, interactive: true, confirmTyped: async (q, word) => (asked.push(`${q}|${word}`), false) }));
    expect(wrong).toBe('declined');
    expect(asked[0]).toMatch(new RegExp(`Type ${OLD} to go ahead anyway:\\|${OLD}$`));
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(await executePlan('revoke', steps, ctx({ yes: false, interactive: true, confirmTyped: async () => true }))).toBe('done');
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1);
  });

  it('the scan hint names the key id it printed, and never fills in something that is not a key id', () => {
    expect(fillKeyId(AWS_KEY_FIX, OLD)).toBe(`nhiscan revoke access-key ${OLD} (deactivate now; the owner is looked up), then nhiscan rotate access-key ${OLD} (a new key, stored and verified; the old one stays Inactive), then, once the new key is deployed, nhiscan rotate finish ${OLD}`);
    expect(fillKeyId(AWS_KEY_FIX, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).not.toContain('wJalr');
    expect(fillKeyId(AWS_KEY_FIX, undefined)).toMatch(/KEYID: the access key id that goes with this secret/);
  });
});
