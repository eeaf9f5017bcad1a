import { defineRules } from '../rule.js';

export const aiRules = defineRules([
  {
    id: 'openai-api-key',
    title: 'OpenAI API key',
    severity: 'critical',
    provider: 'openai',
    keywords: ['t3blbkfj'],
    pattern:
      /(?<![A-Za-z0-9_-])(?<secret>sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{16,160}T3BlbkFJ[A-Za-z0-9_-]{16,160})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Delete the key at https://platform.openai.com/api-keys (or the project/admin key pages).',
    examples: {
      positive: [
        'OPENAI_API_KEY=sk-proj-q47a1Pyw9fcl4HoC9fgb5DSQmUgvAN7muFlvz-nb6owFLI5pI8OdDWugT3BlbkFJ28rO9e01wNJrdgwrOKAJWLzEMZOUSrlMkc_GxAMCnGoz_TCbdtqldxyY',
        'openai.api_key = "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"',
      ],
      negative: ['OPENAI_API_KEY=sk-proj-your-api-key-here', 'the marker T3BlbkFJ alone is not a key'],
    },
  },
  {
    id: 'anthropic-api-key',
    title: 'Anthropic API key',
    severity: 'critical',
    provider: 'anthropic',
    keywords: ['sk-ant-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sk-ant-api03-[A-Za-z0-9_-]{80,100}AA)(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Delete the key in the Anthropic Console (Settings > API keys).',
    examples: {
      positive: [
        'ANTHROPIC_API_KEY=sk-ant-api03-phdIQtQir1wJv9NmPaPGWnfvE3nosRRLgMMyPar4qwQO4tHVTu0CZ1sOpaYddbFUIiVXVsE2BHeLrYcjzGzSM1jSkxG1pAA',
        'key: "sk-ant-api03-phdIQtQir1wJv9NmPaPGWnfvE3nosRRLgMMyPar4qwQO4tHVTu0CZ1sOpaYddbFUIiVXVsE2BHeLrYcjzGzSM1jSkxG1pAA"',
      ],
      negative: ['ANTHROPIC_API_KEY=sk-ant-api03-xxxxxxxx', 'sk-ant-api03-phdIQtQir1wJv9NmPaPGWnfvE3nosRRLgMMyPar4qwQO4tHVTu0CZ1sOpaYddbFUIiVXVsE2BHeLrYcjzGzSM1jSkxG1pBB'],
    },
  },
]);
