import { Command, InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import { runAwsAudit } from '../aws-audit.js';
import { BASELINE_FILE, readBaseline } from '../baseline.js';
import { checkRegion, DEFAULT_TIMEOUTS, timeoutsFromSeconds, type AwsOptions } from '../cloud/aws/clients.js';
import { loadConfig } from '../config.js';
import { UsageError } from '../errors.js';
import type { Report } from '../model.js';
import { DEFAULT_ORG_ROLE } from '../org.js';
import { POLICY_VARIANTS, policyFor, type PolicyVariant } from '../remediate/permissions.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../score/rules.js';
import { conclude, failOnOption, formatOption, resolveFormat, withGlobalOptions, type GlobalFlags } from './common.js';
import { Spinner } from './progress.js';
import { addReportOptions } from './report-options.js';

export interface AwsFlags extends GlobalFlags {
  profile?: string;
  region?: string;
  regions?: string[];
  allRegions?: boolean;
  endpointUrl?: string;
  awsTimeout?: number;
  credentialReport?: string;
  authorizationDetails?: string;
  secrets?: string;
  accessKeys?: string;
  maxKeyAge?: number;
  criticalKeyAge?: number;
  unusedDays?: number;
  graceDays?: number;
  config?: string;
  org?: boolean;
  roleName?: string;
  accounts?: string[];
  excludeAccounts?: string[];
  baseline?: string | false;
}

function days(value: string): number {
  if (!/^\d{1,5}$/.test(value)) throw new InvalidArgumentError('expected a whole number of days');
  return Number(value);
}

function seconds(value: string): number {
  // Up to an hour; decimals allowed so tests (and impatient users) can go below a second.
  if (!/^\d{1,4}(\.\d{1,3})?$/.test(value) || Number(value) <= 0 || Number(value) > 3600) throw new InvalidArgumentError('expected a number of seconds between 0 and 3600');
  return Number(value);
}

/** `--regions a,b`: every element must be a region. An empty one is refused, not dropped: it is usually an unset shell variable, and dropping it would silently skip a region. */
function regionList(value: string): string[] {
  const regions = value.split(',').map((r) => r.trim());
  if (regions.some((r) => r === '')) throw new InvalidArgumentError('expected comma-separated region names, with none empty');
  for (const r of regions) {
    try {
      checkRegion(r, '--regions');
    } catch (err) {
      if (err instanceof UsageError) throw new InvalidArgumentError('expected region names like us-east-1,eu-west-1');
      throw err;
    }
  }
  return [...new Set(regions)];
}

/** `--accounts 111122223333,...`: 12-digit ids only; a bad one is refused without echoing it. */
function accountList(value: string): string[] {
  const ids = value.split(',').map((a) => a.trim());
  if (ids.some((a) => !/^\d{12}$/.test(a))) throw new InvalidArgumentError('expected comma-separated 12-digit AWS account ids');
  return [...new Set(ids)];
}

/** An IAM role name (or path/name) as IAM allows it; anything else could not be assumed anyway. */
function roleName(value: string): string {
  if (!/^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(value) || value.length > 576) throw new InvalidArgumentError('expected an IAM role name like OrganizationAccountAccessRole');
  return value;
}

/** The AWS options `aws`, `audit`, `rotate` and `revoke` share. */
export function addAwsOptions(cmd: Command): Command {
  return cmd
    // -p and -r as Prowler has them, so its users' fingers work here too.
    .option('-p, --profile <name>', 'AWS profile (default: the standard credential chain)')
    .option('-r, --region <region>', "AWS region (default: AWS_REGION, or the profile's)")
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (default: AWS_ENDPOINT_URL)')
    .addOption(
      new Option('--aws-timeout <seconds>', `seconds an AWS call may take to answer (default ${DEFAULT_TIMEOUTS.requestMs / 1000}; connecting gets at most ${DEFAULT_TIMEOUTS.connectMs / 1000})`).argParser(seconds),
    );
}

/**
 * The client options from those flags, for createClients (remediation uses this too). An empty
 * flag is passed on, not dropped, so createClients refuses it instead of silently using the default.
 */
export function awsClientOptions(flags: { profile?: string; region?: string; endpointUrl?: string; awsTimeout?: number }): AwsOptions {
  return {
    ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
    ...(flags.region !== undefined ? { region: flags.region } : {}),
    ...(flags.endpointUrl !== undefined ? { endpoint: flags.endpointUrl } : {}),
    ...(flags.awsTimeout !== undefined ? { timeouts: timeoutsFromSeconds(flags.awsTimeout) } : {}),
  };
}

export function addAwsAuditOptions(cmd: Command): Command {
  addAwsOptions(cmd)
    .addOption(new Option('--regions <list>', 'regions whose Secrets Manager secrets are listed, comma-separated (IAM is global, so no other call is regional; default: --region)').argParser(regionList))
    .option('--all-regions', "list Secrets Manager secrets in every region the account has enabled (account:ListRegions)")
    .option('--credential-report <file>', 'offline: `aws iam get-credential-report` output (JSON or the decoded CSV)')
    .option('--authorization-details <file>', 'offline: `aws iam get-account-authorization-details` output')
    .option('--secrets <file>', 'offline: `aws secretsmanager list-secrets` output')
    .option('--access-keys <file>', 'offline: `aws iam list-access-keys` outputs merged (real key ids)')
    .addOption(new Option('--max-key-age <days>', `flag active keys older than this (default ${DEFAULT_THRESHOLDS.keyMaxAgeDays})`).argParser(days))
    .addOption(new Option('--critical-key-age <days>', `...as high from this age (default ${DEFAULT_THRESHOLDS.keyCriticalAgeDays})`).argParser(days))
    .addOption(new Option('--unused-days <days>', `flag keys, roles and secrets unused this long (default ${DEFAULT_THRESHOLDS.unusedDays})`).argParser(days))
    .addOption(new Option('--grace-days <days>', `never-used keys are flagged after this (default ${DEFAULT_THRESHOLDS.neverUsedGraceDays})`).argParser(days))
    .option('-c, --config <file>', 'config file with an [aws] table of thresholds and [[mutelist]] accepted risks (default: ./.nhiscan.toml)')
    .option('--org', 'every account of the AWS organization (organizations:ListAccounts), through a role assumed in each')
    .addOption(new Option('--role-name <name>', `with --org: the role assumed in each member account (default ${DEFAULT_ORG_ROLE})`).argParser(roleName))
    .addOption(new Option('--accounts <ids>', 'with --org: only these account ids, comma-separated').argParser(accountList))
    .addOption(new Option('--exclude-accounts <ids>', 'with --org: skip these account ids, comma-separated').argParser(accountList))
    .option('-b, --baseline <file>', `report only findings not in this baseline (default: ./${BASELINE_FILE}, if present)`)
    .option('--no-baseline', 'ignore any baseline file');
  return cmd;
}

export async function awsAuditOptions(flags: AwsFlags) {
  const offlinePair = [flags.credentialReport, flags.authorizationDetails].filter(Boolean).length;
  if (offlinePair === 1) throw new UsageError('offline mode needs both --credential-report and --authorization-details');
  if ((flags.secrets || flags.accessKeys) && offlinePair === 0) throw new UsageError('--secrets and --access-keys are for offline mode, with --credential-report and --authorization-details');
  if (!flags.org && (flags.roleName !== undefined || flags.accounts || flags.excludeAccounts)) throw new UsageError('--role-name, --accounts and --exclude-accounts go with --org');
  if (flags.org && offlinePair > 0) throw new UsageError('--org reads the organization live: drop the offline exports, or audit one account offline without --org');
  const config = await loadConfig(flags.config, process.cwd());
  // Like scan: an explicit -b must exist; the default file is used when present.
  const baseline = flags.baseline === false ? null : typeof flags.baseline === 'string' ? await readBaseline(flags.baseline, true) : await readBaseline(join(process.cwd(), BASELINE_FILE), false);
  const thresholds: Thresholds = {
    keyMaxAgeDays: flags.maxKeyAge ?? config.aws.keyMaxAgeDays ?? DEFAULT_THRESHOLDS.keyMaxAgeDays,
    keyCriticalAgeDays: flags.criticalKeyAge ?? config.aws.keyCriticalAgeDays ?? DEFAULT_THRESHOLDS.keyCriticalAgeDays,
    unusedDays: flags.unusedDays ?? config.aws.unusedDays ?? DEFAULT_THRESHOLDS.unusedDays,
    neverUsedGraceDays: flags.graceDays ?? config.aws.neverUsedGraceDays ?? DEFAULT_THRESHOLDS.neverUsedGraceDays,
  };
  return {
    thresholds,
    accepted: { mutelist: config.mutelist, baseline },
    ...(flags.org ? { org: { roleName: flags.roleName ?? DEFAULT_ORG_ROLE, accounts: flags.accounts ?? [], excludeAccounts: flags.excludeAccounts ?? [] } } : {}),
    rules: { disabled: config.disabledRules, severity: config.severity },
    ...(offlinePair === 2
      ? { offline: { credentialReport: flags.credentialReport!, authorizationDetails: flags.authorizationDetails!, ...(flags.secrets ? { secrets: flags.secrets } : {}), ...(flags.accessKeys ? { accessKeys: flags.accessKeys } : {}) } }
      : {
          aws: {
            ...awsClientOptions(flags),
            regions: flags.regions ?? [],
            allRegions: Boolean(flags.allRegions),
          },
        }),
  };
}

/**
 * An expired [[mutelist]] entry mutes nothing any more: say so once, on stderr, so whoever accepted
 * the risk reviews it (its findings are back in the report). Line numbers only, never the reason.
 */
export function noteExpiredMutes(report: Report): void {
  const expired = report.mutelist?.expired ?? [];
  if (!expired.length) return;
  const lines = expired.map((e) => `#${e.entry} (line ${e.line}, expired ${e.expires})`).join(', ');
  process.stderr.write(`nhiscan: ${expired.length} [[mutelist]] entr${expired.length === 1 ? 'y' : 'ies'} expired, their findings are reported again: ${lines}\n`);
}

export function awsCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('aws')
    .description('inventory AWS machine identities and score them against the OWASP NHI Top 10')
    .addOption(formatOption(['csv', 'markdown']))
    .option('-o, --output <file>', 'write the report to a file (mode 0600) instead of stdout')
    .addOption(failOnOption())
    .addOption(
      new Option('--print-policy [variant]', 'print the IAM policy nhiscan needs and exit: read-only (aws, audit; default), org (read-only plus --org in the calling account), remediation (revoke, rotate) or all')
        .choices([...POLICY_VARIANTS])
        .preset('read-only'),
    );
  addAwsAuditOptions(cmd);
  addReportOptions(cmd);
  withGlobalOptions(cmd);
  cmd.action(async (flags: AwsFlags & { format?: string; output?: string; failOn: string; printPolicy?: string }) => {
    if (flags.printPolicy) {
      process.stdout.write(`${JSON.stringify(policyFor(flags.printPolicy as PolicyVariant), null, 2)}\n`);
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
    if (flags.debug && result.apiCalls) {
      process.stderr.write(`debug: ${result.apiCalls.total} AWS API call(s): ${JSON.stringify(result.apiCalls.byOperation)}\n`);
    }
    noteExpiredMutes(result.report);
    // conclude writes the report even when it is incomplete, and names the first gap on stderr.
    setExit(await conclude(result.report, { format: resolveFormat(flags.format), output: flags.output, failOn: flags.failOn, flags }));
  });
  return cmd;
}
