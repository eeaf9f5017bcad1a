// GitLab: personal, deploy, runner, CI job, trigger, feed, mail, agent, OAuth, SCIM and feature-flag tokens.
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
      positive: [
        { text: 'GITLAB_TOKEN=glpat-eK3iRVza7wA2vyj0q8ou', secret: 'glpat-eK3iRVza7wA2vyj0q8ou' },
        { text: 'private_token: "glpat-A9hZn80t9Kxj-kRHbW0h"', secret: 'glpat-A9hZn80t9Kxj-kRHbW0h' },
      ],
      negative: [
        'GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx',
        'token = glpat-short',
        // near miss: the prefix in a file name, one character short
        'see docs/glpat-rotation-guide-2024.md',
      ],
    },
  },
  {
    id: 'gitlab-deploy-token',
    title: 'GitLab deploy token',
    severity: 'high',
    provider: 'gitlab',
    keywords: ['gldt-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>gldt\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=gldt-j4hLSgDTkgCGwB-1iRlvY0Bo', secret: 'gldt-j4hLSgDTkgCGwB-1iRlvY0Bo' },
        { text: 'token: "gldt-Ai3vyYuFomRol0c_a0SSgiye"', secret: 'gldt-Ai3vyYuFomRol0c_a0SSgiye' },
      ],
      negative: [
        'KEY=gldt-xxxxxxxxxxxxxxxxxxxxxxxx',
        'gldt- is the prefix of GitLab deploy token values',
        // near miss: embedded in a longer token
        'KEY=Zqgldt-j4hLSgDTkgCGwB-1iRlvY0Bo',
      ],
    },
  },
  {
    id: 'gitlab-runner-token',
    title: 'GitLab runner authentication token',
    severity: 'high',
    provider: 'gitlab',
    keywords: ['glrt-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glrt\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=glrt-Z9zKaFRFErZ2HCEI4SgqbcqE', secret: 'glrt-Z9zKaFRFErZ2HCEI4SgqbcqE' },
        { text: 'token: "glrt-L5Xqh9fvfQ5q1DvT4_T1MF73"', secret: 'glrt-L5Xqh9fvfQ5q1DvT4_T1MF73' },
      ],
      negative: [
        'KEY=glrt-xxxxxxxxxxxxxxxxxxxxxxxx',
        'glrt- is the prefix of GitLab runner authentication token values',
        // near miss: embedded in a longer token
        'KEY=Zqglrt-Z9zKaFRFErZ2HCEI4SgqbcqE',
      ],
    },
  },
  {
    id: 'gitlab-ci-build-token',
    title: 'GitLab CI/CD job token',
    severity: 'medium',
    provider: 'gitlab',
    keywords: ['glcbt-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glcbt\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=glcbt-r2upoVSWcw0zU0pY1Dm4PLNA', secret: 'glcbt-r2upoVSWcw0zU0pY1Dm4PLNA' },
        { text: 'token: "glcbt-AeRRKZFzcsR_ZCnXgIm5sMmf"', secret: 'glcbt-AeRRKZFzcsR_ZCnXgIm5sMmf' },
      ],
      negative: [
        'KEY=glcbt-xxxxxxxxxxxxxxxxxxxxxxxx',
        'glcbt- is the prefix of GitLab CI/CD job token values',
        // near miss: embedded in a longer token
        'KEY=Zqglcbt-r2upoVSWcw0zU0pY1Dm4PLNA',
      ],
    },
  },
  {
    id: 'gitlab-trigger-token',
    title: 'GitLab pipeline trigger token',
    severity: 'high',
    provider: 'gitlab',
    keywords: ['glptt-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glptt\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=glptt-MI2MTRccxoD6IgMgG155gAWI', secret: 'glptt-MI2MTRccxoD6IgMgG155gAWI' },
        { text: 'token: "glptt-16tvweTTQ7D26Hqn64vjb4In"', secret: 'glptt-16tvweTTQ7D26Hqn64vjb4In' },
      ],
      negative: [
        'KEY=glptt-xxxxxxxxxxxxxxxxxxxxxxxx',
        'glptt- is the prefix of GitLab pipeline trigger token values',
        // near miss: embedded in a longer token
        'KEY=Zqglptt-MI2MTRccxoD6IgMgG155gAWI',
      ],
    },
  },
  {
    id: 'gitlab-feed-token',
    title: 'GitLab feed token',
    severity: 'medium',
    provider: 'gitlab',
    keywords: ['glft-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glft\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=glft-S_YxM6H-3e602thLVSBfr-i_', secret: 'glft-S_YxM6H-3e602thLVSBfr-i_' },
        { text: 'token: "glft-5uRi2wCYs7qyPb60TGle7-ls"', secret: 'glft-5uRi2wCYs7qyPb60TGle7-ls' },
      ],
      negative: [
        'KEY=glft-xxxxxxxxxxxxxxxxxxxxxxxx',
        'glft- is the prefix of GitLab feed token values',
        // near miss: embedded in a longer token
        'KEY=Zqglft-S_YxM6H-3e602thLVSBfr-i_',
      ],
    },
  },
  {
    id: 'gitlab-incoming-mail-token',
    title: 'GitLab incoming mail token',
    severity: 'medium',
    provider: 'gitlab',
    keywords: ['glimt-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glimt\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=glimt-Ar98cXkMC_2_DE_Pfbm1vsj2', secret: 'glimt-Ar98cXkMC_2_DE_Pfbm1vsj2' },
        { text: 'token: "glimt-8t9Bjp4kBNYu8V7LZZWn9sXS"', secret: 'glimt-8t9Bjp4kBNYu8V7LZZWn9sXS' },
      ],
      negative: [
        'KEY=glimt-xxxxxxxxxxxxxxxxxxxxxxxx',
        'glimt- is the prefix of GitLab incoming mail token values',
        // near miss: embedded in a longer token
        'KEY=Zqglimt-Ar98cXkMC_2_DE_Pfbm1vsj2',
      ],
    },
  },
  {
    id: 'gitlab-agent-token',
    title: 'GitLab agent for Kubernetes token',
    severity: 'high',
    provider: 'gitlab',
    keywords: ['glagent-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glagent\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=glagent-zIQiWEUwOymX9an4L6FWkMx7', secret: 'glagent-zIQiWEUwOymX9an4L6FWkMx7' },
        { text: 'token: "glagent-Z6QhuCyhQS1xRZCdowon1g9-"', secret: 'glagent-Z6QhuCyhQS1xRZCdowon1g9-' },
      ],
      negative: [
        'KEY=glagent-xxxxxxxxxxxxxxxxxxxxxxxx',
        'glagent- is the prefix of GitLab agent for Kubernetes token values',
        // near miss: embedded in a longer token
        'KEY=Zqglagent-zIQiWEUwOymX9an4L6FWkMx7',
      ],
    },
  },
  {
    id: 'gitlab-oauth-secret',
    title: 'GitLab OAuth application secret',
    severity: 'high',
    provider: 'gitlab',
    keywords: ['gloas-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>gloas\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=gloas-gDBIJLmZc_zBhTHGZgJOEtOJ', secret: 'gloas-gDBIJLmZc_zBhTHGZgJOEtOJ' },
        { text: 'token: "gloas-NmssuWDrIIyAMByzz53FU8gP"', secret: 'gloas-NmssuWDrIIyAMByzz53FU8gP' },
      ],
      negative: [
        'KEY=gloas-xxxxxxxxxxxxxxxxxxxxxxxx',
        'gloas- is the prefix of GitLab OAuth application secret values',
        // near miss: embedded in a longer token
        'KEY=Zqgloas-gDBIJLmZc_zBhTHGZgJOEtOJ',
      ],
    },
  },
  {
    id: 'gitlab-scim-token',
    title: 'GitLab SCIM OAuth token',
    severity: 'high',
    provider: 'gitlab',
    keywords: ['glsoat-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glsoat\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=glsoat-9Z7guTDVAF65ayeVN7CBBJNa', secret: 'glsoat-9Z7guTDVAF65ayeVN7CBBJNa' },
        { text: 'token: "glsoat-WBzlIFitxTXNimwTVp3H_FYi"', secret: 'glsoat-WBzlIFitxTXNimwTVp3H_FYi' },
      ],
      negative: [
        'KEY=glsoat-xxxxxxxxxxxxxxxxxxxxxxxx',
        'glsoat- is the prefix of GitLab SCIM OAuth token values',
        // near miss: embedded in a longer token
        'KEY=Zqglsoat-9Z7guTDVAF65ayeVN7CBBJNa',
      ],
    },
  },
  {
    id: 'gitlab-feature-flags-token',
    title: 'GitLab feature flags client token',
    severity: 'low',
    provider: 'gitlab',
    keywords: ['glffct-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glffct\-[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Revoke it in GitLab (the project, group, runner or user settings that issued it).',
    examples: {
      positive: [
        { text: 'KEY=glffct-r5vZcy74J-WZ3KhUP4JELplc', secret: 'glffct-r5vZcy74J-WZ3KhUP4JELplc' },
        { text: 'token: "glffct-hYD_1jdDmptRoJPHZcKfuPMi"', secret: 'glffct-hYD_1jdDmptRoJPHZcKfuPMi' },
      ],
      negative: [
        'KEY=glffct-xxxxxxxxxxxxxxxxxxxxxxxx',
        'glffct- is the prefix of GitLab feature flags client token values',
        // near miss: embedded in a longer token
        'KEY=Zqglffct-r5vZcy74J-WZ3KhUP4JELplc',
      ],
    },
  },
]);
