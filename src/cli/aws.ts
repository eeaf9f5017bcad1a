import { Command, InvalidArgumentError, Option } from 'commander';
import { runAwsAudit } from '../aws-audit.js';
import { READ_ONLY_POLICY } from '../cloud/aws/permissions.js';
import { loadConfig } from '../config.js';
import { UsageError } from '../errors.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../score/rules.js';
import { emit, exitCodeFor, failOnOption, formatOption, resolveFormat, withGlobalOptions, type GlobalFlags } from './common.js';
import { Spinner } from './progress.js';

export interface AwsFlags extends GlobalFlags {
  profile?: string;
  region?: string;
  regions?: string[];
  allRegions?: boolean;
  endpointUrl?: string;
  credentialReport?: string;
  authorizationDetails?: string;
  secrets?: string;
  accessKeys?: string;
  maxKeyAge?: number;
  criticalKeyAge?: number;
  unusedDays?: number;
  graceDays?: number;
  config?: string;
}

function days(value: string): number {
  if (!/^\d{1,5}$/.test(value)) throw new InvalidArgumentError('expected a whole number of days');
  return Number(value);
}

/** The AWS options `aws`, `audit`, `rotate` and `revoke` share. */
export function addAwsOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'AWS profile (default: the standard credential chain)')
    .option('--region <region>', 'AWS region')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (default: AWS_ENDPOINT_URL)');
}

export function addAwsAuditOptions(cmd: Command): Command {
  addAwsOptions(cmd)
    .addOption(new Option('--regions <list>', 'Secrets Manager regions, comma-separated (default: --region)').argParser((v) => v.split(',').map((r) => r.trim()).filter(Boolean)))
    .option('--all-regions', 'Secrets Manager in every enabled region')
    .option('--credential-report <file>', 'offline: `aws iam get-credential-report` output (JSON or the decoded CSV)')
    .option('--authorization-details <file>', 'offline: `aws iam get-account-authorization-details` output')
    .option('--secrets <file>', 'offline: `aws secretsmanager list-secrets` output')
    .option('--access-keys <file>', 'offline: `aws iam list-access-keys` outputs merged (real key ids)')
    .addOption(new Option('--max-key-age <days>', `flag active keys older than this (default ${DEFAULT_THRESHOLDS.keyMaxAgeDays})`).argParser(days))
    .addOption(new Option('--critical-key-age <days>', `...as high from this age (default ${DEFAULT_THRESHOLDS.keyCriticalAgeDays})`).argParser(days))
    .addOption(new Option('--unused-days <days>', `flag keys, roles and secrets unused this long (default ${DEFAULT_THRESHOLDS.unusedDays})`).argParser(days))
    .addOption(new Option('--grace-days <days>', `never-used keys are flagged after this (default ${DEFAULT_THRESHOLDS.neverUsedGraceDays})`).argParser(days))
    .option('-c, --config <file>', 'config file with an [aws] table of thresholds (default: ./.nhiscan.toml)');
  return cmd;
}

export async function awsAuditOptions(flags: AwsFlags) {
  const offlinePair = [flags.credentialReport, flags.authorizationDetails].filter(Boolean).length;
  if (offlinePair === 1) throw new UsageError('offline mode needs both --credential-report and --authorization-details');
  if ((flags.secrets || flags.accessKeys) && offlinePair === 0) throw new UsageError('--secrets and --access-keys are for offline mode, with --credential-report and --authorization-details');
  const config = await loadConfig(flags.config, process.cwd());
  const thresholds: Thresholds = {
    keyMaxAgeDays: flags.maxKeyAge ?? config.aws.keyMaxAgeDays ?? DEFAULT_THRESHOLDS.keyMaxAgeDays,
    keyCriticalAgeDays: flags.criticalKeyAge ?? config.aws.keyCriticalAgeDays ?? DEFAULT_THRESHOLDS.keyCriticalAgeDays,
    unusedDays: flags.unusedDays ?? config.aws.unusedDays ?? DEFAULT_THRESHOLDS.unusedDays,
    neverUsedGraceDays: flags.graceDays ?? config.aws.neverUsedGraceDays ?? DEFAULT_THRESHOLDS.neverUsedGraceDays,
  };
  return {
    thresholds,
    ...(offlinePair === 2
      ? { offline: { credentialReport: flags.credentialReport!, authorizationDetails: flags.authorizationDetails!, ...(flags.secrets ? { secrets: flags.secrets } : {}), ...(flags.accessKeys ? { accessKeys: flags.accessKeys } : {}) } }
      : {
          aws: {
            ...(flags.profile ? { profile: flags.profile } : {}),
            ...(flags.region ? { region: flags.region } : {}),
            ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
            regions: flags.regions ?? [],
            allRegions: Boolean(flags.allRegions),
          },
        }),
  };
}

export function awsCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('aws')
    .description('inventory AWS machine identities and score them against the OWASP NHI Top 10')
    .addOption(formatOption(['csv']))
    .option('-o, --output <file>', 'write the report to a file (mode 0600) instead of stdout')
    .addOption(failOnOption())
    .option('--print-policy', 'print the read-only IAM policy nhiscan needs, and exit');
  addAwsAuditOptions(cmd);
  withGlobalOptions(cmd);
  cmd.action(async (flags: AwsFlags & { format?: string; output?: string; failOn: string; printPolicy?: boolean }) => {
    if (flags.printPolicy) {
      process.stdout.write(`${JSON.stringify(READ_ONLY_POLICY, null, 2)}\n`);
      setExit(0);
      return;
    }
    const options = await awsAuditOptions(flags);
    const spinner = new Spinner(!flags.debug);
    spinner.phase('offline' in options ? 'reading AWS exports' : 'reading the AWS account');
    let result;
    try {
      result = await runAwsAudit(options);
    } finally {
      spinner.stop();
    }
    await emit(result.report, resolveFormat(flags.format) as never, flags.output, flags);
    if (flags.debug && result.apiCalls) {
      process.stderr.write(`debug: ${result.apiCalls.total} AWS API call(s): ${JSON.stringify(result.apiCalls.byOperation)}\n`);
    }
    setExit(exitCodeFor(result.report, flags.failOn));
  });
  return cmd;
}
