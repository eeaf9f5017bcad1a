import { defineRules } from '../rule.js';
import { crc32TokenChecksum } from '../validators/checksum.js';

export const registryRules = defineRules([
  {
    id: 'npm-access-token',
    title: 'npm access token',
    severity: 'critical',
    provider: 'npm',
    keywords: ['npm_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/,
    validate: crc32TokenChecksum('npm_'),
    revoke: 'Revoke it with `npm token revoke ID` or at https://www.npmjs.com/settings/~/tokens.',
    examples: {
      positive: [
        '//registry.npmjs.org/:_authToken=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',
        'NPM_TOKEN="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"',
      ],
      negative: [
        '//registry.npmjs.org/:_authToken=npm_dMdQTI9HNPfUXR8OarGxgq0VWn6uoM2J4rz1',
        'NPM_TOKEN=${NPM_TOKEN}',
        'npm_config_cache_dir_is_not_a_token_at_all',
      ],
    },
  },
]);
