// Values whose shape alone proves nothing (40 hex characters are also a commit id; a 38-character
// base64 string is not a valid AWS secret) but whose variable name says what they are. Shell
// profiles and env files are full of them.
import { defineRules, type Validation } from '../rule.js';
import { AWS_KEY_FIX } from '../fix-hints.js';

function validateHexToken(value: string): Validation {
  if (/0123|1234|abcd|(.)\1{5}/i.test(value)) return { valid: false, reason: 'sequential or repeated example value' };
  return { valid: true, detail: 'named by its variable' };
}

export const envNameRules = defineRules([
  {
    id: 'github-legacy-token-env',
    title: 'GitHub token (legacy 40-hex format) in a GITHUB_TOKEN variable',
    severity: 'critical',
    provider: 'github',
    // Every spelling the pattern takes: `gh` then a separator, or `gh` run into the next word.
    keywords: ['github', 'gh_', 'gh-', 'gh.', 'ghtoken', 'ghapi', 'ghoauth', 'ghaccess', 'ghauth', 'ghpersonal'],
    // GITHUB_TOKEN, GH_TOKEN, HOMEBREW_GITHUB_API_TOKEN, github.oauth_token… Tokens issued before
    // 2021 are 40 lower-case hex characters with no prefix; the generic rule drops them as hashes.
    // A space also separates: fish `set -gx GITHUB_TOKEN …`, csh `setenv GITHUB_TOKEN …`.
    pattern:
      /(?:github|(?<![A-Za-z0-9])gh)[_.-]?(?:api[_-]?|oauth[_-]?|access[_-]?|auth[_-]?|personal[_-]?access[_-]?)?token["']?(?:[ \t]{0,4}(?:=|:|:=|=>)[ \t]{0,4}|[ \t]{1,4})["']?(?<secret>[0-9a-f]{40})(?![0-9A-Za-z_])/i,
    minEntropy: 3.0,
    validate: validateHexToken,
    revoke: 'Revoke it at https://github.com/settings/tokens (legacy tokens cannot be scoped down), then issue a fine-grained token.',
    examples: {
      positive: [
        { text: 'export HOMEBREW_GITHUB_API_TOKEN=05c123d208dc7a593cffa4463063d2f9c4beed7c', secret: '05c123d208dc7a593cffa4463063d2f9c4beed7c' },
        { text: 'GITHUB_TOKEN="9564b1370de41079f75a1d546feb529c66ce687c"', secret: '9564b1370de41079f75a1d546feb529c66ce687c' },
        { text: "export GH_TOKEN='30e277d44d7633f20a4a93eaaf6dec4a54b36ba8'", secret: '30e277d44d7633f20a4a93eaaf6dec4a54b36ba8' },
        { text: 'set -gx DANGER_GITHUB_API_TOKEN c1fe5b076b62651b87bc14819c9633430bc5b036', secret: 'c1fe5b076b62651b87bc14819c9633430bc5b036' },
        // No "github" and no "gh_token" in it: the keywords must still take it.
        { text: 'GH_OAUTH_TOKEN=8f3e1c27b9d04a65e2c7f18b3a9d6e40c5b2f719', secret: '8f3e1c27b9d04a65e2c7f18b3a9d6e40c5b2f719' },
      ],
      negative: [
        'GITHUB_SHA=05c123d208dc7a593cffa4463063d2f9c4beed7c',
        'GITHUB_TOKEN_SHA256=17bc9911dac00490a1ed1d3b380196823c0c0a2b510c2d3c9f5af944e24e49fc',
        'GITHUB_TOKEN=c8d970add8b5249a2273881604e87338',
        'HIGH_TOKEN=30e277d44d7633f20a4a93eaaf6dec4a54b36ba8',
        'GITHUB_TOKEN=0123456789abcdef0123456789abcdef01234567',
      ],
    },
  },
  {
    id: 'aws-secret-access-key-env',
    title: 'AWS secret access key named by its variable',
    severity: 'high',
    provider: 'aws',
    keywords: ['aws_secret', 'awssecret'],
    // aws.ts takes 40 characters after "=" or ":"; this takes what the name alone vouches for: a
    // 38- or 39-character value (cut short when pasted, still worth rotating), and the csh/fish
    // forms `setenv AWS_SECRET_ACCESS_KEY …` / `set -x AWS_SECRET_ACCESS_KEY …` with no "=".
    pattern:
      /aws_?secret_?(?:access_?)?key["']?(?:[ \t]{0,4}(?:=|:|:=|=>)[ \t]{0,4}|[ \t]{1,4})["']?(?<secret>[A-Za-z0-9/+]{38,40})(?![A-Za-z0-9/+=])/i,
    minEntropy: 4.0,
    revoke: AWS_KEY_FIX,
    examples: {
      positive: [
        { text: 'export AWS_SECRET_ACCESS_KEY=CzDaJHX5aXenTcI/fEvrNcs7fnsm+91j59BWW5', secret: 'CzDaJHX5aXenTcI/fEvrNcs7fnsm+91j59BWW5' },
        { text: 'AWS_SECRET_ACCESS_KEY="UPMoh0LxKlUleKDUI27JEDpO7mppXlDlQ9kR4G9"', secret: 'UPMoh0LxKlUleKDUI27JEDpO7mppXlDlQ9kR4G9' },
        { text: 'setenv AWS_SECRET_ACCESS_KEY X5BbPWaB2W+y/JLSPLrQ0sQo2c2rUz/PEcIzBrhZ', secret: 'X5BbPWaB2W+y/JLSPLrQ0sQo2c2rUz/PEcIzBrhZ' },
        { text: 'set -gx AWS_SECRET_ACCESS_KEY 3hXmIL7i3wou9aLqZlMwEDz0+HdfLKOeuwSRP9Rs', secret: '3hXmIL7i3wou9aLqZlMwEDz0+HdfLKOeuwSRP9Rs' },
      ],
      negative: [
        'export AWS_SECRET_ACCESS_KEY=c8d970add8b5249a2273881604e87338',
        'AWS_SECRET_ACCESS_KEY_ID=CzDaJHX5aXenTcI/fEvrNcs7fnsm+91j59BWW5',
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE',
        'AWS_SESSION_KEY=CzDaJHX5aXenTcI/fEvrNcs7fnsm+91j59BWW5',
        'AWS_SECRET_ACCESS_KEY=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      ],
    },
  },
]);
