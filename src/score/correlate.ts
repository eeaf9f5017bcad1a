import type { AccessKey, AwsInventory, OwnerInfo } from '../cloud/aws/types.js';
import { fingerprint } from '../detect/fingerprint.js';
import type { CredentialState, LeakCloud, LeakFinding, LeakMatch, SecretFinding } from '../model.js';
import { isRedacted, markRedacted } from '../report/mask.js';
import { CANARY_ACCOUNTS } from './canaries.js';

// OwnerInfo lives with the AWS types: data flows from cloud/aws into score, never back.
export type { OwnerInfo } from '../cloud/aws/types.js';

const DAY = 86_400_000;

function leakedKeyIds(findings: SecretFinding[]): Map<string, SecretFinding> {
  const out = new Map<string, SecretFinding>();
  for (const f of findings) {
    if (f.ruleId !== 'aws-access-key-id' || !f.identifier) continue;
    out.set(f.identifier, f);
  }
  return out;
}

/** Key ids found in the scans that exist, active or not, in the audited account. */
export function leakedKeysInAccount(findings: SecretFinding[], inventory: AwsInventory): Set<string> {
  const ids = new Set(inventory.keys.map((k) => k.id));
  return new Set([...leakedKeyIds(findings).keys()].filter((id) => ids.has(id)));
}

function exposureOf(f: SecretFinding, now: number): LeakCloud['exposure'] {
  const since = f.location.date ?? null;
  const t = since ? Date.parse(since) : NaN;
  return { since, until: new Date(now).toISOString(), days: Number.isNaN(t) ? null : Math.floor((now - t) / DAY) };
}

function usedAfter(lastUsed: string | null, since: string | null): boolean | null {
  if (!lastUsed || !since) return null;
  const a = Date.parse(lastUsed);
  const b = Date.parse(since);
  return Number.isNaN(a) || Number.isNaN(b) ? null : a > b;
}

/**
 * Join leaked AWS key ids with the account. A leaked key that is live tops every report:
 * attackers try leaked keys within minutes. Pure: owner lookups happen before, in src/cloud/aws.
 */
export function correlate(
  secrets: SecretFinding[],
  inventory: AwsInventory,
  owners: Map<string, OwnerInfo>,
  now = Date.now(),
): LeakFinding[] {
  const out: LeakFinding[] = [];
  const keys = new Map<string, AccessKey>(inventory.keys.map((k) => [k.id, k]));
  const secretPairs = secrets.filter((s) => s.ruleId === 'aws-secret-access-key');
  for (const [id, f] of leakedKeyIds(secrets)) {
    const exposure = exposureOf(f, now);
    const paired = secretPairs.some((s) => s.location.commit === f.location.commit && s.location.path === f.location.path);
    const account = f.account ?? null;
    const common = {
      kind: 'leak' as const,
      fingerprint: fingerprint({ leakOf: f.fingerprint }),
      nhi: ['NHI2' as const],
      credential: { kind: 'access-key' as const, id },
    };
    const cloud = (match: LeakMatch, state: CredentialState | null): LeakCloud => ({
      match,
      account,
      state,
      exposure,
      usedAfterLeak: usedAfter(state?.lastUsed ?? null, exposure.since),
      secretKeyLeakedToo: paired,
    });
    const push = (fields: Omit<LeakFinding, 'leaked'>) => {
      // `leaked` last: a JSON reader meets the leak's own verdict before the long secret finding.
      const leak: LeakFinding = { ...fields, leaked: f };
      // The leaked finding's free text (commit message, author) is masked by every writer when the
      // scan was redacted: the leak carries that mark too (src/report/mask.ts).
      out.push(isRedacted(f) ? markRedacted(leak) : leak);
    };
    if (account && CANARY_ACCOUNTS.has(account)) {
      push({
        ...common,
        ruleId: 'aws-leaked-canary-token',
        title: 'Leaked AWS key is a canary token (never contacted)',
        severity: 'info',
        identity: { arn: `arn:aws:iam::${account}:root`, name: `canary account ${account}`, kind: 'root' },
        cloud: cloud('canary', null),
        remediation: { hint: 'A honeytoken: someone planted it to detect use. Leave it alone; remove it from the repository only if it is not yours on purpose.' },
        risk: 10,
      });
      continue;
    }
    const key = keys.get(id);
    const owner = owners.get(id);
    if (key || owner) {
      const user = key?.user ?? owner!.user;
      const state: CredentialState = key
        ? { status: key.status, created: key.created, lastUsed: key.lastUsed, lastUsedService: key.lastUsedService, lastUsedRegion: key.lastUsedRegion, from: 'inventory' }
        : // GetAccessKeyLastUsed does not say the status; a key the inventory missed is treated as live.
          { status: 'Active', created: null, lastUsed: owner!.lastUsed, lastUsedService: owner!.lastUsedService, lastUsedRegion: owner!.lastUsedRegion ?? null, from: 'GetAccessKeyLastUsed' };
      const active = state.status === 'Active';
      const c = cloud('in-account', state);
      push({
        ...common,
        ruleId: active ? 'aws-leaked-key-active' : 'aws-leaked-key-inactive',
        title: active ? 'Leaked AWS access key is active in the account' : 'Leaked AWS access key exists, inactive',
        severity: active ? 'critical' : 'high',
        identity: { arn: key?.userArn ?? `arn:aws:iam::${inventory.account ?? account ?? ''}:user/${user}`, name: user, kind: 'service-user' },
        cloud: c,
        remediation: active
          ? {
              // Runs as printed: revoke deactivates; rotate then creates, stores (default
              // ~/.nhiscan/keys/replaces-ID.json, 0600) and verifies a new key, leaving the old one
              // Inactive; `rotate finish` deletes it once the new key is deployed.
              hint: `Deactivate now (reversible), then create, store and verify a replacement (in ~/.nhiscan/keys/replaces-${id}.json unless --to-file or --to-secret is given); deploy it, then delete the old key with nhiscan rotate finish ${id} --user ${user}.${c.usedAfterLeak ? ' It was used after the leak: investigate CloudTrail for that key since the leak date.' : ''}`,
              command: `nhiscan revoke access-key ${id} --user ${user} && nhiscan rotate access-key ${id} --user ${user}`,
            }
          : { hint: 'The key is already inactive: delete it so it can never be reactivated.', command: `nhiscan revoke access-key ${id} --user ${user} --delete` },
        risk: active ? 100 : 70,
      });
      continue;
    }
    if (account && inventory.account && account !== inventory.account) {
      push({
        ...common,
        ruleId: 'aws-leaked-foreign-key',
        title: 'Leaked AWS key belongs to another account',
        severity: 'medium',
        identity: { arn: `arn:aws:iam::${account}:root`, name: `account ${account}`, kind: 'root' },
        cloud: cloud('foreign-account', null),
        remediation: { hint: `Tell the owner of account ${account} (a vendor, a personal account?) to deactivate it; nhiscan did not contact AWS about it.` },
        risk: 40,
      });
      continue;
    }
    push({
      ...common,
      ruleId: 'aws-leaked-key-not-found',
      title: 'Leaked AWS key not found in the audited account',
      severity: 'low',
      identity: { arn: `arn:aws:iam::${account ?? 'unknown'}:root`, name: account ? `account ${account}` : 'unknown account', kind: 'root' },
      cloud: cloud('not-found', null),
      remediation: { hint: 'Probably deleted already; confirm in the key owner\'s account, and purge it from history if it is still there.' },
      risk: 20,
    });
  }
  return out;
}
