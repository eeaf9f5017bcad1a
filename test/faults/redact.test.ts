// The stderr redactor: the safety net under "errors never echo input values"; and masking last:
// a secret also sitting in a commit message, author or path is masked in every report field.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactTokens, safeMessage } from '../../src/safe-message.js';
import { tempRepos } from '../helpers/git.js';
import { awsKeyId, awsSecret, githubToken } from '../helpers/secrets.js';
import { cli, expectContract } from './harness.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** 40 characters of [A-Za-z0-9+/] drawn from sha256 of a counter: AWS-secret-shaped, the same on every run. */
function seededAwsSecret(i: number): string {
  const bytes = createHash('sha256').update(`nhiscan-redact-${i}`).digest();
  const more = createHash('sha256').update(`nhiscan-redact-${i}-2`).digest();
  return [...Buffer.concat([bytes, more]).subarray(0, 40)].map((b) => B64[b % 64]).join('');
}

describe('safeMessage', () => {
  it('removes provider tokens and random-looking key material', async () => {
    const gh = githubToken();
    const secret = awsSecret();
    const out = await safeMessage(`nhiscan: bad value ${gh} near ${secret}`);
    expect(out).not.toContain(gh);
    expect(out).not.toContain(secret.split('/').sort((a, b) => b.length - a.length)[0]);
    expect(out).toContain('[redacted]');
  });

  it("drops what V8's JSON.parse quotes from the input", async () => {
    let message = '';
    try {
      JSON.parse('{"entries": [hunter2hunter2]}');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('hunter2');
    expect(await safeMessage(`nhiscan: x.json: ${message}`)).not.toContain('hunter2');
  });

  it('keeps what a responder acts on: paths, commit ids, key ids, ARNs', async () => {
    const key = awsKeyId('123456789012');
    const line = `nhiscan: /tmp/nhiscan-fault-rem-wm9FPb/new-key.json: EEXIST; commit 0123456789abcdef0123456789abcdef01234567; ${key}; arn:aws:iam::123456789012:user/svc-deploy-Prod2`;
    expect(await safeMessage(line)).toBe(line);
  });

  it('keeps ordinary paths, refs and URLs readable, CamelCase and digits included', async () => {
    for (const path of [
      '/home/user/Projects/MyApp2/src/config',
      '/work/bench-repos/curl.git',
      '/Users/JohnSmith/Documents/MyProject2/src/components/UserProfile/EditForm.tsx',
      'C:/Users/Admin/AppData/Local/Temp/nhiscan',
      '/var/lib/jenkins/workspace/Deploy_Prod_2024/infra/terraform',
      '/home/runner/work/nhiscan/nhiscan/test/fixtures/AwsSecretKey2.txt',
      'refs/remotes/origin/feature/JIRA1234',
      'https://github.com/MyOrg/MyRepo2/pull/123',
      '/etc/ssl/certs/Sectigo_Public_Server_Authentication_Root_E46.pem',
    ]) {
      const line = `nhiscan: target not found: ${path}`;
      expect(await safeMessage(line)).toBe(line);
    }
  });

  it('removes AWS secret keys holding / or +, alone, quoted, as a flag or inside a path (which stays readable)', async () => {
    // Fixed keys with slashes at the edges and in the middle, then random ones: about half of real keys hold a /.
    const keys = ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lm3Rt7V', '/0FGTtIL/B+D1WJ0C5RQBETCu9ywXZO93fqe+QDO', 'C7ekkliIPFURCXTKbq+MZiRgq/akaxF6yHVhAmtu'];
    // Then 500 more from a fixed seed: the redactor is a heuristic, and its test must not be flaky.
    for (let i = 0; i < 500; i++) keys.push(seededAwsSecret(i));
    for (const key of keys) {
      for (const line of [`nhiscan: invalid size "${key}"`, `nhiscan: unknown revision: ${key}`, `nhiscan: unknown option '--${key}'`, `nhiscan: cannot read ${key}/config`]) {
        expect(await safeMessage(line), line).not.toContain(key);
      }
      expect(await safeMessage(`nhiscan: target not found: /tmp/${key}`), key).not.toContain(key);
    }
    // The path around the key stays, so the user still sees where.
    for (const key of keys.slice(0, 3)) expect(await safeMessage(`nhiscan: target not found: /tmp/${key}`)).toMatch(/^nhiscan: target not found: \/tmp\/\[redacted\]$/);
  });

  it('removes other key material with / or + (base64 blobs, tokens with a word prefix)', async () => {
    for (let i = 0; i < 50; i++) {
      const blob = Buffer.concat([0, 1].map((k) => createHash('sha256').update(`blob-${i}-${k}`).digest())).subarray(0, 48).toString('base64');
      expect(await safeMessage(`nhiscan: bad key ${blob}`)).not.toContain(blob.slice(8, 40));
    }
    const stripe = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcZ2';
    expect(await safeMessage(`nhiscan: bad ${stripe}`)).not.toContain('4eC39HqLyjWDarjtT1zdp7dc');
  });
});

const repo = tempRepos();

/** A repo whose commit message and author name both hold the token committed in the file. */
function leakyRepo(): { dir: string; token: string } {
  const token = githubToken();
  const r = repo();
  r.git('config', 'user.name', token);
  r.git('config', 'user.email', `${token}@example.org`);
  r.commit(`add ${token}`, { [`config/${token}.txt`]: 'placeholder\n', 'a.env': `t="${token}"\n` });
  return { dir: r.dir, token };
}

describe('redactTokens', () => {
  it('judges the same runs as the regex it replaced, on random text', () => {
    let seed = 3;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = `${B64}_=  .:-é\n`;
    for (let k = 0; k < 300; k++) {
      let text = '';
      const len = rand(400);
      while (text.length < len) text += rand(6) === 0 ? seededAwsSecret(k + text.length) : alphabet[rand(alphabet.length)];
      // A whole run is judged as itself, so the regex with redactTokens per run is the reference.
      const reference = text.replace(/[A-Za-z0-9+/_=]{20,}/g, (run) => redactTokens(run));
      expect(redactTokens(text), text).toBe(reference);
    }
  });

  it('takes a run of ten million characters (the regex threw "Maximum call stack size exceeded")', () => {
    const run = 'S'.repeat(10_000_000);
    expect(redactTokens(`subject: ${run} end`)).toBe(`subject: ${run} end`);
  });
});

describe('masking last: no report field carries a found secret', () => {
  it.each(['json', 'jsonl', 'text', 'sarif'])('scan --format %s: message, author, email and path are masked', { timeout: 30_000 }, async (format) => {
    const { dir, token } = leakyRepo();
    const r = await cli(['scan', dir, '-f', format, '--no-color']);
    expectContract(r, { code: 1, secrets: [token] });
    // The finding is still there, named by its redacted form.
    expect(r.stdout).toContain(token.slice(0, 6));
    if (format === 'json') {
      const loc = JSON.parse(r.stdout).findings[0].location;
      expect(loc.message).toBe(`add ${token.slice(0, 6)}********`);
      expect(loc.author).toBe(`${token.slice(0, 6)}********`);
    }
  });

  it('a secret found in one finding is masked in the fields of another', { timeout: 30_000 }, async () => {
    const token = githubToken();
    const key = awsSecret();
    const r0 = repo();
    r0.commit('add the key', { 'aws.env': `aws_secret_access_key = ${key}\n` });
    r0.commit(`rotate; old token was ${token}, key ${key}`, { 'gh.env': `GITHUB_TOKEN=${token}\n` });
    const r = await cli(['scan', r0.dir, '-f', 'json']);
    expectContract(r, { code: 1, secrets: [token, key] });
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThanOrEqual(2);
  });

  it('a commit subject of ten million letters: the finding, its subject whole, exit 1 (a regex over it overflowed V8\'s stack)', { timeout: 60_000 }, async () => {
    const key = awsSecret();
    const r0 = repo();
    const msg = join(mkdtempSync(join(tmpdir(), 'nhiscan-msg-')), 'msg');
    writeFileSync(msg, `${'S'.repeat(10_000_000)}\n`);
    writeFileSync(join(r0.dir, 'aws.env'), `aws_secret_access_key = ${key}\n`);
    r0.git('add', 'aws.env');
    r0.git('commit', '-q', '-F', msg);
    const r = await cli(['scan', r0.dir, '-f', 'json']);
    expectContract(r, { code: 1, secrets: [key] });
    const report = JSON.parse(r.stdout);
    expect(report.coverage.complete).toBe(true);
    expect(report.findings.length).toBeGreaterThanOrEqual(1);
    expect(report.findings[0].location.message).toHaveLength(10_000_000);
  });

  it('--show-secrets keeps everything (the user asked for it)', { timeout: 30_000 }, async () => {
    const { dir, token } = leakyRepo();
    const r = await cli(['scan', dir, '-f', 'json', '--show-secrets']);
    expectContract(r, { code: 1, secrets: [token], stdoutMayHold: true });
    expect(JSON.parse(r.stdout).findings[0].location.message).toBe(`add ${token}`);
  });

  const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'aws');
  const offline = ['--credential-report', join(FIX, 'credential-report.csv'), '--authorization-details', join(FIX, 'authorization-details.json')];

  it.each(['json', 'text', 'markdown', 'csv', 'sarif'])('audit --format %s and its --html file are masked', { timeout: 30_000 }, async (format) => {
    const { dir, token } = leakyRepo();
    const html = join(mkdtempSync(join(tmpdir(), 'nhiscan-mask-')), 'a.html');
    const r = await cli(['audit', dir, ...offline, '-f', format, '--html', html, '--no-color']);
    expectContract(r, { code: 1, secrets: [token] });
    expect(readFileSync(html, 'utf8').includes(token)).toBe(false);
  });

  it('audit --show-secrets: the HTML holds the secret (README: redacted unless --show-secrets)', { timeout: 30_000 }, async () => {
    const { dir, token } = leakyRepo();
    const html = join(mkdtempSync(join(tmpdir(), 'nhiscan-mask-')), 'a.html');
    const r = await cli(['audit', dir, ...offline, '-f', 'json', '--html', html, '--show-secrets']);
    expectContract(r, { code: 1, secrets: [token], stdoutMayHold: true });
    expect(readFileSync(html, 'utf8')).toContain(token);
  });
});

const AWS_FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'aws');

describe('masking last: secrets only in commit metadata', () => {
  const repo = tempRepos();
  it('a token or AWS secret key in a commit message or author name is masked though no blob holds it', async () => {
    const r = repo();
    const inFile = githubToken();
    const inMessage = githubToken();
    const inAuthor = githubToken();
    const aws = awsSecret();
    r.write('a.env', `T=${inFile}\n`);
    r.git('add', '-A');
    r.git('-c', `user.name=${inAuthor}`, 'commit', '-q', '-m', `fix ${inMessage} and ${aws}`);
    for (const format of ['json', 'jsonl', 'text', 'sarif', 'markdown']) {
      const args = format === 'markdown' ? ['audit', r.dir, '--credential-report', join(AWS_FIX, 'credential-report.csv'), '--authorization-details', join(AWS_FIX, 'authorization-details.json'), '-f', format] : ['scan', r.dir, '-f', format];
      const run = await cli(args);
      expect(run.code, `${format}: ${run.stderr}`).toBe(1);
      for (const s of [inFile, inMessage, inAuthor, aws]) expect(run.stdout.includes(s), `${format} holds a secret`).toBe(false);
    }
    const shown = await cli(['scan', r.dir, '-f', 'json', '--show-secrets']);
    expect(shown.stdout).toContain(inMessage);
  });
});
