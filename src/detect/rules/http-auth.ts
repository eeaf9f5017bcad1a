import { defineRules } from '../rule.js';
import { validateBasicAuth } from '../validators/structured.js';

export const httpAuthRules = defineRules([
  {
    id: 'authorization-bearer-token',
    title: 'Hard-coded Authorization bearer token',
    severity: 'medium',
    provider: 'http',
    // Every match starts with "Authorization", so the rule is tried anchored there (see
    // match-span.ts); "bearer " missed a tab after Bearer, which the pattern allows.
    keywords: ['authorization'],
    pattern: /Authorization["']?\]?\s{0,4}[:=,]\s{0,4}["']?Bearer\s{1,4}(?<secret>[A-Za-z0-9._~+\/-]{24,1024}={0,2})(?![A-Za-z0-9._~+\/=-])/i,
    minEntropy: 3.5,
    revoke: 'Revoke the token at its issuer and read it from the environment or a secret store.',
    examples: {
      positive: [
        { text: 'curl -H "Authorization: Bearer DTxwnVOsL19oiqyvSdzs0-EkBGCUrauzTqaRSjAJ" https://api.internal/v1', secret: 'DTxwnVOsL19oiqyvSdzs0-EkBGCUrauzTqaRSjAJ' },
        { text: "headers = {'Authorization': 'Bearer o2ymBpPHyv1DJ5wUC9GZYuqVjUIbimzo.D0oysovlly6naR3ynpVA'}", secret: 'o2ymBpPHyv1DJ5wUC9GZYuqVjUIbimzo.D0oysovlly6naR3ynpVA' },
        { text: 'Authorization:\tBearer\tDTxwnVOsL19oiqyvSdzs0-EkBGCUrauzTqaRSjAJ', secret: 'DTxwnVOsL19oiqyvSdzs0-EkBGCUrauzTqaRSjAJ' },
      ],
      negative: ['curl -H "Authorization: Bearer $TOKEN" https://api', "headers = {'Authorization': 'Bearer ' + token}"],
    },
  },
  {
    id: 'authorization-basic-credentials',
    title: 'Hard-coded Authorization basic credentials',
    severity: 'medium',
    provider: 'http',
    keywords: ['authorization'],
    pattern: /Authorization["']?\]?\s{0,4}[:=,]\s{0,4}["']?Basic\s{1,4}(?<secret>[A-Za-z0-9+\/]{8,512}={0,2})(?![A-Za-z0-9+\/=])/i,
    validate: validateBasicAuth,
    revoke: "Change the account's password and stop embedding it in requests.",
    examples: {
      positive: [
        { text: 'curl -H "Authorization: Basic c3ZjLWJhY2t1cDo1UXdFN0FkamJIdnFQQ2dx" https://nexus.internal', secret: 'c3ZjLWJhY2t1cDo1UXdFN0FkamJIdnFQQ2dx' },
        { text: "req.headers['Authorization'] = 'Basic YWRtaW46b0dXMjV6NDlNbFFsNTE='", secret: 'YWRtaW46b0dXMjV6NDlNbFFsNTE=' },
        { text: 'authorization:\tBasic\tc3ZjLWJhY2t1cDo1UXdFN0FkamJIdnFQQ2dx', secret: 'c3ZjLWJhY2t1cDo1UXdFN0FkamJIdnFQQ2dx' },
      ],
      negative: ['Authorization: Basic $(echo -n $U:$P | base64)', 'Authorization: Basic dXNlcjpwYXNzd29yZA=='],
    },
  },
]);
