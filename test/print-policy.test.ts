import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/git.js';

// `nhiscan aws --print-policy [read-only|remediation|all]`: the policy a responder attaches before
// running each command. Read-only must not grant any change; remediation must grant what revoke
// and rotate call; all is both.
function actions(variant: string[]): Set<string> {
  const res = runCli(['aws', '--print-policy', ...variant]);
  expect(res.code, res.stderr).toBe(0);
  const policy = JSON.parse(res.stdout) as { Statement: Array<{ Action: string | string[] }> };
  return new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
}

describe('aws --print-policy', () => {
  it('prints the read-only policy by default, with no mutating action', () => {
    const def = actions([]);
    expect([...def]).toEqual([...actions(['read-only'])]);
    expect(def.has('iam:ListAccessKeys')).toBe(true);
    for (const a of ['iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:CreateAccessKey']) expect(def.has(a), a).toBe(false);
  });

  it('prints what revoke and rotate call as remediation, and both as all', () => {
    const rem = actions(['remediation']);
    for (const a of ['iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:CreateAccessKey', 'iam:GetAccessKeyLastUsed']) expect(rem.has(a), a).toBe(true);
    const all = actions(['all']);
    for (const a of [...rem, ...actions(['read-only'])]) expect(all.has(a), a).toBe(true);
  });

  it('prints what --org calls in the calling account as org, read-only otherwise', () => {
    const org = actions(['org']);
    for (const a of ['organizations:ListAccounts', 'sts:AssumeRole', ...actions(['read-only'])]) expect(org.has(a), a).toBe(true);
    for (const a of ['iam:UpdateAccessKey', 'iam:CreateAccessKey']) expect(org.has(a), a).toBe(false);
    expect(actions(['read-only']).has('sts:AssumeRole')).toBe(false);
    expect(actions(['all']).has('organizations:ListAccounts')).toBe(true);
  });

  it('refuses an unknown variant with a usage error', () => {
    const res = runCli(['aws', '--print-policy', 'admin']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
