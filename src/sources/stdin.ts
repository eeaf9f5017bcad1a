import type { Readable } from 'node:stream';
import type { CoverageGap } from '../model.js';
import type { ContentItem, Source } from './types.js';

export class StdinSource implements Source {
  readonly kind = 'stdin';
  readonly gaps: CoverageGap[] = [];

  constructor(
    private readonly input: Readable,
    private readonly maxFileSize: number,
  ) {}

  async *items(): AsyncGenerator<ContentItem> {
    const parts: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of this.input as AsyncIterable<Buffer | string>) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        // Past the limit, keep counting but stop holding bytes.
        if (size <= this.maxFileSize) parts.push(buf);
      }
    } catch (err) {
      // A read error (EIO, EISDIR, …) part-way: stdin was not read, so it is not clean.
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code !== 'string') throw err;
      this.gaps.push({ scope: '(stdin)', reason: `read failed (${code})` });
      return;
    }
    yield size > this.maxFileSize
      ? { key: '(stdin)', path: '(stdin)', size }
      : { key: '(stdin)', path: '(stdin)', size, data: Buffer.concat(parts) };
  }
}
