import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { runAudit } from '../audit.js';
import { buildDemoRepo, FIXTURES } from '../demo/build-repo.js';
import { UsageError } from '../errors.js';
import { addAwsAuditOptions, awsAuditOptions, noteExpiredMutes, type AwsFlags } from './aws.js';
import { conclude, failOnOption, formatOption, parseSize, resolveFormat, withGlobalOptions } from './common.js';
import { addReportOptions, type ReportFlags } from './report-options.js';
import { decodeDepthOption } from './scan-options.js';
import { Spinner } from './progress.js';

interface AuditFlags extends AwsFlags, ReportFlags {
  reposFrom?: string;
  demo?: boolean;
  format?: string;
  output?: string;
  failOn: string;
  showSecrets?: boolean;
  maxFileSize: string;
  decodeDepth: number | string;
}

/** The bundled demo: a repository built from fixtures/demo and the offline exports of its AWS account. */
export const DEMO_AWS = {
  credentialReport: join(FIXTURES, 'aws', 'credential-report.csv'),
  authorizationDetails: join(FIXTURES, 'aws', 'authorization-details.json'),
  secrets: join(FIXTURES, 'aws', 'secrets.json'),
  accessKeys: join(FIXTURES, 'aws', 'access-keys.json'),
};

async function reposFrom(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
  } catch (err) {
    throw new UsageError(`cannot read --repos-from ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function auditCommand(setExit: (code: number) => void, name = 'audit'): Command {
  const cmd = new Command(name)
    .description(name === 'audit' ? 'scan repositories and the AWS account together, and join leaked keys with live ones' : 'the full demo audit on bundled fixtures (same as audit --demo)')
    .argument('[repos...]', 'repositories to scan (default: .)')
    .option('--repos-from <file>', 'read repository paths from a file, one per line')
    .option('--demo', 'audit the bundled demo repository and demo AWS account (offline, no credentials); exits 0 on its findings unless --fail-on is given')
    .addOption(formatOption(['markdown', 'csv']))
    .option('-o, --output <file>', 'write the report to a file (mode 0600) instead of stdout')
    .addOption(failOnOption('; the demo alone exits 0 on its findings unless this is given'))
    .option('--show-secrets', 'print secrets in full (default: redacted)')
    .addOption(new Option('--max-file-size <size>', 'skip blobs larger than this').default('10MiB'))
    .addOption(decodeDepthOption());
  addAwsAuditOptions(cmd);
  addReportOptions(cmd);
  withGlobalOptions(cmd);
  cmd.action(async (repos: string[], flags: AuditFlags) => {
    const demo = name === 'demo' || Boolean(flags.demo);
    // Repositories of the user's own beside the demo: their findings gate as usual.
    const ownRepos = repos.length > 0 || Boolean(flags.reposFrom);
    let cleanup: (() => Promise<void>) | undefined;
    try {
      if (flags.reposFrom) repos = [...repos, ...(await reposFrom(flags.reposFrom))];
      let aws;
      if (demo) {
        // The demo's AWS account is the bundled one: an export given too would be silently ignored.
        const given = (['credentialReport', 'authorizationDetails', 'secrets', 'accessKeys'] as const).filter((k) => flags[k]);
        if (given.length) throw new UsageError(`--demo audits the bundled AWS exports: drop ${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}, or audit without --demo`);
        const built = await buildDemoRepo();
        cleanup = built.cleanup;
        repos = [built.dir, ...repos];
        aws = { offline: DEMO_AWS };
        // Progress, not a problem: on a terminal only (stderr off a terminal is one line per problem).
        if (process.stderr.isTTY) process.stderr.write(`demo: repository built from fixtures/demo in ${built.dir}; AWS account from fixtures/aws (offline)\n`);
      } else {
        aws = await awsAuditOptions(flags);
      }
      if (repos.length === 0) repos = ['.'];
      const spinner = new Spinner(!flags.debug);
      let result;
      try {
        result = await runAudit({
          repos,
          aws,
          showSecrets: Boolean(flags.showSecrets),
          maxFileSize: parseSize(flags.maxFileSize),
          decodeDepth: Number(flags.decodeDepth),
          onPhase: (p) => spinner.phase(p),
        });
      } finally {
        spinner.stop();
      }
      if (flags.debug && result.apiCalls) process.stderr.write(`debug: ${result.apiCalls.total} AWS API call(s): ${JSON.stringify(result.apiCalls.byOperation)}\n`);
      noteExpiredMutes(result.report);
      // The demo alone succeeds when it shows its findings (so `npm start` stays clean), unless the
      // user asked for a threshold or added repositories of their own: then findings gate as usual.
      const lenient = demo && cmd.getOptionValueSource('failOn') !== 'cli' && !ownRepos;
      // conclude also writes --html, after the main report.
      setExit(await conclude(result.report, { format: flags.format ? resolveFormat(flags.format) : demo ? 'text' : resolveFormat(undefined), output: flags.output, failOn: flags.failOn, flags, lenient }));
    } finally {
      await cleanup?.();
    }
  });
  return cmd;
}
