import { describe, expect, it } from 'vitest';
import type { AccessKey, AwsInventory, IamRole, IamUser, SecretRecord } from '../src/cloud/aws/types.js';
import { evaluate, isAdmin, privilegeProfile } from '../src/score/policy.js';
import { DEFAULT_THRESHOLDS, scoreInventory } from '../src/score/rules.js';
import { riskScore } from '../src/score/risk.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW - d * 86_400_000 - 3_600_000).toISOString();
const catalogue = new Map([
  ['s3', ['s3:getobject', 's3:putobject', 's3:deletebucket']],
  ['iam', ['iam:createpolicyversion', 'iam:passrole', 'iam:listusers']],
]);

function user(name: string, extra: Partial<IamUser> = {}): IamUser {
  return { name, arn: `arn:aws:iam::123456789012:user/${name}`, path: '/', created: daysAgo(1000), groups: [], attachedPolicies: [], inlinePolicies: [], tags: [], ...extra };
}

function inventory(parts: Partial<AwsInventory>): AwsInventory {
  return { account: '123456789012', caller: null, users: [], groups: [], roles: [], policies: [], report: [], keys: [], secrets: [], ...parts };
}

function key(userName: string, extra: Partial<AccessKey>): AccessKey {
  return { id: 'AKIAEXAMPLEKEY000001', user: userName, userArn: `arn:aws:iam::123456789012:user/${userName}`, status: 'Active', created: daysAgo(10), lastUsed: daysAgo(1), lastUsedService: 's3', lastUsedRegion: 'us-east-1', slot: 1, ...extra };
}

function rules(inv: AwsInventory): string[] {
  return scoreInventory(inv, catalogue, DEFAULT_THRESHOLDS, NOW).findings.map((f) => f.ruleId);
}

describe('boundary ages (thresholds are "older than", in whole days)', () => {
  it.each([
    [89, false],
    [90, false],
    [91, true],
  ])('key age %i days → aws-key-age %s', (age, fires) => {
    const inv = inventory({ users: [user('svc-a')], keys: [key('svc-a', { created: daysAgo(age) })] });
    expect(rules(inv).includes('aws-key-age')).toBe(fires);
  });

  it.each([
    [364, 'medium'],
    [365, 'medium'],
    [366, 'high'],
  ])('key age %i days → severity %s', (age, severity) => {
    const inv = inventory({ users: [user('svc-a')], keys: [key('svc-a', { created: daysAgo(age) })] });
    expect(scoreInventory(inv, catalogue, DEFAULT_THRESHOLDS, NOW).findings.find((f) => f.ruleId === 'aws-key-age')?.severity).toBe(severity);
  });

  it.each([
    [89, false],
    [90, false],
    [91, true],
  ])('key unused %i days → aws-key-unused %s', (idle, fires) => {
    const inv = inventory({ users: [user('svc-a')], keys: [key('svc-a', { created: daysAgo(200), lastUsed: daysAgo(idle) })] });
    expect(rules(inv).includes('aws-key-unused')).toBe(fires);
  });

  it.each([
    [6, false],
    [7, false],
    [8, true],
  ])('key never used, %i days old → aws-key-never-used %s (7-day grace)', (age, fires) => {
    const inv = inventory({ users: [user('svc-a')], keys: [key('svc-a', { created: daysAgo(age), lastUsed: null })] });
    expect(rules(inv).includes('aws-key-never-used')).toBe(fires);
  });

  it.each([
    [89, false],
    [90, false],
    [91, true],
  ])('role unused %i days → aws-role-unused %s', (idle, fires) => {
    const role: IamRole = {
      name: 'app', arn: 'arn:aws:iam::123456789012:role/app', path: '/', created: daysAgo(500), lastUsed: daysAgo(idle), lastUsedRegion: 'us-east-1',
      trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      attachedPolicies: [], inlinePolicies: [], tags: [],
    };
    expect(rules(inventory({ roles: [role] })).includes('aws-role-unused')).toBe(fires);
  });

  it.each([
    [89, false],
    [90, false],
    [91, true],
  ])('secret unused %i days → aws-secret-unused %s', (idle, fires) => {
    const secret: SecretRecord = {
      name: 's', arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s', region: 'us-east-1', created: daysAgo(400), rotationEnabled: true, rotationLambdaArn: 'x',
      rotationDays: 365, lastRotated: daysAgo(30), lastAccessed: daysAgo(idle), lastChanged: null, nextRotation: null, tags: [], owningService: null, resourcePolicy: null,
    };
    expect(rules(inventory({ secrets: [secret] })).includes('aws-secret-unused')).toBe(fires);
  });

  it('respects custom thresholds', () => {
    const inv = inventory({ users: [user('svc-a')], keys: [key('svc-a', { created: daysAgo(40) })] });
    expect(scoreInventory(inv, catalogue, { ...DEFAULT_THRESHOLDS, keyMaxAgeDays: 30 }, NOW).findings.map((f) => f.ruleId)).toContain('aws-key-age');
  });

  it('does not count inactive keys as old or unused, only as left behind', () => {
    const inv = inventory({ users: [user('svc-a')], keys: [key('svc-a', { status: 'Inactive', created: daysAgo(900), lastUsed: daysAgo(800) })] });
    // The user itself, last active 800 days ago, is idle (aws-user-idle); its key is only left behind.
    expect(rules(inv)).toEqual(['aws-inactive-key', 'aws-user-idle']);
  });
});

describe('policy analysis', () => {
  it('honours Deny, NotAction and NotResource', () => {
    const stmts = [
      { Effect: 'Allow' as const, NotAction: 'iam:*', Resource: '*' },
      { Effect: 'Deny' as const, Action: 's3:DeleteBucket', Resource: '*' },
      { Effect: 'Allow' as const, Action: 'iam:ListUsers', NotResource: 'arn:aws:iam::123456789012:user/root-like' },
    ];
    expect(evaluate(stmts, 's3:GetObject')).toEqual({ allowed: true, conditional: false, scoped: false });
    expect(evaluate(stmts, 's3:DeleteBucket').allowed).toBe(false);
    expect(evaluate(stmts, 'iam:CreatePolicyVersion').allowed).toBe(false);
    expect(evaluate(stmts, 'iam:ListUsers')).toEqual({ allowed: true, conditional: false, scoped: true });
  });

  it('keeps conditional and resource-scoped grants, at lower confidence', () => {
    const stmts = [{ Effect: 'Allow' as const, Action: 'iam:CreatePolicyVersion', Resource: 'arn:aws:iam::123456789012:policy/app-*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': true } } }];
    const p = privilegeProfile(stmts, catalogue);
    expect(p.privesc).toEqual([{ name: 'iam:CreatePolicyVersion', conditional: true }]);
  });

  it('recognises admin as *:* or iam:* on *, but not when scoped or conditional', () => {
    expect(isAdmin([{ Effect: 'Allow', Action: '*', Resource: '*' }])).toEqual({ admin: true, via: '*:*' });
    expect(isAdmin([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }])).toEqual({ admin: true, via: 'iam:*' });
    expect(isAdmin([{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/*' }]).admin).toBe(false);
    expect(isAdmin([{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]).admin).toBe(false);
  });

  it('finds multi-action escalation paths only when every action is granted', () => {
    const half = privilegeProfile([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }], catalogue);
    expect(half.privesc).toEqual([]);
    const full = privilegeProfile([{ Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' }], catalogue);
    expect(full.privesc.map((p) => p.name)).toEqual(['iam:PassRole + ec2:RunInstances']);
  });
});

describe('risk score', () => {
  const base = { admin: { admin: false, via: '' }, privesc: [], wildcards: [], exposure: [], actionCount: 0 };
  it('weighs privilege 0.4, lifetime 0.3, exposure 0.3 and stays within 0..100', () => {
    expect(riskScore({ profile: { ...base, admin: { admin: true, via: '*:*' } }, lifetimeDays: 365, exposure: 100 })).toBe(100);
    expect(riskScore({ profile: base, lifetimeDays: null, exposure: 0 })).toBe(0);
    expect(riskScore({ profile: base, lifetimeDays: 365, exposure: 0 })).toBe(30);
    expect(riskScore({ profile: { ...base, admin: { admin: true, via: '*:*' } }, lifetimeDays: 0, exposure: 0 })).toBe(40);
    expect(riskScore({ profile: base, lifetimeDays: 9999, exposure: 500 })).toBe(60);
  });
});
