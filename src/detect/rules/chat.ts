import { defineRules } from '../rule.js';

export const chatRules = defineRules([
  {
    id: 'slack-token',
    title: 'Slack token',
    severity: 'high',
    provider: 'slack',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxe-', 'xoxs-'],
    pattern: /(?<![A-Za-z0-9-])(?<secret>xox[abpres]-[0-9]{6,16}-[0-9A-Za-z-]{10,250})(?![A-Za-z0-9-])/,
    minEntropy: 3.0,
    revoke: 'Revoke it at https://api.slack.com/apps (OAuth & Permissions > Revoke) and reinstall the app.',
    examples: {
      positive: [
        'SLACK_BOT_TOKEN=xoxb-487714875188-7975205249862-tZph7aQs1PnDwUFv2CCJnMge',
        'token: "xoxp-487198238677-208462117766-6539735559386-ff1d9c525d220a6a1548107f9210debd"',
      ],
      negative: ['SLACK_BOT_TOKEN=xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx', 'xoxb- is the bot token prefix'],
    },
  },
  {
    id: 'slack-app-token',
    title: 'Slack app-level token',
    severity: 'high',
    provider: 'slack',
    keywords: ['xapp-'],
    pattern: /(?<![A-Za-z0-9-])(?<secret>xapp-[0-9]-[A-Z0-9]{8,12}-[0-9]{10,16}-[a-f0-9]{32,80})(?![A-Za-z0-9-])/,
    revoke: 'Revoke it at https://api.slack.com/apps (Basic Information > App-Level Tokens).',
    examples: {
      positive: [
        'SLACK_APP_TOKEN=xapp-1-A04QZ7K2M1N-4877148751881-5f2e9c1a7b3d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7',
        '"xapp-1-B02XK9P4L7Q-1234567890123-a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"',
      ],
      negative: ['xapp-1-EXAMPLE-0000000000-xxxxxxxx', 'xapp- tokens are app level'],
    },
  },
  {
    id: 'slack-webhook',
    title: 'Slack incoming webhook URL',
    severity: 'medium',
    provider: 'slack',
    keywords: ['hooks.slack.com'],
    pattern:
      /(?<secret>https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]{6,12}\/[A-Z0-9]{8,14}\/[A-Za-z0-9]{20,32})(?![A-Za-z0-9])/,
    revoke: 'Delete or regenerate the webhook in the Slack app settings (Incoming Webhooks).',
    examples: {
      positive: [
        'SLACK_WEBHOOK=https://hooks.slack.com/services/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',
        'url: "https://hooks.slack.com/services/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"',
      ],
      negative: [
        'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
        'see https://hooks.slack.com/services/ for docs',
      ],
    },
  },
]);
