// Infrastructure-as-code and secrets services other than HashiCorp (hashicorp.ts): Pulumi, Doppler.
import { defineRules } from '../rule.js';

export const devopsRules = defineRules([
  {
    id: 'pulumi-access-token',
    title: 'Pulumi access token',
    severity: 'high',
    provider: 'pulumi',
    keywords: ['pul-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pul\-[a-f0-9]{40})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Delete it in the Pulumi Cloud console (Access tokens).',
    examples: {
      positive: [
        { text: 'KEY=pul-f878ee98b09a76883da178a2e15f67548d6f753e', secret: 'pul-f878ee98b09a76883da178a2e15f67548d6f753e' },
        { text: 'token: "pul-40804affdc5468f9837076f936cb7266c5b0c957"', secret: 'pul-40804affdc5468f9837076f936cb7266c5b0c957' },
      ],
      negative: [
        'KEY=pul-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'pul- is the prefix of Pulumi access token values',
        // near miss: one character short
        'KEY=pul-f878ee98b09a76883da178a2e15f67548d6f753',
      ],
    },
  },
  {
    id: 'doppler-service-token',
    title: 'Doppler service token',
    severity: 'high',
    provider: 'doppler',
    keywords: ['dp.st.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>dp\.st\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in the Doppler dashboard (Access).',
    examples: {
      positive: [
        { text: 'KEY=dp.st.T1eeNZxxEO2WQmGQnxpatnJ3sqM0KWGQQCa4ExyPSLi', secret: 'dp.st.T1eeNZxxEO2WQmGQnxpatnJ3sqM0KWGQQCa4ExyPSLi' },
        { text: 'token: "dp.st.BE4JAig1QsfNTXEZYQ7YuuFdTIAJQGrAgf89Tg0dt3m"', secret: 'dp.st.BE4JAig1QsfNTXEZYQ7YuuFdTIAJQGrAgf89Tg0dt3m' },
      ],
      negative: [
        'KEY=dp.st.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'dp.st. is the prefix of Doppler service token values',
        // near miss: embedded in a longer token
        'KEY=Zqdp.st.T1eeNZxxEO2WQmGQnxpatnJ3sqM0KWGQQCa4ExyPSLi',
      ],
    },
  },
  {
    id: 'doppler-personal-token',
    title: 'Doppler personal token',
    severity: 'high',
    provider: 'doppler',
    keywords: ['dp.pt.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>dp\.pt\.[A-Za-z0-9]{40,44})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in the Doppler dashboard (Tokens).',
    examples: {
      positive: [
        { text: 'KEY=dp.pt.PyQ9LPRNXay4nnfKedPo8WZDUdsguZRyrvOXF0m5C5m', secret: 'dp.pt.PyQ9LPRNXay4nnfKedPo8WZDUdsguZRyrvOXF0m5C5m' },
        { text: 'token: "dp.pt.YSTuSrMG2OB74WstNTXHJqwlIt7v9Js8uUgZsdDLw2C"', secret: 'dp.pt.YSTuSrMG2OB74WstNTXHJqwlIt7v9Js8uUgZsdDLw2C' },
      ],
      negative: [
        'KEY=dp.pt.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'dp.pt. is the prefix of Doppler personal token values',
        // near miss: embedded in a longer token
        'KEY=Zqdp.pt.PyQ9LPRNXay4nnfKedPo8WZDUdsguZRyrvOXF0m5C5m',
      ],
    },
  },
]);
