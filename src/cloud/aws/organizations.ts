import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from './clients.js';

// The two calls --org adds: the organization's account list, and a role session in each account.

export interface OrgAccount {
  id: string;
  name: string | null;
  /** ACTIVE, SUSPENDED or PENDING_CLOSURE; only ACTIVE accounts can be assumed into. */
  status: string;
}

/** Organizations ListAccounts, every page (management account or delegated administrator only). */
export async function listOrgAccounts(c: AwsClients): Promise<OrgAccount[]> {
  const out: OrgAccount[] = [];
  let token: string | undefined;
  do {
    const res = await c.organizations().send(new ListAccountsCommand({ NextToken: token }));
    for (const a of res.Accounts ?? []) {
      // An id that is not 12 digits ends up in an ARN and a host-free scope line: keep only real ones.
      if (a.Id && /^\d{12}$/.test(a.Id)) out.push({ id: a.Id, name: a.Name ?? null, status: String(a.State ?? a.Status ?? 'ACTIVE') });
    }
    token = res.NextToken;
  } while (token);
  return out;
}

export interface RoleSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** STS AssumeRole into one account: an hour covers the slowest inventory. */
export async function assumeRole(c: AwsClients, roleArn: string, sessionName: string): Promise<RoleSession> {
  const res = await c.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }));
  const k = res.Credentials;
  if (!k?.AccessKeyId || !k.SecretAccessKey || !k.SessionToken) throw new Error('AssumeRole returned no credentials');
  return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, sessionToken: k.SessionToken };
}
