import type { PrivilegeProfile } from './policy.js';

export interface RiskInputs {
  profile: PrivilegeProfile;
  /** Age of the credential (or time since rotation), days; null for ephemeral credentials. */
  lifetimeDays: number | null;
  /** 0 to 100: how reachable the credential is (public trust 100, leaked 100, console without MFA 70, live key 40 …). */
  exposure: number;
}

/** 0 to 100: the privilege component of the score. */
export function privilegeScore(p: PrivilegeProfile): number {
  if (p.admin.admin) return 100;
  if (p.privesc.some((x) => !x.conditional)) return 85;
  if (p.privesc.length) return 65;
  if (p.wildcards.length) return 60;
  if (p.exposure.length) return 50;
  if (p.dataAccess?.length) return 45;
  return Math.min(40, Math.round(p.actionCount / 25));
}

/** 0 to 100: the lifetime component, linear up to one year. */
export function lifetimeScore(days: number | null): number {
  if (days === null || days < 0) return 0;
  return Math.min(100, Math.round((days / 365) * 100));
}

/**
 * risk = 0.4 × privilege + 0.3 × lifetime + 0.3 × exposure, each 0–100, rounded.
 * Privilege weighs most: an old key that can do nothing matters less than a new admin key.
 */
export function riskScore(i: RiskInputs): number {
  const score = 0.4 * privilegeScore(i.profile) + 0.3 * lifetimeScore(i.lifetimeDays) + 0.3 * Math.max(0, Math.min(100, i.exposure));
  return Math.round(Math.min(100, score));
}
