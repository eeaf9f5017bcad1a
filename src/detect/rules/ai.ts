// AI model and vector-database APIs.
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
        { text: 'OPENAI_API_KEY=sk-proj-q47a1Pyw9fcl4HoC9fgb5DSQmUgvAN7muFlvz-nb6owFLI5pI8OdDWugT3BlbkFJ28rO9e01wNJrdgwrOKAJWLzEMZOUSrlMkc_GxAMCnGoz_TCbdtqldxyY', secret: 'sk-proj-q47a1Pyw9fcl4HoC9fgb5DSQmUgvAN7muFlvz-nb6owFLI5pI8OdDWugT3BlbkFJ28rO9e01wNJrdgwrOKAJWLzEMZOUSrlMkc_GxAMCnGoz_TCbdtqldxyY' },
        { text: 'openai.api_key = "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"', secret: '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' },
      ],
      negative: [
        'OPENAI_API_KEY=sk-proj-your-api-key-here',
        'the marker T3BlbkFJ alone is not a key',
        // near miss: 15 characters after the marker, one short
        'model_ref: sk-bNeFOzaP7JZGeQBIPM2OT3BlbkFJe4y0RBbQ3zzM4bb',
      ],
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
        { text: 'ANTHROPIC_API_KEY=sk-ant-api03-phdIQtQir1wJv9NmPaPGWnfvE3nosRRLgMMyPar4qwQO4tHVTu0CZ1sOpaYddbFUIiVXVsE2BHeLrYcjzGzSM1jSkxG1pAA', secret: 'sk-ant-api03-phdIQtQir1wJv9NmPaPGWnfvE3nosRRLgMMyPar4qwQO4tHVTu0CZ1sOpaYddbFUIiVXVsE2BHeLrYcjzGzSM1jSkxG1pAA' },
        { text: 'key: "sk-ant-api03-phdIQtQir1wJv9NmPaPGWnfvE3nosRRLgMMyPar4qwQO4tHVTu0CZ1sOpaYddbFUIiVXVsE2BHeLrYcjzGzSM1jSkxG1pAA"', secret: 'sk-ant-api03-phdIQtQir1wJv9NmPaPGWnfvE3nosRRLgMMyPar4qwQO4tHVTu0CZ1sOpaYddbFUIiVXVsE2BHeLrYcjzGzSM1jSkxG1pAA' },
      ],
      negative: ['ANTHROPIC_API_KEY=sk-ant-api03-xxxxxxxx', 'sk-ant-api03-phdIQtQir1wJv9NmPaPGWnfvE3nosRRLgMMyPar4qwQO4tHVTu0CZ1sOpaYddbFUIiVXVsE2BHeLrYcjzGzSM1jSkxG1pBB'],
    },
  },
  {
    id: 'anthropic-admin-key',
    title: 'Anthropic Admin API key',
    severity: 'critical',
    provider: 'anthropic',
    keywords: ['sk-ant-admin01-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sk\-ant\-admin01\-[A-Za-z0-9_-]{80,100}AA)(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Delete the admin key in the Anthropic Console (Settings > Admin keys).',
    examples: {
      positive: [
        { text: 'KEY=sk-ant-admin01-zK32NJKKH9k1d0I6o_FfS0ZtouVkRKw7_hA1QMLtGiyWTQY99B53rtHjksVRSeJHEUKoiw3Y85tIgPMM59bVm6uUbuDP9AA', secret: 'sk-ant-admin01-zK32NJKKH9k1d0I6o_FfS0ZtouVkRKw7_hA1QMLtGiyWTQY99B53rtHjksVRSeJHEUKoiw3Y85tIgPMM59bVm6uUbuDP9AA' },
        { text: 'token: "sk-ant-admin01-jpcrkfV6X7Z9Efxueh_I8kHrYcgIdUPrD1vKXNB6tRHFMJby6g8ohrS6gA1FTkrNMlogdtSk1-58LPDRffv0BVNDCw5P0AA"', secret: 'sk-ant-admin01-jpcrkfV6X7Z9Efxueh_I8kHrYcgIdUPrD1vKXNB6tRHFMJby6g8ohrS6gA1FTkrNMlogdtSk1-58LPDRffv0BVNDCw5P0AA' },
      ],
      negative: ['KEY=sk-ant-admin01-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'sk-ant-admin01- is the prefix of Anthropic Admin API key values'],
    },
  },
  {
    id: 'huggingface-token',
    title: 'Hugging Face access token',
    severity: 'high',
    provider: 'huggingface',
    keywords: ['hf_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>hf_[A-Za-z]{34})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Invalidate it at https://huggingface.co/settings/tokens.',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'hf_ is the prefix of Hugging Face access token values',
        // near miss: one character short
        'KEY=hf_kEndworQrToxtypBAEYxWcmPDjbZQDSWC',
      ],
    },
  },
  {
    id: 'huggingface-org-token',
    title: 'Hugging Face organization API token',
    severity: 'high',
    provider: 'huggingface',
    keywords: ['api_org_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>api_org_[A-Za-z]{34})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Invalidate it in the organization settings on huggingface.co.',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=api_org_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'api_org_ is the prefix of Hugging Face organization API token values',
        // near miss: one character short
        'KEY=api_org_ljGIhPmuOtayDMjJhwKOzZpZgFvZdDCzo',
      ],
    },
  },
  {
    id: 'cohere-api-key',
    title: 'Cohere API key',
    severity: 'high',
    provider: 'cohere',
    keywords: ['cohere', 'co_api_key'],
    pattern: /(?:cohere[A-Za-z0-9_ .-]{0,20}(?:key|token)|co_api_key|cohere\.Client\(api_key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[A-Za-z0-9]{40})(?![A-Za-z0-9])/i,
    minEntropy: 3.5,
    revoke: 'Delete the key in the Cohere dashboard (API keys).',
    examples: {
      positive: [
        { text: 'COHERE_API_KEY=3FzKb3gH9U6vffqzSHtnFY9qRFx9unZNrBHeMctX', secret: '3FzKb3gH9U6vffqzSHtnFY9qRFx9unZNrBHeMctX' },
        { text: 'co = cohere.Client(api_key="Z0nOvwxSSaWezvxcIUyJ7zjxa9rxvqzc7MNK4Bjb")', secret: 'Z0nOvwxSSaWezvxcIUyJ7zjxa9rxvqzc7MNK4Bjb' },
      ],
      negative: ['COHERE_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'cohere_key = os.environ["COHERE_API_KEY"]'],
    },
  },
  {
    id: 'replicate-api-token',
    title: 'Replicate API token',
    severity: 'high',
    provider: 'replicate',
    keywords: ['r8_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>r8_[A-Za-z0-9]{37})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Disable it at https://replicate.com/account/api-tokens.',
    examples: {
      positive: [
        { text: 'KEY=r8_f6knrxKGWsBnOurAY68wRTsJPsAvT7VV4jQlC', secret: 'r8_f6knrxKGWsBnOurAY68wRTsJPsAvT7VV4jQlC' },
        { text: 'token: "r8_jP0K4yi4buT2xWQXO4cnhcRyLSNxvQugYX7UU"', secret: 'r8_jP0K4yi4buT2xWQXO4cnhcRyLSNxvQugYX7UU' },
      ],
      negative: [
        'KEY=r8_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'r8_ is the prefix of Replicate API token values',
        // near miss: one character short
        'KEY=r8_f6knrxKGWsBnOurAY68wRTsJPsAvT7VV4jQl',
      ],
    },
  },
  {
    id: 'groq-api-key',
    title: 'Groq API key',
    severity: 'high',
    provider: 'groq',
    keywords: ['gsk_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>gsk_[A-Za-z0-9]{52})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in the Groq console (API Keys).',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=gsk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'gsk_ is the prefix of Groq API key values',
        // near miss: one character short
        'KEY=gsk_4uB3qX5XKq1wLxQAo62pKAZ6xP2S3YC8TGfu8psKN1qiK0s2Bec',
      ],
    },
  },
  {
    id: 'perplexity-api-key',
    title: 'Perplexity API key',
    severity: 'high',
    provider: 'perplexity',
    keywords: ['pplx-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pplx\-[A-Za-z0-9]{48})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in Perplexity settings (API).',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'pplx- is the prefix of Perplexity API key values',
        // near miss: one character short
        'KEY=pplx-3p3siy4kxu84CnzNiw7QdDCmtJXdvRaUrgaWfHUkv92xyy7',
      ],
    },
  },
  {
    id: 'xai-api-key',
    title: 'xAI API key',
    severity: 'high',
    provider: 'xai',
    keywords: ['xai-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>xai\-[A-Za-z0-9]{80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in the xAI console (API keys).',
    examples: {
      positive: [
        { text: 'KEY=xai-Wl04oy1X4q8q84DeS46wWXiMNPwyrSKfxYoZvYILG0FIOkC3wmcPLsttzfPFNFpv0bewhuD5JYiZkFex', secret: 'xai-Wl04oy1X4q8q84DeS46wWXiMNPwyrSKfxYoZvYILG0FIOkC3wmcPLsttzfPFNFpv0bewhuD5JYiZkFex' },
        { text: 'token: "xai-uUaFKBpDKmh8ifDiFLg2zJXNGmIH7DQOttrBfbrg0G4DQhXYz8cbaLdQf4DPojQuvFOsrSBSDayiPp9T"', secret: 'xai-uUaFKBpDKmh8ifDiFLg2zJXNGmIH7DQOttrBfbrg0G4DQhXYz8cbaLdQf4DPojQuvFOsrSBSDayiPp9T' },
      ],
      negative: [
        'KEY=xai-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'xai- is the prefix of xAI API key values',
        // near miss: one character short
        'KEY=xai-Wl04oy1X4q8q84DeS46wWXiMNPwyrSKfxYoZvYILG0FIOkC3wmcPLsttzfPFNFpv0bewhuD5JYiZkFe',
      ],
    },
  },
  {
    id: 'langsmith-api-key',
    title: 'LangSmith API key',
    severity: 'high',
    provider: 'langchain',
    keywords: ['lsv2_pt_', 'lsv2_sk_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Delete it in LangSmith settings (API keys).',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=lsv2_pt_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'lsv2_pt_ is the prefix of LangSmith API key values',
        // near miss: one character short
        'KEY=lsv2_pt_b89d69518fde1562a92c3b9de0da24ec_0664bacd8',
      ],
    },
  },
  {
    id: 'elevenlabs-api-key',
    title: 'ElevenLabs API key',
    severity: 'high',
    provider: 'elevenlabs',
    keywords: ['sk_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sk_[a-f0-9]{48})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Delete it in ElevenLabs (Profile > API keys).',
    examples: {
      positive: [
        { text: 'KEY=sk_0c6e4ca964419c525d888a64f4914d3c0c120ab4bde8e04b', secret: 'sk_0c6e4ca964419c525d888a64f4914d3c0c120ab4bde8e04b' },
        { text: 'token: "sk_796c9a7eb3a1c4e6ccececcaac7c69d09cddaff42b374801"', secret: 'sk_796c9a7eb3a1c4e6ccececcaac7c69d09cddaff42b374801' },
      ],
      negative: [
        'KEY=sk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'sk_ is the prefix of ElevenLabs API key values',
        // near miss: one character short
        'KEY=sk_0c6e4ca964419c525d888a64f4914d3c0c120ab4bde8e04',
      ],
    },
  },
  {
    id: 'mistral-api-key',
    title: 'Mistral AI API key',
    severity: 'high',
    provider: 'mistral',
    keywords: ['mistral'],
    pattern: /mistral[A-Za-z0-9_ .-]{0,20}(?:key|token)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[A-Za-z0-9]{32})(?![A-Za-z0-9])/i,
    minEntropy: 3.5,
    revoke: 'Revoke it in the Mistral console (API keys).',
    examples: {
      positive: [
        { text: 'MISTRAL_API_KEY=sCoV0Vp7k3wDRDEqVzuDvifLnfaJemyV', secret: 'sCoV0Vp7k3wDRDEqVzuDvifLnfaJemyV' },
        { text: 'mistral_key: "BSEJgQhsKeoaUI4ieFkejQUl57IStSVE"', secret: 'BSEJgQhsKeoaUI4ieFkejQUl57IStSVE' },
      ],
      negative: ['MISTRAL_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'mistral_key = env("MISTRAL_API_KEY")'],
    },
  },
  {
    id: 'deepseek-api-key',
    title: 'DeepSeek API key',
    severity: 'high',
    provider: 'deepseek',
    keywords: ['deepseek'],
    pattern: /deepseek[A-Za-z0-9_ .-]{0,20}(?:key|token)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>sk-[a-f0-9]{32})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Delete it in the DeepSeek platform (API keys).',
    examples: {
      positive: [
        { text: 'DEEPSEEK_API_KEY=sk-376045976d4b82719c3f295300beb96a', secret: 'sk-376045976d4b82719c3f295300beb96a' },
        { text: 'deepseek_key: "sk-3a6120219022ff2a12e17e3fc49246f2"', secret: 'sk-3a6120219022ff2a12e17e3fc49246f2' },
      ],
      negative: ['DEEPSEEK_API_KEY=sk-00000000000000000000000000000000', 'deepseek_key = env.KEY'],
    },
  },
  {
    id: 'pinecone-api-key',
    title: 'Pinecone API key',
    severity: 'high',
    provider: 'pinecone',
    keywords: ['pcsk_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{60,70})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in the Pinecone console (API keys).',
    examples: {
      positive: [
        { text: 'PINECONE_API_KEY=pcsk_UcSXsp_AUCZ76Ghlvprk38Dzes2R5SJbUY4IBv9mbJiuqBsx1bxN6j2phQgxzY4tdf2aOh', secret: 'pcsk_UcSXsp_AUCZ76Ghlvprk38Dzes2R5SJbUY4IBv9mbJiuqBsx1bxN6j2phQgxzY4tdf2aOh' },
        { text: 'pc = Pinecone(api_key="pcsk_3gR5L_JqCkz3z93RPr0MRftujxKN91SHErKvj7qVKSGC6l4G1ceiQViq2ywuJM6LinHVa")', secret: 'pcsk_3gR5L_JqCkz3z93RPr0MRftujxKN91SHErKvj7qVKSGC6l4G1ceiQViq2ywuJM6LinHVa' },
      ],
      negative: [
        'PINECONE_API_KEY=pcsk_xxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'pcsk_ is the key prefix',
        // near miss: a 4-character id, too short
        'index_host: pcsk_UcSX_AUCZ76Ghlvprk38Dzes2R5SJbUY4IBv9mbJiuqBsx1bxN6j2phQgxzY4tdf2aOh',
      ],
    },
  },
]);
