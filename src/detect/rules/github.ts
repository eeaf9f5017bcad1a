import { defineRules, type PositiveExample, type Rule } from '../rule.js';
import { crc32TokenChecksum } from '../validators/checksum.js';

const REVOKE = 'Revoke it at https://github.com/settings/tokens (or the owning app/org settings), then replace it.';

function classic(prefix: string, kind: string, positive: PositiveExample[]): Rule {
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
        // the checksum of these does not verify
        `token = ${prefix}F3DMbth70cw7qgbh31L4wz6j5j1Bju2DXi7X`,
        `token = ${prefix}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`,
        `token = ${prefix}short`,
      ],
    },
  };
}

export const githubRules = defineRules([
  classic('ghp_', 'personal access token', [
    { text: 'GITHUB_TOKEN=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', secret: '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' },
    { text: 'auth: "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"', secret: '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' },
  ]),
  classic('gho_', 'OAuth access token', [
    { text: 'token: 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', secret: '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' },
    { text: 'x 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 y', secret: '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' },
  ]),
  classic('ghu_', 'user-to-server token', [
    { text: 'token: ghu_hLSOc9FCmnkTEpYxNZO13ATPG6NTGT3AGXu3', secret: 'ghu_hLSOc9FCmnkTEpYxNZO13ATPG6NTGT3AGXu3' },
    { text: '"ghu_hLSOc9FCmnkTEpYxNZO13ATPG6NTGT3AGXu3"', secret: 'ghu_hLSOc9FCmnkTEpYxNZO13ATPG6NTGT3AGXu3' },
  ]),
  classic('ghs_', 'app installation token', [
    { text: 'token: ghs_XpeUBH4kdDhEJEiD0zY9R7gQv5tvqy4Ts3hw', secret: 'ghs_XpeUBH4kdDhEJEiD0zY9R7gQv5tvqy4Ts3hw' },
    { text: "'ghs_XpeUBH4kdDhEJEiD0zY9R7gQv5tvqy4Ts3hw'", secret: 'ghs_XpeUBH4kdDhEJEiD0zY9R7gQv5tvqy4Ts3hw' },
  ]),
  classic('ghr_', 'refresh token', [
    { text: 'refresh=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', secret: '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' },
    { text: '"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"', secret: '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' },
  ]),
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
        { text: 'GH_TOKEN=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'github_pat_XXXXXXXXXXXXXXXXXXXXXX_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        'github_pat_ is the prefix of fine-grained tokens',
      ],
    },
  },
]);
