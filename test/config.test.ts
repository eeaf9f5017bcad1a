import { describe, expect, it } from 'vitest';
import { parseConfig, pathAllowed, secretAllowed } from '../src/config.js';
import { UsageError } from '../src/errors.js';

describe('.nhiscan.toml', () => {
  it('reads allowlists, disabled rules and severity overrides', () => {
    const cfg = parseConfig(
      ['[allowlist]', 'paths = ["vendor/**", "*.lock"]', 'regexes = ["^sk_test_"]', 'stopwords = ["dummy"]', 'commits = ["abc"]', '', '[rules]', 'disable = ["jwt"]', 'severity = { generic-password = "low" }'].join('\n'),
      'x.toml',
    );
    expect(pathAllowed(cfg, 'vendor/a/b.js')).toBe(true);
    expect(pathAllowed(cfg, 'yarn.lock')).toBe(true);
    expect(pathAllowed(cfg, 'src/a.js')).toBe(false);
    expect(secretAllowed(cfg, 'sk_test_abc')).toBe(true);
    expect(secretAllowed(cfg, 'xDUMMYx')).toBe(true);
    expect(secretAllowed(cfg, 'real')).toBe(false);
    expect(cfg.disabledRules.has('jwt')).toBe(true);
    expect(cfg.severity.get('generic-password')).toBe('low');
    expect(cfg.allow.commits.has('abc')).toBe(true);
  });

  it.each([
    ['[allowlist\npaths = []', /^x\.toml:1:\d+: /],
    ['[allowlist]\npaths = "not-a-list"', /^x\.toml:2: paths must be a list of strings$/],
    ['[allowlist]\nregexes = ["("]', /^x\.toml:2: invalid regex/],
    ['[rules]\nseverity = { jwt = "urgent" }', /^x\.toml:2: severity for "jwt"/],
    ['\n\n[bogus]\nx = 1', /^x\.toml:3: unknown key "bogus"/],
  ])('rejects %j with file, line and problem', (text, message) => {
    try {
      parseConfig(text, 'x.toml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(2);
      expect((err as Error).message).toMatch(message);
    }
  });
});
