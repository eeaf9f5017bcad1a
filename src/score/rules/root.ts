// The account root user (NHI4, NHI5, NHI7).
import { daysSince, type CloudRule } from './types.js';

export const rootRules: CloudRule[] = [
  {
    id: 'aws-root-access-key',
    scope: 'root',
    title: 'Root user has an active access key',
    severity: 'critical',
    // Insecure authentication first; the key is also all-powerful and long-lived.
    nhi: ['NHI4', 'NHI5', 'NHI7'],
    rationale: 'A root access key is a long-lived, unrestrictable credential with every permission in the account; AWS advises having none.',
    remediation: 'Delete root access keys (sign in as root: Security credentials > Access keys); use IAM roles for every task.',
    check: (c) => {
      const keys = c.keys.filter((k) => k.status === 'Active');
      if (!keys.length) return [];
      return [
        {
          credential: { kind: 'access-key', id: keys.map((k) => k.id).join(',') },
          evidence: { keys: keys.length, lastUsed: keys.map((k) => k.lastUsed ?? 'never') },
          lifetimeDays: Math.max(...keys.map((k) => daysSince(k.created, c.now) ?? 0)),
          exposure: 100,
        },
      ];
    },
  },
  {
    id: 'aws-root-no-mfa',
    scope: 'root',
    title: 'Root user has no MFA',
    severity: 'critical',
    nhi: ['NHI4'],
    rationale: 'The root user’s password alone opens the whole account, with no policy that can restrict it.',
    remediation: 'Enable MFA (preferably a hardware key) on the root user now.',
    check: (c) => (c.row.mfaActive ? [] : [{ evidence: { mfaActive: false }, exposure: 100 }]),
  },
];
