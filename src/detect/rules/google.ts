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
      positive: ['GOOGLE_API_KEY=AIzadQI0w89Kh2h0peQMTJBrSu0XifQd6IVbuxu', 'apiKey: "AIzaVqivmv8zBqGV9_boD9KNB_t9jdNMxfgd5Lb"'],
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
        '{"type": "service_account", "project_id": "billing-prod", "private_key_id": "cb10600fecb0ec1755aeda4971c537f076fc790d", "client_email": "deployer@billing-prod.iam.gserviceaccount.com"}',
        '{\n  "type": "service_account",\n  "private_key_id": "4f1c2b9a7d3e5f60718293a4b5c6d7e8f9012345",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "ci@proj-1.iam.gserviceaccount.com"\n}',
      ],
      negative: [
        '{"type": "authorized_user", "private_key_id": "cb10600fecb0ec1755aeda4971c537f076fc790d"}',
        '{"type": "service_account", "private_key_id": "cb10600fecb0ec1755aeda4971c537f076fc790d", "client_email": "someone@gmail.com"}',
      ],
    },
  },
]);
