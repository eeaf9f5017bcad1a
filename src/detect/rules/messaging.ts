// Email and SMS delivery: Twilio, SendGrid, Mailgun, Mailchimp, Mailjet, Postmark, Brevo.
import { defineRules } from '../rule.js';

export const messagingRules = defineRules([
  {
    id: 'twilio-api-key',
    title: 'Twilio API key SID',
    severity: 'medium',
    provider: 'twilio',
    keywords: ['twilio'],
    pattern: /twilio[A-Za-z0-9_ .-]{0,30}["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>SK[0-9a-f]{32})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Delete the API key in the Twilio console (Account > API keys).',
    examples: {
      positive: [
        { text: 'TWILIO_API_KEY=SK5e935f8a3d8e5822907ebbcd70ba53d7', secret: 'SK5e935f8a3d8e5822907ebbcd70ba53d7' },
        { text: 'twilio_key_sid: "SKebecb0839c925e333d6422c0dc23839a"', secret: 'SKebecb0839c925e333d6422c0dc23839a' },
      ],
      negative: [
        'TWILIO_API_KEY=SK00000000000000000000000000000000',
        'sku=SK3ee28cb45e6ce7c605ccd2720024131e',
        // near miss: one character short
        'twilio_key_sid: "SKebecb0839c925e333d6422c0dc23839"',
      ],
    },
  },
  {
    id: 'twilio-auth-token',
    title: 'Twilio auth token / API secret',
    severity: 'critical',
    provider: 'twilio',
    keywords: ['twilio'],
    pattern: /twilio[A-Za-z0-9_ .-]{0,20}(?:auth_?token|secret|token)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9a-f]{32}|[A-Za-z0-9]{32})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Rotate the auth token (promote the secondary) or delete the API key in the Twilio console.',
    examples: {
      positive: [
        { text: 'TWILIO_AUTH_TOKEN=995ecdc9fb298fec5320413475957d2c', secret: '995ecdc9fb298fec5320413475957d2c' },
        { text: 'twilio_secret: "6iT7n3dURonQiffWwJ0j5INNROR8L419"', secret: '6iT7n3dURonQiffWwJ0j5INNROR8L419' },
      ],
      negative: ['TWILIO_AUTH_TOKEN=00000000000000000000000000000000', 'TWILIO_ACCOUNT_SID=ACb2423fd9033df4fe410e7e5d9cd91c29'],
    },
  },
  {
    id: 'sendgrid-api-key',
    title: 'SendGrid API key',
    severity: 'critical',
    provider: 'sendgrid',
    keywords: ['sg.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Delete the key at https://app.sendgrid.com/settings/api_keys.',
    examples: {
      positive: [
        { text: 'SENDGRID_API_KEY=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', secret: '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' },
        { text: 'sg = SendGridAPIClient("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")', secret: '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' },
      ],
      negative: ['SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'SG.short.value'],
    },
  },
  {
    id: 'mailgun-api-key',
    title: 'Mailgun API key',
    severity: 'high',
    provider: 'mailgun',
    keywords: ['mailgun'],
    pattern: /mailgun[A-Za-z0-9_ .-]{0,20}(?:key|token|secret)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}|key-[0-9a-f]{32})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Rotate the key in the Mailgun control panel (API Security).',
    examples: {
      positive: [
        { text: 'MAILGUN_API_KEY=0dbce66f211ef9a54c83e17772de40e9-bbf01483-ce53a41b', secret: '0dbce66f211ef9a54c83e17772de40e9-bbf01483-ce53a41b' },
        { text: 'mailgun_key: "key-a298fd9958dc08891d689794db699f4f"', secret: 'key-a298fd9958dc08891d689794db699f4f' },
      ],
      negative: ['MAILGUN_API_KEY=key-00000000000000000000000000000000', 'MAILGUN_DOMAIN=mg.example.org'],
    },
  },
  {
    id: 'mailchimp-api-key',
    title: 'Mailchimp API key',
    severity: 'high',
    provider: 'mailchimp',
    keywords: ['-us'],
    pattern: /(?<![A-Za-z0-9])(?<secret>[0-9a-f]{32}-us[0-9]{1,2})(?![A-Za-z0-9])/,
    minEntropy: 3.0,
    revoke: 'Disable the key in Mailchimp (Profile > Extras > API keys).',
    examples: {
      positive: [
        { text: 'MAILCHIMP_API_KEY=d6c169cb934b658efbd9327b7d4301a1-us14', secret: 'd6c169cb934b658efbd9327b7d4301a1-us14' },
        { text: 'client.set_config({"api_key": "022ed4804f02c7ae0cdb55f69d5faf93-us6"})', secret: '022ed4804f02c7ae0cdb55f69d5faf93-us6' },
      ],
      negative: [
        'MAILCHIMP_API_KEY=00000000000000000000000000000000-us1',
        'region-us1 is a region',
        // near miss: 33 hex digits: embedded in a longer hash
        'etag: "4d6c169cb934b658efbd9327b7d4301a1-us14"',
      ],
    },
  },
  {
    id: 'mailjet-api-secret',
    title: 'Mailjet API secret',
    severity: 'high',
    provider: 'mailjet',
    keywords: ['mailjet', 'mj_apikey_private'],
    pattern: /(?:mailjet[A-Za-z0-9_ .-]{0,20}(?:secret|private)[A-Za-z_]{0,10}|mj_apikey_private)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9a-f]{32})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Regenerate the secret key in Mailjet (Account > API key management).',
    examples: {
      positive: [
        { text: 'MJ_APIKEY_PRIVATE=eaacec2e39104fd6dd3a4c953761ddfc', secret: 'eaacec2e39104fd6dd3a4c953761ddfc' },
        { text: 'mailjet_secret_key: "6f3f29f0c89860fb4d0f503b6e478df8"', secret: '6f3f29f0c89860fb4d0f503b6e478df8' },
      ],
      negative: ['MJ_APIKEY_PRIVATE=00000000000000000000000000000000', 'mailjet_secret = var.x'],
    },
  },
  {
    id: 'postmark-server-token',
    title: 'Postmark server token',
    severity: 'high',
    provider: 'postmark',
    keywords: ['postmark'],
    pattern: /postmark[A-Za-z0-9_ .-]{0,20}(?:token|key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9])/i,
    revoke: 'Regenerate the server API token in Postmark (Server > API Tokens).',
    examples: {
      positive: [
        { text: 'POSTMARK_SERVER_TOKEN=f46ff8b1-b1b4-452c-a63a-f3829a3fecfd', secret: 'f46ff8b1-b1b4-452c-a63a-f3829a3fecfd' },
        { text: 'postmark_api_key: "68a8f0cb-360e-4cb3-ac15-7223bd2ceece"', secret: '68a8f0cb-360e-4cb3-ac15-7223bd2ceece' },
      ],
      negative: ['POSTMARK_SERVER_TOKEN=00000000-0000-0000-0000-000000000000', 'postmark_token = env.TOKEN'],
    },
  },
  {
    id: 'brevo-api-key',
    title: 'Brevo (Sendinblue) API key',
    severity: 'high',
    provider: 'brevo',
    keywords: ['xkeysib-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>xkeysib\-[a-f0-9]{64}-[A-Za-z0-9]{16})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete the key in Brevo (SMTP & API > API keys).',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=xkeysib-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'xkeysib- is the prefix of Brevo (Sendinblue) API key values',
        // near miss: one character short
        'KEY=xkeysib-0a5ae7cc46a1d9efe815e550f1a0f389f7b0b0dce7b5cc2d95adfc3276cd4a5f-J71AbkqHJlp1smn',
      ],
    },
  },
]);
