import { defineRules } from '../rule.js';
import { validateK8sSecretData } from '../validators/kubernetes.js';
import { validateUrlPassword } from '../validators/structured.js';

export const credentialFileRules = defineRules([
  {
    id: 'netrc-password',
    title: '.netrc machine password',
    severity: 'high',
    provider: 'netrc',
    keywords: ['machine'],
    pattern: /machine\s{1,8}(?<host>[^\s]{1,253})\s{1,8}login\s{1,8}(?<user>[^\s]{1,128})\s{1,8}password\s{1,8}(?<secret>[^\s"'\\#]{6,256})(?=\s|$)/,
    minEntropy: 2.5,
    validate: validateUrlPassword,
    revoke: 'Change or revoke the password/token for that host and remove it from .netrc (use a credential helper).',
    examples: {
      positive: [
        { text: 'machine api.heroku.com\n  login ops@corp.example.net\n  password 7c1f9a2e4b6d8f0a1c3e5b7d9f2a4c6e', secret: '7c1f9a2e4b6d8f0a1c3e5b7d9f2a4c6e' },
        { text: 'machine artifacts.corp-internal.net login ci password Hn7vQ2xLp9Rt', secret: 'Hn7vQ2xLp9Rt' },
      ],
      negative: ['machine example.com login user password password', 'machine host login me password ${NETRC_PASSWORD}', 'machine host.domain.com login log password "pass" account acct'],
    },
  },
  {
    id: 'pgpass-password',
    title: 'PostgreSQL .pgpass password',
    severity: 'high',
    provider: 'database',
    keywords: [':'],
    paths: /(?:^|\/)\.?pgpass(?:\.conf)?$/,
    pattern: /^(?<host>[^:\s#]{1,253}):(?:[0-9]{1,5}|\*):[^:\s]{1,63}:(?<user>[^:\s]{1,63}):(?<secret>[^\s]{3,256})$/m,
    validate: validateUrlPassword,
    revoke: "Change the role's password (ALTER ROLE ... PASSWORD) and remove the line from .pgpass.",
    examples: {
      path: 'home/ops/.pgpass',
      positive: [
        { text: 'db.prod.internal:5432:billing:billing_app:Zq7pN3vK9sW2', secret: 'Zq7pN3vK9sW2' },
        { text: '*:*:*:replicator:Wm3kZ8qT5nB1', secret: 'Wm3kZ8qT5nB1' },
      ],
      negative: ['localhost:5432:*:postgres:postgres', '# host:port:database:user:password'],
    },
  },
  {
    id: 'git-credentials',
    title: 'Git credential store entry',
    severity: 'critical',
    provider: 'git',
    keywords: ['://'],
    paths: /(?:^|\/)\.git-credentials$/,
    pattern: /^(?<scheme>https?):\/\/(?<user>[^:\s/@]{1,128}):(?<secret>[^@\s]{4,256})@(?<host>[A-Za-z0-9.-]{1,253})/m,
    validate: validateUrlPassword,
    revoke: 'Revoke the token at the git host and switch to a credential manager instead of the plaintext store.',
    examples: {
      path: '.git-credentials',
      positive: [
        // A provider token here (ghp_, glpat-) is reported by its provider's rule, which comes first.
        { text: 'https://deploy-bot:Vb7nQ2xW9kLm4Rt8Jc3s@github.com', secret: 'Vb7nQ2xW9kLm4Rt8Jc3s' },
        { text: 'https://ci:u8Rk2mPq7ZxW4nTa@gitlab.corp.example.net', secret: 'u8Rk2mPq7ZxW4nTa' },
      ],
      negative: ['https://user:password@github.com', 'https://github.com/org/repo.git'],
    },
  },
  {
    id: 'kubernetes-secret-data',
    title: 'Kubernetes Secret manifest with data',
    severity: 'medium',
    provider: 'kubernetes',
    keywords: ['kind: secret'],
    pattern: /^[ ]{2,8}(?<name>[A-Za-z0-9_.-]{1,253}):[ ]{1,4}["']?(?<secret>[A-Za-z0-9+/]{6,8192}={0,2})["']?[ ]*$/m,
    validate: validateK8sSecretData,
    revoke: 'Rotate every credential in the Secret; keep manifests in git only encrypted (SOPS, Sealed Secrets) or via an external secret store.',
    examples: {
      positive: [
        { text: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: billing-db\ntype: Opaque\ndata:\n  password: WnE3cE4zdks5c1cyeFk=\n', secret: 'WnE3cE4zdks5c1cyeFk=' },
        { text: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry\ndata:\n  token: "SG43dlEyeExwOVJ0a0w0bVg="\n', secret: 'SG43dlEyeExwOVJ0a0w0bVg=' },
      ],
      negative: [
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  mode: cHJvZHVjdGlvbg==\n',
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  password: eHh4eHh4eHh4eA==\n',
      ],
    },
  },
]);
