import type { AccessKey, AwsInventory } from '../cloud/aws/types.js';
import type { CloudFinding, SecretFinding } from '../model.js';
import { CANARY_ACCOUNTS } from './canaries.js';


/** What GetAccessKeyLastUsed said about a key the inventory could not place. */
export interface OwnerInfo {
  user: string;
  lastUsed: string | null;
  lastUsedService: string | null;
}

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

function leakEvidence(f: SecretFinding, now: number) {
  const loc = f.location;
  const leakedAt = loc.date ?? null;
  return {
    keyId: f.identifier ?? '',
    account: f.account ?? null,
    leakedAt,
    exposureDays: leakedAt ? Math.floor((now - Date.parse(leakedAt)) / DAY) : null,
    commit: loc.commit ?? null,
    author: loc.author ? `${loc.author} <${loc.email ?? ''}>` : null,
    path: loc.path,
    inHead: f.inHead,
    occurrences: f.occurrences.commits,
  };
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
): CloudFinding[] {
  const out: CloudFinding[] = [];
  const keys = new Map<string, AccessKey>(inventory.keys.map((k) => [k.id, k]));
  const secretPairs = secrets.filter((s) => s.ruleId === 'aws-secret-access-key');
  for (const [id, f] of leakedKeyIds(secrets)) {
    const base = leakEvidence(f, now);
    const paired = secretPairs.some((s) => s.location.commit === f.location.commit && s.location.path === f.location.path);
    const common = { kind: 'leak' as const, fingerprint: `leak:${f.fingerprint}`, nhi: ['NHI2' as const] };
    if (f.account && CANARY_ACCOUNTS.has(f.account)) {
      out.push({
        ...common,
        ruleId: 'aws-leaked-canary-token',
        title: 'Leaked AWS key is a canary token (never contacted)',
        severity: 'info',
        identity: { arn: `arn:aws:iam::${f.account}:root`, name: `canary account ${f.account}`, kind: 'root' },
        credential: { kind: 'access-key', id },
        evidence: { ...base, canary: true },
        remediation: { hint: 'A honeytoken: someone planted it to detect use. Leave it alone; remove it from the repository only if it is not yours on purpose.' },
        risk: 10,
      });
      continue;
    }
    const key = keys.get(id);
    const owner = owners.get(id);
    if (key || owner) {
      const user = key?.user ?? owner!.user;
      const lastUsed = key?.lastUsed ?? owner?.lastUsed ?? null;
      const active = key ? key.status === 'Active' : true;
      const usedAfterLeak = Boolean(lastUsed && base.leakedAt && Date.parse(lastUsed) > Date.parse(base.leakedAt));
      out.push({
        ...common,
        ruleId: active ? 'aws-leaked-key-active' : 'aws-leaked-key-inactive',
        title: active ? 'Leaked AWS access key is active in the account' : 'Leaked AWS access key exists, inactive',
        severity: active ? 'critical' : 'high',
        identity: { arn: key?.userArn ?? `arn:aws:iam::${inventory.account ?? f.account ?? ''}:user/${user}`, name: user, kind: 'service-user' },
        credential: { kind: 'access-key', id },
        evidence: {
          ...base,
          user,
          status: key?.status ?? 'Active',
          keyCreated: key?.created ?? null,
          lastUsed,
          lastUsedService: key?.lastUsedService ?? owner?.lastUsedService ?? null,
          usedAfterLeak,
          secretKeyLeakedToo: paired,
          ...(owner && !key ? { ownerFrom: 'GetAccessKeyLastUsed' } : {}),
        },
        remediation: active
          ? {
              // Runs as printed: revoke deactivates; rotate then creates, stores (default
              // ~/.nhiscan/keys/replaces-ID.json, 0600) and verifies a new key, leaving the old one
              // Inactive; `rotate finish` deletes it once the new key is deployed.
              hint: `Deactivate now (reversible), then create, store and verify a replacement (in ~/.nhiscan/keys/replaces-${id}.json unless --to-file or --to-secret is given); deploy it, then delete the old key with nhiscan rotate finish ${id} --user ${user}.${usedAfterLeak ? ' It was used after the leak: investigate CloudTrail for that key since the leak date.' : ''}`,
              command: `nhiscan revoke access-key ${id} --user ${user} && nhiscan rotate access-key ${id} --user ${user}`,
            }
          : { hint: 'The key is already inactive: delete it so it can never be reactivated.', command: `nhiscan revoke access-key ${id} --user ${user} --delete` },
        risk: active ? 100 : 70,
      });
      continue;
    }
    if (f.account && inventory.account && f.account !== inventory.account) {
      out.push({
        ...common,
        ruleId: 'aws-leaked-foreign-key',
        title: 'Leaked AWS key belongs to another account',
        severity: 'medium',
        identity: { arn: `arn:aws:iam::${f.account}:root`, name: `account ${f.account}`, kind: 'root' },
        credential: { kind: 'access-key', id },
        evidence: { ...base, secretKeyLeakedToo: paired },
        remediation: { hint: `Tell the owner of account ${f.account} (a vendor, a personal account?) to deactivate it; nhiscan did not contact AWS about it.` },
        risk: 40,
      });
      continue;
    }
    out.push({
      ...common,
      ruleId: 'aws-leaked-key-not-found',
      title: 'Leaked AWS key not found in the audited account',
      severity: 'low',
      identity: { arn: `arn:aws:iam::${f.account ?? 'unknown'}:root`, name: f.account ? `account ${f.account}` : 'unknown account', kind: 'root' },
      credential: { kind: 'access-key', id },
      evidence: { ...base, secretKeyLeakedToo: paired },
      remediation: { hint: 'Probably deleted already; confirm in the key owner\'s account, and purge it from history if it is still there.' },
      risk: 20,
    });
  }
  return out;
}

