// Atlassian: Bitbucket app passwords, access tokens and OAuth secrets, Atlassian API tokens.
import { defineRules } from '../rule.js';

export const atlassianRules = defineRules([
  {
    id: 'bitbucket-app-password',
    title: 'Bitbucket app password / API token',
    severity: 'critical',
    provider: 'bitbucket',
    keywords: ['atbb'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ATBB[A-Za-z0-9_=.-]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in Bitbucket (Personal settings > App passwords / API tokens).',
    examples: {
      positive: [
        { text: 'KEY=ATBB6EQcsi0rxwhdq7CQhMMx6bWf2PqUhbIS', secret: 'ATBB6EQcsi0rxwhdq7CQhMMx6bWf2PqUhbIS' },
        { text: 'token: "ATBBSpUxFMDy160HeQfCLuQfEY7qx6l76Ck0"', secret: 'ATBBSpUxFMDy160HeQfCLuQfEY7qx6l76Ck0' },
      ],
      negative: [
        'KEY=ATBBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'ATBB is the prefix of Bitbucket app password / API token values',
        // near miss: one character short
        'KEY=ATBB6EQcsi0rxwhdq7CQhMMx6bWf2PqUhbI',
      ],
    },
  },
  {
    id: 'bitbucket-access-token',
    title: 'Bitbucket repository/workspace access token',
    severity: 'high',
    provider: 'bitbucket',
    keywords: ['atctt3xffgn0'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ATCTT3xFfGN0[A-Za-z0-9_=-]{150,300})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Revoke it in the repository or workspace settings (Access tokens).',
    examples: {
      positive: [
        { text: 'KEY=ATCTT3xFfGN0g-IrHbZuGEz_Fb1taqAb34p_lBnh6Gherxh-exLCPnoSIbLd4sG4-9cfjdfCQ99nrlYXo7juJP8j-xIAFcInpktiFxUGMvDm2on5J3XVCyQN1mruH_ehJM6UiaUvVnJVq_YxmzzITOC1VErH9gPPRKHjUJCWF80BGDT0BEE6a1FbC8SysHvs', secret: 'ATCTT3xFfGN0g-IrHbZuGEz_Fb1taqAb34p_lBnh6Gherxh-exLCPnoSIbLd4sG4-9cfjdfCQ99nrlYXo7juJP8j-xIAFcInpktiFxUGMvDm2on5J3XVCyQN1mruH_ehJM6UiaUvVnJVq_YxmzzITOC1VErH9gPPRKHjUJCWF80BGDT0BEE6a1FbC8SysHvs' },
        { text: 'token: "ATCTT3xFfGN06obZDdXp7EVP1sHErwuwb20jIElc5kB82A7z_p_jBbtUlsnIch3Ww2iMPHyFeNXKEk7B5m2QsVeH21f39uRwuCO1iPCvUZlr8Jej8xwCAvDFRrK_n6vIGKaHcNGMpIhUdSOT8ZOqCYS4YzAzgK_jrsrtmrN66L9Pk0keYWKMKG43UJF53DIv"', secret: 'ATCTT3xFfGN06obZDdXp7EVP1sHErwuwb20jIElc5kB82A7z_p_jBbtUlsnIch3Ww2iMPHyFeNXKEk7B5m2QsVeH21f39uRwuCO1iPCvUZlr8Jej8xwCAvDFRrK_n6vIGKaHcNGMpIhUdSOT8ZOqCYS4YzAzgK_jrsrtmrN66L9Pk0keYWKMKG43UJF53DIv' },
      ],
      negative: ['KEY=ATCTT3xFfGN0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'ATCTT3xFfGN0 is the prefix of Bitbucket repository/workspace access token values'],
    },
  },
  {
    id: 'atlassian-api-token',
    title: 'Atlassian API token',
    severity: 'critical',
    provider: 'atlassian',
    keywords: ['atatt3xffgf0'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ATATT3xFfGF0[A-Za-z0-9_=-]{150,300})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Revoke it at https://id.atlassian.com/manage-profile/security/api-tokens.',
    examples: {
      positive: [
        { text: 'KEY=ATATT3xFfGF0XaZNQiLKdvlTde6BlwUTStlF2-dLQk9U930eC2SDZ_oAReRblOQr_5CzABR4cvbk7tWAqf-nsx7iFc4qnkwPz8fcRuxoQ7CmqCdhSd3DMF9z6juCY_n-XH80pokevQWgqvZfwG03w8oz8C0fZk6-Atrj1mvgafBVODi0ZbIQ7gILspSEn8pHut', secret: 'ATATT3xFfGF0XaZNQiLKdvlTde6BlwUTStlF2-dLQk9U930eC2SDZ_oAReRblOQr_5CzABR4cvbk7tWAqf-nsx7iFc4qnkwPz8fcRuxoQ7CmqCdhSd3DMF9z6juCY_n-XH80pokevQWgqvZfwG03w8oz8C0fZk6-Atrj1mvgafBVODi0ZbIQ7gILspSEn8pHut' },
        { text: 'token: "ATATT3xFfGF0xq6iVTNxQngqjFB_rqPXLgFpB3uoTW3BuLOx8ad4LZcQ97QznpL9v-TAkXwxeS1Eme4LSHrgC-mUmO99wyHTJK9_1jPgcKBeZw6Usn5vQ4m-9Q5Z06Sp2jnueMC3ykYrPdZMDsKcKcYzth9uI3-lrIRzUAQAd9LMWQSr_GoZpeQKb7rveNRcBh"', secret: 'ATATT3xFfGF0xq6iVTNxQngqjFB_rqPXLgFpB3uoTW3BuLOx8ad4LZcQ97QznpL9v-TAkXwxeS1Eme4LSHrgC-mUmO99wyHTJK9_1jPgcKBeZw6Usn5vQ4m-9Q5Z06Sp2jnueMC3ykYrPdZMDsKcKcYzth9uI3-lrIRzUAQAd9LMWQSr_GoZpeQKb7rveNRcBh' },
      ],
      negative: ['KEY=ATATT3xFfGF0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'ATATT3xFfGF0 is the prefix of Atlassian API token values'],
    },
  },
  {
    id: 'bitbucket-client-secret',
    title: 'Bitbucket OAuth consumer secret',
    severity: 'high',
    provider: 'bitbucket',
    keywords: ['bitbucket'],
    pattern: /bitbucket[A-Za-z0-9_ .-]{0,20}(?:secret|client_secret)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/i,
    minEntropy: 3.5,
    revoke: 'Regenerate the consumer secret in the workspace OAuth consumers settings.',
    examples: {
      positive: [
        { text: 'BITBUCKET_CLIENT_SECRET=GBpZe53HBHmuxlEmKwQG1qZHr8zwmwtT', secret: 'GBpZe53HBHmuxlEmKwQG1qZHr8zwmwtT' },
        { text: 'bitbucket_secret: "limHUo9zr-5fm20iXry-vGqnOSx_Txof"', secret: 'limHUo9zr-5fm20iXry-vGqnOSx_Txof' },
      ],
      negative: ['BITBUCKET_CLIENT_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'bitbucket_secret = vars.secret'],
    },
  },
]);
