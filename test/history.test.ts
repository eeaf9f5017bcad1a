import { describe, expect, it } from 'vitest';
import { awsKeyId, awsSecret, githubToken } from './helpers/secrets.js';
import { TempRepo, tempRepos } from './helpers/git.js';
import { bySecret, scan, secrets } from './helpers/scan.js';

const repo = tempRepos();

describe('git history source', () => {
  it('finds a secret that only lives in a file deleted later, with its introducing commit', async () => {
    const r = repo();
    r.commit('init', { 'README.md': 'hello\n' });
    const token = githubToken();
    const added = r.commit('add config', { 'config/ci.env': `\nGITHUB_TOKEN=${token}\n` });
    r.remove('config/ci.env');
    r.commit('remove config');
    const report = await scan(r.dir);
    const f = bySecret(report, token);
    expect(f).toBeDefined();
    expect(f!.location).toMatchObject({ path: 'config/ci.env', line: 2, column: 14, commit: added, author: 'Dev Eloper', email: 'dev@example.org', message: 'add config' });
    expect(f!.location.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(f!.inHead).toBe(false);
    expect(f!.validation).toBe('checksum ok');
  });

  it('finds a secret only on a non-default branch', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    r.git('checkout', '-q', '-b', 'feature/x');
    const token = githubToken('ghs_');
    const c = r.commit('wip', { 'b.txt': `token: ${token}\n` });
    r.git('checkout', '-q', 'main');
    const f = bySecret(await scan(r.dir), token);
    expect(f?.location.commit).toBe(c);
    expect(f?.inHead).toBe(false);
  });

  it('finds a secret reachable only through a tag', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    r.git('checkout', '-q', '--detach');
    const key = awsKeyId('123456789012');
    const c = r.commit('release build', { 'dist/env.sh': `export AWS_ACCESS_KEY_ID=${key}\n` });
    r.git('tag', '-a', 'v9', '-m', 'release');
    r.git('checkout', '-q', 'main');
    const f = bySecret(await scan(r.dir), key);
    expect(f?.location.commit).toBe(c);
    expect(f?.account).toBe('123456789012');
    expect(f?.identifier).toBe(key);
  });

  it("finds a secret that exists only in a merge's conflict resolution", async () => {
    const r = repo();
    r.commit('init', { 'settings.py': 'DB = "x"\n' });
    r.git('checkout', '-q', '-b', 'side');
    r.commit('side change', { 'settings.py': 'DB = "side"\n' });
    r.git('checkout', '-q', 'main');
    r.commit('main change', { 'settings.py': 'DB = "main"\n' });
    try {
      r.git('merge', '-q', 'side');
    } catch {
      // conflict expected
    }
    r.write('settings.py', 'DB = "postgres://app:Hq8vL2mX7pR4@db.internal:5432/app"\n');
    r.git('add', 'settings.py');
    r.git('commit', '-q', '--no-edit');
    const merge = r.head();
    const f = bySecret(await scan(r.dir), 'Hq8vL2mX7pR4');
    expect(f?.ruleId).toBe('database-url-password');
    expect(f?.location.commit).toBe(merge);
    expect(f?.inHead).toBe(true);
  });

  it('reports a renamed file once, with both paths and the first introduction', async () => {
    const r = repo();
    const token = githubToken();
    const first = r.commit('add', { 'old/name.env': `T=${token}\n` });
    r.git('mv', 'old/name.env', 'renamed.env');
    r.commit('rename');
    const report = await scan(r.dir);
    const hits = secrets(report).filter((f) => f.secret === token);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.location.commit).toBe(first);
    expect(hits[0]!.location.path).toBe('old/name.env');
    expect(hits[0]!.occurrences).toMatchObject({ commits: 2, paths: 2, blobs: 1 });
    expect(hits[0]!.inHead).toBe(true);
  });

  it('scans each unique blob once however many commits carry it', async () => {
    const r = repo();
    const token = githubToken();
    r.commit('add', { 'a.env': `T=${token}\n` });
    for (let i = 0; i < 5; i++) r.commit(`other ${i}`, { 'n.txt': `${i}\n` });
    const report = await scan(r.dir);
    // a.env's blob plus five versions of n.txt
    expect(report.summary.scan?.blobs).toBe(6);
    expect(secrets(report).filter((f) => f.secret === token)).toHaveLength(1);
  });

  it('counts binary blobs (read for printable text only) and skips oversized ones', async () => {
    const r = repo();
    const token = githubToken();
    r.commit('bin', { 'img.bin': Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(`T=${token}`)]) });
    r.commit('big', { 'big.txt': `${'x'.repeat(2048)}\nT=${githubToken()}\n` });
    const report = await scan(r.dir, { maxFileSize: 1024 });
    expect(report.summary.scan).toMatchObject({ skippedBinary: 1, skippedLarge: 1, blobs: 0 });
    // The binary blob's token is found in its printable text; the oversized blob is not read at all.
    expect(report.findings.map((f) => [f.ruleId, 'location' in f ? f.location.path : ''])).toEqual([['github-personal-access-token', 'img.bin']]);
  });

  it('covers stash entries, notes and remote-tracking refs', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    const stashed = githubToken();
    r.write('a.txt', `T=${stashed}\n`);
    r.git('stash', '-q');
    const older = githubToken('gho_');
    r.write('a.txt', `T=${older}\n`);
    r.git('stash', '-q');
    const noted = githubToken('ghu_');
    r.git('notes', 'add', '-m', `deploy token ${noted}`);
    const remote = githubToken('ghr_');
    r.git('checkout', '-q', '-b', 'tmp');
    r.commit('remote only', { 'r.txt': `T=${remote}\n` });
    r.git('update-ref', 'refs/remotes/origin/feature', 'HEAD');
    r.git('checkout', '-q', 'main');
    r.git('branch', '-q', '-D', 'tmp');
    const found = secrets(await scan(r.dir)).map((f) => f.secret);
    expect(found).toEqual(expect.arrayContaining([stashed, older, noted, remote]));
  });

  it('--all-objects also finds dangling blobs and unreachable commits', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    const dangling = githubToken();
    r.write('loose.txt', `T=${dangling}\n`);
    r.git('add', 'loose.txt');
    r.git('reset', '-q', 'loose.txt');
    const lost = githubToken('gho_');
    r.git('checkout', '-q', '-b', 'gone');
    const lostCommit = r.commit('soon unreachable', { 'b.txt': `T=${lost}\n` });
    r.git('checkout', '-q', 'main');
    r.git('branch', '-q', '-D', 'gone');
    r.git('reflog', 'expire', '--expire=now', '--all');

    const reachable = secrets(await scan(r.dir)).map((f) => f.secret);
    expect(reachable).not.toContain(dangling);
    expect(reachable).not.toContain(lost);

    const all = await scan(r.dir, { allObjects: true });
    expect(bySecret(all, dangling)).toBeDefined();
    expect(bySecret(all, lost)?.location.commit).toBe(lostCommit);
  });

  it('--since and --range scan only what the range introduced', async () => {
    const r = repo();
    const old = githubToken();
    const base = r.commit('old', { 'old.env': `T=${old}\n` });
    const fresh = githubToken('gho_');
    const c1 = r.commit('new', { 'new.env': `T=${fresh}\n` });
    r.commit('unrelated', { 'x.txt': 'x\n' });

    const since = await scan(r.dir, { since: base });
    expect(secrets(since).map((f) => f.secret)).toEqual([fresh]);
    expect(bySecret(since, fresh)?.location.commit).toBe(c1);
    expect(since.summary.scan?.commits).toBe(2);
    expect(since.summary.scan?.blobs).toBe(2);

    const range = await scan(r.dir, { range: `${base}..${c1}` });
    expect(secrets(range).map((f) => f.secret)).toEqual([fresh]);
    await expect(scan(r.dir, { range: 'nope..HEAD' })).rejects.toThrow(/unknown revision/);
  });

  it('--staged scans only the index, including in a repository with no commits', async () => {
    const r = repo();
    const token = githubToken();
    r.write('staged.env', `T=${token}\n`);
    r.write('unstaged.env', `T=${githubToken('gho_')}\n`);
    r.git('add', 'staged.env');
    const report = await scan(r.dir, { staged: true });
    expect(secrets(report).map((f) => [f.secret, f.location.path, f.inHead])).toEqual([[token, 'staged.env', null]]);
    r.commit('commit it');
    r.write('staged.env', 'T=removed\n');
    r.git('add', 'staged.env');
    expect((await scan(r.dir, { staged: true })).findings).toHaveLength(0);
  });

  it('groups one secret seen in several files into one finding with every path', async () => {
    const r = repo();
    const key = awsSecret();
    r.commit('one', { 'a.cfg': `aws_secret_access_key = ${key}\n` });
    r.commit('two', { 'b.cfg': `# copy\naws_secret_access_key = ${key}\n` });
    const f = secrets(await scan(r.dir)).filter((x) => x.ruleId === 'aws-secret-access-key');
    expect(f).toHaveLength(1);
    expect(f[0]!.occurrences).toMatchObject({ commits: 2, paths: 2, blobs: 2 });
    expect(f[0]!.occurrences.locations.map((l) => [l.path, l.line])).toEqual([
      ['a.cfg', 1],
      ['b.cfg', 2],
    ]);
  });
});

describe('sensitive files', () => {
  it('reports a keystore by its path even though it is binary, once per content, with provenance', async () => {
    const r = new TempRepo();
    try {
      const c = r.commit('add signing material', { 'release/app.p12': Buffer.from([0x30, 0x82, 0, 1, 2, 3, 0, 9]), 'notes.txt': 'hi\n' });
      r.git('mv', 'release/app.p12', 'app-copy.p12');
      r.commit('move');
      const report = await scan(r.dir);
      const files = report.findings.filter((f) => f.kind === 'sensitive-file');
      expect(files).toHaveLength(1);
      expect(files[0]).toMatchObject({ ruleId: 'file-pkcs12', secret: '', inHead: true, location: { path: 'release/app.p12', commit: c, line: 0 } });
      expect(report.summary.scan?.skippedBinary).toBe(1);
    } finally {
      r.cleanup();
    }
  });
});
