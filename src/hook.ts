import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { OutputError, UsageError } from './errors.js';
import { PACKAGE_ROOT } from './package-root.js';
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

/** Where the hook lives: `.git/hooks`, or core.hooksPath. */
async function hookPath(repo: string): Promise<{ hooksDir: string; path: string }> {
  await requireDirectory(repo);
  const root = await requireRepo(repo);
  const hooksRel = pathLine(await gitOutput(root, ['rev-parse', '--git-path', 'hooks']));
  const hooksDir = isAbsolute(hooksRel) ? hooksRel : join(root, hooksRel);
  return { hooksDir, path: join(hooksDir, 'pre-commit') };
}

const BACKUP = 'pre-commit.nhiscan-backup';

/** The backups `install --force` made, oldest first: `pre-commit.nhiscan-backup`, `…-backup.2`, … */
async function backups(hooksDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(hooksDir);
  } catch (err) {
    // No hooks directory yet: no backups. Anything else (EACCES) must not pass as "none".
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new OutputError(`cannot read ${escapeControl(hooksDir)}: ${(err as NodeJS.ErrnoException).code ?? 'read failed'}`);
  }
  const numbered = /^pre-commit\.nhiscan-backup(?:\.([1-9][0-9]{0,5}))?$/;
  const n = (name: string): number => Number(numbered.exec(name)?.[1] ?? 1);
  return names
    .filter((name) => numbered.test(name))
    .sort((a, b) => n(a) - n(b))
    .map((name) => join(hooksDir, name));
}

/**
 * Keep the hook that --force replaces: a copy (same mode) of a file, or a new link with the same
 * target for a symbolic link (its target is never read or written). Never overwrites an earlier
 * backup: each is created exclusively, under the next free number.
 */
async function backUp(path: string, hooksDir: string, isLink: boolean): Promise<string> {
  for (let i = 1; i < 1000; i++) {
    const backup = join(hooksDir, i === 1 ? BACKUP : `${BACKUP}.${i}`);
    try {
      if (isLink) await symlink(await readlink(path), backup);
      else {
        await copyFile(path, backup, constants.COPYFILE_EXCL);
        await chmod(backup, (await stat(path)).mode & 0o7777);
      }
      return backup;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue; // an earlier backup: keep it, try the next name
      if (typeof code !== 'string') throw err;
      throw new OutputError(`cannot back up the existing hook ${escapeControl(path)}: ${code}; nothing was changed`);
    }
  }
  throw new UsageError(`too many hook backups in ${escapeControl(hooksDir)}; remove old ${BACKUP}.* files`);
}

export interface Installed {
  path: string;
  /** Where the replaced hook was saved, when --force replaced one nhiscan did not write. */
  backup?: string;
}

export async function installPreCommitHook(repo: string, force: boolean): Promise<Installed> {
  const { hooksDir, path } = await hookPath(repo);
  const shown = escapeControl(path);
  let existing: string | null = null;
  let isLink = false;
  try {
    // lstat first: reading or writing through a link (dangling or not) would touch its target,
    // which may be anywhere outside the repository.
    if ((await lstat(path)).isSymbolicLink()) {
      isLink = true;
      if (!force) throw new UsageError(`${shown} is a symbolic link; use --force to replace the link (it is kept as ${BACKUP}; its target is left alone)`);
    } else {
      existing = await readFile(path, 'utf8');
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // No hook yet is the expected case; an unreadable one must not be replaced blindly.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new OutputError(`cannot read the existing hook ${shown}: ${code ?? 'read failed'}`);
  }
  const foreign = isLink || (existing !== null && !existing.includes(MARKER));
  if (foreign && !force) {
    throw new UsageError(`${shown} exists and was not written by nhiscan; use --force to replace it (it is kept as ${BACKUP})`);
  }
  // Someone else's hook is saved before anything is written: `hook uninstall` puts it back.
  const backup = foreign ? await backUp(path, hooksDir, isLink) : undefined;
  const bin = join(PACKAGE_ROOT, 'bin', 'nhiscan.js');
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
  return backup ? { path, backup } : { path };
}

export interface Uninstalled {
  /** The hook removed, or null when there was none. */
  removed: string | null;
  /** The backup put back in its place, if `install --force` had made one. */
  restored?: string;
}

/**
 * Remove the hook nhiscan wrote, and put back the newest backup `install --force` made. A hook
 * nhiscan did not write is left alone (exit 2): removing someone else's hook loses their work.
 */
export async function uninstallPreCommitHook(repo: string): Promise<Uninstalled> {
  const { hooksDir, path } = await hookPath(repo);
  const shown = escapeControl(path);
  let text: string;
  try {
    if ((await lstat(path)).isSymbolicLink()) throw new UsageError(`${shown} is a symbolic link, not the hook nhiscan writes; left alone`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // Nothing installed: uninstalling is already done (idempotent, like `rm -f`).
    if (code === 'ENOENT') return { removed: null };
    throw new OutputError(`cannot read the hook ${shown}: ${code ?? 'read failed'}`);
  }
  if (!text.includes(MARKER)) throw new UsageError(`${shown} was not written by nhiscan; left alone`);
  const newest = (await backups(hooksDir)).at(-1);
  try {
    // rename over the hook is atomic: there is never a moment without one when a backup exists.
    if (newest) await rename(newest, path);
    else await unlink(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw err;
    throw new OutputError(`cannot remove the hook ${shown}: ${code}`);
  }
  return newest ? { removed: path, restored: newest } : { removed: path };
}
