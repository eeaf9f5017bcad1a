// Every temporary file of a test run goes under one directory that is removed when the run ends.
// Tests create their repositories and reports with mkdtemp(os.tmpdir()), and the CLI and git they
// spawn do too; os.tmpdir() follows TMPDIR, which the test workers and their children inherit from
// here. Without this, each run left a hundred and more nhiscan-* directories in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'nhiscan-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
