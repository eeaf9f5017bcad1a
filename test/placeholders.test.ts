import { describe, expect, it } from 'vitest';
import { Matcher } from '../src/detect/matcher.js';
import { isPlaceholder } from '../src/detect/placeholder.js';
import { builtinRules } from '../src/detect/rules/index.js';

const matcher = new Matcher(builtinRules);

describe('placeholders never fire', () => {
  it.each([
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'api_key = "your-api-key"',
    'API_TOKEN=your-api-key-goes-here',
    'password: ${DB_PASSWORD}',
    'secret_token: "{{ vault_secret_token }}"',
    'client_secret = "{{ .Values.clientSecret }}"',
    'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'STRIPE_SECRET_KEY=sk_live_000000000000000000000000',
    'api_key = "XXXXXXXXXXXXXXXXXXXXXXXX"',
    'password = "<your password>"',
    'token: ********************',
  ])('%s', (line) => {
    expect(matcher.scan(line).matches.map((m) => `${m.rule.id}:${m.secret}`)).toEqual([]);
  });

  it('classifies the obvious shapes', () => {
    for (const p of ['${VAR}', '{{ var }}', 'xxxxxxxxxxxx', '000000000000', 'your-api-key', 'changeme-now', 'aaaaaaaaaa']) {
      expect(isPlaceholder(p), p).toBe(true);
    }
    for (const real of ['Zq7pN3vK9sW2xY', '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']) expect(isPlaceholder(real), real).toBe(false);
  });
});
