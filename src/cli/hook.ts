import { Command } from 'commander';
import { installPreCommitHook } from '../hook.js';
import { escapeControl } from '../report/escape.js';
import { withGlobalOptions } from './common.js';

export function hookCommand(setExit: (code: number) => void): Command {
  const hook = new Command('hook').description('manage git hooks');
  const install = new Command('install')
    .description('install a pre-commit hook that runs `nhiscan scan --staged`')
    .argument('[repo]', 'repository', '.')
    .option('--force', 'replace an existing pre-commit hook not written by nhiscan');
  withGlobalOptions(install);
  install.action(async (repo: string, flags: { force?: boolean }) => {
    const path = await installPreCommitHook(repo, Boolean(flags.force));
    // The path comes from the repository's location and core.hooksPath: either may hold controls.
    process.stderr.write(`installed pre-commit hook: ${escapeControl(path)}\n`);
    setExit(0);
  });
  hook.addCommand(install);
  return hook;
}
