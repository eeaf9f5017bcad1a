// Format-specific content rules (issue 11): credentials in config files that no provider prefix
// announces. Every example runs against the whole rule set in the order proposed for
// builtinRules (formatRules right after the credential-file rules), as a scan would see it.
import { describe, expect, it } from 'vitest';
import { Matcher } from '../src/detect/matcher.js';
import type { Rule } from '../src/detect/rule.js';
import { credentialFileRules } from '../src/detect/rules/credential-files.js';
import { exampleProblems, isNearMiss } from '../src/detect/rules/examples.js';
import { formatRules } from '../src/detect/rules/formats.js';
import { builtinRules } from '../src/detect/rules/index.js';
import { maxMatchLength } from '../src/detect/match-span.js';

/** builtinRules with formatRules inserted after the last credential-file rule (or as-is once the lead has). */
function proposedSet(): Rule[] {
  if (builtinRules.some((r) => formatRules.includes(r))) return builtinRules;
  const at = builtinRules.indexOf(credentialFileRules[credentialFileRules.length - 1]!) + 1;
  expect(at).toBeGreaterThan(0);
  return [...builtinRules.slice(0, at), ...formatRules, ...builtinRules.slice(at)];
}

const rules = proposedSet();
const matcher = new Matcher(rules);
const scan = (text: string, path = '') => matcher.scan(text, path).matches.map((m) => `${m.rule.id}:${m.secret}`);
/** Only what the format rules report (the structured stage judges YAML fixtures on its own terms). */
const scanFormats = (text: string, path = '') => matcher.scan(text, path).matches.filter((m) => formatRules.includes(m.rule)).map((m) => `${m.rule.id}:${m.secret}`);

describe('format rules', () => {
  it('have unique ids, distinct from the rest, 2+ examples each way, a secret group and a real severity', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of formatRules) {
      expect(r.examples.positive.length, r.id).toBeGreaterThanOrEqual(2);
      expect(r.examples.negative.length, r.id).toBeGreaterThanOrEqual(2);
      expect(r.pattern.source, r.id).toContain('(?<secret>');
      expect(r.keywords.every((k) => k === k.toLowerCase()), r.id).toBe(true);
    }
  });

  it('every positive is reported by its own rule at its exact span and by nothing else; every negative by nothing', () => {
    // Path-gated rules with no keywords (config/master.key holds only the key) cannot satisfy the
    // shared near-miss test, which looks for a keyword; their near misses are checked below.
    const keywordless = (id: string) => formatRules.some((r) => r.id === id && r.paths && r.keywords.length === 0);
    const problems = exampleProblems(rules).filter((p) => formatRules.some((r) => r.id === p.rule));
    expect(problems.filter((p) => !(p.example === 'negative' && keywordless(p.rule)))).toEqual([]);
  });

  it('each rule has a near-miss negative (for keyword-less path rules: a value of the same alphabet)', () => {
    for (const r of formatRules) {
      const near = r.keywords.length
        ? r.examples.negative.some((t) => isNearMiss(r, t))
        : r.examples.negative.some((t) => /[0-9A-Za-z./]{12,}/.test(t) && !/(.)\1{4}/.test(t));
      expect(near, r.id).toBe(true);
    }
  });

  it('hashed credentials are low severity and say so in their title', () => {
    const hashed = formatRules.filter((r) => r.severity === 'low');
    expect(hashed.map((r) => r.id).sort()).toEqual(['htpasswd-des-crypt', 'password-hash-line', 'sql-dump-password-hash']);
    for (const r of hashed) {
      expect(r.severity, r.id).toBe('low');
      expect(r.title, r.id).toMatch(/^Hashed credential/);
    }
  });
});

describe('what each class finds, in the files it lives in', () => {
  it('URLs with a password and no user, any scheme', () => {
    expect(scan('REDIS_URL=redis://:GHTzefu4BEft8B@cache:6379/0')).toEqual(['url-password-no-user:GHTzefu4BEft8B']);
    expect(scan('url: memcached://:YBA6MbYexkjAMM@mc.corp-internal.net:11211')).toEqual(['url-password-no-user:YBA6MbYexkjAMM']);
    // A user and password on a non-database, non-HTTP scheme.
    expect(scan('MQTT_URL=mqtts://sensor:nFkMr8c5JDChaC@broker.corp-internal.net:8883')).toEqual(['service-url-password:nFkMr8c5JDChaC']);
    // Existing rules keep what they had: the user-ful database URL.
    expect(scan('REDIS_URL=redis://default:GHTzefu4BEft8B@cache:6379/0')).toEqual(['database-url-password:GHTzefu4BEft8B']);
  });

  it('a provider token in a URL is still reported as that provider token, once', () => {
    const text = 'url = https://: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@github.com/org/repo';
    expect(scan(text)).toEqual(['github-personal-access-token: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']);
  });

  it('the Rails master key only under config/master.key or config/credentials/*.key', () => {
    const key = 'c8d970add8b5249a2273881604e87338';
    expect(scan(key, 'config/master.key')).toEqual([`rails-master-key:${key}`]);
    expect(scan(key, 'app/config/credentials/production.key')).toEqual([`rails-master-key:${key}`]);
    expect(scan(key, 'config/master.key.sample')).toEqual([]);
    expect(scan(key, 'docs/master.key')).toEqual([]);
  });

  it('path-gated tool rules stay off outside their files', () => {
    expect(scan('  password "GHTzefu4BEft8B"\n', 'home/ops/.esmtprc')).toEqual(['mail-client-password:GHTzefu4BEft8B']);
    expect(scan('  password "GHTzefu4BEft8B"\n', 'src/mail.conf')).toEqual([]);
    expect(scan('  access_token: 17bc9911dac00490a1ed1d3b380196823c0c0a2b510c2d3c9f5af944e24e49fc\n', 'lib/config.yml')).toEqual([]);
    expect(scan('admin:Xa93nLZB3pZ1A\n', 'notes.txt')).toEqual([]);
    const sql = "(1,'admin','$2y$10$TciAycC3Y34bNviF/QmnguhWGVwHzft7Z6VPE63cxs/5UMvzXnjMe')";
    expect(scan(sql, 'db/dump.sql')).toEqual(['sql-dump-password-hash:$2y$10$TciAycC3Y34bNviF/QmnguhWGVwHzft7Z6VPE63cxs/5UMvzXnjMe']);
    expect(scan(sql, 'database/seeders/UserSeeder.php')).toEqual([]);
  });

  it('legacy 40-hex GitHub tokens wherever their tool keeps them', () => {
    const t = '05c123d208dc7a593cffa4463063d2f9c4beed7c';
    expect(scan(`set -gx DANGER_GITHUB_API_TOKEN ${t}\n`, 'home/ana/.config/fish/config.fish')).toEqual([`github-legacy-token-env:${t}`]);
    expect(scan(`[github]\n\tuser = dev\n\ttoken = ${t}\n`, 'home/dev/.gitconfig')).toEqual([`gitconfig-github-token:${t}`]);
    expect(scan(`{\n  "github-oauth": {\n    "github.com": "${t}"\n  }\n}\n`, 'auth.json')).toEqual([`composer-github-oauth:${t}`]);
    // A commit id under a name that is not a token's stays quiet.
    expect(scan(`GITHUB_SHA=${t}\n`, '.env')).toEqual([]);
  });

  it('.netrc entries the ordered rule misses, while the ordered rule keeps its own', () => {
    expect(scan('default login deploy password w0rdpr3ss\n', '.netrc')).toEqual(['netrc-password-any-order:w0rdpr3ss']);
    expect(scan('machine ci.corp.net login ci password Hn7vQ2xLp9Rt\n', '.netrc')).toEqual(['netrc-password:Hn7vQ2xLp9Rt']);
  });
});

describe('password hashes stay off in ordinary source', () => {
  // Test vectors and fixtures hold hashes inside string literals; the record shape
  // `user:hash:` at the start of a line is what shadow, passwd and .htpasswd files are made of.
  const sha512 = '$6$Nk4pQ8rZ$/jhTbLcfcj3QrHiKhJfMrkpPYUtJOcdZFq8edlk8D6JK4n94GDlYNPuZHeYDxCuxCBxtln9yeDB5zaj4RGuDf1';
  const bcrypt = '$2b$10$A4jij7UTQdow7p41d3I7oeqD3hpUfrnRR5Bb6.3Aq8fza5tF1NGAK';
  const apr1 = '$apr1$Vf2kR8mW$Sl4.ICvsi7kBDxttHhuaw1';

  it.each([
    ['a Python test vector', `    ("Bl4ckSm1th!", "${sha512}"),\n`, 'tests/test_crypt.py'],
    ['a Go table test', `\t{"root", "${sha512}", true},\n`, 'crypt_test.go'],
    ['a JS constant', `const HASH = '${bcrypt}';\n`, 'src/auth.js'],
    ['a PHP array', `    'password' => '${bcrypt}',\n`, 'database/factories/UserFactory.php'],
    ['a Ruby heredoc-free fixture', `  encrypted_password: "${bcrypt}"\n`, 'spec/fixtures/users.yml'],
    ['an htpasswd call', `htpasswd -b -c .htpasswd admin '${apr1}'\n`, 'scripts/setup.sh'],
  ])('%s', (_name, text, path) => {
    expect(scanFormats(text, path)).toEqual([]);
  });

  it('a real digest may hold "..." (the crypt alphabet has "."): not taken for an ellipsis placeholder', () => {
    const dots = '$6$Nk4pQ8rZ$/jhTbLcfcj3QrHiKhJfMrkpPYUtJOcdZFq8edlk8D6JK4n94GDlYNPuZHeYDxCuxCBxtln9yeDB5zaj4RGu...';
    expect(scan(`shop:${dots}:2001:2001::/srv/ftp:/bin/false\n`, 'etc/proftpd/proftpdpasswd')).toEqual([`password-hash-line:${dots}`]);
  });

  it('while the same hashes as records are found, whatever the file is called', () => {
    expect(scan(`root:${sha512}:19645:0:99999:7:::\n`, 'backup/shadow.bak')).toEqual([`password-hash-line:${sha512}`]);
    expect(scan(`ftp:${bcrypt}:1001:1001::/srv/ftp:/bin/false\n`, 'etc/proftpd/ftpd.passwd')).toEqual([`password-hash-line:${bcrypt}`]);
    expect(scan(`x\nadmin:${apr1}\r\n`, 'htpasswd')).toEqual([`password-hash-line:${apr1}`]);
    // A locked account keeps its hash behind "!": still crackable.
    expect(scan(`old:!${sha512}:19645::::::\n`, 'shadow')).toEqual([`password-hash-line:${sha512}`]);
  });
});

describe('bounded and windowed', () => {
  it('every format rule is bounded, and each positive match holds one of its keywords', () => {
    for (const r of formatRules) {
      const pattern = r.pattern as RegExp;
      expect(maxMatchLength(pattern), r.id).toBeLessThan(20_000);
      if (r.paths) continue; // gated by path, run on the whole text
      const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
      for (const { text } of r.examples.positive) {
        const m = re.exec(text);
        expect(m, `${r.id}: ${text.slice(0, 40)}`).not.toBeNull();
        expect(r.keywords.some((k) => m![0].toLowerCase().includes(k)), r.id).toBe(true);
      }
    }
  });

  it('finds a format secret deep inside a large text, where only windows around keywords are scanned', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(4000);
    const text = `${filler}\nexport HOMEBREW_GITHUB_API_TOKEN=05c123d208dc7a593cffa4463063d2f9c4beed7c\n${filler}\nroot:$1$Qx9vB3$OuzvsKlfvJRE0ZhdjJQAx/:2001:2001::/:/bin/false\n${filler}`;
    expect(scan(text)).toEqual(['github-legacy-token-env:05c123d208dc7a593cffa4463063d2f9c4beed7c', 'password-hash-line:$1$Qx9vB3$OuzvsKlfvJRE0ZhdjJQAx/']);
  });

  it.each([
    ['unterminated URLs with an empty user', 'redis://:' + 'p'.repeat(1_000_000)],
    ['service URLs that never reach @', 'smtp://u:' + 'x:'.repeat(500_000)],
    ['hash lines that never end', 'root:$6$' + 'a$'.repeat(500_000)],
    ['yescrypt separators', 'u:$y$' + '$'.repeat(1_000_000)],
    ['define() that never closes', "define('AUTH_KEY', '" + 'q#7L'.repeat(250_000)],
    ['SECRET_KEY followed by a long key-alphabet run', "SECRET_KEY = '" + 'a1!('.repeat(250_000)],
    ['GitHub token names back to back', 'GITHUB_TOKEN='.repeat(100_000)],
    ['Django key-alphabet runs after many keywords', "SECRET_KEY='".repeat(80_000)],
  ])('does not hang on %s', { timeout: 20_000 }, (_name, input) => {
    expect(() => matcher.scan(input, 'etc/shadow')).not.toThrow();
  });
});
