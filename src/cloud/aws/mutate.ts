import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  ListAccessKeysCommand,
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
import type { AwsClients } from './clients.js';

// Every AWS call remediation makes, kept here with the rest of the AWS surface.

export interface KeyMeta {
  id: string;
  status: 'Active' | 'Inactive';
  created: string | null;
}

export interface NewKey {
  AccessKeyId: string;
  SecretAccessKey: string;
}

const rid = (r: { $metadata?: { requestId?: string } }) => r.$metadata?.requestId ?? null;

export async function listKeys(c: AwsClients, user: string): Promise<KeyMeta[]> {
  const res = await c.iam.send(new ListAccessKeysCommand({ UserName: user }));
  return (res.AccessKeyMetadata ?? []).map((k) => ({
    id: k.AccessKeyId ?? '',
    status: k.Status === 'Inactive' ? 'Inactive' : 'Active',
    created: k.CreateDate ? new Date(k.CreateDate).toISOString() : null,
  }));
}

export async function keyLastUsed(c: AwsClients, keyId: string): Promise<{ user: string | null; lastUsed: string | null }> {
  const res = await c.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }));
  const d = res.AccessKeyLastUsed?.LastUsedDate;
  return { user: res.UserName ?? null, lastUsed: d ? new Date(d).toISOString() : null };
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

/** Our own stored copy of a key we created (never a found secret): used to resume a rotation. */
export async function readStoredKey(c: AwsClients, secretId: string): Promise<NewKey | null> {
  try {
    const res = await c.secrets(c.region ?? 'us-east-1').send(new GetSecretValueCommand({ SecretId: secretId }));
    const doc = JSON.parse(res.SecretString ?? '{}') as Partial<NewKey>;
    return doc.AccessKeyId && doc.SecretAccessKey ? { AccessKeyId: doc.AccessKeyId, SecretAccessKey: doc.SecretAccessKey } : null;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return null;
    throw err;
  }
}

export async function storeKeyInSecret(c: AwsClients, secretId: string, key: NewKey) {
  const sm = c.secrets(c.region ?? 'us-east-1');
  const value = JSON.stringify({ AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey });
  try {
    await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
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

/** Prove the new key works: GetCallerIdentity signed with it (our key, created by us, not a found one). */
export async function callerWithKey(c: AwsClients, key: NewKey, endpoint: string | undefined): Promise<string> {
  const sts = new STSClient({
    region: c.region ?? 'us-east-1',
    credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 1,
  });
  const res = await sts.send(new GetCallerIdentityCommand({}));
  return res.Arn ?? '';
}

export async function whoAmI(c: AwsClients): Promise<string | null> {
  const res = await c.sts.send(new GetCallerIdentityCommand({}));
  return res.Arn ?? null;
}
