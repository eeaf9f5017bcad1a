import { defineRules, type Rule } from '../rule.js';
import { crc32TokenChecksum } from '../validators/checksum.js';

const REVOKE = 'Revoke it at https://github.com/settings/tokens (or the owning app/org settings), then replace it.';

function classic(prefix: string, kind: string, positive: string[]): Rule {
  return {
    id: `github-${kind.toLowerCase().replace(/[^a-z]+/g, '-')}`,
    title: `GitHub ${kind}`,
    severity: 'critical',
    provider: 'github',
    keywords: [prefix],
    pattern: new RegExp(`(?<![A-Za-z0-9_])(?<secret>${prefix}[A-Za-z0-9]{36})(?![A-Za-z0-9_])`),
    validate: crc32TokenChecksum(prefix),
    revoke: REVOKE,
    examples: {
      positive,
      negative: [
        // checksum of these does not verify
        `token = ${prefix}F3DMbth70cw7qgbh31L4wz6j5j1Bju2DXi7X`,
        `token = ${prefix}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`,
        `token = ${prefix}short`,
      ],
    },
  };
}

export const githubRules = defineRules([
  classic('ghp_', 'personal access token', [
    'GITHUB_TOKEN=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',
    'auth: "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"',
  ]),
  classic('gho_', 'OAuth access token', ['token: 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', 'x 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 y']),
  classic('ghu_', 'user-to-server token', ['token: ghu_hLSOc9FCmnkTEpYxNZO13ATPG6NTGT3AGXu3', '"ghu_hLSOc9FCmnkTEpYxNZO13ATPG6NTGT3AGXu3"']),
  classic('ghs_', 'app installation token', ['token: ghs_XpeUBH4kdDhEJEiD0zY9R7gQv5tvqy4Ts3hw', "'ghs_XpeUBH4kdDhEJEiD0zY9R7gQv5tvqy4Ts3hw'"]),
  classic('ghr_', 'refresh token', ['refresh=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', '"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"']),
  {
    id: 'github-fine-grained-pat',
    title: 'GitHub fine-grained personal access token',
    severity: 'critical',
    provider: 'github',
    keywords: ['github_pat_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/,
    minEntropy: 4.0,
    revoke: REVOKE,
    examples: {
      positive: [
        'GH_TOKEN=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',
        'token: "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"',
      ],
      negative: [
        'github_pat_XXXXXXXXXXXXXXXXXXXXXX_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        'github_pat_ is the prefix of fine-grained tokens',
      ],
    },
  },
]);
