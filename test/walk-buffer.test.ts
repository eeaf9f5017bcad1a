// rev-list holds the whole walk in memory until it exits, so its output is read eagerly
// (src/sources/git/history.ts, bufferedLines) rather than at the pace of the scan.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bufferedLines } from '../src/sources/git/history.js';

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('bufferedLines', () => {
  it('reads the stream to its end before anyone takes a line', async () => {
    const s = new PassThrough({ encoding: 'latin1' });
    const lines = bufferedLines(s, 1 << 20);
    const first = lines.next(); // starts the reader
    for (let i = 0; i < 100; i++) s.write(`${String(i).padStart(40, '0')} path/${i}\n`);
    s.end('last-without-newline');
    await tick();
    // All of it was consumed from the stream although only one batch was asked for.
    expect(s.readableEnded).toBe(true);
    const got: string[] = [...((await first).value as string[])];
    for await (const batch of lines) got.push(...batch);
    expect(got).toHaveLength(101);
    expect(got[0]).toBe(`${'0'.repeat(40)} path/0`);
    expect(got[100]).toBe('last-without-newline');
  });

  it('pauses the stream past its bound and resumes as lines are taken', async () => {
    const s = new PassThrough({ encoding: 'latin1', highWaterMark: 16 });
    const lines = bufferedLines(s, 100);
    const first = lines.next();
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
    let count = ((await first).value as string[]).length;
    for await (const batch of lines) count += batch.length;
    await writer;
    expect(count).toBe(20);
  });

  it('a split CR stays inside its line: only LF ends one', async () => {
    const s = new PassThrough({ encoding: 'latin1' });
    const lines = bufferedLines(s, 1 << 20);
    s.end('id1 a\rb\nid2 c\n');
    const got: string[] = [];
    for await (const batch of lines) got.push(...batch);
    expect(got).toEqual(['id1 a\rb', 'id2 c']);
  });

  it('a stream error reaches the consumer', async () => {
    const s = new PassThrough({ encoding: 'latin1' });
    const lines = bufferedLines(s, 1 << 20);
    const first = lines.next();
    s.destroy(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
  });
});
