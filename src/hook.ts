import { chmod, lstat, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputError, UsageError } from './errors.js';
import { escapeControl } from './report/escape.js';
import { gitOutput, pathLine } from './sources/git/exec.js';
import { requireRepo } from './sources/git/repo.js';

const MARKER = '# nhiscan pre-commit hook';

export function hookScript(fallbackBin: string): string {
  // Prefer an nhiscan on PATH (a global or project install); fall back to the copy that installed the hook.
  return `#!/bin/sh
${MARKER}: blocks commits whose staged content holds a secret.
# Bypass once with: git commit --no-verify   (mark a false positive inline with nhiscan:allow)
if command -v nhiscan >/dev/null 2>&1; then
  exec nhiscan scan --staged --format text --fail-on low
fi
exec node ${JSON.stringify(fallbackBin)} scan --staged --format text --fail-on low
`;
}

/** The hook's directory must exist: a typo is the user's to fix (exit 2), not a git failure. */
async function requireDirectory(repo: string): Promise<void> {
  try {
    if ((await stat(repo)).isDirectory()) return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`repository not found: ${escapeControl(repo)}`);
    // Cannot look (EACCES, EIO): a runtime failure; requireRepo below would name it the same way.
    if (typeof code === 'string') throw new OutputError(`cannot open ${escapeControl(repo)}: ${code}`);
    throw err;
  }
  throw new UsageError(`not a directory: ${escapeControl(repo)}`);
}

export async function installPreCommitHook(repo: string, force: boolean): Promise<string> {
  await requireDirectory(repo);
  const root = await requireRepo(repo);
  const hooksRel = pathLine(await gitOutput(root, ['rev-parse', '--git-path', 'hooks']));
  const hooksDir = isAbsolute(hooksRel) ? hooksRel : join(root, hooksRel);
  const path = join(hooksDir, 'pre-commit');
  const shown = escapeControl(path);
  let existing: string | null = null;
  try {
    // lstat first: reading or writing through a link (dangling or not) would touch its target,
    // which may be anywhere outside the repository.
    if ((await lstat(path)).isSymbolicLink()) {
      if (!force) throw new UsageError(`${shown} is a symbolic link; use --force to replace the link (its target is left alone)`);
    } else {
      existing = await readFile(path, 'utf8');
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // No hook yet is the expected case; an unreadable one must not be replaced blindly.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new OutputError(`cannot read the existing hook ${shown}: ${code ?? 'read failed'}`);
  }
  if (existing !== null && !existing.includes(MARKER) && !force) {
    throw new UsageError(`${shown} exists and was not written by nhiscan; use --force to replace it`);
  }
  const bin = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'nhiscan.js');
  // Written beside the hook and renamed over it: rename replaces a link itself, never its target,
  // and a failed write leaves the old hook whole.
  const temp = join(hooksDir, `.pre-commit.nhiscan-${process.pid}`);
  try {
    await mkdir(hooksDir, { recursive: true });
    await writeFile(temp, hookScript(bin), { mode: 0o755, flag: 'wx' });
    await chmod(temp, 0o755);
    await rename(temp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw err; // not a file-system failure: a bug, not "cannot write"
    // Best-effort cleanup of our own temp file; the write failure above is the one to report.
    await rm(temp, { force: true }).catch(() => undefined);
    throw new OutputError(`cannot write the hook ${shown}: ${code}`);
  }
  return path;
}
