// Git and file sources under hostile conditions: a repository git refuses, a shallow clone, missing
// objects, wrong inputs, unreadable targets, odd names, and a range that edits its own gate.
// Every case runs the built CLI and checks the contract: exit class, one stderr line, the report
// still written on exit 3, and no planted secret anywhere it should not be.
import { spawnSync, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, TempRepo, tempRepos } from '../helpers/git.js';
import { githubToken } from '../helpers/secrets.js';
import { cli, expectContract, type FaultRun } from './harness.js';

const repo = tempRepos();
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function tempDir(prefix = 'nhiscan-git-fault-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

interface JsonReport {
  findings: Array<{ ruleId: string; secret: string; severity: string; location: { path: string; commit?: string } }>;
  coverage: { complete: boolean; gaps: Array<{ scope: string; reason: string }> };
  summary: { scan?: { skippedLarge: number } };
}
function report(r: FaultRun): JsonReport {
  expect(r.stdout, `no report on stdout; stderr: ${r.stderr}`).not.toBe('');
  return JSON.parse(r.stdout) as JsonReport;
}
const gapText = (rep: JsonReport) => rep.coverage.gaps.map((g) => `${g.scope}: ${g.reason}`).join('\n');

/** A repository whose only secret lives in history: a plain-directory scan of it looks clean. */
function historyOnlySecret(): { r: TempRepo; token: string } {
  const r = repo();
  const token = githubToken();
  r.commit('init', { 'README.md': 'hi\n' });
  r.commit('leak', { 'ci.env': `GITHUB_TOKEN=${token}\n` });
  r.remove('ci.env');
  r.commit('remove leak');
  return { r, token };
}

function objectFile(r: TempRepo, id: string): string {
  return join(r.dir, '.git', 'objects', id.slice(0, 2), id.slice(2));
}

/**
 * Run the CLI as root without the capabilities that override permission bits, so files owned by
 * `nobody` with owner-only modes are really unreadable. (Switching to `nobody` itself would also
 * lock the CLI out when the checkout sits in a 0700 directory, as CI's fresh clone may.)
 */
const NO_DAC = '-dac_override,-dac_read_search';
function withoutDac(args: string[], cwd = tmpdir()): FaultRun {
  const res = spawnSync('setpriv', [`--inh-caps=${NO_DAC}`, `--bounding-set=${NO_DAC}`, '--', process.execPath, CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', NO_COLOR: '1' },
  });
  return { code: res.status, signal: res.signal, stdout: res.stdout, stderr: res.stderr };
}

describe('a repository git refuses is never a clean directory (item 2)', () => {
  it('another owner ("dubious ownership"): exit 3, git\'s reason and the safe.directory fix, report written', async () => {
    const { r, token } = historyOnlySecret();
    execFileSync('chown', ['-R', 'nobody', r.dir]);
    const run = await cli(['scan', r.dir, '-f', 'json']);
    expectContract(run, { code: 3, secrets: [token], says: /git config --global --add safe\.directory .*nhiscan-test-/ });
    const rep = report(run);
    expect(rep.coverage.complete).toBe(false);
    expect(gapText(rep)).toMatch(/owned by another user.*safe\.directory/);
  });

  it('the same for --staged and --all-objects', async () => {
    const { r } = historyOnlySecret();
    execFileSync('chown', ['-R', 'nobody', r.dir]);
    for (const flag of ['--staged', '--all-objects']) {
      const run = await cli(['scan', r.dir, flag, '-f', 'json']);
      expectContract(run, { code: 3, says: /safe\.directory/ });
      expect(report(run).coverage.complete).toBe(false);
    }
  });

  it('a broken .git/config: exit 3 naming git\'s line, not a directory scan', async () => {
    const { r, token } = historyOnlySecret();
    writeFileSync(join(r.dir, '.git', 'config'), '[core]\n\trepositoryformatversion = 0\n=== garbage [[[\n', { flag: 'a' });
    const run = await cli(['scan', r.dir, '-f', 'json']);
    expectContract(run, { code: 3, secrets: [token], says: /bad config line/ });
    expect(report(run).coverage.complete).toBe(false);
  });

  it('a subdirectory of a refused repository is still scanned as files, as any subdirectory is', async () => {
    const r = repo();
    const token = githubToken();
    r.commit('init', { 'app/ci.env': `T=${token}\n` });
    execFileSync('chown', ['-R', 'nobody', r.dir]);
    const run = await cli(['scan', join(r.dir, 'app'), '-f', 'json']);
    expectContract(run, { code: 1, secrets: [token] });
    expect(report(run).findings.map((f) => f.location.path)).toEqual(['ci.env']);
  });

  it('a broken refs/stash is a gap, not "no stash"; an unborn HEAD with other branches is complete', async () => {
    const { r } = historyOnlySecret();
    writeFileSync(join(r.dir, '.git', 'refs', 'stash'), 'not-an-object-id\n');
    const broken = await cli(['scan', r.dir, '-f', 'json']);
    expectContract(broken, { code: 3, says: /stash/ });
    expect(gapText(report(broken))).toMatch(/stash/);

    unlinkSync(join(r.dir, '.git', 'refs', 'stash'));
    r.git('checkout', '-q', '--orphan', 'fresh');
    const orphan = await cli(['scan', r.dir, '-f', 'json']);
    expectContract(orphan, { code: 1 });
    const rep = report(orphan);
    expect(rep.coverage).toEqual({ complete: true, gaps: [] });
    expect(rep.findings).toHaveLength(1);
  });
});

describe('a shallow clone is not complete history (item 3)', () => {
  function shallow(depth: number): { r: TempRepo; clone: string; token: string; commits: string[] } {
    const { r, token } = historyOnlySecret();
    const commits = [r.commit('later 1', { 'a.txt': '1\n' }), r.commit('later 2', { 'a.txt': '2\n' })];
    const clone = join(tempDir(), 'clone');
    execFileSync('git', ['clone', '-q', '--no-local', `--depth=${depth}`, `file://${r.dir}`, clone], { stdio: 'ignore' });
    return { r, clone, token, commits };
  }

  it('a full-history scan of a depth-1 clone: exit 3, one line naming git fetch --unshallow', async () => {
    const { clone } = shallow(1);
    const run = await cli(['scan', clone, '-f', 'json']);
    expectContract(run, { code: 3, says: /^nhiscan: incomplete: shallow clone: .*git fetch --unshallow/ });
    expect(report(run).coverage.gaps[0]?.scope).toBe('shallow clone');
  });

  it('a range whose commits are all present is complete; a base cut off by the clone is exit 3, not "unknown revision"', async () => {
    const { r, clone } = shallow(2);
    const present = await cli(['scan', clone, '--since', 'HEAD~1', '-f', 'json']);
    expectContract(present, { code: 0 });
    expect(report(present).coverage.complete).toBe(true);

    // By name: HEAD~3 exists upstream, but the clone cannot resolve it; by id: the object is absent.
    const cut = await cli(['scan', clone, '--since', 'HEAD~3', '-f', 'json']);
    expectContract(cut, { code: 3, says: /unknown revision in --since\/--range, in a shallow clone.*git fetch --unshallow/ });
    expect(report(cut).coverage.complete).toBe(false);
    const old = r.git('rev-parse', 'HEAD~3').trim();
    const missing = await cli(['scan', clone, '--range', `${old}..HEAD`, '-f', 'json']);
    expectContract(missing, { code: 3, says: /missing from this repository \(a shallow clone; run git fetch --unshallow/ });
    expect(report(missing).coverage.complete).toBe(false);
  });
});

describe('a missing object costs only itself (item 4)', () => {
  /** Secret in an old commit; a newer side branch holds the object we delete. */
  function withSideBranch(side: Record<string, string>) {
    const r = repo();
    const token = githubToken();
    const leak = r.commit('leak', { 'old.env': `T=${token}\n` });
    r.remove('old.env');
    r.commit('remove');
    r.git('checkout', '-q', '-b', 'side');
    r.commit('side work', side);
    r.git('checkout', '-q', 'main');
    r.commit('main work', { 'm.txt': 'm\n' });
    return { r, token, leak };
  }

  it('a missing blob: the walk goes on, later blobs are scanned, the id is the gap', async () => {
    const { r, token } = withSideBranch({ 'side.txt': 'only on side\n' });
    const blob = r.git('rev-parse', 'side:side.txt').trim();
    unlinkSync(objectFile(r, blob));
    const run = await cli(['scan', r.dir, '-f', 'json', '--show-secrets']);
    expectContract(run, { code: 3, secrets: [token], stdoutMayHold: true, says: new RegExp(blob) });
    const rep = report(run);
    expect(rep.findings.map((f) => f.secret)).toEqual([token]);
    expect(gapText(rep)).toMatch(new RegExp(`git objects: 1 object\\(s\\) missing or unreadable: ${blob}`));
  });

  it('a missing tree: named as a gap (git 2.39 skips it silently in a blob listing), other blobs still scanned', async () => {
    const { r, token } = withSideBranch({ 'dir/side.txt': 'only on side\n' });
    const tree = r.git('rev-parse', 'side:dir').trim();
    unlinkSync(objectFile(r, tree));
    const run = await cli(['scan', r.dir, '-f', 'json', '--show-secrets']);
    expectContract(run, { code: 3, secrets: [token], stdoutMayHold: true });
    const rep = report(run);
    expect(rep.findings.map((f) => f.secret)).toEqual([token]);
    expect(gapText(rep)).toContain(tree);
    // git log cannot diff past the missing tree either: provenance says so instead of vanishing.
    expect(gapText(rep)).toMatch(/git log \(provenance\): .*unable to read tree/);
  });

  it("a damaged pack (cat-file dies inside an object): exit 3, the report with git's reason and every other gap, with 1 and 2 workers", async () => {
    const r = repo();
    const token = githubToken();
    r.commit('leak', { 'leak.env': `T=${token}\n` });
    // A walk far larger than a pipe holds, so most of it is still to be fed when cat-file dies.
    const many: Record<string, string> = {};
    for (let i = 0; i < 12_000; i++) many[`many/f${i}.txt`] = `${i}\n`;
    r.commit('many', many);
    // The newest commit's blobs come first in the pack, so cat-file dies early, on this one.
    r.commit('big', { 'big.txt': `${randomBytes(200_000).toString('hex').replace(/(.{64})/g, '$1\n')}` });
    r.git('repack', '-adq');
    // And one loose blob gone: the walk names it, a gap of its own that must survive cat-file's death.
    r.commit('lost', { 'lost.txt': 'gone before the scan\n' });
    const lost = r.git('rev-parse', 'HEAD:lost.txt').trim();
    unlinkSync(objectFile(r, lost));
    const packs = readdirSync(join(r.dir, '.git', 'objects', 'pack')).filter((f) => f.endsWith('.pack'));
    expect(packs).toHaveLength(1);
    const path = join(r.dir, '.git', 'objects', 'pack', packs[0]!);
    // Damage the big blob's compressed bytes, found by its offset in the pack.
    const big = r.git('rev-parse', 'HEAD~1:big.txt').trim();
    const entry = r.git('verify-pack', '-v', path.replace(/\.pack$/, '.idx')).split('\n').find((l) => l.startsWith(big));
    expect(entry, 'the big blob is in the pack').toBeDefined();
    const offset = Number(entry!.trim().split(/\s+/)[4]);
    chmodSync(path, 0o644);
    const bytes = readFileSync(path);
    for (let o = offset + 100; o < offset + 2100; o++) bytes[o] = bytes[o]! ^ 0x55;
    writeFileSync(path, bytes);
    for (const workers of ['1', '2']) {
      const run = await cli(['scan', r.dir, '-f', 'json', '--show-secrets', '--workers', workers]);
      expectContract(run, { code: 3, secrets: [token], stdoutMayHold: true, says: /^nhiscan: incomplete: / });
      const rep = report(run);
      expect(rep.coverage.complete).toBe(false);
      expect(gapText(rep), `--workers ${workers}`).toMatch(new RegExp(`(git cat-file output ended inside object|git cat-file: .*stopped inside object) ${big}`));
      expect(gapText(rep), `--workers ${workers}`).toContain(`git objects: 1 object(s) missing or unreadable: ${lost}`);
    }
  });

  it('a missing commit: exit 3 with the report and git\'s reason (git cannot walk past it)', async () => {
    const { r } = withSideBranch({ 'side.txt': 'x\n' });
    unlinkSync(objectFile(r, r.git('rev-parse', 'side').trim()));
    const run = await cli(['scan', r.dir, '-f', 'json']);
    expectContract(run, { code: 3 });
    expect(report(run).coverage.complete).toBe(false);
  });
});

describe('every exit 3 of scan writes a report (item 13)', () => {
  it('a range git cannot finish: the findings so far, the gap, one line', async () => {
    const r = repo();
    const base = r.commit('base', { 'a.txt': 'a\n' });
    const token = githubToken();
    r.commit('leak', { 'leak.env': `T=${token}\n` });
    r.commit('nested', { 'dir/x.txt': 'x\n' });
    unlinkSync(objectFile(r, r.git('rev-parse', 'HEAD:dir').trim()));
    const run = await cli(['scan', r.dir, '--since', base, '-f', 'json']);
    expectContract(run, { code: 3, secrets: [token], says: /^nhiscan: incomplete: / });
    const rep = report(run);
    expect(rep.coverage.complete).toBe(false);
    expect(gapText(rep)).toMatch(/git log \(range\)/);
  });

  it('git missing from PATH, at planning time: report with the gap, one line', async () => {
    const { r } = historyOnlySecret();
    const run = await cli(['scan', r.dir, '-f', 'json'], { env: { PATH: '/nonexistent' } });
    expectContract(run, { code: 3, says: /git is not installed/ });
    expect(gapText(report(run))).toMatch(/git is not installed/);
  });

  it('usage errors (exit 2) write no report', async () => {
    const { r } = historyOnlySecret();
    const run = await cli(['scan', r.dir, '--since', 'no-such-rev', '-f', 'json']);
    expectContract(run, { code: 2, says: /unknown revision in --since\/--range/ });
    expect(run.stdout).toBe('');
  });
});

describe('wrong inputs are refused (item 15)', () => {
  it('stdin that is a directory: exit 2 naming stdin', async () => {
    const run = await cli(['scan', '-', '-f', 'json'], { stdinPath: tempDir() });
    expectContract(run, { code: 2, says: /stdin/ });
    expect(run.stdout).toBe('');
  });

  it("--since '' and --range '' (and --range ..) are usage errors, not full scans", async () => {
    const { r, token } = historyOnlySecret();
    for (const args of [['--since', ''], ['--range', ''], ['--range', '..'], ['--range', 'HEAD']]) {
      const run = await cli(['scan', r.dir, ...args, '-f', 'json']);
      expectContract(run, { code: 2, secrets: [token], says: /--since|--range/ });
      expect(run.stdout).toBe('');
    }
  });

  it('a symlink target is held to --max-file-size by its target\'s size', async () => {
    const d = tempDir();
    const token = githubToken();
    writeFileSync(join(d, 'big.env'), `${'#'.repeat(4096)}\nT=${token}\n`);
    symlinkSync(join(d, 'big.env'), join(d, 'link.env'));
    const run = await cli(['scan', join(d, 'link.env'), '--max-file-size', '1k', '-f', 'json']);
    expectContract(run, { code: 0, secrets: [token] });
    const rep = report(run);
    expect(rep.findings).toEqual([]);
    expect(rep.summary.scan?.skippedLarge).toBe(1);
  });

  it('a FIFO target is refused instead of hanging', async () => {
    const d = tempDir();
    execFileSync('mkfifo', [join(d, 'pipe')]);
    const run = await cli(['scan', join(d, 'pipe'), '-f', 'json'], { timeoutMs: 10_000 });
    expectContract(run, { code: 2, says: /not a file or directory/ });
  });
});

describe('unreadable and unusual targets (item 17)', () => {
  it('a missing commit object named by a ref is exit 3 (corrupt repository), not "unknown revision"', async () => {
    const r = repo();
    r.commit('one', { 'a.txt': '1\n' });
    const gone = r.commit('two', { 'a.txt': '2\n' });
    r.commit('three', { 'a.txt': '3\n' });
    r.git('branch', 'base', gone);
    unlinkSync(objectFile(r, gone));
    const run = await cli(['scan', r.dir, '--since', 'base', '-f', 'json']);
    expectContract(run, { code: 3, says: new RegExp(`revision base names ${gone}, whose object is missing`) });
    expect(report(run).coverage.complete).toBe(false);
  });

  it('a target behind a directory we may not enter: "permission denied", exit 3 with the report', () => {
    const d = tempDir();
    chmodSync(d, 0o755);
    const locked = join(d, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    const token = githubToken();
    writeFileSync(join(locked, 'app.env'), `T=${token}\n`);
    execFileSync('chown', ['-R', 'nobody', locked]);
    const run = withoutDac(['scan', join(locked, 'app.env'), '-f', 'json']);
    expectContract(run, { code: 3, secrets: [token], says: /permission denied: .*app\.env/ });
    expect(report(run).coverage.complete).toBe(false);
  });

  it('an unreadable .gitignore is a gap, not silently dropped rules', () => {
    const d = tempDir();
    chmodSync(d, 0o755);
    writeFileSync(join(d, '.gitignore'), 'x\n', { mode: 0o600 });
    writeFileSync(join(d, 'ok.txt'), 'fine\n', { mode: 0o644 });
    execFileSync('chown', ['nobody', join(d, '.gitignore')]);
    const run = withoutDac(['scan', d, '--no-git', '-f', 'json']);
    expectContract(run, { code: 3, says: /\.gitignore: permission denied/ });
  });

  it('a file name that is not UTF-8 is read, and named with its bytes escaped', async () => {
    const d = tempDir();
    const token = githubToken();
    writeFileSync(Buffer.from(join(d, 'caf\xe9.env'), 'latin1'), `T=${token}\n`);
    writeFileSync(join(d, 'plain.txt'), 'nothing\n');
    const run = await cli(['scan', d, '-f', 'json']);
    expectContract(run, { code: 1, secrets: [token] });
    const rep = report(run);
    expect(rep.coverage).toEqual({ complete: true, gaps: [] });
    expect(rep.findings.map((f) => f.location.path)).toEqual(['caf\\xe9.env']);
  });
});

describe('any target path works, from any directory (item 18)', () => {
  it('absolute and ../ paths to a file, a directory and a repository, with path allowlists in play', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, '.nhiscan.toml'), '[allowlist]\npaths = ["vendor/**"]\n');
    const elsewhere = tempDir();
    const token = githubToken();
    mkdirSync(join(elsewhere, 'config'));
    writeFileSync(join(elsewhere, 'config', 'app.env'), `T=${token}\n`);
    const r = repo();
    r.commit('leak', { 'x.env': `T=${githubToken()}\n` });
    const relative = join('..', elsewhere.split('/').pop()!, 'config', 'app.env');
    for (const target of [join(elsewhere, 'config', 'app.env'), relative, elsewhere, r.dir]) {
      const run = await cli(['scan', target, '-f', 'json'], { cwd });
      expectContract(run, { code: 1, secrets: [token] });
      expect(report(run).findings).toHaveLength(1);
    }
  });
});

describe("a range is gated by its base's config and baseline (item 12)", () => {
  function pr() {
    const r = repo();
    const base = r.commit('base', { 'README.md': 'hi\n' });
    const token = githubToken();
    return { r, base, token };
  }

  it('a PR that allowlists its own secret in .nhiscan.toml is still caught, and the change is a finding', async () => {
    const { r, base, token } = pr();
    const change = r.commit('sneak', { 'leak.env': `T=${token}\n`, '.nhiscan.toml': '[allowlist]\npaths = ["*.env"]\n' });
    const run = await cli(['scan', r.dir, '--since', base, '-f', 'json']);
    expectContract(run, { code: 1, secrets: [token] });
    const rep = report(run);
    expect(rep.findings.map((f) => f.ruleId).sort()).toEqual(['github-personal-access-token', 'nhiscan-config-changed'].sort());
    const gate = rep.findings.find((f) => f.ruleId === 'nhiscan-config-changed')!;
    expect(gate).toMatchObject({ severity: 'medium', location: { path: '.nhiscan.toml', commit: change } });

    // An explicit --config is the CI author's choice and wins; the root file is then not the gate's.
    const chosen = await cli(['scan', r.dir, '--since', base, '--config', join(r.dir, '.nhiscan.toml'), '-f', 'json']);
    expectContract(chosen, { code: 0, secrets: [token] });
    expect(report(chosen).findings).toEqual([]);
  });

  it('a PR that baselines its own secret is still caught; --fail-on sees the config change alone', async () => {
    const { r, base, token } = pr();
    r.commit('leak', { 'leak.env': `T=${token}\n` });
    const first = report(await cli(['scan', r.dir, '--since', base, '-f', 'json']));
    const fp = (first.findings[0] as unknown as { fingerprint: string }).fingerprint;
    r.commit('baseline it', { '.nhiscan-baseline.json': JSON.stringify({ entries: [{ fingerprint: fp, ruleId: 'github-personal-access-token', path: 'leak.env', added: '2024-01-01' }] }) });
    const run = await cli(['scan', r.dir, '--since', base, '-f', 'json']);
    expectContract(run, { code: 1, secrets: [token] });
    expect(report(run).findings.map((f) => f.ruleId).sort()).toEqual(['github-personal-access-token', 'nhiscan-config-changed']);

    const after = r.head();
    r.commit('tweak config only', { '.nhiscan.toml': '[rules]\ndisable = ["jwt"]\n' });
    expectContract(await cli(['scan', r.dir, '--since', after, '--fail-on', 'medium', '-f', 'json']), { code: 1 });
    expectContract(await cli(['scan', r.dir, '--since', after, '--fail-on', 'high', '-f', 'json']), { code: 0 });
  });
});

describe('history rewritten locally is still scanned as git push sends it (sweep item 1)', () => {
  /** b → leak → rm, the leak's blob reachable only through the real parent of rm. */
  function leakThenRemove(): { r: TempRepo; token: string; base: string; leak: string } {
    const r = repo();
    const token = githubToken();
    const base = r.commit('b', { 'b.txt': 'b\n' });
    const leak = r.commit('s', { 'a.env': `t="${token}"\n` });
    r.remove('a.env');
    r.commit('rm');
    return { r, token, base, leak };
  }

  async function expectLeakFound(r: TempRepo, token: string, leak: string, args: string[] = []): Promise<void> {
    const run = await cli(['scan', r.dir, ...args, '-f', 'json'], { env: { HOME: '/nonexistent' } });
    expectContract(run, { code: 1, secrets: [token] });
    const rep = report(run);
    expect(rep.coverage).toEqual({ complete: true, gaps: [] });
    expect(rep.findings.map((f) => f.location)).toEqual([expect.objectContaining({ path: 'a.env', commit: leak })]);
  }

  it('git replace of the leaking commit with a clean one: the real commit is walked, for history and a range', async () => {
    const { r, token, base, leak } = leakThenRemove();
    const clean = r.git('commit-tree', '-p', base, '-m', 'x', `${base}^{tree}`).trim();
    r.git('replace', leak, clean);
    expect(r.git('log', '--format=%s').split('\n').filter(Boolean)).toEqual(['rm', 'x', 'b']); // git itself is fooled
    await expectLeakFound(r, token, leak);
    await expectLeakFound(r, token, leak, ['--range', `${base}..HEAD`]);
  });

  it('an info/grafts line that skips the leaking commit: the real parents are walked', async () => {
    const { r, token, base, leak } = leakThenRemove();
    writeFileSync(join(r.dir, '.git', 'info', 'grafts'), `${r.head()} ${base}\n`);
    expect(r.git('log', '--format=%s').split('\n').filter(Boolean)).toEqual(['rm', 'b']);
    await expectLeakFound(r, token, leak);
    await expectLeakFound(r, token, leak, ['--since', base]);
  });
});

describe('a broken .git is a broken repository, not a directory of files (sweep item 2)', () => {
  const breakages: Array<[string, (r: TempRepo) => void]> = [
    ['garbage in .git/HEAD', (r) => writeFileSync(join(r.dir, '.git', 'HEAD'), 'garbage\n')],
    ['.git/refs removed', (r) => rmSync(join(r.dir, '.git', 'refs'), { recursive: true })],
    ['.git/objects removed', (r) => rmSync(join(r.dir, '.git', 'objects'), { recursive: true })],
    [
      'a .git file naming a missing gitdir',
      (r) => {
        rmSync(join(r.dir, '.git'), { recursive: true });
        writeFileSync(join(r.dir, '.git'), 'gitdir: /nonexistent/.git\n');
      },
    ],
  ];
  for (const [name, breakIt] of breakages) {
    it(`${name}: exit 3, one line naming the target, report with the gap`, async () => {
      const { r, token } = historyOnlySecret();
      breakIt(r);
      const run = await cli(['scan', r.dir, '-f', 'json']);
      expectContract(run, { code: 3, secrets: [token], says: /nhiscan-test-\S+ looks like a git repository but git cannot open it/ });
      const rep = report(run);
      expect(rep.coverage.complete).toBe(false);
      expect(gapText(rep)).toMatch(/looks like a git repository/);
    });
  }

  it('a broken nested repository inside a healthy one is not scanned as the outer one\'s subdirectory', async () => {
    const outer = repo();
    outer.commit('init', { 'README.md': 'hi\n' });
    const inner = new TempRepo();
    inner.commit('leak', { 'ci.env': `T=${githubToken()}\n` });
    const nested = join(outer.dir, 'vendor', 'lib');
    mkdirSync(join(outer.dir, 'vendor'));
    execFileSync('mv', [inner.dir, nested]);
    writeFileSync(join(nested, '.git', 'HEAD'), 'garbage\n');
    const run = await cli(['scan', nested, '-f', 'json']);
    expectContract(run, { code: 3, says: /looks like a git repository .*git found the repository at/ });
  });

  it('a broken bare repository (HEAD, objects/, refs/): exit 3; a healthy bare one scans', async () => {
    const { r, token } = historyOnlySecret();
    const bare = join(tempDir(), 'bare.git');
    execFileSync('git', ['clone', '-q', '--bare', r.dir, bare], { stdio: 'ignore' });
    expectContract(await cli(['scan', bare, '-f', 'json']), { code: 1, secrets: [token] });
    writeFileSync(join(bare, 'HEAD'), 'garbage\n');
    const run = await cli(['scan', bare, '-f', 'json']);
    expectContract(run, { code: 3, secrets: [token], says: /bare\.git looks like a git repository/ });
    expect(report(run).coverage.complete).toBe(false);
  });

  it('a plain directory, a subdirectory of a healthy repository, and a directory with a lone HEAD file stay directory scans', async () => {
    const r = repo();
    const token = githubToken();
    r.commit('init', { 'app/ci.env': `T=${token}\n` });
    const plain = tempDir();
    writeFileSync(join(plain, 'HEAD'), 'not a ref\n');
    writeFileSync(join(plain, 'ci.env'), `T=${token}\n`);
    for (const target of [join(r.dir, 'app'), plain]) {
      const run = await cli(['scan', target, '-f', 'json']);
      expectContract(run, { code: 1, secrets: [token] });
      expect(report(run).coverage).toEqual({ complete: true, gaps: [] });
    }
  });
});

describe('paths git prints are taken whole (a trailing space is part of the name)', () => {
  it('a repository named "w " beside one named "w": --staged and hook install use the right one', async () => {
    const parent = tempDir();
    const spaced = join(parent, 'w ');
    const plain = join(parent, 'w');
    for (const d of [spaced, plain]) {
      mkdirSync(d);
      execFileSync('git', ['init', '-q', d]);
    }
    const token = githubToken();
    writeFileSync(join(spaced, 'b.env'), `T=${token}\n`);
    execFileSync('git', ['add', 'b.env'], { cwd: spaced });
    const staged = await cli(['scan', '--staged', '-f', 'json'], { cwd: spaced });
    expect(staged.code, staged.stderr).toBe(1);
    expect(report(staged).findings).toHaveLength(1);
    const hook = await cli(['hook', 'install', spaced]);
    expect(hook.code, hook.stderr).toBe(0);
    expect(existsSync(join(spaced, '.git', 'hooks', 'pre-commit'))).toBe(true);
    expect(existsSync(join(plain, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });
});

describe('non-UTF-8 names in history', () => {
  it('a committed file name that is not UTF-8 is reported with \\xNN, not U+FFFD, with 1 or 2 workers', async () => {
    const r = repo();
    const token = githubToken();
    const name = Buffer.concat([Buffer.from('a'), Buffer.from([0xff]), Buffer.from('.env')]);
    writeFileSync(join(r.dir, name.toString('latin1')), `T=${token}\n`);
    // Node writes the latin1 string as UTF-8; write the raw bytes through a Buffer path instead.
    rmSync(join(r.dir, name.toString('latin1')));
    writeFileSync(Buffer.concat([Buffer.from(`${r.dir}/`), name]), `T=${token}\n`);
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'raw name');
    for (const workers of ['1', '2']) {
      const run = await cli(['scan', r.dir, '-f', 'json', '--workers', workers]);
      expect(run.code, run.stderr).toBe(1);
      const paths = report(run).findings.map((f) => f.location.path);
      expect(paths).toEqual(['a\\xff.env']);
    }
  });
});
