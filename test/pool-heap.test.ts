// The pool caps how far V8 lets old generations grow (HEAP_GROWING_PERCENT in src/detect/pool.ts):
// a memory bound for large histories. The flag is process-wide, so this file checks only who sets
// it: every run that uses the pool, and no run on the main thread alone.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { tempRepos } from './helpers/git.js';
import { scan } from './helpers/scan.js';
import { githubToken } from './helpers/secrets.js';

const setFlags = vi.hoisted(() => vi.fn());
vi.mock('node:v8', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:v8')>()), setFlagsFromString: setFlags }));

const repo = tempRepos();

describe('old-generation growth in the scan pool', () => {
  beforeEach(() => setFlags.mockClear());

  it('is capped at 2x when workers scan, and the findings are the same as on the main thread', async () => {
    const r = repo();
    const token = githubToken();
    r.commit('a', { 'a.env': `GITHUB_TOKEN=${token}\n`, 'b.txt': 'nothing here\n' });
    const pooled = await scan(r.dir, { workers: 2 });
    expect(setFlags).toHaveBeenCalledWith('--heap-growing-percent=100');
    setFlags.mockClear();
    const alone = await scan(r.dir, { workers: 1 });
    expect(setFlags).not.toHaveBeenCalled();
    const ids = (rep: typeof alone) => rep.findings.map((f) => ('ruleId' in f ? f.ruleId : '')).sort();
    expect(ids(pooled)).toEqual(ids(alone));
    expect(ids(alone)).toContain('github-personal-access-token');
  });
});
