// The provenance walk that runs beside the walk or the scan (earlyIntroductions) gives what the walk
// after the scan (introductionsOf) gives, gaps included. Which path a scan takes depends on the
// repository's size and the worker count, so both are tested here directly.
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoverageGap } from '../src/model.js';
import { earlyIntroductions, forEachWantedLine, introductionsOf } from '../src/sources/git/provenance.js';
import { tempRepos } from './helpers/git.js';
import { scan, secrets } from './helpers/scan.js';
import { githubToken } from './helpers/secrets.js';

const repo = tempRepos();

function both(dir: string, wanted: Set<string>) {
  const early: CoverageGap[] = [];
  const late: CoverageGap[] = [];
  return Promise.all([earlyIntroductions(dir, ['--all']).finish(wanted, early), introductionsOf(dir, ['--all'], wanted, late)]).then(([e, l]) => ({ e, l, early, late }));
}

describe('earlyIntroductions', () => {
  it('the same introductions as the walk after the scan: every path, oldest first, merges and CRs in names included', async () => {
    const r = repo();
    const first = r.commit('a', { 'x.env': 'K=1\n', 'dir/y.txt': 'same\n' });
    r.git('checkout', '-q', '-b', 'side');
    r.commit('b', { 'copy/y.txt': 'same\n', 'cr\rname.txt': 'odd\n' });
    r.git('checkout', '-q', 'main');
    r.commit('c', { 'x.env': 'K=2\n' });
    r.git('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    const ids = ['main:x.env', 'side:dir/y.txt', 'side:cr\rname.txt', `${first}:x.env`].map((s) => r.git('rev-parse', s).trim());
    const { e, l, early, late } = await both(r.dir, new Set(ids));
    expect(early).toEqual([]);
    expect(late).toEqual([]);
    expect(e).toEqual(l);
    expect(e.get(ids[1]!)!.map((i) => i.path)).toEqual(['dir/y.txt', 'copy/y.txt']);
    expect(e.size).toBe(4);
    // Nothing wanted: nothing kept, git's output is never parsed.
    expect((await both(r.dir, new Set())).e.size).toBe(0);
  });

  it('the same introductions when commit subjects hold CRs (readline broke lines there; the file reader must too)', async () => {
    const r = repo();
    const first = r.commit('lone \r in the subject', { 'a.env': 'K=1\n' });
    r.commit('crlf subject\r', { 'b.env': 'K=2\n', 'a.env': 'K=3\n' });
    const ids = [`${first}:a.env`, 'HEAD:b.env', 'HEAD:a.env'].map((s) => r.git('rev-parse', s).trim());
    const { e, l, early, late } = await both(r.dir, new Set(ids));
    expect(early).toEqual(late);
    expect(e).toEqual(l);
    expect(e.size).toBe(3);
    expect(e.get(ids[0]!)![0]!.commit.message).toBe('lone ');
  });

  it('a walk git cannot finish: what it found so far, and the same gap as the walk after the scan', async () => {
    const r = repo();
    r.commit('a', { 'leak.env': 'K=1\n' });
    r.commit('b', { 'dir/x.txt': 'x\n' });
    const tree = r.git('rev-parse', 'HEAD:dir').trim();
    unlinkSync(join(r.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
    const blob = r.git('rev-parse', 'HEAD~1:leak.env').trim();
    const { e, l, early, late } = await both(r.dir, new Set([blob]));
    expect(early).toHaveLength(1);
    expect(early).toEqual(late);
    expect(early[0]!.scope).toBe('git log (provenance)');
    expect(e).toEqual(l);
  });

  it('an early file that cannot be read back (EIO) is walked again after the scan: the same introductions, no throw', async () => {
    const r = repo();
    r.commit('a', { 'leak.env': 'K=1\n' });
    r.commit('b', { 'leak.env': 'K=2\n', 'other.txt': 'x\n' });
    const ids = ['HEAD~1:leak.env', 'HEAD:leak.env'].map((s) => r.git('rev-parse', s).trim());
    const wanted = new Set(ids);
    const expected = await introductionsOf(r.dir, ['--all'], wanted, []);
    let calls = 0;
    // Fails half way, after it has handed out lines: what it gave must not be kept half.
    const failing: typeof forEachWantedLine = (fd, w, line) => {
      calls++;
      let n = 0;
      forEachWantedLine(fd, w, (l) => {
        if (++n === 2) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read', errno: -5 });
        line(l);
      });
    };
    const gaps: CoverageGap[] = [];
    const got = await earlyIntroductions(r.dir, ['--all'], failing).finish(wanted, gaps);
    expect(calls).toBe(1);
    expect(got).toEqual(expected);
    expect(got.size).toBe(2);
    expect(gaps).toEqual([]);
    // A defect of ours (not an error from the system) is not hidden by the fallback.
    const buggy: typeof forEachWantedLine = () => {
      throw new TypeError('not a system error');
    };
    await expect(earlyIntroductions(r.dir, ['--all'], buggy).finish(wanted, [])).rejects.toThrow(TypeError);
  });

  it('a directory that is no repository: a gap, never a throw', async () => {
    const notRepo = mkdtempSync(join(tmpdir(), 'nhiscan-plain-'));
    const gaps: CoverageGap[] = [];
    const got = await earlyIntroductions(notRepo, ['--all']).finish(new Set(['0123']), gaps);
    expect(got.size).toBe(0);
    expect(gaps.map((g) => g.scope)).toEqual(['git log (provenance)']);
  });
});

describe("earlyIntroductions' file", () => {
  it("git log writes into a file of its own, mode 0600, with no name left on disk; with no temporary directory the walk runs after", async () => {
    const r = repo();
    r.commit('a', { 'leak.env': 'K=1\n' });
    const blob = r.git('rev-parse', 'HEAD:leak.env').trim();
    const wanted = new Set([blob]);
    const expected = await introductionsOf(r.dir, ['--all'], wanted, []);
    const saved = process.env.TMPDIR;
    const tmp = mkdtempSync(join(tmpdir(), 'nhiscan-tmp-'));
    try {
      process.env.TMPDIR = tmp;
      const early = earlyIntroductions(r.dir, ['--all']);
      // No name is left on disk while git writes (a scan killed now leaves nothing behind): the
      // file is reached through this process's descriptors only, and was made mode 0600.
      expect(readdirSync(tmp)).toEqual([]);
      const open = readdirSync('/proc/self/fd')
        .map((fd) => {
          try {
            return { fd, target: readlinkSync(`/proc/self/fd/${fd}`) };
          } catch {
            return null;
          }
        })
        .filter((f) => f !== null && f.target.startsWith(join(tmp, 'nhiscan-log-')) && f.target.endsWith(' (deleted)'));
      expect(open).toHaveLength(1);
      expect(statSync(`/proc/self/fd/${open[0]!.fd}`).mode & 0o777).toBe(0o600);
      const gaps: CoverageGap[] = [];
      expect(await early.finish(wanted, gaps)).toEqual(expected);
      expect(gaps).toEqual([]);
      process.env.TMPDIR = join(tmp, 'gone', 'deeper');
      const late: CoverageGap[] = [];
      expect(await earlyIntroductions(r.dir, ['--all']).finish(wanted, late)).toEqual(expected);
      expect(late).toEqual([]);
      expect(expected.get(blob)!.map((i) => i.path)).toEqual(['leak.env']);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});

describe('the early provenance walk, when a one walk gives way to two', () => {
  it('starts once: the one walk started it, and the two walks of a small one-thread history do not start another', async () => {
    const r = repo();
    const token = githubToken();
    // Paths far longer than the 64 bytes an object is taken to cost: git's count says the one walk
    // fits its bound, the walk itself does not, and two walks follow.
    const long = (i: number) => `${'d'.repeat(120)}/${'f'.repeat(100)}${i}.env`;
    r.commit('a', Object.fromEntries([0, 1, 2, 3].map((i) => [long(i), i === 2 ? `GITHUB_TOKEN=${token}\n` : `K=${i}\n`])));
    const objects = Number(/^count: (\d+)$/m.exec(r.git('count-objects', '-v'))![1]);
    const trace = join(mkdtempSync(join(tmpdir(), 'nhiscan-trace-')), 'trace');
    const saved = process.env.GIT_TRACE;
    process.env.GIT_TRACE = trace;
    let report: Awaited<ReturnType<typeof scan>>;
    try {
      report = await scan(r.dir, { workers: 1, storeOrderBound: objects * 64 });
    } finally {
      if (saved === undefined) delete process.env.GIT_TRACE;
      else process.env.GIT_TRACE = saved;
    }
    const logs = readFileSync(trace, 'utf8').split('\n').filter((l) => /built-in: git .*\blog -c --raw\b/.test(l));
    expect(logs).toHaveLength(1);
    // Both walks ran: the one walk of every object, then the blob and tree walks.
    const walks = readFileSync(trace, 'utf8').split('\n').filter((l) => /built-in: git .*\brev-list --objects --all --missing=print/.test(l));
    expect(walks.length).toBe(3);
    const found = secrets(report).find((f) => f.secret === token);
    expect(found?.location.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('the early file, line by line', () => {
  // The lines readline gave the parser before (it split on \n, \r\n and a lone \r), less those the
  // parser returns from at once: only commit lines and the `:` lines of a wanted blob matter.
  const readlineLines = (text: string): string[] => {
    const lines = text.split(/\r?\n|\r(?!\n)/);
    if (lines.at(-1) === '') lines.pop();
    return lines;
  };

  it('hands over the lines readline would have, at every read size, CRs and odd lines included', () => {
    const wanted = ['a'.repeat(40), 'b'.repeat(39) + 'c'];
    const parts = [
      '\x01' + 'c1\0me\0me@x\0date\0' + '1\0subject with a lone \r in it',
      `:100644 100644 ${'0'.repeat(40)} ${wanted[0]} M\tpath/one.txt`,
      `:100644 100644 ${'0'.repeat(40)} ${'d'.repeat(40)} A\tnot/wanted.txt`,
      '\x01' + 'c2\0me\0me@x\0date\0' + '2\0crlf subject\r',
      `::100644 100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} ${wanted[1]} MM\t"quoted\\tpath"`,
      ':odd line without a tab',
      `:no spaces\there`,
      `:100644 ${wanted[0]}\tone space`,
      '',
      'plain text line',
      `:100644 100644 ${'0'.repeat(40)} bbbbXX M\tshort id, wanted prefix`,
    ];
    const text = parts.join('\n') + '\r\r\n' + parts.slice(0, 3).join('\r\n') + '\r';
    const expected = readlineLines(text).filter((l) => l.startsWith('\x01') || (l.startsWith(':') && l.includes('\t') && (l.includes(wanted[0]!) || l.includes(wanted[1]!) || l.includes('bbbbXX') || !/ [0-9a-f]{4}/.test(l))));
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-early-'));
    const file = join(dir, 'log');
    writeFileSync(file, text, 'latin1');
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
      const fd = openSync(file, 'r');
      const got: string[] = [];
      try {
        forEachWantedLine(fd, new Set(wanted), (l) => got.push(l), size);
      } finally {
        closeSync(fd);
      }
      expect(got, `read size ${size}`).toEqual(expected);
    }
  });
});
