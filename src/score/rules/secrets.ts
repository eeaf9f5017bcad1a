// Secrets Manager secrets: rotation, use and resource policy (NHI1, NHI2, NHI5, NHI6, NHI7).
import type { Evidence } from '../../model.js';
import { statements } from '../policy.js';
import { statementEvidence } from './evidence.js';
import { DAY, daysSince, type CloudRule, type SecretContext } from './types.js';

function facts(c: SecretContext) {
  const sec = c.secret;
  const base: Evidence = { region: sec.region, created: sec.created, lastRotated: sec.lastRotated, rotationEnabled: sec.rotationEnabled, rotationDays: sec.rotationDays, lastAccessed: sec.lastAccessed };
  return {
    sec,
    cred: { kind: 'secrets-manager-secret' as const, id: sec.arn },
    sinceRotation: daysSince(sec.lastRotated ?? sec.created, c.now),
    base,
    // The secret's own region: a multi-region audit's secret is not in the default one.
    where: `--secret-id ${sec.arn} --region ${sec.region}`,
  };
}

export const secretRules: CloudRule[] = [
  {
    id: 'aws-secret-rotation-disabled',
    scope: 'secret',
    title: 'Secret has rotation turned off',
    severity: 'high',
    nhi: ['NHI7'],
    rationale: 'A secret nothing rotates lives as long as the system behind it; high once it is over a year old.',
    remediation: 'Attach a rotation function, or rotate by hand and document why it cannot be automatic.',
    check: (c) => {
      const f = facts(c);
      if (f.sec.owningService || f.sec.rotationEnabled) return [];
      return [
        {
          severity: f.sinceRotation !== null && f.sinceRotation > c.t.keyCriticalAgeDays ? 'high' : 'medium',
          credential: f.cred,
          evidence: { ...f.base, daysSinceRotation: f.sinceRotation },
          // No nhiscan command can do this (RotateSecret needs a function that knows the secret's system).
          hint: `No rotation function is attached, so nothing can rotate it yet. Attach one (a Lambda that knows how to change this credential, e.g. from the Secrets Manager rotation templates) with: aws secretsmanager rotate-secret ${f.where} --rotation-lambda-arn <function ARN> --rotation-rules AutomaticallyAfterDays=30; or change the credential by hand and store it with aws secretsmanager put-secret-value ${f.where} --secret-string <new value>, and document why it cannot be automatic.`,
          lifetimeDays: f.sinceRotation,
          exposure: 30,
        },
      ];
    },
  },
  {
    id: 'aws-secret-rotation-overdue',
    scope: 'secret',
    title: 'Secret rotation is overdue',
    severity: 'medium',
    nhi: ['NHI7'],
    rationale: 'Rotation is scheduled but not happening: the rotation function is failing.',
    remediation: 'Check the rotation function’s logs, then rotate now.',
    check: (c) => {
      const f = facts(c);
      if (f.sec.owningService || !f.sec.rotationEnabled) return [];
      const overdueBy = f.sec.rotationDays !== null && f.sinceRotation !== null ? f.sinceRotation - f.sec.rotationDays : null;
      const nextPast = f.sec.nextRotation ? Date.parse(f.sec.nextRotation) < c.now - DAY : false;
      if (!((overdueBy !== null && overdueBy > 1) || nextPast)) return [];
      return [
        {
          credential: f.cred,
          evidence: { ...f.base, daysSinceRotation: f.sinceRotation, overdueDays: overdueBy, nextRotation: f.sec.nextRotation },
          hint: "Rotation is scheduled but not happening: check the rotation function's logs, then rotate now.",
          command: `nhiscan rotate secret ${f.sec.arn} --region ${f.sec.region}`,
          lifetimeDays: f.sinceRotation,
          exposure: 30,
        },
      ];
    },
  },
  {
    id: 'aws-secret-never-accessed',
    scope: 'secret',
    title: 'Secret never accessed',
    severity: 'low',
    nhi: ['NHI1'],
    rationale: 'A secret nobody has read since its grace period is probably an offboarding leftover.',
    remediation: 'Find the owner; schedule deletion (with a recovery window) if nothing reads it.',
    check: (c) => {
      const f = facts(c);
      const age = daysSince(f.sec.created, c.now);
      if (f.sec.lastAccessed !== null || age === null || age <= c.t.neverUsedGraceDays) return [];
      return [{ credential: f.cred, evidence: { ...f.base, idleDays: null }, lifetimeDays: f.sinceRotation, exposure: 10 }];
    },
  },
  {
    id: 'aws-secret-unused',
    scope: 'secret',
    title: 'Secret unused for longer than the threshold',
    severity: 'low',
    nhi: ['NHI1'],
    rationale: 'A secret not read past the threshold (90 days) is probably an offboarding leftover.',
    remediation: 'Find the owner; schedule deletion (with a recovery window) if nothing reads it.',
    check: (c) => {
      const f = facts(c);
      const idle = daysSince(f.sec.lastAccessed, c.now);
      if (f.sec.lastAccessed === null || idle === null || idle <= c.t.unusedDays) return [];
      return [{ title: `Secret unused for more than ${c.t.unusedDays} days`, credential: f.cred, evidence: { ...f.base, idleDays: idle }, lifetimeDays: f.sinceRotation, exposure: 10 }];
    },
  },
  {
    id: 'aws-secret-public-policy',
    scope: 'secret',
    title: 'Secret resource policy grants access to everyone',
    severity: 'critical',
    // Over-privilege first; it is also a leak path and an insecure cloud configuration.
    nhi: ['NHI5', 'NHI2', 'NHI6'],
    rationale: 'A resource policy allowing Principal "*" without a condition lets any AWS principal read the secret.',
    remediation: 'Remove the public statement from the resource policy, then change the secret’s value: anyone may have read it.',
    check: (c) => {
      const f = facts(c);
      const stmts = statements(f.sec.resourcePolicy);
      const grant = stmts.find((st) => st.Effect === 'Allow' && !st.Condition && (st.Principal === '*' || ([] as string[]).concat(st.Principal?.AWS ?? []).includes('*')));
      if (!grant) return [];
      return [
        {
          credential: f.cred,
          evidence: { ...f.base, actions: ([] as string[]).concat(grant.Action ?? grant.NotAction ?? []), ...statementEvidence('resource policy', stmts, grant) },
          hint: `Remove the public grant first: the command below deletes the whole resource policy (to keep other statements, read it with aws secretsmanager get-resource-policy ${f.where} and put it back without the Principal "*" statement with put-resource-policy). Then change the secret's value: anyone may have read it.`,
          command: `aws secretsmanager delete-resource-policy ${f.where}`,
          lifetimeDays: f.sinceRotation,
          exposure: 100,
        },
      ];
    },
  },
];
