// Identities nothing uses any more: offboarding leftovers (NHI1).
import type { Evidence } from '../../model.js';
import { daysSince, type BaseContext, type CloudRule, type Hit } from './types.js';

/** The owner tags an idle identity carries: the team to ask (which may no longer exist). */
function ownerTags(tags: Array<{ Key: string; Value: string }>): Evidence {
  const owner = tags.find((t) => /^(?:owner|team|owner-team|contact)$/i.test(t.Key));
  return owner ? { ownerTag: `${owner.Key}=${owner.Value}` } : {};
}

/**
 * Idle: the last activity is older than the threshold, or there never was any and the identity is
 * past its grace period. Credentials are not needed: an idle user with no key and no password is
 * still an identity someone forgot to remove.
 */
function idle(c: BaseContext, lastUsed: string | null, created: string | null, extra: Evidence, title: string): Hit[] {
  const idleDays = daysSince(lastUsed, c.now);
  const age = daysSince(created, c.now);
  const stale = lastUsed ? idleDays !== null && idleDays > c.t.unusedDays : age !== null && age > c.t.neverUsedGraceDays;
  if (!stale) return [];
  return [
    {
      title: lastUsed ? `${title} unused for more than ${c.t.unusedDays} days` : `${title} never used`,
      evidence: { lastUsed: lastUsed ?? 'never', idleDays, created, ageDays: age, thresholdDays: lastUsed ? c.t.unusedDays : c.t.neverUsedGraceDays, ...extra },
      lifetimeDays: age,
      exposure: 10,
    },
  ];
}

/** The latest of several dates (null when none). */
function latest(dates: Array<string | null | undefined>): string | null {
  let best: string | null = null;
  for (const d of dates) if (d && !Number.isNaN(Date.parse(d)) && (!best || Date.parse(d) > Date.parse(best))) best = d;
  return best;
}

export const offboardingRules: CloudRule[] = [
  {
    id: 'aws-user-idle',
    scope: 'user',
    title: 'User unused for longer than the threshold, or never used',
    severity: 'low',
    nhi: ['NHI1'],
    rationale: 'A user whose password and keys have not been used past the threshold (or ever, past the grace period after creation) is an offboarding leftover, with or without credentials.',
    remediation: 'Find the owner (see the owner tag); delete the user if nothing needs it.',
    check: (c) => {
      if (c.subject.identity.kind === 'root') return [];
      const last = latest([c.row?.passwordLastUsed, ...c.keys.map((k) => k.lastUsed), ...(c.row?.keys.map((k) => k.lastUsedDate) ?? [])]);
      const credentials = c.keys.filter((k) => k.status === 'Active').length + (c.row?.passwordEnabled ? 1 : 0);
      return idle(c, last, c.user.created ?? c.row?.userCreationTime ?? null, { activeCredentials: credentials, ...ownerTags(c.user.tags) }, 'User');
    },
  },
  {
    id: 'aws-role-unused',
    scope: 'role',
    title: 'Role unused for longer than the threshold, or never used',
    severity: 'low',
    nhi: ['NHI1'],
    rationale: 'A role not assumed past the threshold (or never, past the grace period after creation) is an offboarding leftover that anyone it trusts can still assume.',
    remediation: 'Delete roles nothing uses, after checking for seasonal jobs.',
    check: (c) => {
      if (c.subject.identity.kind === 'service-linked-role') return [];
      const hits = idle(c, c.role.lastUsed, c.role.created, ownerTags(c.role.tags), 'Role');
      return hits.map((h) => ({ ...h, credential: { kind: 'role-session', id: c.role.arn }, evidence: { ...h.evidence, lastUsed: c.role.lastUsed ?? 'never (in the tracking window)' } }));
    },
  },
];
