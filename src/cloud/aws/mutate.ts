import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  ListAccountAliasesCommand,
  PutRolePolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ListedKey } from './access-keys.js';
import type { AwsClients, AwsTimeouts } from './clients.js';

// The key reads live in access-keys.ts (one wrapper per call); remediation imports them from here too.
export { keyLastUsed, listKeys, type KeyUse } from './access-keys.js';

// Every AWS call remediation makes, kept here with the rest of the AWS surface.

/** A listed key, as remediation calls it. */
export type KeyMeta = ListedKey;

export interface NewKey {
  AccessKeyId: string;
  SecretAccessKey: string;
}

const rid = (r: { $metadata?: { requestId?: string } }) => r.$metadata?.requestId ?? null;

/** The account's alias (an account has at most one), for the plan header; null when it has none. */
export async function accountAlias(c: AwsClients): Promise<string | null> {
  const res = await c.iam.send(new ListAccountAliasesCommand({}));
  return res.AccountAliases?.[0] ?? null;
}

export async function setKeyStatus(c: AwsClients, user: string, keyId: string, status: 'Active' | 'Inactive') {
  return { requestId: rid(await c.iam.send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: keyId, Status: status }))) };
}

export async function deleteKey(c: AwsClients, user: string, keyId: string) {
  return { requestId: rid(await c.iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: keyId }))) };
}

export async function createKey(c: AwsClients, user: string): Promise<{ key: NewKey; requestId: string | null }> {
  const res = await c.iam.send(new CreateAccessKeyCommand({ UserName: user }));
  if (!res.AccessKey?.AccessKeyId || !res.AccessKey.SecretAccessKey) throw new Error('CreateAccessKey returned no key');
  return { key: { AccessKeyId: res.AccessKey.AccessKeyId, SecretAccessKey: res.AccessKey.SecretAccessKey }, requestId: rid(res) };
}

export async function putRolePolicy(c: AwsClients, role: string, name: string, document: object) {
  return { requestId: rid(await c.iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: name, PolicyDocument: JSON.stringify(document) }))) };
}

/**
 * What a secret holds now: nothing (missing), our stored key (a rotation to resume), or something
 * else (key: null), which a rotation must not overwrite unasked. The value is never echoed: V8's
 * JSON errors quote their input, so a parse failure is only "not a key".
 */
export async function readStoredKey(c: AwsClients, secretId: string): Promise<{ exists: false } | { exists: true; key: NewKey | null }> {
  let text: string | undefined;
  try {
    text = (await c.secrets(c.region ?? 'us-east-1').send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (err) {
    if (isNotFound(err)) return { exists: false };
    throw err;
  }
  let doc: Partial<NewKey> | null = null;
  try {
    doc = JSON.parse(text ?? 'null') as Partial<NewKey> | null;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  const key = typeof doc?.AccessKeyId === 'string' && typeof doc.SecretAccessKey === 'string' ? { AccessKeyId: doc.AccessKeyId, SecretAccessKey: doc.SecretAccessKey } : null;
  return { exists: true, key };
}

export async function storeKeyInSecret(c: AwsClients, secretId: string, key: NewKey) {
  const sm = c.secrets(c.region ?? 'us-east-1');
  const value = JSON.stringify({ AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey });
  try {
    await describeSecret(c, secretId);
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
    return { requestId: rid(await sm.send(new CreateSecretCommand({ Name: secretId, SecretString: value, Description: 'Access key stored by nhiscan rotate' }))) };
  }
  return { requestId: rid(await sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }))) };
}

export async function describeSecret(c: AwsClients, secretId: string) {
  return c.secrets(c.region ?? 'us-east-1').send(new DescribeSecretCommand({ SecretId: secretId }));
}

export async function rotateSecretNow(c: AwsClients, secretId: string) {
  const res = await c.secrets(c.region ?? 'us-east-1').send(new RotateSecretCommand({ SecretId: secretId, RotateImmediately: true }));
  return { requestId: rid(res), versionId: res.VersionId ?? null };
}

/** IAM and Secrets Manager answer "not found" for a missing user, key or secret: the user asked for something that is not there. */
export function isNotFound(err: unknown): boolean {
  return /^(NoSuchEntity|ResourceNotFound)(Exception)?$/.test(String((err as { name?: unknown })?.name ?? ''));
}

/**
 * A GetCallerIdentity signed with the new key must end even if the endpoint never answers: this
 * client is built here (its credentials are the new key), so it carries its own timeouts, shorter
 * than the other calls' by default (one small STS answer, retried by the caller while IAM
 * propagates). Without throwOnRequestTimeout the SDK only warns when requestTimeout passes.
 */
export const VERIFY_TIMEOUTS: AwsTimeouts = { connectMs: 5_000, requestMs: 10_000 };

/** Prove the new key works: GetCallerIdentity signed with it (our key, created by us, not a found one). */
export async function callerWithKey(c: AwsClients, key: NewKey, endpoint: string | undefined, timeouts: AwsTimeouts = VERIFY_TIMEOUTS): Promise<string> {
  const sts = new STSClient({
    region: c.region ?? 'us-east-1',
    credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: timeouts.connectMs, requestTimeout: timeouts.requestMs, socketTimeout: timeouts.requestMs, throwOnRequestTimeout: true },
  });
  try {
    const res = await sts.send(new GetCallerIdentityCommand({}));
    return res.Arn ?? '';
  } finally {
    sts.destroy();
  }
}

/** The caller's GetCallerIdentity lives with the inventory (enumerate.ts); remediation uses the same wrapper. */
export { whoAmI } from './enumerate.js';
