// A scan worker's cat-file writes into a Unix socket read into one reused buffer
// (src/sources/git/output-socket.ts), and the batch parser puts bodies that span reads together in
// a buffer of its own (BatchParser with `reused`). Both must give what a pipe and parseBatch give,
// byte for byte, however git's output is cut.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BatchParser, type BatchEntry, parseBatch } from '../src/sources/git/cat-file.js';
import { outputSocket } from '../src/sources/git/output-socket.js';
import { tempRepos } from './helpers/git.js';
import { scan } from './helpers/scan.js';
import { githubToken } from './helpers/secrets.js';
import { ownTmpdir } from './helpers/tmpdir.js';

const repo = tempRepos();

/** A small deterministic generator, so a failure can be rerun. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An entry as plain data, its bytes copied: what a consumer saw while the entry was handed to it. */
function seen(e: BatchEntry): unknown {
  return 'missing' in e ? { id: e.id, missing: true } : { id: e.id, type: e.type, size: e.size, rest: e.rest, data: e.data ? Buffer.from(e.data).toString('latin1') : null };
}

/** cat-file --batch output for a repository with bodies of many sizes, a missing id and a large blob. */
function batchOutput(): { output: Buffer; big: number } {
  const r = repo();
  const rnd = prng(7);
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`f${i}.txt`] = 'x'.repeat(Math.floor(rnd() * 9000)) + `\n${i}\n`;
  files['empty.txt'] = '';
  files['big.bin'] = 'B'.repeat(300_000);
  r.commit('a', files);
  const ids = execFileSync('git', ['rev-list', '--objects', '--all'], { cwd: r.dir, encoding: 'latin1' }).trim().split('\n');
  const input = `${ids.join('\n')}\n${'0'.repeat(40)}\n`;
  const output = execFileSync('git', ['cat-file', '--batch=%(objectname) %(objecttype) %(objectsize) %(rest)'], { cwd: r.dir, input });
  return { output, big: 300_000 };
}

/**
 * Feeds `output` to a parser in reads of random sizes up to `most`, each copied into the same
 * buffer, as a socket read does, and overwritten once `after` has seen the read's entries: with
 * `all` at once, with `reads` after the whole read was parsed (as parseBatch's consumer takes them).
 */
function feed(output: Buffer, reuse: 'all' | 'reads', most: number, rnd: () => number, maxSize: number): unknown[] {
  const reused = Buffer.alloc(most);
  const parser = new BatchParser(maxSize, true, reuse);
  const got: unknown[] = [];
  for (let at = 0; at < output.length; ) {
    const n = Math.min(output.length - at, 1 + Math.floor(rnd() * most));
    output.copy(reused, 0, at, at + n);
    reused.fill(0x7e, n);
    const entries: BatchEntry[] = [];
    parser.push(reused.subarray(0, n), (e) => (reuse === 'all' ? got.push(seen(e)) : entries.push(e)));
    for (const e of entries) got.push(seen(e));
    reused.fill(0x7e);
    at += n;
  }
  parser.end();
  return got;
}

describe('BatchParser over one reused buffer', () => {
  const maxSize = 100_000;
  async function expectedOf(output: Buffer): Promise<unknown[]> {
    const expected: unknown[] = [];
    for await (const e of parseBatch(Readable.from([output]), maxSize, true)) expected.push(seen(e));
    return expected;
  }

  it('the same entries and bytes as parseBatch, for reads cut anywhere, large bodies skipped', async () => {
    const { output } = batchOutput();
    const expected = await expectedOf(output);
    expect(expected.some((e) => (e as { missing?: boolean }).missing)).toBe(true);
    expect(expected.some((e) => (e as { size?: number; data?: unknown }).size === 300_000 && (e as { data?: unknown }).data === null)).toBe(true);
    const rnd = prng(11);
    for (const most of [1, 7, 100, 4096, 65_536, 300_000]) expect(feed(output, 'all', most, rnd, maxSize)).toEqual(expected);
  });

  it("with reads reused once handed on ('reads'): the entries of a read stay valid until the next read", async () => {
    const { output } = batchOutput();
    const expected = await expectedOf(output);
    const rnd = prng(5);
    for (const most of [3, 100, 5000, 65_536]) expect(feed(output, 'reads', most, rnd, maxSize)).toEqual(expected);
  });

  it('output cut inside an object is a cut at that object', () => {
    const { output } = batchOutput();
    const parser = new BatchParser(1 << 20, true, 'all');
    const cut = output.subarray(0, output.indexOf('\n') + 5);
    parser.push(Buffer.from(cut), () => undefined);
    expect(() => parser.end()).toThrow(/ended inside object [0-9a-f]{40}/);
  });
});

/** A socket with `cat` writing `bytes` into it, handed over; `wait` ms pass before it is returned. */
async function catInto(bytes: Buffer | string, wait = 0) {
  const socket = (await outputSocket())!;
  const child = spawn('cat', [], { stdio: ['pipe', socket.childEnd, 'ignore'] });
  socket.handOver();
  child.stdin!.end(bytes);
  if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
  return socket;
}

describe('outputSocket', () => {
  const tmp = ownTmpdir(false);

  it("a child's whole output, and nothing left under the temporary directory", async () => {
    const { output } = batchOutput();
    process.env.TMPDIR = tmp();
    const socket = (await outputSocket())!;
    expect(socket).not.toBeNull();
    // The listening socket's directory is gone as soon as the pair is connected.
    expect(readdirSync(tmp())).toEqual([]);
    const child = spawn('cat', [], { stdio: ['pipe', socket.childEnd, 'ignore'] });
    socket.handOver();
    child.stdin!.end(output);
    const parts: Buffer[] = [];
    await socket.read((chunk) => parts.push(Buffer.from(chunk)));
    expect(Buffer.concat(parts).equals(output)).toBe(true);
  });

  it('chunks: each read valid until the next is asked for, however long the consumer takes; stopping early stops reading', async () => {
    const { output } = batchOutput();
    process.env.TMPDIR = tmp();
    // Nobody reads yet: what arrives meanwhile waits, it is not lost.
    const socket = await catInto(output, 50);
    const parts: Buffer[] = [];
    for await (const chunk of socket.chunks()) {
      const copy = Buffer.from(chunk);
      // Other work between reads: the socket must not overwrite this read meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(chunk.equals(copy)).toBe(true);
      parts.push(copy);
    }
    expect(Buffer.concat(parts).equals(output)).toBe(true);

    const again = (await outputSocket())!;
    const endless = spawn('yes', [], { stdio: ['ignore', again.childEnd, 'ignore'] });
    again.handOver();
    let reads = 0;
    for await (const _ of again.chunks()) if (++reads === 3) break;
    // The writer sees its reader gone.
    const code = await new Promise((resolve) => endless.on('close', (c, signal) => resolve(c ?? signal)));
    expect(code).not.toBe(0);
  });

  it('read: what arrived before the reader came is given to it first, and its throw on that read ends the read', async () => {
    const { output } = batchOutput();
    process.env.TMPDIR = tmp();
    const socket = await catInto(output, 50);
    const parts: Buffer[] = [];
    await socket.read((chunk) => parts.push(Buffer.from(chunk)));
    expect(Buffer.concat(parts).equals(output)).toBe(true);

    const again = await catInto('early bytes\n', 50);
    await expect(
      again.read(() => {
        throw new Error('first read failed');
      }),
    ).rejects.toThrow('first read failed');
  });

  it('what the reader throws ends the read with that error', async () => {
    process.env.TMPDIR = tmp();
    const socket = await catInto('some bytes\n');
    await expect(
      socket.read(() => {
        throw new Error('reader failed');
      }),
    ).rejects.toThrow('reader failed');
  });

  it('none without a usable temporary directory: missing, or too deep for a socket path', async () => {
    process.env.TMPDIR = join(tmp(), 'gone');
    expect(await outputSocket()).toBeNull();
    const deep = join(tmp(), 'd'.repeat(100));
    mkdirSync(deep);
    process.env.TMPDIR = deep;
    expect(await outputSocket()).toBeNull();
    // Nothing made under a cut name beside the directory either.
    expect(readdirSync(deep)).toEqual([]);
    expect(readdirSync(tmp())).toEqual(['d'.repeat(100)]);
  });

  it('a scan with 2 workers gives the same report through sockets as through pipes', async () => {
    const r = repo();
    const token = githubToken();
    for (let i = 0; i < 30; i++) r.commit(`c${i}`, { [`src/m${i}.js`]: `export const v = ${'1'.repeat(i * 500)};\n`, ...(i === 9 ? { 'cfg/t.env': `GITHUB_TOKEN=${token}\n` } : {}) });
    const strip = (rep: Awaited<ReturnType<typeof scan>>): Record<string, unknown> => {
      const { generatedAt: _g, ...rest } = rep as unknown as Record<string, unknown>;
      const summary = { ...(rest.summary as Record<string, unknown>) };
      delete summary.durationMs;
      return { ...rest, summary };
    };
    process.env.TMPDIR = tmp();
    const viaSockets = strip(await scan(r.dir, { workers: 2 }));
    process.env.TMPDIR = join(tmp(), 'd'.repeat(100));
    mkdirSync(process.env.TMPDIR);
    const viaPipes = strip(await scan(r.dir, { workers: 2 }));
    expect(viaSockets).toEqual(viaPipes);
    expect((viaSockets.findings as Array<{ secret: string }>).map((f) => f.secret)).toContain(token);
  });
});
