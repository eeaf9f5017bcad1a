// rev-list holds the whole walk in memory until it exits, so its output is read eagerly
// (src/sources/git/history.ts, bufferedChunks) rather than at the pace of the scan.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bufferedChunks, lineSplitter } from '../src/sources/git/history.js';

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('bufferedChunks', () => {
  it('reads the stream to its end before anyone takes a line', async () => {
    const s = new PassThrough({ encoding: 'latin1' });
    const chunks = bufferedChunks(s, 1 << 20);
    const first = chunks.next(); // starts the reader
    for (let i = 0; i < 100; i++) s.write(`${String(i).padStart(40, '0')} path/${i}\n`);
    s.end('last-without-newline');
    await tick();
    // All of it was consumed from the stream although only one chunk was asked for.
    expect(s.readableEnded).toBe(true);
    let text = String((await first).value);
    for await (const chunk of chunks) text += String(chunk);
    const got = text.split('\n');
    expect(got).toHaveLength(101);
    expect(got[0]).toBe(`${'0'.repeat(40)} path/0`);
    expect(got[100]).toBe('last-without-newline');
  });

  it('pauses the stream past its bound and resumes as lines are taken', async () => {
    const s = new PassThrough({ encoding: 'latin1', highWaterMark: 16 });
    const chunks = bufferedChunks(s, 100);
    const first = chunks.next();
    const line = `${'a'.repeat(49)}\n`; // 50 characters each
    let written = 0;
    const writer = (async () => {
      for (let i = 0; i < 20; i++) {
        if (!s.write(line)) await new Promise((r) => s.once('drain', r));
        written++;
      }
      s.end();
    })();
    await tick();
    expect(s.isPaused()).toBe(true);
    expect(written).toBeLessThan(20);
    let size = String((await first).value).length;
    for await (const chunk of chunks) size += chunk.length;
    await writer;
    expect(size).toBe(20 * 50);
  });

  it('a stream error reaches the consumer', async () => {
    const s = new PassThrough({ encoding: 'latin1' });
    const chunks = bufferedChunks(s, 1 << 20);
    const first = chunks.next();
    s.destroy(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
  });
});

describe('lineSplitter', () => {
  it('splits on LF only (a CR stays inside its path), across chunk edges, and keeps a last line without one', () => {
    const missing: string[] = [];
    const split = lineSplitter((id) => missing.push(id));
    const text = 'id1 a\rb\n?gone \nid2 c\n\nid3 d';
    for (let cut = 0; cut <= text.length; cut++) {
      missing.length = 0;
      const got = [...split(Buffer.from(text.slice(0, cut), 'latin1')), ...split(Buffer.from(text.slice(cut), 'latin1')), ...split(null)];
      expect(got).toEqual(['id1 a\rb', 'id2 c', 'id3 d']);
      expect(missing).toEqual(['gone']);
    }
  });

  it('keeps every byte of a path that is not UTF-8', () => {
    const split = lineSplitter(() => undefined);
    const line = Buffer.concat([Buffer.from('id1 caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\n')]);
    expect(Buffer.from(split(line)[0]!, 'latin1')).toEqual(line.subarray(0, line.length - 1));
  });
});
