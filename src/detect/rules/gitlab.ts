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
  {
    id: 'gitlab-token',
    title: 'GitLab token (deploy, runner, CI build, trigger, feed, incoming mail, agent, OAuth)',
    severity: 'high',
    provider: 'gitlab',
    keywords: ['gldt-', 'glrt-', 'glcbt-', 'glptt-', 'glft-', 'glimt-', 'glagent-', 'gloas-', 'glsoat-'],
    pattern:
      /(?<![A-Za-z0-9_-])(?<secret>(?:gldt|glrt|glcbt|glptt|glft|glimt|glagent|gloas|glsoat)-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: REVOKE,
    examples: {
      positive: ['runner_token = glrt-Qm7vTq2ZkR9sLx4Wn8bYc3', 'deploy: gldt-Pz4Kd8Vn2Rt6Yw9Lq3Xs7B'],
      negative: ['runner_token = glrt-REPLACE_ME_WITH_TOKEN_xx', 'glrt- tokens start with glrt-'],
    },
  },
]);
