#!/usr/bin/python3
"""Seed a moto server with a synthetic account (regression check for nhiscan aws; not evidence).

  bench/moto-seed.py ENDPOINT [--keyed N]   (default 700 of 1000 users keyed; the rest keyless service users)
"""
import json, sys, boto3
from concurrent.futures import ThreadPoolExecutor

endpoint = sys.argv[1]
keyed = int(sys.argv[sys.argv.index('--keyed') + 1]) if '--keyed' in sys.argv else 700
USERS, ROLES, SECRETS = 1000, 200, 50
kw = dict(endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')
iam = boto3.client('iam', **kw)
sm = boto3.client('secretsmanager', **kw)
doc = lambda stmts: json.dumps({'Version': '2012-10-17', 'Statement': stmts})

pol = {}
for name, stmts in [
    ('app-read', [{'Effect': 'Allow', 'Action': ['s3:GetObject', 's3:ListBucket'], 'Resource': '*'}]),
    ('app-write', [{'Effect': 'Allow', 'Action': ['s3:*', 'sqs:SendMessage'], 'Resource': '*'}]),
    ('escalate', [{'Effect': 'Allow', 'Action': ['iam:CreatePolicyVersion', 'iam:PassRole'], 'Resource': '*'}]),
    ('admin-ish', [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]),
]:
    pol[name] = iam.create_policy(PolicyName=name, PolicyDocument=doc(stmts))['Policy']['Arn']
groups = ['readers', 'writers', 'admins', 'ci']
for g, p in zip(groups, ['app-read', 'app-write', 'admin-ish', 'escalate']):
    iam.create_group(GroupName=g)
    iam.attach_group_policy(GroupName=g, PolicyArn=pol[p])

def user(i):
    name = f'svc-{i:04d}'
    iam.create_user(UserName=name, Tags=[{'Key': 'identity-type', 'Value': 'service'}])
    iam.add_user_to_group(GroupName=groups[i % len(groups)], UserName=name)
    if i % 4 == 0:
        iam.put_user_policy(UserName=name, PolicyName='own', PolicyDocument=doc([{'Effect': 'Allow', 'Action': 'dynamodb:*', 'Resource': '*'}]))
    if i < keyed:
        iam.create_access_key(UserName=name)

TRUSTS = [
    {'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'},
    {'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::999999999999:root'}, 'Action': 'sts:AssumeRole'},
    {'Effect': 'Allow', 'Principal': {'Federated': 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'}, 'Action': 'sts:AssumeRoleWithWebIdentity', 'Condition': {'StringLike': {'token.actions.githubusercontent.com:sub': 'repo:org/*'}}},
]

def role(i):
    name = f'role-{i:03d}'
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc([TRUSTS[i % 3]]))
    iam.attach_role_policy(RoleName=name, PolicyArn=pol[['app-read', 'app-write', 'escalate'][i % 3]])
    if i % 2 == 0:
        iam.put_role_policy(RoleName=name, PolicyName='inline', PolicyDocument=doc([{'Effect': 'Allow', 'Action': 'logs:*', 'Resource': '*'}]))

def secret(i):
    arn = sm.create_secret(Name=f'app/secret-{i:02d}', SecretString='not-a-real-secret')['ARN']
    if i % 10 == 0:  # five with a resource policy, one of them public
        principal = '*' if i == 0 else {'AWS': 'arn:aws:iam::999999999999:root'}
        sm.put_resource_policy(SecretId=arn, ResourcePolicy=doc([{'Effect': 'Allow', 'Principal': principal, 'Action': 'secretsmanager:GetSecretValue', 'Resource': '*'}]))

with ThreadPoolExecutor(8) as ex:
    list(ex.map(user, range(USERS)))
    list(ex.map(role, range(ROLES)))
    list(ex.map(secret, range(SECRETS)))
print(f'seeded {USERS} users ({keyed} keyed), {ROLES} roles, {len(groups)} groups, {len(pol)} policies, {SECRETS} secrets')
