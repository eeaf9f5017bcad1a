// Console passwords: MFA, and machine identities that can sign in (NHI4, NHI10).
import type { CredentialRef } from '../../model.js';
import { daysSince, type CloudRule } from './types.js';

const password = (name: string): CredentialRef => ({ kind: 'console-password', id: `${name}/login-profile` });

export const consoleRules: CloudRule[] = [
  {
    id: 'aws-password-no-mfa',
    scope: 'user',
    title: 'Console password without MFA',
    severity: 'high',
    nhi: ['NHI4'],
    rationale: 'A password alone is phishable and guessable; high when the user is an administrator.',
    remediation: 'Require MFA for console sign-in (or move people to SSO and remove the password).',
    check: (c) =>
      c.row?.passwordEnabled && !c.row.mfaActive
        ? [
            {
              severity: c.subject.profile.admin.admin ? 'high' : 'medium',
              credential: password(c.user.name),
              evidence: { passwordLastUsed: c.row.passwordLastUsed, passwordLastChanged: c.row.passwordLastChanged },
              lifetimeDays: daysSince(c.row.passwordLastChanged, c.now),
              exposure: 70,
            },
          ]
        : [],
  },
  {
    id: 'aws-service-user-console-password',
    scope: 'user',
    title: 'Service identity has a console password',
    severity: 'high',
    nhi: ['NHI10', 'NHI4'],
    rationale: 'A machine identity needs no console login; a password on one means people sign in as the workload.',
    remediation: 'Delete the login profile; if people sign in with it, give them their own identities.',
    check: (c) =>
      c.row?.passwordEnabled && c.subject.identity.kind === 'service-user'
        ? [
            {
              credential: password(c.user.name),
              evidence: { passwordLastUsed: c.row.passwordLastUsed, classifiedBecause: c.subject.classification.reason },
              hint: 'A machine identity needs no console login: delete the login profile; if people sign in with it, give them their own identities.',
              lifetimeDays: daysSince(c.row.passwordLastChanged, c.now),
              exposure: 60,
            },
          ]
        : [],
  },
];
