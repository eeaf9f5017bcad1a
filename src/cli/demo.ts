import { Command } from 'commander';
import { emptyConfig } from '../config.js';
import { buildDemoRepo } from '../demo/build-repo.js';
import { runScan } from '../scan.js';
import { emit, formatOption, resolveFormat, withGlobalOptions, type GlobalFlags } from './common.js';

export function demoCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('demo')
    .description('scan a bundled demo repository (built in a temp dir) to show what nhiscan reports')
    .addOption(formatOption())
    .option('--show-secrets', 'print secrets in full (default: redacted)');
  withGlobalOptions(cmd);
  cmd.action(async (flags: GlobalFlags & { format?: string; showSecrets?: boolean }) => {
    const { dir, cleanup } = await buildDemoRepo();
    try {
      process.stderr.write(`scanning a demo repository built from fixtures/demo (temporary: ${dir})\n`);
      const report = await runScan(
        { kind: 'history', repo: dir },
        {
          target: dir,
          noGit: false,
          noIgnore: false,
          staged: false,
          allObjects: false,
          maxFileSize: 10 * 1024 * 1024,
          showSecrets: Boolean(flags.showSecrets),
          config: emptyConfig(),
        },
      );
      await emit(report, flags.format ? resolveFormat(flags.format) : 'text', undefined, flags);
      // A demo that found what it planted has succeeded; only a failed scan is an error.
      setExit(report.coverage.complete ? 0 : 3);
    } finally {
      await cleanup();
    }
  });
  return cmd;
}
