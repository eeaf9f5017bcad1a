import type { CloudFinding, Finding, MutedFinding, MuteOutcome } from '../model.js';
import { iamWildcard } from './policy.js';

/**
 * Accepted risks for cloud findings (`[[mutelist]]` in .nhiscan.toml), in the spirit of Prowler's
 * mutelist. Pure: the config is parsed in src/config.ts, tags come from the inventory.
 *
 * Every condition an entry gives must hold (an entry is as narrow as it reads); a list inside one
 * condition matches when any of its items does. A muted finding is never dropped silently: it is
 * counted in the summary and listed with its entry's reason.
 */
export interface MuteEntry {
  /** 1-based position among the [[mutelist]] tables, and the config line it starts on. */
  index: number;
  line: number;
  /** Rule ids or globs; empty: any rule. */
  rules: string[];
  /** Identity ARN or name globs; empty: any identity. */
  identities: string[];
  /** 12-digit account ids or globs; empty: any account. */
  accounts: string[];
  /** Tag key to value glob; all must be present on the identity. */
  tags: Record<string, string>;
  /** YYYY-MM-DD: from that day the entry mutes nothing and is reported as expired. */
  expires?: string;
  reason: string;
}

/**
 * IAM's wildcard semantics, as in policy ARNs (see iamWildcard): a glob library would stop `*`
 * at `/`, which is not what an ARN pattern means to an AWS user.
 */
export function wildcard(pattern: string): RegExp {
  return iamWildcard(pattern, 's');
}

const ACCOUNT_IN_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/;

/** The account a finding belongs to: set by --org runs, else read from its identity's ARN. */
export function accountOf(f: CloudFinding): string | null {
  return f.account ?? ACCOUNT_IN_ARN.exec(f.identity.arn)?.[1] ?? null;
}

interface Compiled {
  entry: MuteEntry;
  rules: RegExp[];
  identities: RegExp[];
  accounts: RegExp[];
  tags: Array<[string, RegExp]>;
}

const any = (res: RegExp[], ...values: string[]) => res.length === 0 || res.some((re) => values.some((v) => re.test(v)));

function matches(c: Compiled, f: CloudFinding, tags: ReadonlyArray<{ Key: string; Value: string }>): boolean {
  if (!any(c.rules, f.ruleId)) return false;
  if (!any(c.identities, f.identity.arn, f.identity.name)) return false;
  if (c.accounts.length && !any(c.accounts, accountOf(f) ?? '')) return false;
  return c.tags.every(([key, value]) => tags.some((t) => t.Key === key && value.test(t.Value)));
}

/** Only cloud findings can be muted: a leaked secret or a live leaked key is never an accepted risk. */
export function applyMutelist(
  findings: Finding[],
  entries: MuteEntry[],
  tagsOf: (f: CloudFinding) => ReadonlyArray<{ Key: string; Value: string }>,
  today = new Date().toISOString().slice(0, 10),
): { findings: Finding[]; outcome: MuteOutcome } {
  const live: Compiled[] = [];
  const expired: MuteOutcome['expired'] = [];
  for (const e of entries) {
    if (e.expires !== undefined && e.expires <= today) {
      expired.push({ entry: e.index, line: e.line, reason: e.reason, expires: e.expires });
      continue;
    }
    live.push({
      entry: e,
      rules: e.rules.map(wildcard),
      identities: e.identities.map(wildcard),
      accounts: e.accounts.map(wildcard),
      tags: Object.entries(e.tags).map(([k, v]) => [k, wildcard(v)]),
    });
  }
  const muted: MutedFinding[] = [];
  const kept = findings.filter((f) => {
    if (f.kind !== 'cloud' || live.length === 0) return true;
    const tags = tagsOf(f);
    const hit = live.find((c) => matches(c, f, tags));
    if (!hit) return true;
    muted.push({
      ruleId: f.ruleId,
      fingerprint: f.fingerprint,
      severity: f.severity,
      identity: f.identity.arn,
      account: accountOf(f),
      entry: hit.entry.index,
      reason: hit.entry.reason,
      ...(hit.entry.expires ? { expires: hit.entry.expires } : {}),
    });
    return false;
  });
  return { findings: kept, outcome: { muted, expired } };
}

/** Counts for `summary.muted`. */
export function mutedSummary(outcome: MuteOutcome): { total: number; byRule: Record<string, number>; expiredEntries: number } {
  const byRule: Record<string, number> = {};
  for (const m of outcome.muted) byRule[m.ruleId] = (byRule[m.ruleId] ?? 0) + 1;
  return { total: outcome.muted.length, byRule, expiredEntries: outcome.expired.length };
}
