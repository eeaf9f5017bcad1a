// One registry of every rule: its completeness, `nhiscan rules list|check`, strict rule ids in the
// config, and SARIF rule metadata taken from it. The CLI tests spawn the built CLI (dist/).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { fileRules } from '../src/detect/rules/files.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { builtinRegistry, findBuiltinRule, registry, ruleInfo } from '../src/detect/registry.js';
import { UsageError } from '../src/errors.js';
import { summarize, type CloudFinding, type Finding, type Report, type SecretFinding } from '../src/model.js';
import { toSarif } from '../src/report/sarif.js';
import { cli, expectContract } from './faults/harness.js';
import { sarifValidator } from './helpers/sarif.js';
import { githubToken } from './helpers/secrets.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** A directory holding `files`; the CLI runs there, so its .nhiscan.toml (if any) is the default config. */
function dir(files: Record<string, string> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'nhiscan-registry-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const TOML = (s: string) => JSON.stringify(s);

describe('the registry', () => {
  const all = builtinRegistry();

  it('holds every content, structured and file rule once, each id unique across kinds', () => {
    const ids = all.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of builtinRules) expect(all.filter((e) => e.rule === r), r.id).toHaveLength(1);
    for (const r of fileRules) expect(all.filter((e) => e.rule === r && e.kind === 'file'), r.id).toHaveLength(1);
    expect(new Set(all.map((e) => e.kind))).toEqual(new Set(['content', 'file', 'gate', 'cloud', ...(all.some((e) => e.kind === 'structured') ? ['structured'] : [])]));
    // The gate's own check is configurable in [rules] like a rule, so it is one.
    expect(findBuiltinRule('nhiscan-config-changed')?.kind).toBe('gate');
  });

  it('describes each rule as data: severity, provider, nhi ids, keywords and example counts', () => {
    const pat = findBuiltinRule('github-personal-access-token')!;
    const rule = builtinRules.find((r) => r.id === 'github-personal-access-token')!;
    expect(ruleInfo(pat)).toMatchObject({ kind: 'content', title: rule.title, severity: rule.severity, provider: 'github', keywords: rule.keywords });
    expect(pat.examples).toEqual({ positive: rule.examples.positive.length, negative: rule.examples.negative.length });
    // What a finding of a rule without its own nhi carries (findings.ts).
    for (const e of all) if (e.kind !== 'gate') expect(e.nhi, e.id).toEqual(e.rule.nhi ?? ['NHI2']);
    expect(JSON.parse(JSON.stringify(ruleInfo(pat)))).not.toHaveProperty('rule');
  });

  it('adds a config’s own [[rule]] tables as config-custom', () => {
    const cfg = parseConfig('[[rule]]\nid = "acme-token"\nregex = "acme_[a-z]{8}"\nkeywords = ["acme_"]\n', 'x.toml');
    const custom = registry(cfg).filter((e) => e.kind === 'config-custom');
    expect(custom.map((e) => [e.id, e.severity, e.provider])).toEqual([['acme-token', 'high', 'custom']]);
  });
});

describe('nhiscan rules list', () => {
  it('text: one line a rule, every line within 100 columns, led by its id', async () => {
    const r = await cli(['rules', 'list', '-f', 'text'], { cwd: dir() });
    expectContract(r, { code: 0, lines: 0 });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(builtinRegistry().length);
    lines.forEach((l, i) => {
      expect([...l].length, l).toBeLessThanOrEqual(100);
      expect(l.split(' ')[0]).toBe(builtinRegistry()[i]!.id);
    });
    expect(r.stdout).toMatch(/^github-personal-access-token +content +critical +github +GitHub/m);
  });

  it('json: an array of every rule, with a --config’s [[rule]], overrides and disabled rules', async () => {
    const d = dir({
      'my.toml': '[[rule]]\nid = "acme-token"\ntitle = "Acme token"\nregex = "acme_[a-z]{8}"\nkeywords = ["acme_"]\n\n[rules]\ndisable = ["jwt"]\nseverity = { acme-token = "low" }\n',
    });
    const r = await cli(['rules', 'list', '-f', 'json', '--config', join(d, 'my.toml')], { cwd: d });
    expectContract(r, { code: 0, lines: 0 });
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(builtinRegistry().length + 1);
    expect(list.find((e) => e.id === 'acme-token')).toEqual({
      id: 'acme-token',
      kind: 'config-custom',
      title: 'Acme token',
      severity: 'low',
      provider: 'custom',
      nhi: ['NHI2'],
      keywords: ['acme_'],
      examples: { positive: 0, negative: 0 },
      enabled: true,
    });
    expect(list.find((e) => e.id === 'jwt')).toMatchObject({ kind: 'content', enabled: false });
  });

  it('escapes control characters a [[rule]] title carries, in text', async () => {
    const d = dir({ '.nhiscan.toml': '[[rule]]\nid = "acme-token"\ntitle = "Acme\\u001b]0;x\\u0007 \\u202et"\nregex = "acme_[a-z]{8}"\n' });
    const r = await cli(['rules', 'list'], { cwd: d });
    expectContract(r, { code: 0, lines: 0 });
    expect(r.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(r.stdout).toMatch(/^acme-token +config-custom +high +custom +Acme\\x1b\]0;x\\x07 \\u202et$/m);
  });

  it('a bare `rules` or an unknown word is one usage line, not the help and not the word', async () => {
    const token = githubToken();
    for (const args of [['rules'], ['rules', token]]) {
      const r = await cli(args, { cwd: dir() });
      expectContract(r, { code: 2, secrets: [token], says: /^nhiscan: (?:rules needs a command|unknown rules command): list or check/ });
    }
  });
});

describe('nhiscan rules check', () => {
  it('passes on the built-in rules: every positive reported by its own rule, every negative by none', { timeout: 30_000 }, async () => {
    const r = await cli(['rules', 'check'], { cwd: dir() });
    expectContract(r, { code: 0, lines: 0 });
    expect(r.stdout).not.toMatch(/^FAIL/m);
    const counted = builtinRegistry().filter((e) => e.kind !== 'gate' && e.kind !== 'cloud');
    const examples = counted.reduce((n, e) => n + e.examples.positive + e.examples.negative, 0);
    expect(r.stdout).toBe(`rules check: ${counted.length} rule(s), ${examples} example(s), 0 failure(s)\n`);
  });

  it('fails (exit 1) on a [[rule]] whose positive example it does not match, naming rule and example, never the secret', { timeout: 30_000 }, async () => {
    const token = githubToken();
    const d = dir({
      '.nhiscan.toml': [
        '[[rule]]',
        'id = "acme-token"',
        'regex = "acme_[a-z0-9]{32}"',
        'keywords = ["acme_"]',
        // The first is matched; the second is a GitHub token, which this rule's regex does not match.
        `examples = { positive = ["acme_${'k3'.repeat(16)}", { text = ${TOML(`token: ${token}`)}, secret = ${TOML(token)} }], negative = ["acme_short"] }`,
      ].join('\n'),
    });
    for (const format of ['text', 'json']) {
      const r = await cli(['rules', 'check', '-f', format], { cwd: d });
      expectContract(r, { code: 1, secrets: [token, token.slice(4, 20)], lines: 0 });
      if (format === 'json') {
        const out = JSON.parse(r.stdout);
        // Only this rule's failures: the built-ins have their own test above.
        expect(out.failures.filter((f: { rule: string }) => f.rule === 'acme-token')).toEqual([
          { rule: 'acme-token', example: 'positive', index: 2, problem: expect.stringMatching(/^not reported by acme-token at \d+-\d+; reported: github-personal-access-token at \d+-\d+$/), reported: [] },
        ]);
      } else {
        expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL acme-token '))).toEqual([
          expect.stringMatching(/^FAIL acme-token positive example 2: not reported by acme-token at \d+-\d+; reported: github-personal-access-token at \d+-\d+$/),
        ]);
        expect(r.stdout).toMatch(/^rules check: \d+ rule\(s\), \d+ example\(s\), [1-9]\d* failure\(s\)$/m);
      }
    }
  });

  it('fails on a [[rule]] negative example that the scanner reports, and on a positive reported with another span', { timeout: 30_000 }, async () => {
    const d = dir({
      'c.toml': [
        '[[rule]]',
        'id = "acme-token"',
        'regex = "acme_[a-z0-9]{8,40}"',
        'keywords = ["acme_"]',
        'examples = { positive = [{ text = "k = acme_abcd12345678", secret = "acme_abcd1234" }], negative = ["k = acme_zz99zz99zz"] }',
      ].join('\n'),
    });
    const r = await cli(['rules', 'check', '-c', join(d, 'c.toml')], { cwd: dir() });
    expectContract(r, { code: 1, lines: 0 });
    // Problems name rule ids and spans, never the matched text.
    expect(r.stdout).toContain('FAIL acme-token positive example 1: not reported by acme-token at 4-17; reported: acme-token at 4-21\n');
    expect(r.stdout).toContain('FAIL acme-token negative example 1: reported: acme-token at 4-19\n');
  });

  it('does not check a rule the config disables, and says so', { timeout: 30_000 }, async () => {
    const d = dir({ '.nhiscan.toml': '[rules]\ndisable = ["jwt", "file-pkcs12"]\n' });
    const text = await cli(['rules', 'check'], { cwd: d });
    expect(text.stdout).toMatch(/ failure\(s\); 2 disabled rule\(s\) not checked\n$/);
    const r = await cli(['rules', 'check', '-f', 'json'], { cwd: d });
    // Whatever the built-ins' state (checked above), the disabled rules are neither run nor counted.
    expect([0, 1]).toContain(r.code);
    const out = JSON.parse(r.stdout);
    expect(out.disabled).toEqual(['jwt', 'file-pkcs12']);
    expect(out.rules).toBe(builtinRegistry().filter((e) => e.kind !== 'gate' && e.kind !== 'cloud').length - 2);
    expect(out.failures.filter((f: { rule: string }) => out.disabled.includes(f.rule))).toEqual([]);
  });
});

describe('rule ids in the config must exist', () => {
  it.each([
    ['[rules] disable', '[rules]\ndisable = [\n  "jwt",\n  "github-pat",\n]\n', /^x\.toml:4: \[rules\] disable entry 2: unknown rule id "github-pat" \(see nhiscan rules list\)$/],
    ['[rules] severity', '[rules]\nseverity = { jwt = "low", generic-pasword = "low" }\n', /^x\.toml:2: \[rules\] severity: unknown rule id "generic-pasword"/],
    ['a [[rule]] id that is a built-in id', '[[rule]]\nid = "jwt"\nregex = "x"\n', /^x\.toml:2: \[\[rule\]\] id "jwt" is a built-in rule id/],
    ['a [[rule]] id used twice', '[[rule]]\nid = "acme"\nregex = "x"\n[[rule]]\nid = "acme"\nregex = "y"\n', /^x\.toml:5: \[\[rule\]\] id "acme" is used by an earlier \[\[rule\]\]$/],
  ])('%s: a usage error naming the id and the line', (_what, text, says) => {
    let caught: unknown;
    try {
      parseConfig(text, 'x.toml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(says);
  });

  it('accepts ids the registry knows: built-in, file, gate and the config’s own [[rule]]', () => {
    const cfg = parseConfig(
      '[[rule]]\nid = "acme"\nregex = "x"\n[rules]\ndisable = ["jwt", "file-pkcs12", "acme"]\nseverity = { nhiscan-config-changed = "high", acme = "low" }\n',
      'x.toml',
    );
    expect([...cfg.disabledRules]).toEqual(['jwt', 'file-pkcs12', 'acme']);
    expect(cfg.severity.get('nhiscan-config-changed')).toBe('high');
  });

  it('scan and rules list exit 2 with one stderr line; an id shaped like a secret is not echoed', async () => {
    const token = githubToken();
    const hex = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    const cases: Array<[string, string[], RegExp]> = [
      ['[rules]\ndisable = ["github-pat"]\n', [], /^nhiscan: .*\.nhiscan\.toml:2: \[rules\] disable entry 1: unknown rule id "github-pat"/],
      [`[rules]\ndisable = ["${token}"]\n`, [token], /^nhiscan: .*\.nhiscan\.toml:2: \[rules\] disable entry 1: unknown rule id \(not shown\)/],
      [`[rules]\nseverity = { "${hex}" = "low" }\n`, [hex], /^nhiscan: .*\.nhiscan\.toml:2: \[rules\] severity: unknown rule id \(not shown\)/],
    ];
    for (const [config, secrets, says] of cases) {
      const d = dir({ '.nhiscan.toml': config, 'a.txt': 'nothing\n' });
      expectContract(await cli(['scan', '--no-git', d, '-f', 'json']), { code: 2, secrets, says });
      expectContract(await cli(['rules', 'list'], { cwd: d }), { code: 2, secrets, says });
    }
  });
});

describe('SARIF rule metadata comes from the registry', () => {
  function secretFinding(ruleId: string, severity: Finding['severity'], title: string): SecretFinding {
    const location = { path: 'a.env', line: 1, column: 1 };
    return { kind: 'secret', ruleId, title, severity, nhi: ['NHI2'], provider: 'x', secret: 'ghp_ab********', fingerprint: '0'.repeat(32), location, occurrences: { commits: 0, paths: 1, blobs: 1, locations: [location] }, inHead: null, validation: null };
  }
  function cloudFinding(ruleId: string, severity: Finding['severity']): CloudFinding {
    return { kind: 'cloud', ruleId, title: 'Access key is old', severity, nhi: ['NHI7'], fingerprint: '1'.repeat(32), identity: { kind: 'service-user', name: 'ci', arn: 'arn:aws:iam::123456789012:user/ci' }, evidence: {} };
  }
  const report = (findings: Finding[]): Report => ({
    tool: 'nhiscan',
    version: '0.0.0',
    target: '.',
    generatedAt: new Date(0).toISOString(),
    summary: summarize(findings, 0),
    findings,
    coverage: { complete: true, gaps: [] },
  });

  it('each rule’s own severity, title and help; cloud checks at their worst result, not tagged secret; no dead informationUri', () => {
    const pat = findBuiltinRule('github-personal-access-token')!;
    // The first result of each rule disagrees with the rule (a [rules] severity override, a graded AWS check).
    const log = toSarif(report([secretFinding(pat.id, 'low', 'something else'), cloudFinding('aws-key-age', 'medium'), cloudFinding('aws-key-age', 'high')]));
    const valid = sarifValidator()(log);
    expect(valid.valid, valid.errors).toBe(true);
    const driver = log.runs[0]!.tool.driver;
    expect(driver).not.toHaveProperty('informationUri');
    const [ghRule, awsRule] = driver.rules!;
    expect(ghRule).toMatchObject({
      id: pat.id,
      name: 'GithubPersonalAccessToken',
      shortDescription: { text: pat.title },
      help: { text: pat.revoke },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'secret', ...pat.nhi], 'security-severity': '9.5' },
    });
    expect(pat.severity).toBe('critical');
    // A cloud rule is in the registry too: its top severity (high) and every NHI id it maps to.
    expect(awsRule).toMatchObject({ id: 'aws-key-age', defaultConfiguration: { level: 'error' }, properties: { tags: ['security', 'NHI7', 'NHI4'], 'security-severity': '8.0' } });
    // Results keep their own severity.
    expect(log.runs[0]!.results!.map((r) => r.level)).toEqual(['note', 'warning', 'error']);
  });

  it('from the CLI: every rule descriptor matches its registry entry, and the log is valid SARIF', { timeout: 30_000 }, async () => {
    const token = githubToken();
    const d = dir({ 'ci.env': `GITHUB_TOKEN=${token}\n`, 'id_rsa': 'not a key, but the name is the leak\n' });
    const r = await cli(['scan', '--no-git', d, '-f', 'sarif']);
    expectContract(r, { code: 1, secrets: [token] });
    const log = JSON.parse(r.stdout);
    expect(sarifValidator()(log).valid).toBe(true);
    const rules = log.runs[0].tool.driver.rules as Array<{ id: string; shortDescription: { text: string }; properties: Record<string, unknown> }>;
    expect(rules.map((x) => x.id).sort()).toEqual(['file-ssh-private-key', 'github-personal-access-token']);
    const LEVELS = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };
    for (const x of rules) {
      const e = findBuiltinRule(x.id)!;
      expect(x.shortDescription.text).toBe(e.title);
      expect(x.properties['security-severity']).toBe(LEVELS[e.severity]);
    }
  });
});
