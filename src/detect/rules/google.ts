// Google and Google Cloud: API keys, service-account key ids, OAuth client secrets and tokens.
import { defineRules } from '../rule.js';
import type { Validation } from '../rule.js';

/** The private_key_id is only a credential when it sits in a service-account key file. */
function validateServiceAccount(keyId: string, ctx: { text: string; index: number }): Validation {
  const window = ctx.text.slice(Math.max(0, ctx.index - 4096), ctx.index + 8192);
  if (!/"type"\s*:\s*"service_account"/.test(window)) return { valid: false, reason: 'not a service-account file' };
  const email = /"client_email"\s*:\s*"([^"@\s]{1,100}@[^"\s]{1,100}\.iam\.gserviceaccount\.com)"/.exec(window)?.[1];
  if (!email) return { valid: false, reason: 'no service-account client_email' };
  const hasKey = /"private_key"\s*:\s*"-----BEGIN PRIVATE KEY-----/.test(window);
  return {
    valid: true,
    detail: `service account ${email}${hasKey ? ', private key present' : ''}`,
    identifier: keyId,
  };
}

export const googleRules = defineRules([
  {
    id: 'google-api-key',
    title: 'Google API key',
    severity: 'high',
    provider: 'google',
    keywords: ['aiza'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete or regenerate the key in Google Cloud console (APIs & Services > Credentials), and restrict the new one.',
    examples: {
      positive: [
        { text: 'GOOGLE_API_KEY=AIzadQI0w89Kh2h0peQMTJBrSu0XifQd6IVbuxu', secret: 'AIzadQI0w89Kh2h0peQMTJBrSu0XifQd6IVbuxu' },
        { text: 'apiKey: "AIzaVqivmv8zBqGV9_boD9KNB_t9jdNMxfgd5Lb"', secret: 'AIzaVqivmv8zBqGV9_boD9KNB_t9jdNMxfgd5Lb' },
      ],
      negative: ['apiKey: "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"', 'AIzadQI0w89Kh2h0peQMTJBr is too short'],
    },
  },
  {
    id: 'gcp-service-account-key',
    title: 'GCP service-account key file',
    severity: 'critical',
    provider: 'gcp',
    keywordsAreContext: true,
    keywords: ['service_account'],
    pattern: /"private_key_id"\s{0,4}:\s{0,4}"(?<secret>[a-f0-9]{40})"/,
    validate: validateServiceAccount,
    revoke: 'Delete the key: gcloud iam service-accounts keys delete KEY_ID --iam-account EMAIL',
    examples: {
      positive: [
        { text: '{"type": "service_account", "project_id": "billing-prod", "private_key_id": "cb10600fecb0ec1755aeda4971c537f076fc790d", "client_email": "deployer@billing-prod.iam.gserviceaccount.com"}', secret: 'cb10600fecb0ec1755aeda4971c537f076fc790d' },
        { text: '{\n  "type": "service_account",\n  "private_key_id": "4f1c2b9a7d3e5f60718293a4b5c6d7e8f9012345",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "ci@proj-1.iam.gserviceaccount.com"\n}', secret: '4f1c2b9a7d3e5f60718293a4b5c6d7e8f9012345' },
      ],
      negative: [
        '{"type": "authorized_user", "private_key_id": "cb10600fecb0ec1755aeda4971c537f076fc790d"}',
        '{"type": "service_account", "private_key_id": "cb10600fecb0ec1755aeda4971c537f076fc790d", "client_email": "someone@gmail.com"}',
      ],
    },
  },
  {
    id: 'gcp-oauth-client-secret',
    title: 'Google OAuth client secret',
    severity: 'high',
    provider: 'google',
    keywords: ['gocspx-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>GOCSPX\-[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Reset the client secret in Google Cloud console (APIs & Services > Credentials > OAuth client).',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'GOCSPX- is the prefix of Google OAuth client secret values',
        // near miss: one character short
        'KEY=GOCSPX-xx3n4uJOsJ8n8tjX8AwGT3zN7ME',
      ],
    },
  },
  {
    id: 'google-oauth-access-token',
    title: 'Google OAuth access token',
    severity: 'medium',
    provider: 'google',
    keywords: ['ya29.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ya29\.[A-Za-z0-9_-]{50,2000})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Revoke with https://oauth2.googleapis.com/revoke?token=... (or let it expire within the hour); fix the leak of its refresh token.',
    examples: {
      positive: [
        { text: 'KEY=ya29.TOruLfXgNRnIMbLu4tC5YxS9RCyqW3SKcMrNRM1h7GQA0tYl-dyx2AlkgDilYD6j-UTrpKbYouxv-4cQE_ST-Zf4Pdx2-VBhXTCxr8cS7BnFBBY7gy5eXbav', secret: 'ya29.TOruLfXgNRnIMbLu4tC5YxS9RCyqW3SKcMrNRM1h7GQA0tYl-dyx2AlkgDilYD6j-UTrpKbYouxv-4cQE_ST-Zf4Pdx2-VBhXTCxr8cS7BnFBBY7gy5eXbav' },
        { text: 'token: "ya29.J9VPpBWLMjQMouPTFpTIu34JxsTIMleUSSw9PYp38K6gyF4i-ZJlfH4M7s3wV84DV9jbtWYzN15uQnUMyr-Xn-RWHTcL1O4rEWw8qt1naWFQfL9ceX_5ZgJN"', secret: 'ya29.J9VPpBWLMjQMouPTFpTIu34JxsTIMleUSSw9PYp38K6gyF4i-ZJlfH4M7s3wV84DV9jbtWYzN15uQnUMyr-Xn-RWHTcL1O4rEWw8qt1naWFQfL9ceX_5ZgJN' },
      ],
      negative: [
        'KEY=ya29.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'ya29. is the prefix of Google OAuth access token values',
        // near miss: embedded in a longer token
        'KEY=Zqya29.TOruLfXgNRnIMbLu4tC5YxS9RCyqW3SKcMrNRM1h7GQA0tYl-dyx2AlkgDilYD6j-UTrpKbYouxv-4cQE_ST-Zf4Pdx2-VBhXTCxr8cS7BnFBBY7gy5eXbav',
      ],
    },
  },
  {
    id: 'google-oauth-refresh-token',
    title: 'Google OAuth refresh token',
    severity: 'high',
    provider: 'google',
    keywords: ['1//0'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>1\/\/0[A-Za-z0-9_-]{40,512})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Revoke the grant in the Google account security settings or via the OAuth revoke endpoint.',
    examples: {
      positive: [
        { text: 'KEY=1//08lSvqUhlX4nTjOfwAkjHri1graMXT4pW5abNe10dmgbUAQl2vfYMlwPRnx6H6zZlhIdBtbFVSLj0xjMEIJrljiruFZHYSA3Afv72', secret: '1//08lSvqUhlX4nTjOfwAkjHri1graMXT4pW5abNe10dmgbUAQl2vfYMlwPRnx6H6zZlhIdBtbFVSLj0xjMEIJrljiruFZHYSA3Afv72' },
        { text: 'token: "1//0JdxY_XYKH9FI6FDQkwKsZ2RLyTg34_t-beHPxOV2vwpdejyWnsaRIyGSs4jedkVbm4JkbPjLh0_7ADRgmIno0AVs1-ynm05WrCvI"', secret: '1//0JdxY_XYKH9FI6FDQkwKsZ2RLyTg34_t-beHPxOV2vwpdejyWnsaRIyGSs4jedkVbm4JkbPjLh0_7ADRgmIno0AVs1-ynm05WrCvI' },
      ],
      negative: [
        'KEY=1//0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        '1//0 is the prefix of Google OAuth refresh token values',
        // near miss: embedded in a longer token
        'KEY=Zq1//08lSvqUhlX4nTjOfwAkjHri1graMXT4pW5abNe10dmgbUAQl2vfYMlwPRnx6H6zZlhIdBtbFVSLj0xjMEIJrljiruFZHYSA3Afv72',
      ],
    },
  },
]);
