import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputError, UsageError } from './errors.js';
import { gitOutput } from './sources/git/exec.js';
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

export async function installPreCommitHook(repo: string, force: boolean): Promise<string> {
  const root = await requireRepo(repo);
  const hooksRel = (await gitOutput(root, ['rev-parse', '--git-path', 'hooks'])).trim();
  const hooksDir = isAbsolute(hooksRel) ? hooksRel : join(root, hooksRel);
  const path = join(hooksDir, 'pre-commit');
  try {
    const existing = await readFile(path, 'utf8');
    if (!existing.includes(MARKER) && !force) {
      throw new UsageError(`${path} exists and was not written by nhiscan; use --force to replace it`);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // No hook yet is the expected case; an unreadable one must not be replaced blindly.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new OutputError(`cannot read the existing hook ${path}: ${code ?? 'read failed'}`);
  }
  const bin = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'nhiscan.js');
  try {
    await mkdir(hooksDir, { recursive: true });
    await writeFile(path, hookScript(bin), { mode: 0o755 });
    await chmod(path, 0o755);
  } catch (err) {
    throw new OutputError(`cannot write the hook ${path}: ${(err as NodeJS.ErrnoException).code ?? 'write failed'}`);
  }
  return path;
}
