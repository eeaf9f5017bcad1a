import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** This repository's root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Tracked and new (not ignored) files of this working tree, as a fresh checkout or `npm pack` of
 * it would hold them: what the action, pre-commit and packaging tests install from.
 */
export function copyWorkingTree(dest: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(ROOT, f)) || f === 'node_modules') continue; // deleted but still indexed; a node_modules link
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dest, f));
  }
}
