import { createClients, type AwsClients, type AwsOptions } from './cloud/aws/clients.js';
import { enumerate, pool, whoAmI } from './cloud/aws/enumerate.js';
import { describeAwsError } from './cloud/aws/errors.js';
import { assumeRole, listOrgAccounts, type OrgAccount } from './cloud/aws/organizations.js';
import { emptyInventory, type AwsInventory } from './cloud/aws/types.js';
import { ProviderError } from './errors.js';
import type { CoverageGap } from './model.js';

/** `--org`: the organization's accounts, each read through a role assumed in it. */
export interface OrgOptions {
  /** The role assumed in every member account (default OrganizationAccountAccessRole). */
  roleName: string;
  /** Only these account ids (`--accounts`); empty: every active account. */
  accounts: string[];
  /** Never these (`--exclude-accounts`). */
  excludeAccounts: string[];
  /** Accounts read at once; each account's own calls are bounded too. */
  concurrency?: number;
}

export const DEFAULT_ORG_ROLE = 'OrganizationAccountAccessRole';

export interface AccountRead {
  account: string;
  name: string | null;
  /** `skipped`: not ACTIVE in the organization (suspended, closing), so there is nothing to assume. */
  status: 'read' | 'not-read' | 'skipped';
  inventory: AwsInventory | null;
  clients: AwsClients | null;
  /** This account's gaps, their scopes already prefixed with the account id. */
  gaps: CoverageGap[];
}

export interface OrgRead {
  accounts: AccountRead[];
  /** Gaps of the organization itself (ListAccounts, an --accounts id that is not a member). */
  gaps: CoverageGap[];
  /** The caller's clients: their counter counts every call of the run. */
  clients: AwsClients;
  /** The account the caller's credentials are in (the management or delegated administrator account). */
  caller: string | null;
}


/**
 * List the organization, then read each selected account with bounded concurrency. The caller's
 * own account is read with the caller's credentials (the management account usually has no
 * OrganizationAccountAccessRole); every other account through AssumeRole. A failed AssumeRole is
 * that account's gap: the others are still read.
 */
export async function readOrg(o: AwsOptions & { regions: string[]; allRegions: boolean }, org: OrgOptions, sleep?: (ms: number) => Promise<void>): Promise<OrgRead> {
  const base = createClients({ ...o, failFast: true });
  let who: { account: string | null; arn: string | null };
  try {
    who = await whoAmI(base);
  } catch (err) {
    // The same words as a single-account read: nothing can be listed or assumed without this call.
    const d = describeAwsError(err);
    throw new ProviderError(d.kind === 'credentials' || d.kind === 'other' ? `no usable AWS credentials: ${d.message}` : `sts:GetCallerIdentity failed: ${d.message}`);
  }
  const partition = /^arn:(aws[a-z-]*):/.exec(who.arn ?? '')?.[1] ?? 'aws';
  const gaps: CoverageGap[] = [];
  let listed: OrgAccount[];
  let listedOk = true;
  try {
    listed = await listOrgAccounts(base);
  } catch (err) {
    // Not the management account (or no organizations:ListAccounts): the caller's own account is
    // still read, and the run is incomplete.
    gaps.push({ scope: 'organizations:ListAccounts (only the caller\'s account was read)', reason: describeAwsError(err).message });
    listedOk = false;
    listed = who.account ? [{ id: who.account, name: null, status: 'ACTIVE' }] : [];
  }
  const members = new Set(listed.map((a) => a.id));
  for (const id of org.accounts) {
    if (listedOk && !members.has(id)) gaps.push({ scope: `account ${id} (given in --accounts)`, reason: 'not a member of the organization' });
  }
  const exclude = new Set(org.excludeAccounts);
  const wanted = listed.filter((a) => (org.accounts.length === 0 || org.accounts.includes(a.id)) && !exclude.has(a.id));
  const reads = await pool(wanted, org.concurrency ?? 3, async (a): Promise<AccountRead> => {
    const head = { account: a.id, name: a.name };
    if (a.status !== 'ACTIVE') return { ...head, status: 'skipped', inventory: null, clients: null, gaps: [] };
    let clients = base;
    if (a.id !== who.account) {
      const role = `arn:${partition}:iam::${a.id}:role/${org.roleName}`;
      try {
        const session = await assumeRole(base, role, 'nhiscan-inventory');
        clients = createClients({ ...o, failFast: true, credentials: session }, base.counter);
      } catch (err) {
        return { ...head, status: 'not-read', inventory: emptyInventory(a.id), clients: null, gaps: [{ scope: `account ${a.id}: sts:AssumeRole ${org.roleName} (nothing in the account was read)`, reason: describeAwsError(err).message }] };
      }
    }
    try {
      const r = await enumerate(clients, { regions: o.regions, allRegions: o.allRegions, ...(sleep ? { sleep } : {}) });
      const own = r.gaps.map((g) => ({ scope: `account ${a.id}: ${g.scope}`, reason: g.reason }));
      // An assumed role that lands in another account than asked is not that account's inventory.
      if (r.inventory.account && r.inventory.account !== a.id) {
        return { ...head, status: 'not-read', inventory: emptyInventory(a.id), clients: null, gaps: [{ scope: `account ${a.id} (the role's credentials are for another account)`, reason: 'GetCallerIdentity named a different account' }] };
      }
      return { ...head, status: 'read', inventory: { ...r.inventory, account: a.id }, clients, gaps: own };
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      return { ...head, status: 'not-read', inventory: emptyInventory(a.id), clients: null, gaps: [{ scope: `account ${a.id} (nothing in the account was read)`, reason: err.message.split('\n')[0] ?? err.message }] };
    }
  });
  return { accounts: reads, gaps, clients: base, caller: who.account };
}
