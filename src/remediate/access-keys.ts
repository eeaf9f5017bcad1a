import { access, chmod, readFile, writeFile } from 'node:fs/promises';
import type { AwsClients } from '../cloud/aws/clients.js';
import { describeAwsError } from '../cloud/aws/errors.js';
import {
  callerWithKey,
  createKey,
  deleteKey,
  keyLastUsed,
  listKeys,
  readStoredKey,
  setKeyStatus,
  storeKeyInSecret,
  type KeyMeta,
  type NewKey,
} from '../cloud/aws/mutate.js';
import { UsageError } from '../errors.js';
import { readAudit } from './audit-log.js';
import type { Step } from './plan.js';

export type StoreTarget = { kind: 'secret'; id: string } | { kind: 'file'; path: string; force: boolean } | { kind: 'print'; write: (text: string) => void };

export interface RemediationEnv {
  clients: AwsClients;
  endpoint?: string;
  auditLog: string;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts to prove a new key works while IAM propagates it. */
  verifyAttempts?: number;
}

export async function resolveUser(env: RemediationEnv, keyId: string, user?: string): Promise<string> {
  if (user) return user;
  const owner = (await keyLastUsed(env.clients, keyId)).user;
  if (!owner) throw new UsageError(`cannot find the owner of ${keyId}; pass --user`);
  return owner;
}

async function findKey(env: RemediationEnv, user: string, keyId: string): Promise<{ keys: KeyMeta[]; key: KeyMeta }> {
  const keys = await listKeys(env.clients, user);
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new UsageError(`${keyId} is not an access key of ${user}`);
  return { keys, key };
}

const deactivateStep = (env: RemediationEnv, user: string, keyId: string): Step => ({
  action: 'deactivate-access-key',
  target: `${user}/${keyId}`,
  describe: `set ${keyId} (${user}) Inactive (reversible: UpdateAccessKey back to Active)`,
  onFailure: `${keyId} unchanged (still Active)`,
  run: () => setKeyStatus(env.clients, user, keyId, 'Inactive'),
});

const deleteStep = (env: RemediationEnv, user: string, keyId: string, why: string): Step => ({
  action: 'delete-access-key',
  target: `${user}/${keyId}`,
  describe: `delete ${keyId} (${user}): ${why}`,
  onFailure: `${keyId} not deleted (unchanged)`,
  run: () => deleteKey(env.clients, user, keyId),
});

/** `nhiscan revoke access-key`: deactivate (reversible), delete only when inactive or forced. */
export async function revokeKeySteps(env: RemediationEnv, keyId: string, opts: { user?: string; delete: boolean; force: boolean }): Promise<Step[]> {
  const user = await resolveUser(env, keyId, opts.user);
  const { key } = await findKey(env, user, keyId);
  const steps: Step[] = [];
  if (opts.delete) {
    if (key.status === 'Active' && !opts.force) {
      throw new UsageError(`${keyId} is active: deactivate it first (nhiscan revoke access-key ${keyId}), or pass --force to delete it at once`);
    }
    if (key.status === 'Active') steps.push(deactivateStep(env, user, keyId));
    steps.push(deleteStep(env, user, keyId, key.status === 'Active' ? 'forced' : 'already inactive'));
  } else if (key.status === 'Active') {
    steps.push(deactivateStep(env, user, keyId));
  }
  return steps;
}

/** Every key a saved audit report marks, in one plan. */
export function reportKeys(reportJson: string, only: string | undefined): Array<{ keyId: string; user: string; active: boolean }> {
  let report: { findings?: Array<{ kind?: string; ruleId?: string; credential?: { id?: string }; evidence?: Record<string, unknown> }> };
  try {
    report = JSON.parse(reportJson);
  } catch (err) {
    throw new UsageError(`not a JSON report: ${(err as Error).message}`);
  }
  const wanted: Record<string, string[]> = {
    'leaked-active': ['aws-leaked-key-active'],
    'leaked-inactive': ['aws-leaked-key-inactive'],
    leaked: ['aws-leaked-key-active', 'aws-leaked-key-inactive'],
  };
  const rules = only ? wanted[only] : wanted.leaked;
  if (!rules) throw new UsageError(`--only must be one of ${Object.keys(wanted).join(', ')}`);
  const out = new Map<string, { keyId: string; user: string; active: boolean }>();
  for (const f of report.findings ?? []) {
    if (f.kind !== 'leak' || !rules.includes(f.ruleId ?? '') || !f.credential?.id || typeof f.evidence?.user !== 'string') continue;
    out.set(f.credential.id, { keyId: f.credential.id, user: f.evidence.user, active: f.ruleId === 'aws-leaked-key-active' });
  }
  return [...out.values()];
}

/** The documented way to kill sessions already issued: deny everything issued before now. */
export function revokeSessionsPolicy(now: Date): object {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'NhiscanRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': now.toISOString() } } }],
  };
}

async function readFileKey(path: string): Promise<NewKey | null> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as Partial<NewKey>;
    return doc.AccessKeyId && doc.SecretAccessKey ? { AccessKeyId: doc.AccessKeyId, SecretAccessKey: doc.SecretAccessKey } : null;
  } catch {
    return null;
  }
}

async function storedKey(env: RemediationEnv, store: StoreTarget): Promise<NewKey | null> {
  if (store.kind === 'secret') return readStoredKey(env.clients, store.id);
  if (store.kind === 'file') return readFileKey(store.path);
  return null;
}

function storeName(store: StoreTarget): string {
  return store.kind === 'secret' ? `Secrets Manager secret ${store.id}` : store.kind === 'file' ? `file ${store.path} (mode 0600)` : 'standard output';
}

async function store(env: RemediationEnv, target: StoreTarget, key: NewKey): Promise<{ requestId?: string | null }> {
  if (target.kind === 'secret') return storeKeyInSecret(env.clients, target.id, key);
  const json = `${JSON.stringify({ AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey }, null, 2)}\n`;
  if (target.kind === 'file') {
    await writeFile(target.path, json, { mode: 0o600, flag: target.force ? 'w' : 'wx' });
    // The mode only applies to new files; an overwritten one keeps its old mode unless reset.
    await chmod(target.path, 0o600);
    return {};
  }
  target.write(json);
  return {};
}

export interface RotationPlan {
  user: string;
  steps: Step[];
  /** Set by the create step, or found in the store on resume. */
  newKey: () => NewKey | null;
  resumed: boolean;
  next: string[];
}

/**
 * AWS's documented order: make room, create, store before anything else, verify the new key,
 * deactivate the old one (the rollback point), finish later. Re-running after an interruption
 * resumes from what the store and ListAccessKeys show; it never creates a third key.
 */
export async function rotateKeyPlan(env: RemediationEnv, keyId: string, opts: { user?: string; store: StoreTarget; deactivateOld: boolean }): Promise<RotationPlan> {
  const user = await resolveUser(env, keyId, opts.user);
  const { keys, key: old } = await findKey(env, user, keyId);
  if (old.status !== 'Active') throw new UsageError(`${keyId} is already inactive: finish it with nhiscan rotate finish ${keyId}`);
  const others = keys.filter((k) => k.id !== keyId);
  const saved = await storedKey(env, opts.store);
  let newKey: NewKey | null = null;
  let resumed = false;
  const steps: Step[] = [];

  if (saved && others.some((k) => k.id === saved.AccessKeyId)) {
    newKey = saved;
    resumed = true;
  } else if (others.length > 0) {
    const other = others[0]!;
    if (other.status === 'Inactive') {
      steps.push(deleteStep(env, user, other.id, 'an inactive key blocks the second slot (a user holds at most 2 keys)'));
    } else {
      const { lastUsed } = await keyLastUsed(env.clients, other.id);
      const newer = other.created && old.created ? Date.parse(other.created) > Date.parse(old.created) : false;
      if (!lastUsed && newer) {
        // A key an interrupted run created but never stored: its secret is unrecoverable, so replace it.
        steps.push(deleteStep(env, user, other.id, 'newer, never used and not in the store: left by an interrupted rotation'));
      } else {
        throw new UsageError(`${user} already has two active keys (${keyId}, ${other.id}); revoke or finish one before rotating`);
      }
    }
  }

  if (!resumed && opts.store.kind === 'file' && !opts.store.force) {
    const exists = await access(opts.store.path).then(
      () => true,
      () => false,
    );
    if (exists) throw new UsageError(`${opts.store.path} exists; refusing to overwrite it (--force)`);
  }

  if (!resumed) {
    steps.push({
      action: 'create-access-key',
      target: user,
      describe: `create a new access key for ${user} and store it at once in ${storeName(opts.store)}`,
      onFailure: 'if the key was created but could not be stored it was deleted again; the old key is untouched',
      run: async () => {
        const created = await createKey(env.clients, user);
        try {
          const stored = await store(env, opts.store, created.key);
          newKey = created.key;
          return { requestId: stored.requestId ?? created.requestId, detail: `${created.key.AccessKeyId} stored in ${storeName(opts.store)}` };
        } catch (err) {
          try {
            await deleteKey(env.clients, user, created.key.AccessKeyId);
          } catch (cleanup) {
            throw new Error(`storing failed (${describeAwsError(err).message}) and deleting the unstored new key ${created.key.AccessKeyId} failed too (${describeAwsError(cleanup).message}): delete it by hand`);
          }
          throw new Error(`storing the new key failed (${describeAwsError(err).message}); the new key ${created.key.AccessKeyId} was deleted again`);
        }
      },
    });
  }

  if (opts.deactivateOld) {
    steps.push({
      action: 'verify-access-key',
      target: user,
      describe: `verify the new key works (sts:GetCallerIdentity signed with it, retried while IAM propagates)`,
      onFailure: `the new key is stored in ${storeName(opts.store)}; the old key ${keyId} is still active`,
      run: async () => {
        const key = newKey;
        if (!key) throw new Error('no new key to verify');
        const attempts = env.verifyAttempts ?? 12;
        const sleep = env.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
        let last: unknown;
        for (let i = 0; i < attempts; i++) {
          try {
            const arn = await callerWithKey(env.clients, key, env.endpoint);
            return { detail: `signed in as ${arn}` };
          } catch (err) {
            last = err;
            if (!/InvalidClientTokenId|SignatureDoesNotMatch|AuthFailure|UnrecognizedClient/.test(describeAwsError(err).message)) break;
            await sleep(Math.min(2000 * (i + 1), 10_000));
          }
        }
        throw last instanceof Error ? last : new Error(String(last));
      },
    });
    steps.push({ ...deactivateStep(env, user, keyId), onFailure: `the new key is stored and verified; the old key ${keyId} is still active` });
  }

  const next = opts.deactivateOld
    ? [`Watch for anything failing, then delete the old key: nhiscan rotate finish ${keyId} --user ${user}`, `Roll back if needed: aws iam update-access-key --user-name ${user} --access-key-id ${keyId} --status Active`]
    : [
        `Deploy the new key from ${storeName(opts.store)} to everything that used ${keyId}.`,
        `Then: nhiscan rotate access-key ${keyId} --user ${user} ${opts.store.kind === 'secret' ? `--to-secret ${opts.store.id}` : opts.store.kind === 'file' ? `--to-file ${opts.store.path}` : '--print'} --deactivate-old   (resumes, verifies, deactivates)`,
        `Finally: nhiscan rotate finish ${keyId} --user ${user}`,
      ];
  return { user, steps, newKey: () => newKey, resumed, next };
}

/** Delete an old key after rotation, only if it shows no use since it was deactivated. */
export async function finishSteps(env: RemediationEnv, keyId: string, opts: { user?: string; force: boolean }): Promise<Step[]> {
  const user = await resolveUser(env, keyId, opts.user);
  const { key } = await findKey(env, user, keyId);
  if (key.status === 'Active' && !opts.force) throw new UsageError(`${keyId} is still active: deactivate it first (rotate with --deactivate-old, or revoke), or --force`);
  if (!opts.force) {
    const deactivated = (await readAudit(env.auditLog))
      .filter((e) => e.action === 'deactivate-access-key' && e.target === `${user}/${keyId}` && e.result === 'ok')
      .map((e) => e.time)
      .pop();
    if (!deactivated) throw new UsageError(`no record in ${env.auditLog} of when ${keyId} was deactivated, so nhiscan cannot tell whether it was used since; check, then use --force`);
    const { lastUsed } = await keyLastUsed(env.clients, keyId);
    if (lastUsed && Date.parse(lastUsed) > Date.parse(deactivated)) {
      throw new UsageError(`${keyId} was used at ${lastUsed}, after it was deactivated at ${deactivated}: something still depends on it (--force to delete anyway)`);
    }
  }
  return [deleteStep(env, user, keyId, 'rotation finished')];
}
