// .pre-commit-hooks.yaml under the real pre-commit framework (Debian's 3.0.4 in CI: .ci/run
// installs it). The hook repository is a commit of this working tree, as a user's
// `.pre-commit-config.yaml` would pin it; the framework installs it (`npm install`, `npm pack`,
// `npm install -g` of the tarball, which is what broke before) and then blocks a commit that adds a
// secret and lets a clean one through.
//
// Installed once through a config file rather than twice through `pre-commit try-repo`: try-repo
// uses a fresh store on every call, so each call would rebuild the environment (about a minute).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempRepo } from './helpers/git.js';
import { githubToken } from './helpers/secrets.js';
import { copyWorkingTree } from './helpers/tree.js';

const ROOT = join(import.meta.dirname, '..');


let work: string;
let user: TempRepo;
let env: Record<string, string>;

function git(cwd: string, ...args: string[]) {
  return spawnSync('git', args, { cwd, env, encoding: 'utf8' });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nhiscan-pre-commit-'));
  env = {
    // The whole environment (npm reaches the registry through its proxy and CA settings), less
    // the npm_config_* that `npm exec vitest` adds, which would steer the framework's own npm.
    ...(Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^npm_/i.test(k))) as Record<string, string>),
    NO_COLOR: '1',
    // The framework's own cache, so nothing of the user's is touched or reused.
    PRE_COMMIT_HOME: join(work, 'cache'),
    GIT_AUTHOR_NAME: 'Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.org',
    GIT_COMMITTER_NAME: 'Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.org',
  };
  const hookRepo = join(work, 'nhiscan');
  copyWorkingTree(hookRepo);
  for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'snapshot']]) {
    const r = git(hookRepo, ...args);
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  }
  const rev = git(hookRepo, 'rev-parse', 'HEAD').stdout.trim();
  user = new TempRepo();
  // Committed: the framework refuses to run with an unstaged config.
  user.commit('init', { 'README.md': '# app\n', '.pre-commit-config.yaml': `repos:\n  - repo: ${JSON.stringify(hookRepo)}\n    rev: ${rev}\n    hooks:\n      - id: nhiscan\n` });
});
afterAll(() => {
  user?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the pre-commit framework', () => {
  it('is installed (CI installs it: apt-get install pre-commit)', () => {
    const r = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
    expect(r.error, 'pre-commit is not on PATH: apt-get install pre-commit (.ci/run does)').toBeUndefined();
    expect(r.status).toBe(0);
  });

  it('installs the nhiscan hook: its manifest validates, and the node environment builds', () => {
    const manifest = spawnSync('pre-commit', ['validate-manifest', join(ROOT, '.pre-commit-hooks.yaml')], { env, encoding: 'utf8' });
    expect(manifest.status, manifest.stdout + manifest.stderr).toBe(0);
    expect(spawnSync('pre-commit', ['install'], { cwd: user.dir, env, encoding: 'utf8' }).status).toBe(0);
    const install = spawnSync('pre-commit', ['install-hooks'], { cwd: user.dir, env, encoding: 'utf8', timeout: 240_000 });
    // The framework's own log names the npm step that failed (before: ENOENT on the `npm pack` banner).
    expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
  }, 300_000);

  it('blocks a commit that adds a secret, without printing it, and lets a clean commit through', () => {
    const token = githubToken();
    user.write('deploy.env', `GITHUB_TOKEN=${token}\n`);
    expect(git(user.dir, 'add', 'deploy.env').status).toBe(0);
    const blocked = git(user.dir, '-c', 'commit.gpgsign=false', 'commit', '-m', 'add deploy config');
    const said = blocked.stdout + blocked.stderr;
    expect(blocked.status, said).not.toBe(0);
    expect(said).toMatch(/nhiscan \(secrets in staged changes\)\.+Failed/);
    expect(said).toMatch(/deploy\.env/);
    expect(said.includes(token)).toBe(false);
    expect(git(user.dir, 'log', '--format=%s', '-1').stdout.trim()).toBe('init');

    expect(git(user.dir, 'rm', '-q', '--cached', 'deploy.env').status).toBe(0);
    rmSync(join(user.dir, 'deploy.env'));
    user.write('notes.txt', 'nothing secret\n');
    expect(git(user.dir, 'add', 'notes.txt').status).toBe(0);
    const passed = git(user.dir, '-c', 'commit.gpgsign=false', 'commit', '-m', 'notes');
    expect(passed.status, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout + passed.stderr).toMatch(/nhiscan \(secrets in staged changes\)\.+Passed/);
    expect(git(user.dir, 'log', '--format=%s', '-1').stdout.trim()).toBe('notes');
  }, 60_000);
});

// Keep the hook file honest for the framework versions people have: the stage name `pre-commit`
// needs pre-commit 3.2, Debian 12 ships 3.0.4, so the manifest must not depend on it.
describe('.pre-commit-hooks.yaml', () => {
  it('uses no stage name older frameworks reject, and runs nhiscan on what is staged', () => {
    const text = readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
    expect(text).not.toMatch(/^\s*stages:\s*\[[^\]]*\bpre-commit\b/m);
    expect(text).toMatch(/entry: nhiscan scan --staged/);
    expect(text).toMatch(/language: node/);
  });
});
