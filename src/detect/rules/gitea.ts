// Gitea (and Forgejo) access tokens.
import { defineRules } from '../rule.js';

export const giteaRules = defineRules([
  {
    id: 'gitea-token',
    title: 'Gitea/Forgejo access token',
    severity: 'high',
    provider: 'gitea',
    keywords: ['gitea_token', 'gitea-token', 'forgejo_token', 'forgejo-token'],
    pattern: /(?:gitea|forgejo)[_-]token["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[a-f0-9]{40})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Delete it in the Gitea user settings (Applications).',
    examples: {
      positive: [
        { text: 'GITEA_TOKEN=fbece780294a35b1f60d5877a6659ccfe43cc5bf', secret: 'fbece780294a35b1f60d5877a6659ccfe43cc5bf' },
        { text: 'forgejo_token: "e24c43628be018479b691fa5c526c191424bedf7"', secret: 'e24c43628be018479b691fa5c526c191424bedf7' },
      ],
      negative: ['GITEA_TOKEN=0000000000000000000000000000000000000000', 'gitea_token = secrets.GITEA'],
    },
  },
]);
