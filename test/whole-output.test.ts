// A git whose output is wanted whole (the object walk, git's object listing) writes it into a
// scratch file, read in one allocation once git exits, or, with no temporary directory, into a
// pipe read chunk by chunk (src/sources/git/whole-output.ts). Both must give git's bytes exactly,
// hold nothing once taken, and leave nothing on disk.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HistorySource } from '../src/sources/git/history.js';
import { WholeOutput } from '../src/sources/git/whole-output.js';
import { CLI, tempRepos } from './helpers/git.js';
import { scan } from './helpers/scan.js';
import { githubToken } from './helpers/secrets.js';
import { ownTmpdir } from './helpers/tmpdir.js';

const repo = tempRepos();

/** A repository whose walk has odd bytes in its paths (a CR, latin1, UTF-8) and a few hundred objects. */
function walked() {
  const r = repo();
  for (let i = 0; i < 30; i++) r.commit(`c${i}`, { [`d${i % 4}/f${i}.txt`]: `v${i}\n`, 'cr\rname.txt': `${i}\n`, 'é/ü.txt': `${i}\n` });
  const expected = execFileSync('git', ['rev-list', '--objects', '--all'], { cwd: r.dir });
  return { r, expected };
}

/** What nhiscan left under the temporary directory (the test repositories are made there too). */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('nhiscan-out-'));
}

/** This process's open descriptors on deleted files under `dir`, and their modes. */
function openDeleted(dir: string): number[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return { fd, target: readlinkSync(`/proc/self/fd/${fd}`) };
      } catch {
        return null;
      }
    })
    .filter((f) => f !== null && f.target.startsWith(join(dir, 'nhiscan-out-')) && f.target.endsWith(' (deleted)'))
    .map((f) => statSync(`/proc/self/fd/${f!.fd}`).mode & 0o777);
}

describe('WholeOutput', () => {
  const tmp = ownTmpdir(true);

  it("git's bytes exactly, in one buffer, from a 0600 file with no name on disk", async () => {
    const { r, expected } = walked();
    const out = new WholeOutput(r.dir, ['rev-list', '--objects', '--all'], 1 << 20);
    // While git writes: nothing under the temporary directory, one descriptor on a deleted file.
    expect(leftovers(tmp())).toEqual([]);
    expect(openDeleted(tmp())).toEqual([0o600]);
    const { chunks, code } = await out.take();
    expect(code).toBe(0);
    expect(chunks).toHaveLength(1);
    expect(Buffer.concat(chunks!).equals(expected)).toBe(true);
    // Read and closed: no descriptor, no file.
    expect(openDeleted(tmp())).toEqual([]);
    expect(leftovers(tmp())).toEqual([]);
    // Once: a second take has nothing.
    expect((await out.take()).chunks).toBeNull();
  });

  it('the same bytes from the pipe when no temporary directory can be made', async () => {
    const { r, expected } = walked();
    process.env.TMPDIR = join(tmp(), 'gone', 'deeper');
    const { chunks, code } = await new WholeOutput(r.dir, ['rev-list', '--objects', '--all'], 1 << 20).take();
    expect(code).toBe(0);
    expect(Buffer.concat(chunks!).equals(expected)).toBe(true);
  });

  it('no output past its bound, from the file and from the pipe, and nothing left behind', async () => {
    const { r, expected } = walked();
    const bound = expected.length - 1;
    expect((await new WholeOutput(r.dir, ['rev-list', '--objects', '--all'], bound).take()).chunks).toBeNull();
    expect((await new WholeOutput(r.dir, ['rev-list', '--objects', '--all'], expected.length).take()).chunks).not.toBeNull();
    expect(leftovers(tmp())).toEqual([]);
    process.env.TMPDIR = join(tmp(), 'gone');
    expect((await new WholeOutput(r.dir, ['rev-list', '--objects', '--all'], bound).take()).chunks).toBeNull();
    expect((await new WholeOutput(r.dir, ['rev-list', '--objects', '--all'], expected.length).take()).chunks).not.toBeNull();
  });

  it('a git that fails: its exit code; one that cannot start: a throw or no output, with the file closed', async () => {
    const notRepo = mkdtempSync(join(tmpdir(), 'nhiscan-plain-'));
    const { chunks, code } = await new WholeOutput(notRepo, ['rev-list', '--all'], 1 << 20).take();
    expect(code).not.toBe(0);
    expect(Buffer.concat(chunks!).length).toBe(0);
    // A working directory that is a file fails the spawn itself; one that does not exist fails it later.
    const file = join(notRepo, 'file');
    writeFileSync(file, 'x');
    expect(() => new WholeOutput(file, ['rev-list', '--all'], 1 << 20)).toThrow(/not a directory|ENOTDIR/i);
    expect(await new WholeOutput(join(notRepo, 'nope'), ['rev-list', '--all'], 1 << 20).take()).toEqual({ chunks: null, code: null });
    expect(openDeleted(tmp())).toEqual([]);
    expect(leftovers(tmp())).toEqual([]);
  });

  it('holds nothing once taken, though the child and its listeners live on', async () => {
    // What failed before: the output was the value of a promise the child's listeners kept
    // reachable, so curl's 13.5 MB listing stayed alive for the whole scan.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { r } = walked();
    for (const noTmp of [false, true]) {
      if (noTmp) process.env.TMPDIR = join(tmp(), 'gone');
      const out = new WholeOutput(r.dir, ['rev-list', '--objects', '--all'], 1 << 20);
      const ref = new WeakRef((await out.take()).chunks![0]!);
      // A WeakRef's target lives at least until the current job ends.
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      expect(ref.deref()).toBeUndefined();
      expect(out.child.listenerCount('close')).toBeGreaterThan(0);
    }
  });
});

describe('a history scan without a temporary directory', () => {
  it('gives the same report as with one: the walk and the listing come through pipes instead', async () => {
    const r = repo();
    const token = githubToken();
    for (let i = 0; i < 12; i++) r.commit(`c${i}`, { [`src/m${i}.js`]: `export const v = ${i};\n`, ...(i === 5 ? { 'cfg/t.env': `GITHUB_TOKEN=${token}\n` } : {}) });
    const strip = (rep: Awaited<ReturnType<typeof scan>>): Record<string, unknown> => {
      const { generatedAt: _g, ...rest } = rep as unknown as Record<string, unknown>;
      const summary = { ...(rest.summary as Record<string, unknown>) };
      delete summary.durationMs;
      return { ...rest, summary };
    };
    const withTmp = strip(await scan(r.dir, { workers: 1 }));
    const saved = process.env.TMPDIR;
    try {
      process.env.TMPDIR = join(mkdtempSync(join(tmpdir(), 'nhiscan-tmp-')), 'gone');
      const source = new HistorySource(r.dir, { maxFileSize: 1 << 20, allObjects: false });
      for await (const _ of source.items()) void _;
      // Still one walk in store order: the pipes are only another way in.
      expect(source.storeOrdered).toBe(true);
      expect(source.gaps).toEqual([]);
      for (const workers of [1, 2]) expect(strip(await scan(r.dir, { workers }))).toEqual(withTmp);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect((withTmp.findings as Array<{ secret: string }>).map((f) => f.secret)).toContain(token);
  });
});

describe('a history scan whose scratch files cannot grow', () => {
  it('the same report and exit code when every file it writes is capped at 512 bytes (a full disk)', () => {
    const r = repo();
    const token = githubToken();
    for (let i = 0; i < 40; i++) r.commit(`c${i}`, { [`src/module${i}/index.js`]: `export const v = ${i};\n`, ...(i === 7 ? { 'cfg/t.env': `GITHUB_TOKEN=${token}\n` } : {}) });
    const run = (cap: boolean) => {
      // `ulimit -f` caps files this shell's children write: git is stopped by SIGXFSZ at the cap,
      // as it would fail on a full disk. Here the walk, git's listing and git log all hit it; the
      // scan must then read them through pipes (a failed walk alone is walked again: the
      // missing-commit tests hold that). The report goes to a pipe, which the cap does not touch.
      const script = cap ? 'ulimit -f 1 && exec "$@"' : 'exec "$@"';
      const res = spawnSync('sh', ['-c', script, 'sh', process.execPath, CLI, 'scan', r.dir, '-f', 'json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      const report = JSON.parse(res.stdout) as Record<string, unknown>;
      delete report.generatedAt;
      delete (report.summary as Record<string, unknown>).durationMs;
      return { code: res.status, report, stderr: res.stderr };
    };
    const free = run(false);
    const capped = run(true);
    expect(free.code).toBe(1);
    expect(capped.stderr).toBe(free.stderr);
    expect(capped).toEqual(free);
    expect((free.report.coverage as { complete: boolean }).complete).toBe(true);
  });
});
