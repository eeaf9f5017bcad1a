import { Command } from 'commander';
import { installPreCommitHook, uninstallPreCommitHook } from '../hook.js';
import { escapeControl } from '../report/escape.js';
import { withGlobalOptions } from './common.js';

export function hookCommand(setExit: (code: number) => void): Command {
  const hook = new Command('hook').description('install or remove the git pre-commit hook that blocks commits adding secrets');
  const install = new Command('install')
    .description('install a pre-commit hook that runs `nhiscan scan --staged`')
    .argument('[repo]', 'repository', '.')
    .option('--force', 'replace an existing pre-commit hook not written by nhiscan (it is kept as pre-commit.nhiscan-backup)');
  withGlobalOptions(install);
  install.action(async (repo: string, flags: { force?: boolean }) => {
    const { path, backup } = await installPreCommitHook(repo, Boolean(flags.force));
    // The path comes from the repository's location and core.hooksPath: either may hold controls.
    process.stderr.write(`installed pre-commit hook: ${escapeControl(path)}${backup ? ` (the previous hook is kept as ${escapeControl(backup)})` : ''}\n`);
    setExit(0);
  });
  const uninstall = new Command('uninstall')
    .description('remove the pre-commit hook nhiscan installed, putting back the hook `install --force` replaced')
    .argument('[repo]', 'repository', '.');
  withGlobalOptions(uninstall);
  uninstall.action(async (repo: string) => {
    const { removed, restored } = await uninstallPreCommitHook(repo);
    if (!removed) process.stderr.write('no pre-commit hook installed; nothing to remove\n');
    else process.stderr.write(`removed pre-commit hook: ${escapeControl(removed)}${restored ? ` (restored the previous hook from ${escapeControl(restored)})` : ''}\n`);
    setExit(0);
  });
  hook.addCommand(install).addCommand(uninstall);
  return hook;
}
