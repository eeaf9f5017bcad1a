import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh directory for each test of the calling block, and TMPDIR put back after it (tests move
 * TMPDIR to see what nhiscan leaves there, or to take it away). With `use`, TMPDIR points at the
 * directory from the start. Returns the current test's directory.
 */
export function ownTmpdir(use: boolean): () => string {
  let saved: string | undefined;
  let dir = '';
  beforeEach(() => {
    saved = process.env.TMPDIR;
    dir = mkdtempSync(join(tmpdir(), 'nhiscan-tmp-'));
    if (use) process.env.TMPDIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });
  return () => dir;
}
