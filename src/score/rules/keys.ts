// A user's long-term credentials: access keys and signing certificates (NHI1, NHI4, NHI7, NHI9, NHI10).
import type { AccessKey } from '../../cloud/aws/types.js';
import type { CredentialRef, Evidence } from '../../model.js';
import { daysSince, type CloudRule, type Hit, type Thresholds, type UserContext } from './types.js';

const KEY_ID = /^AKIA[A-Z0-9]{16}$/;
const CI_NAME = /(?:^|[-_.])(?:ci|cd|github|gitlab|jenkins|circleci|buildkite|pipeline|runner|deploy)(?:[-_.]|$)/i;

/** What every key finding says about its key, and how to act on it. */
interface KeyFacts {
  k: AccessKey;
  cred: CredentialRef;
  age: number | null;
  idle: number | null;
  base: Evidence;
  /** Offline, the credential report has no key ids: the hint says how to find the id instead. */
  findId: string;
  revoke: string | undefined;
  rotate: string | undefined;
  exposure: number;
}

function facts(k: AccessKey, t: Thresholds, now: number): KeyFacts {
  const age = daysSince(k.created, now);
  const idle = daysSince(k.lastUsed, now);
  const known = KEY_ID.test(k.id);
  return {
    k,
    cred: { kind: 'access-key', id: k.id },
    age,
    idle,
    base: { created: k.created, ageDays: age, lastUsed: k.lastUsed, lastUsedService: k.lastUsedService, lastUsedRegion: k.lastUsedRegion, status: k.status },
    findId: known ? '' : ` The credential report has no key ids: find this one with aws iam list-access-keys --user-name ${k.user} (slot ${k.slot ?? '?'}; slot 1 is the older key), then run nhiscan on that id.`,
    revoke: known ? `nhiscan revoke access-key ${k.id} --user ${k.user}` : undefined,
    rotate: known ? `nhiscan rotate access-key ${k.id} --user ${k.user}` : undefined,
    exposure: idle !== null && idle <= t.unusedDays ? 40 : 25,
  };
}

const cmd = (c: string | undefined) => (c ? { command: c } : {});

/** One hit per key `pick` returns facts for. */
function perKey(c: UserContext, onlyActive: boolean, hit: (f: KeyFacts, c: UserContext) => Hit | null): Hit[] {
  return c.keys.filter((k) => !onlyActive || k.status === 'Active').flatMap((k) => hit(facts(k, c.t, c.now), c) ?? []);
}

export const keyRules: CloudRule[] = [
  {
    id: 'aws-inactive-key',
    scope: 'user',
    title: 'Inactive access key left behind',
    severity: 'low',
    nhi: ['NHI1', 'NHI7'],
    rationale: 'An inactive key still occupies one of the two key slots and can be reactivated: a long-lived credential nobody is watching.',
    remediation: 'Delete the inactive key.',
    check: (c) =>
      c.keys
        .filter((k) => k.status === 'Inactive')
        .map((k) => {
          const f = facts(k, c.t, c.now);
          return { credential: f.cred, evidence: f.base, hint: `Delete the inactive key; it still occupies one of the two key slots and can be reactivated.${f.findId}`, ...cmd(f.revoke && `${f.revoke} --delete`), lifetimeDays: f.age, exposure: 5 };
        }),
  },
  {
    id: 'aws-key-age',
    scope: 'user',
    title: 'Active access key older than the maximum age',
    severity: 'high',
    nhi: ['NHI7', 'NHI4'],
    rationale: 'Long-lived static keys are the credential most often leaked; past the threshold (90 days, high from 365) they should have been rotated, or replaced by a role.',
    remediation: 'Rotate the key (create, deploy, deactivate the old one, verify, delete), or move the workload to a role.',
    check: (c) =>
      perKey(c, true, (f) => {
        if (f.age === null || f.age <= c.t.keyMaxAgeDays) return null;
        const secondActive = c.keys.find((o) => o !== f.k && o.status === 'Active');
        return {
          title: `Active access key older than ${c.t.keyMaxAgeDays} days`,
          severity: f.age > c.t.keyCriticalAgeDays ? 'high' : 'medium',
          credential: f.cred,
          evidence: { ...f.base, thresholdDays: c.t.keyMaxAgeDays },
          hint: secondActive
            ? `Rotate the key (create, deploy, deactivate the old one, verify, delete), or move the workload to a role. ${f.k.user} already holds a second active key, ${secondActive.id}, so there is no slot for a new one: deactivate whichever of the two is unused first (see the two-active-keys finding), then rotate this one.${f.findId}`
            : `Rotate the key (create, deploy, deactivate the old one, verify, delete), or move the workload to a role. nhiscan rotate stores the new key in ~/.nhiscan/keys/replaces-${f.rotate ? f.k.id : 'KEYID'}.json unless given --to-file or --to-secret.${f.findId}`,
          // With two active keys, rotate refuses (a user holds at most two): no command that cannot run.
          ...cmd(secondActive ? undefined : f.rotate),
          lifetimeDays: f.age,
          exposure: f.exposure,
        };
      }),
  },
  {
    id: 'aws-key-never-used',
    scope: 'user',
    title: 'Active access key never used',
    severity: 'medium',
    nhi: ['NHI1', 'NHI7'],
    rationale: 'A key nobody has used since its grace period is pure exposure: nothing breaks when it goes.',
    remediation: 'Deactivate the key, then delete it.',
    check: (c) =>
      perKey(c, true, (f) =>
        !f.k.lastUsed && f.age !== null && f.age > c.t.neverUsedGraceDays
          ? { credential: f.cred, evidence: { ...f.base, graceDays: c.t.neverUsedGraceDays }, hint: `A key nobody uses is pure exposure: deactivate it, then delete it.${f.findId}`, ...cmd(f.revoke), lifetimeDays: f.age, exposure: 25 }
          : null,
      ),
  },
  {
    id: 'aws-key-unused',
    scope: 'user',
    title: 'Active access key unused for longer than the threshold',
    severity: 'medium',
    nhi: ['NHI1', 'NHI7'],
    rationale: 'An active key idle past the threshold (90 days) is usually an offboarding leftover that still works.',
    remediation: 'Deactivate the key; delete it if nothing breaks.',
    check: (c) =>
      perKey(c, true, (f) =>
        f.k.lastUsed && f.idle !== null && f.idle > c.t.unusedDays
          ? { title: `Active access key unused for more than ${c.t.unusedDays} days`, credential: f.cred, evidence: { ...f.base, idleDays: f.idle }, hint: `Deactivate the key; delete it if nothing breaks.${f.findId}`, ...cmd(f.revoke), lifetimeDays: f.age, exposure: 25 }
          : null,
      ),
  },
  {
    id: 'aws-human-with-access-key',
    scope: 'user',
    title: 'Human user holds a long-term access key',
    severity: 'medium',
    nhi: ['NHI10', 'NHI4'],
    rationale: 'People should use SSO and short-lived credentials; a person’s static key usually runs automation under a human identity.',
    remediation: 'Move the automation to a dedicated service identity or role, and the person to SSO.',
    check: (c) =>
      c.subject.identity.kind !== 'human-user'
        ? []
        : perKey(c, true, (f) => ({
            credential: f.cred,
            evidence: { ...f.base, classifiedBecause: c.subject.classification.reason },
            hint: `People should use SSO and short-lived credentials; if this key runs automation, move it to a dedicated service identity or role.${f.findId}`,
            ...cmd(f.revoke),
            lifetimeDays: f.age,
            exposure: f.exposure,
          })),
  },
  {
    id: 'aws-ci-static-key',
    scope: 'user',
    title: 'CI/CD identity uses a static access key',
    severity: 'medium',
    nhi: ['NHI6', 'NHI4', 'NHI7'],
    rationale: 'CI systems can federate to AWS with OIDC; a static key in CI settings is a long-lived secret many people and jobs can read.',
    remediation: 'Use OIDC federation from the CI system to a role with a pinned sub condition, then delete the key.',
    check: (c) =>
      c.subject.identity.kind === 'human-user' || !CI_NAME.test(c.subject.identity.name)
        ? []
        : perKey(c, true, (f) => ({ credential: f.cred, evidence: f.base, hint: `Use OIDC federation from the CI system to a role with a pinned sub condition, then delete the key.${f.findId}`, ...cmd(f.revoke), lifetimeDays: f.age, exposure: f.exposure })),
  },
  {
    id: 'aws-two-active-keys',
    scope: 'user',
    title: 'User has two active access keys',
    severity: 'medium',
    nhi: ['NHI9'],
    rationale: 'Two live keys usually mean one identity is shared by several workloads, or a rotation never finished.',
    remediation: 'Deactivate the unused key, and give each workload its own identity.',
    check: (c) => {
      const active = c.keys.filter((k) => k.status === 'Active');
      if (active.length < 2) return [];
      // The one to revoke is the one nothing uses: never used first, else the least recently used.
      // Revoking the key in use would break the workload and leave the idle key live.
      const idleFirst = [...active].sort((a, b) => (a.lastUsed ? Date.parse(a.lastUsed) : -Infinity) - (b.lastUsed ? Date.parse(b.lastUsed) : -Infinity));
      const idle = idleFirst[0]!;
      const idleKnown = KEY_ID.test(idle.id);
      const why = idle.lastUsed ? `least recently used (${idle.lastUsed})` : 'never used';
      return [
        {
          credential: { kind: 'access-key', id: active.map((k) => k.id).join(',') },
          evidence: { keys: active.map((k) => k.id), lastUsed: active.map((k) => k.lastUsed ?? 'never') },
          hint: `Two live keys usually means one identity is shared by several workloads, or a rotation never finished: deactivate the ${why} one, ${idle.id}, and give each workload its own identity.${idleKnown ? '' : ` The credential report has no key ids: find it with aws iam list-access-keys --user-name ${idle.user}.`}`,
          ...(idleKnown ? { command: `nhiscan revoke access-key ${idle.id} --user ${idle.user}` } : {}),
          lifetimeDays: Math.max(...active.map((k) => daysSince(k.created, c.now) ?? 0)),
          exposure: 40,
        },
      ];
    },
  },
  {
    id: 'aws-signing-certificate-age',
    scope: 'user',
    title: 'Active signing certificate older than the maximum age',
    severity: 'high',
    nhi: ['NHI7'],
    rationale: 'X.509 signing certificates are long-lived credentials too.',
    remediation: 'Rotate or delete the certificate.',
    check: (c) =>
      (c.row?.certs.filter((cert) => cert.active) ?? []).flatMap((cert) => {
        const age = daysSince(cert.lastRotated, c.now);
        if (age === null || age <= c.t.keyMaxAgeDays) return [];
        return [
          {
            title: `Active signing certificate older than ${c.t.keyMaxAgeDays} days`,
            severity: age > c.t.keyCriticalAgeDays ? ('high' as const) : ('medium' as const),
            credential: { kind: 'signing-certificate' as const, id: `${c.user.name}#cert${cert.slot}` },
            evidence: { lastRotated: cert.lastRotated, ageDays: age },
            hint: 'X.509 signing certificates are long-lived credentials too: rotate or delete them.',
            lifetimeDays: age,
            exposure: 30,
          },
        ];
      }),
  },
];
