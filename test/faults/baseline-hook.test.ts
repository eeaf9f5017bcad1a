// Fault suite: baseline files and flags, and the hook installer, keep the contract.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, tempRepos } from '../helpers/git.js';
import { githubToken } from '../helpers/secrets.js';
import { cli, expectContract, type FaultRun } from './harness.js';

const repo = tempRepos();
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'nhiscan-bh-fault-'));
  dirs.push(d);
  return d;
}

/** As root but without the capabilities that override permission bits (see test/faults/git.test.ts). */
const NO_DAC = '-dac_override,-dac_read_search';
function withoutDac(args: string[]): FaultRun {
  const res = spawnSync('setpriv', [`--inh-caps=${NO_DAC}`, `--bounding-set=${NO_DAC}`, '--', process.execPath, CLI, ...args], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', NO_COLOR: '1' },
  });
  return { code: res.status, signal: res.signal, stdout: res.stdout, stderr: res.stderr };
}
const ESC = '\x1b'; // the real control character; reports must show it as the four characters \x1b

describe('a baseline that is not a baseline is a usage error (exit 2), never "unexpected"', () => {
  for (const [name, text] of [
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '42'],
    ['an entry that is null', '{"entries": [null]}'],
  ] as const) {
    it(name, async () => {
      const r = repo();
      r.commit('init', { 'a.txt': 'nothing\n' });
      writeFileSync(join(r.dir, 'b.json'), text);
      expectContract(await cli(['scan', r.dir, '-b', join(r.dir, 'b.json'), '-f', 'json']), { code: 2, says: /b\.json/ });
    });
  }

  it('invalid JSON holding a token: the parser\'s snippet is not echoed', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'nothing\n' });
    const token = githubToken();
    writeFileSync(join(r.dir, 'b.json'), `{"entries": [${token}]}`);
    const run = await cli(['scan', r.dir, '-b', join(r.dir, 'b.json'), '-f', 'json']);
    expectContract(run, { code: 2, secrets: [token], says: /not valid JSON/ });
    // --debug adds the stack, and still no value.
    const debug = await cli(['scan', r.dir, '-b', join(r.dir, 'b.json'), '-f', 'json', '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/at parseBaseline/);
    expect(debug.stderr.includes(token)).toBe(false);
  });

  it('an expiry that is no calendar date is refused, in the flag and in the file', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'nothing\n' });
    expectContract(await cli(['baseline', 'create', r.dir, '--expires', '2027-13-45']), { code: 2, says: /--expires/ });
    writeFileSync(join(r.dir, 'b.json'), '{"entries": [{"fingerprint": "x", "ruleId": "y", "expires": "2027-02-30"}]}');
    expectContract(await cli(['scan', r.dir, '-b', join(r.dir, 'b.json'), '-f', 'json']), { code: 2, says: /invalid "expires"/ });
    const ok = await cli(['baseline', 'create', r.dir, '--expires', '2028-02-29']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('hook install', () => {
  it('an existing hook it cannot read is named with its error, not "unexpected"', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    mkdirSync(join(r.dir, '.git', 'hooks', 'pre-commit'), { recursive: true });
    expectContract(await cli(['hook', 'install', r.dir]), { code: 3, says: /cannot read the existing hook .*pre-commit: EISDIR/ });
  });
});

describe('baseline create/update: output failures and the summary line (sweep items 11, 10)', () => {
  it('an unwritable directory: exit 3, one line naming the file and EACCES, not "unexpected error"', () => {
    const d = tempDir();
    chmodSync(d, 0o755);
    const target = join(d, 'app');
    mkdirSync(target);
    writeFileSync(join(target, 'a.txt'), 'nothing\n');
    execFileSync('chown', ['-R', 'nobody', target]);
    const run = withoutDac(['baseline', 'create', target]);
    expectContract(run, { code: 3, says: /^nhiscan: cannot write baseline .*app\/\.nhiscan-baseline\.json: EACCES$/m });
    expect(existsSync(join(target, '.nhiscan-baseline.json'))).toBe(false);
  });

  it('a --file in a missing directory: exit 3 naming it with ENOENT', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'nothing\n' });
    const run = await cli(['baseline', 'create', r.dir, '--file', join(r.dir, 'no', 'such', 'b.json')]);
    expectContract(run, { code: 3, says: /cannot write baseline .*no\/such\/b\.json: ENOENT/ });
  });

  it('control characters in the file name are escaped in the create and update summary', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'nothing\n' });
    const file = join(r.dir, `b${ESC}[2J${ESC}]0;owned${'\x07'}.json`);
    for (const sub of ['create', 'update']) {
      const run = await cli(['baseline', sub, r.dir, '--file', file]);
      expectContract(run, { code: 0, lines: 1 });
      expect(run.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
      expect(run.stderr).toContain('b\\x1b[2J\\x1b]0;owned\\x07.json: 0 entries (0 added, 0 removed)');
    }
  });
});

describe('hook install: where it writes (sweep items 14, 15, 10)', () => {
  it('a missing directory is a usage error naming it, not "git is not installed"; so is a file', async () => {
    const missing = join(tempDir(), 'nonexist');
    expectContract(await cli(['hook', 'install', missing]), { code: 2, says: /^nhiscan: repository not found: .*nonexist$/m });
    const file = join(tempDir(), 'file.txt');
    writeFileSync(file, 'x\n');
    expectContract(await cli(['hook', 'install', file]), { code: 2, says: /not a directory: .*file\.txt/ });
  });

  it('git really missing is still named as such', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    expectContract(await cli(['hook', 'install', r.dir], { env: { PATH: '/nonexistent' } }), { code: 3, says: /git is not installed or not on PATH/ });
  });

  it('a broken .git in the repository is named as one (exit 3), not "not a git repository"', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    writeFileSync(join(r.dir, '.git', 'HEAD'), 'garbage\n');
    expectContract(await cli(['hook', 'install', r.dir]), { code: 3, says: /looks like a git repository but git cannot open it/ });
  });

  it('a dangling pre-commit symlink: refused (exit 2) without --force, and its target outside the repo never written', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    const outside = join(tempDir(), 'outside-target');
    const hook = join(r.dir, '.git', 'hooks', 'pre-commit');
    symlinkSync(outside, hook);
    expectContract(await cli(['hook', 'install', r.dir]), { code: 2, says: /pre-commit is a symbolic link; use --force/ });
    expect(existsSync(outside)).toBe(false);
    expect(readlinkSync(hook)).toBe(outside);

    const forced = await cli(['hook', 'install', r.dir, '--force']);
    expectContract(forced, { code: 0, lines: 1, says: /installed pre-commit hook/ });
    expect(existsSync(outside)).toBe(false);
    expect(lstatSync(hook).isSymbolicLink()).toBe(false);
    expect(lstatSync(hook).mode & 0o777).toBe(0o755);
    expect(readFileSync(hook, 'utf8')).toContain('# nhiscan pre-commit hook');
  });

  it('a symlink to an existing file outside: --force replaces the link, the file is untouched', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    const outside = join(tempDir(), 'shared-hook');
    writeFileSync(outside, '#!/bin/sh\necho mine\n');
    symlinkSync(outside, join(r.dir, '.git', 'hooks', 'pre-commit'));
    expectContract(await cli(['hook', 'install', r.dir]), { code: 2, says: /symbolic link/ });
    expectContract(await cli(['hook', 'install', r.dir, '--force']), { code: 0, lines: 1 });
    expect(readFileSync(outside, 'utf8')).toBe('#!/bin/sh\necho mine\n');
  });

  it('control characters in core.hooksPath are escaped in the message', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    r.git('config', 'core.hooksPath', join(r.dir, `ho${ESC}[31moks`));
    const run = await cli(['hook', 'install', r.dir]);
    expectContract(run, { code: 0, lines: 1 });
    expect(run.stderr).not.toContain('\x1b');
    expect(run.stderr).toContain(`ho\\x1b[31moks/pre-commit`);
  });
});

describe('small holes', () => {
  it('--max-file-size 0 is a usage error, not a scan that reads nothing and calls itself complete', async () => {
    const r = repo();
    r.commit('init', { 'a.env': `T=${githubToken()}\n` });
    expectContract(await cli(['scan', r.dir, '--max-file-size', '0']), { code: 2, says: /--max-file-size/ });
  });

  it('a baseline entry covers only its own rule, even with a matching fingerprint', async () => {
    const r = repo();
    const token = githubToken();
    r.commit('init', { 'a.env': `T=${token}\n` });
    const first = JSON.parse((await cli(['scan', r.dir, '-f', 'json', '--no-baseline'])).stdout);
    const fp = first.findings[0].fingerprint;
    writeFileSync(join(r.dir, 'b.json'), JSON.stringify({ entries: [{ fingerprint: fp, ruleId: 'some-other-rule' }] }));
    const run = await cli(['scan', r.dir, '-f', 'json', '-b', join(r.dir, 'b.json')]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: { fingerprint: string }) => f.fingerprint)).toContain(fp);
  });
});

describe('hook install --force keeps a backup; hook uninstall puts it back (issue 13)', () => {
  const hooks = (dir: string) => join(dir, '.git', 'hooks');

  it('--force over a foreign hook saves it byte for byte with its mode, then uninstall restores it', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    const hook = join(hooks(r.dir), 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho mine\n', { mode: 0o750 });
    chmodSync(hook, 0o750);
    const forced = await cli(['hook', 'install', r.dir, '--force']);
    expectContract(forced, { code: 0, lines: 1, says: /installed pre-commit hook: .*pre-commit \(the previous hook is kept as .*pre-commit\.nhiscan-backup\)/ });
    const backup = join(hooks(r.dir), 'pre-commit.nhiscan-backup');
    expect(readFileSync(backup, 'utf8')).toBe('#!/bin/sh\necho mine\n');
    expect(lstatSync(backup).mode & 0o777).toBe(0o750);
    expect(readFileSync(hook, 'utf8')).toContain('# nhiscan pre-commit hook');

    const removed = await cli(['hook', 'uninstall', r.dir]);
    expectContract(removed, { code: 0, lines: 1, says: /removed pre-commit hook: .*\(restored the previous hook from .*pre-commit\.nhiscan-backup\)/ });
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho mine\n');
    expect(lstatSync(hook).mode & 0o777).toBe(0o750);
    expect(existsSync(backup)).toBe(false);
  });

  it('a second --force never overwrites the first backup; our own hook is replaced without one', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    const hook = join(hooks(r.dir), 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho first\n');
    expect((await cli(['hook', 'install', r.dir, '--force'])).code).toBe(0);
    // Reinstalling over nhiscan's own hook needs no --force and makes no backup.
    expectContract(await cli(['hook', 'install', r.dir]), { code: 0, lines: 1, says: /^installed pre-commit hook: \S+\n$/ });
    writeFileSync(hook, '#!/bin/sh\necho second\n');
    expect((await cli(['hook', 'install', r.dir, '--force'])).code).toBe(0);
    expect(readFileSync(join(hooks(r.dir), 'pre-commit.nhiscan-backup'), 'utf8')).toBe('#!/bin/sh\necho first\n');
    expect(readFileSync(join(hooks(r.dir), 'pre-commit.nhiscan-backup.2'), 'utf8')).toBe('#!/bin/sh\necho second\n');
    // Uninstall puts back the newest, the hook --force replaced last.
    expect((await cli(['hook', 'uninstall', r.dir])).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho second\n');
    expect(existsSync(join(hooks(r.dir), 'pre-commit.nhiscan-backup'))).toBe(true);
  });

  it('--force over a symlink keeps the link (same target) as the backup; the target is never touched', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    const outside = join(tempDir(), 'shared-hook');
    writeFileSync(outside, '#!/bin/sh\necho shared\n');
    const hook = join(hooks(r.dir), 'pre-commit');
    symlinkSync(outside, hook);
    expect((await cli(['hook', 'install', r.dir, '--force'])).code).toBe(0);
    expect(readlinkSync(join(hooks(r.dir), 'pre-commit.nhiscan-backup'))).toBe(outside);
    expect(readFileSync(outside, 'utf8')).toBe('#!/bin/sh\necho shared\n');
    expect((await cli(['hook', 'uninstall', r.dir])).code).toBe(0);
    expect(readlinkSync(hook)).toBe(outside);
    expect(readFileSync(outside, 'utf8')).toBe('#!/bin/sh\necho shared\n');
  });

  it('uninstall without a hook is done already (0); a hook nhiscan did not write is left alone (2)', async () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    expectContract(await cli(['hook', 'uninstall', r.dir]), { code: 0, lines: 1, says: /no pre-commit hook installed; nothing to remove/ });
    const hook = join(hooks(r.dir), 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho mine\n');
    expectContract(await cli(['hook', 'uninstall', r.dir]), { code: 2, says: /pre-commit was not written by nhiscan; left alone$/m });
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho mine\n');
    expectContract(await cli(['hook', 'uninstall', join(r.dir, 'nope')]), { code: 2, says: /repository not found/ });
  });

  it('a backup that cannot be written stops --force before the old hook is replaced (3, nothing changed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-bh-ro-'));
    dirs.push(dir);
    execFileSync('git', ['init', '-q', dir]);
    const hook = join(dir, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho mine\n');
    chmodSync(join(dir, '.git', 'hooks'), 0o555);
    try {
      const run = withoutDac(['hook', 'install', dir, '--force']);
      expectContract(run, { code: 3, says: /cannot back up the existing hook .*pre-commit: EACCES; nothing was changed/ });
      expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho mine\n');
    } finally {
      chmodSync(join(dir, '.git', 'hooks'), 0o755);
    }
  });
});
