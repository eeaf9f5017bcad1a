// Team chat: Slack, Discord, Telegram, Microsoft Teams, Mattermost.
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
        { text: 'SLACK_BOT_TOKEN=xoxb-487714875188-7975205249862-tZph7aQs1PnDwUFv2CCJnMge', secret: 'xoxb-487714875188-7975205249862-tZph7aQs1PnDwUFv2CCJnMge' },
        { text: 'token: "xoxp-487198238677-208462117766-6539735559386-ff1d9c525d220a6a1548107f9210debd"', secret: 'xoxp-487198238677-208462117766-6539735559386-ff1d9c525d220a6a1548107f9210debd' },
      ],
      negative: [
        'SLACK_BOT_TOKEN=xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx',
        'xoxb- is the bot token prefix',
        // near miss: a team id of 5 digits, too short
        'docs_anchor: xoxb-48771-7975205249862-tZph7aQs1PnDwUFv2CCJnMge',
      ],
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
        { text: 'SLACK_APP_TOKEN=xapp-1-A04QZ7K2M1N-4877148751881-5f2e9c1a7b3d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7', secret: 'xapp-1-A04QZ7K2M1N-4877148751881-5f2e9c1a7b3d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7' },
        { text: '"xapp-1-B02XK9P4L7Q-1234567890123-a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"', secret: 'xapp-1-B02XK9P4L7Q-1234567890123-a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90' },
      ],
      negative: [
        'xapp-1-EXAMPLE-0000000000-xxxxxxxx',
        'xapp- tokens are app level',
        // near miss: embedded in a longer token
        '"Zqxapp-1-B02XK9P4L7Q-1234567890123-a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"',
      ],
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
        { text: 'SLACK_WEBHOOK=https://hooks.slack.com/services/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', secret: 'https://hooks.slack.com/services/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' },
        { text: 'url: "https://hooks.slack.com/services/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"', secret: 'https://hooks.slack.com/services/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' },
      ],
      negative: [
        'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
        'see https://hooks.slack.com/services/ for docs',
      ],
    },
  },
  {
    id: 'discord-bot-token',
    title: 'Discord bot token',
    severity: 'high',
    provider: 'discord',
    keywords: ['discord', 'bot '],
    pattern: /(?:discord[A-Za-z0-9_ .-]{0,20}(?:token|secret)["']?\s{0,4}[:=]\s{0,4}["']?|Bot )(?<secret>[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40})(?![A-Za-z0-9_-])/i,
    minEntropy: 4.0,
    revoke: 'Reset the token in the Discord developer portal (Bot > Reset Token).',
    examples: {
      positive: [
        { text: 'DISCORD_BOT_TOKEN=Mj0EYpR1nAS9rn2hdmn10MEpbP.-NlAj3.KrNn4vFuZoPuQ0gWfFPb9Thubo128vILY6VZmM', secret: 'Mj0EYpR1nAS9rn2hdmn10MEpbP.-NlAj3.KrNn4vFuZoPuQ0gWfFPb9Thubo128vILY6VZmM' },
        { text: 'headers = {"Authorization": "Bot Mef2YK21FiRKlLj7gBvaxbdNb8.4b9OU7.VXmr5GggpLV-ueQArXmdfavC1ozqq6JmPzBR1H"}', secret: 'Mef2YK21FiRKlLj7gBvaxbdNb8.4b9OU7.VXmr5GggpLV-ueQArXmdfavC1ozqq6JmPzBR1H' },
      ],
      negative: ['DISCORD_BOT_TOKEN=Mxxxxxxxxxxxxxxxxxxxxxxxxx.xxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'DISCORD_BOT_TOKEN=${TOKEN}'],
    },
  },
  {
    id: 'discord-webhook',
    title: 'Discord webhook URL',
    severity: 'medium',
    provider: 'discord',
    keywords: ['discord.com/api/webhooks', 'discordapp.com/api/webhooks'],
    pattern: /(?<secret>https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/[0-9]{17,20}\/[A-Za-z0-9_-]{60,80})(?![A-Za-z0-9_-])/,
    revoke: 'Delete the webhook in the channel settings (Integrations > Webhooks).',
    examples: {
      positive: [
        { text: 'WEBHOOK=https://discord.com/api/webhooks/852445034885158838/6VC5U-9gr17IoNN6_xNDIkhjRX0kNx9Q9XZ6oKDTiWOgCsLJAao78OvlXoDQOQlRrWKZ', secret: 'https://discord.com/api/webhooks/852445034885158838/6VC5U-9gr17IoNN6_xNDIkhjRX0kNx9Q9XZ6oKDTiWOgCsLJAao78OvlXoDQOQlRrWKZ' },
        { text: 'url: "https://discordapp.com/api/webhooks/5408197259645160732/I6vyGIAzc5uajH8Bb9F8NK_Oec5cmeHmftH-uYuC8zjKsoO7dGWkBxIzo4VLM30Fxfri"', secret: 'https://discordapp.com/api/webhooks/5408197259645160732/I6vyGIAzc5uajH8Bb9F8NK_Oec5cmeHmftH-uYuC8zjKsoO7dGWkBxIzo4VLM30Fxfri' },
      ],
      negative: ['https://discord.com/api/webhooks/000000000000000000/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'https://discord.com/api/webhooks/{id}/{token}'],
    },
  },
  {
    id: 'telegram-bot-token',
    title: 'Telegram bot token',
    severity: 'high',
    provider: 'telegram',
    keywords: [':aa'],
    pattern: /(?<![A-Za-z0-9_:-])(?<secret>[0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it with @BotFather (/revoke) and update the bot.',
    examples: {
      positive: [
        { text: 'TELEGRAM_BOT_TOKEN=0440972713:AAfBgXrQXse8vLOQIGAknftRQTUo6nYuO5T', secret: '0440972713:AAfBgXrQXse8vLOQIGAknftRQTUo6nYuO5T' },
        { text: 'bot = Bot(token="578958343:AA2k3sNb66mucdH1bVpN0XM-snfFn7kMX2P")', secret: '578958343:AA2k3sNb66mucdH1bVpN0XM-snfFn7kMX2P' },
      ],
      negative: [
        'TELEGRAM_BOT_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'time 12:AAb',
        // near miss: one character short
        'TELEGRAM_BOT_TOKEN=0440972713:AAfBgXrQXse8vLOQIGAknftRQTUo6nYuO5',
      ],
    },
  },
  {
    id: 'microsoft-teams-webhook',
    title: 'Microsoft Teams incoming webhook URL',
    severity: 'medium',
    provider: 'microsoft',
    keywords: ['webhook.office.com'],
    pattern: /(?<secret>https:\/\/[a-z0-9-]{1,60}\.webhook\.office\.com\/webhookb2\/[0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/[A-Za-z0-9]{32}\/[0-9a-f-]{36}(?:\/[A-Za-z0-9_-]{20,60})?)/,
    revoke: 'Remove the Incoming Webhook connector from the channel and create a new one.',
    examples: {
      positive: [
        { text: 'TEAMS_WEBHOOK=https://contoso.webhook.office.com/webhookb2/83bd64b7-41c2-46cc-a112-e8663a70a804@f3a8199e-0bde-463b-af00-a7fe18011a95/IncomingWebhook/d6902bf21f4ea396f22ab276f66eeb4a/25eead23-21fc-48c2-a41a-dea1cb0f2c95', secret: 'https://contoso.webhook.office.com/webhookb2/83bd64b7-41c2-46cc-a112-e8663a70a804@f3a8199e-0bde-463b-af00-a7fe18011a95/IncomingWebhook/d6902bf21f4ea396f22ab276f66eeb4a/25eead23-21fc-48c2-a41a-dea1cb0f2c95' },
        { text: 'url: "https://fabrikam.webhook.office.com/webhookb2/857e9636-bd3e-4d19-acf0-cc0c171d1a65@5990175f-f50a-45d3-ad9f-91238de87e84/IncomingWebhook/331f017def58e3cf20b70ca2b51c7ece/92469788-0fb1-4812-aca7-bedfc37edcb3"', secret: 'https://fabrikam.webhook.office.com/webhookb2/857e9636-bd3e-4d19-acf0-cc0c171d1a65@5990175f-f50a-45d3-ad9f-91238de87e84/IncomingWebhook/331f017def58e3cf20b70ca2b51c7ece/92469788-0fb1-4812-aca7-bedfc37edcb3' },
      ],
      negative: ['https://contoso.webhook.office.com/webhookb2/', 'see webhook.office.com docs'],
    },
  },
  {
    id: 'mattermost-token',
    title: 'Mattermost access token',
    severity: 'high',
    provider: 'mattermost',
    keywords: ['mattermost'],
    pattern: /mattermost[A-Za-z0-9_ .-]{0,20}(?:token|key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[a-z0-9]{26})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Revoke it in Mattermost (Profile > Security > Personal access tokens).',
    examples: {
      positive: [
        { text: 'MATTERMOST_TOKEN=x7nwfygye30fp3v89v6cayr2si', secret: 'x7nwfygye30fp3v89v6cayr2si' },
        { text: 'mattermost_access_token: "iqqo6doaevirz0yn0s4v3n82cp"', secret: 'iqqo6doaevirz0yn0s4v3n82cp' },
      ],
      negative: ['MATTERMOST_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxx', 'mattermost_url = https://chat.example.org'],
    },
  },
]);
