// The walks run with a small delta-base cache and pack budget (their memory), cat-file with git's
// defaults (its speed): see gitArgs in src/sources/git/exec.ts for the figures.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gitArgs } from '../src/sources/git/exec.js';

/** The value git ends up with for `key`: the last `-c key=value` before the subcommand wins. */
function effective(args: string[], key: string): string | undefined {
  let value: string | undefined;
  let i = 0;
  while (i < args.length) {
    if (args[i] === '-c') {
      const setting = args[i + 1] ?? '';
      if (setting.startsWith(`${key}=`)) value = setting.slice(key.length + 1);
      i += 2;
    } else if (args[i]!.startsWith('--')) i += 1;
    else break; // the subcommand: what follows is its own
  }
  return value;
}

describe('git arguments', () => {
  it.each(['rev-list', 'log', 'ls-tree'])('%s walks with an 8 MiB delta-base cache and a 32 MiB pack budget', (cmd) => {
    const args = gitArgs([cmd, '--all']);
    expect(effective(args, 'core.deltaBaseCacheLimit')).toBe('8m');
    expect(effective(args, 'core.packedGitLimit')).toBe('32m');
    expect(args.slice(-2)).toEqual([cmd, '--all']);
  });

  it('cat-file keeps the delta-base cache default and the 64 MiB pack budget', () => {
    const args = gitArgs(['cat-file', '--batch']);
    expect(effective(args, 'core.deltaBaseCacheLimit')).toBeUndefined();
    expect(effective(args, 'core.packedGitLimit')).toBe('64m');
  });

  it('git itself accepts the arguments, and reads the walk settings', () => {
    // `git config` is no walk, so ask it with the walk's settings spliced in by hand.
    const walk = gitArgs(['log']).slice(0, -1);
    const out = execFileSync('git', [...walk, 'config', '--get', 'core.deltaBaseCacheLimit'], { encoding: 'utf8' });
    expect(out.trim()).toBe('8m');
  });
});
