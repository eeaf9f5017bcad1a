import { defineRules } from '../rule.js';
import { validateUrlPassword } from '../validators/structured.js';

export const urlRules = defineRules([
  {
    id: 'database-url-password',
    title: 'Database connection URL with password',
    severity: 'high',
    provider: 'database',
    keywords: ['postgres', 'mysql', 'mongodb', 'redis', 'amqp', 'mssql', 'sqlserver', 'mariadb'],
    pattern:
      /(?<scheme>postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver):\/\/(?<user>[^\s:/@'"`]{1,128}):(?<secret>[^\s:/@'"`]{3,256})@(?<host>[A-Za-z0-9.-]{1,253})/i,
    validate: validateUrlPassword,
    revoke: 'Change the database user\'s password (ALTER USER ... PASSWORD) and update every consumer.',
    examples: {
      positive: [
        { text: 'DATABASE_URL=postgres://billing:Zq7pN3vK9sW2@db.prod.internal:5432/billing', secret: 'Zq7pN3vK9sW2' },
        { text: 'mongo: "mongodb+srv://app:Xr4%40tL9mQ2v@cluster0.ab1cd.mongodb.net/app"', secret: 'Xr4%40tL9mQ2v' },
      ],
      negative: [
        'DATABASE_URL=postgres://user:password@localhost:5432/db',
        'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app',
        'redis://localhost:6379/0',
      ],
    },
  },
  {
    id: 'url-basic-auth',
    title: 'URL with embedded basic-auth password',
    severity: 'medium',
    provider: 'http',
    keywords: ['http://', 'https://', 'ftp://'],
    pattern: /(?<scheme>https?|ftp):\/\/(?<user>[A-Za-z0-9._~%+-]{1,64}):(?<secret>[^\s:/@'"`]{6,128})@(?<host>[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24})/,
    minEntropy: 2.8,
    validate: validateUrlPassword,
    revoke: 'Change the password on the server and remove it from the URL; pass credentials through a secret store.',
    examples: {
      positive: [
        { text: 'REGISTRY=https://deploy:Hn7vQ2xLp9Rt@artifacts.corp-internal.net/repo', secret: 'Hn7vQ2xLp9Rt' },
        { text: 'curl ftp://backup:Wm3kZ8qT5nB1@files.acme-corp.com/dumps', secret: 'Wm3kZ8qT5nB1' },
      ],
      negative: ['https://user:password@example.com/', 'https://github.com/org/repo', 'http://user:${PASS}@host.com/x'],
    },
  },
]);
