// A group that grants administrator access: the place to fix, and a standing risk even before
// anyone is in it (the next member added is an admin).
import type { Evidence } from '../../model.js';
import { grantEvidence } from './evidence.js';
import type { CloudRule, Hit } from './types.js';

export const groupRules: CloudRule[] = [
  {
    id: 'aws-group-admin',
    scope: 'group',
    title: 'Group grants administrator privileges',
    severity: 'high',
    nhi: ['NHI5'],
    rationale: 'Every member of a group holding AdministratorAccess or an inline *:* is an administrator; the group is where to fix it, and it stays a risk with no members (whoever is added next is admin).',
    remediation: 'Replace the group’s administrator policy with least-privilege policies, or keep the group empty and tightly controlled for break-glass use.',
    check: (c): Hit[] => {
      const p = c.subject.profile;
      if (!p.admin.admin) return [];
      const members = c.members.map((u) => u.name);
      const ev: Evidence =
        p.admin.via === 'AdministratorAccess'
          ? { policy: 'arn:aws:iam::aws:policy/AdministratorAccess', statement: 'attached', action: '*' }
          : grantEvidence(c.stmts, [p.admin.via === 'iam:*' ? 'iam:NhiscanProbe' : 'nhiscanprobe:Anything'], undefined, [p.admin.via]);
      return [
        {
          // A member that is a machine identity makes it critical: its credential is admin now.
          severity: c.members.some((u) => u.kind !== 'human-user') ? 'critical' : 'high',
          evidence: { via: p.admin.via, members, memberCount: members.length, ...ev },
          hint: members.length
            ? `Members (${members.length}): ${members.join(', ')}. Replace the group’s administrator policy with least-privilege ones, or remove the machine identities from it.`
            : 'The group has no members yet: whoever is added becomes an administrator. Remove the administrator policy, or delete the group if nothing needs it.',
          exposure: members.length ? 40 : 10,
        },
      ];
    },
  },
];
