import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { readFileItem } from '../src/sources/directory.js';
import { TempRepo } from './helpers/git.js';
import { scan, secrets } from './helpers/scan.js';
import { githubToken } from './helpers/secrets.js';

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-dir-'));
  dirs.push(dir);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('directory source', () => {
  const kept = githubToken();
  const ignored = githubToken('gho_');
  const nested = githubToken('ghu_');
  const files = () => ({
    '.gitignore': 'build/\n*.log\n',
    'src/app.env': `T=${kept}\n`,
    'build/out.env': `T=${ignored}\n`,
    'debug.log': `T=${ignored}\n`,
    'pkg/.gitignore': 'secret.txt\n',
    'pkg/secret.txt': `T=${nested}\n`,
    '.git/config': `T=${ignored}\n`,
  });

  // The tree holds a `.git` git cannot open: as a target that is a broken repository (exit 3, see
  // test/faults/git.test.ts), so these scan it as files, which must still never read `.git`.
  it('honours .gitignore at every level and never reads .git', async () => {
    const found = secrets(await scan(tree(files()), { noGit: true })).map((f) => [f.secret, f.location.path, f.inHead]);
    expect(found).toEqual([[kept, 'src/app.env', null]]);
  });

  it('--no-ignore scans ignored files too', async () => {
    const found = secrets(await scan(tree(files()), { noIgnore: true, noGit: true })).map((f) => f.secret);
    expect(found.sort()).toEqual([kept, ignored, nested].sort());
  });

  it('--no-git scans a repository as files, working tree only', async () => {
    const r = new TempRepo();
    try {
      const old = githubToken();
      r.commit('old', { 'a.env': `T=${old}\n` });
      const current = githubToken('ghs_');
      r.commit('new', { 'a.env': `T=${current}\n` });
      const found = secrets(await scan(r.dir, { noGit: true })).map((f) => f.secret);
      expect(found).toEqual([current]);
    } finally {
      r.cleanup();
    }
  });

  it('applies path allowlists from config before reading files', async () => {
    const dir = tree({ 'fixtures/fake.env': `T=${kept}\n`, 'app.env': `T=${nested}\n` });
    const config = parseConfig('[allowlist]\npaths = ["fixtures/**"]\n', 'cfg.toml');
    expect(secrets(await scan(dir, { config })).map((f) => f.secret)).toEqual([nested]);
  });

  it('records an unreadable file as a coverage gap instead of failing silently', async () => {
    const gaps: { scope: string; reason: string }[] = [];
    expect(await readFileItem('/nonexistent/nhiscan/file', 'file', 1024, gaps)).toBeNull();
    expect(gaps).toEqual([{ scope: 'file', reason: 'ENOENT' }]);
  });
});
