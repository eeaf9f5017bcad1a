import { defineRules } from '../rule.js';

const REVOKE = 'Revoke it in GitLab (User settings > Access tokens, or the project/group/runner settings).';

export const gitlabRules = defineRules([
  {
    id: 'gitlab-personal-access-token',
    title: 'GitLab personal access token',
    severity: 'critical',
    provider: 'gitlab',
    keywords: ['glpat-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glpat-[A-Za-z0-9_-]{20,64}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?)(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: REVOKE,
    examples: {
      positive: ['GITLAB_TOKEN=glpat-eK3iRVza7wA2vyj0q8ou', 'private_token: "glpat-A9hZn80t9Kxj-kRHbW0h"'],
      negative: ['GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx', 'token = glpat-short'],
    },
  },
]);
