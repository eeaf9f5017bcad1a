import { confirm, input } from '@inquirer/prompts';
import { InvalidArgumentError, type Command } from 'commander';
import { createClients } from '../cloud/aws/clients.js';
import { describeAwsError } from '../cloud/aws/errors.js';
import { accountAlias, whoAmI } from '../cloud/aws/mutate.js';
import { ProviderError } from '../errors.js';
import { escapeControl } from '../report/escape.js';
import type { RemediationEnv } from '../remediate/access-keys.js';
import { defaultAuditLog } from '../remediate/audit-log.js';
import type { RunContext } from '../remediate/plan.js';
import { addAwsOptions, awsClientOptions } from './aws.js';
import type { GlobalFlags } from './common.js';

export interface RemediationFlags extends GlobalFlags {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  awsTimeout?: number;
  dryRun?: boolean;
  yes?: boolean;
  auditLog?: string;
  force?: boolean;
  recentUseHours?: number;
}

function hours(value: string): number {
  if (!/^\d{1,5}$/.test(value)) throw new InvalidArgumentError('expected a whole number of hours (0 turns the check off)');
  return Number(value);
}

/** Safety rails every mutating command shares. */
export function addRemediationOptions(cmd: Command): Command {
  return addAwsOptions(cmd)
    .option('--dry-run', 'show the plan and make no changes')
    .option('-y, --yes', 'apply without asking (required off a terminal)')
    .option('--audit-log <file>', 'append every action here (default: ~/.nhiscan/audit.jsonl)')
    .option('--recent-use-hours <hours>', 'a key used within this many hours is deactivated or deleted only with --force or its id typed at the prompt (default 24; 0: off)', hours);
}

export async function remediationSetup(flags: RemediationFlags): Promise<{ env: RemediationEnv; ctx: RunContext }> {
  // The same flags, checks and timeouts as the read-only commands (createClients refuses bad ones).
  const options = awsClientOptions(flags);
  const clients = createClients(options);
  const endpoint = flags.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  let who: { arn: string | null; account: string | null };
  try {
    who = await whoAmI(clients);
  } catch (err) {
    // Only a refusal means the credentials are the problem; no answer or a bad endpoint is not.
    const d = describeAwsError(err);
    throw new ProviderError(`${d.kind === 'credentials' || d.kind === 'access-denied' ? 'no usable AWS credentials' : 'cannot reach AWS (sts:GetCallerIdentity)'}: ${d.message}; nothing was changed`);
  }
  // The alias is what a responder recognises ("prod"), so it is shown. An answer refusing it (a 4xx:
  // denied, or an emulator without the call) is said in its place: the account id is already shown.
  // No answer, or a 5xx, is a failure like any other.
  let alias: string;
  try {
    alias = (await accountAlias(clients)) ?? '(none)';
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
    if (status === undefined || status < 400 || status >= 500) throw new ProviderError(`iam:ListAccountAliases failed: ${describeAwsError(err).message}; nothing was changed`);
    alias = `(not shown: iam:ListAccountAliases refused, ${describeAwsError(err).message})`;
  }
  const auditLog = flags.auditLog ?? defaultAuditLog();
  const header = [
    `Account: ${who.account ?? '(unknown)'}  alias: ${alias}`,
    `Caller: ${who.arn ?? '(unknown)'}`,
    `AWS: profile ${flags.profile ?? process.env.AWS_PROFILE ?? '(default chain)'}, region ${clients.region ?? '(none; us-east-1 for IAM)'}, endpoint ${endpoint ?? '(AWS)'}`,
    `Time: ${new Date().toISOString()}`,
  ];
  return {
    env: {
      clients,
      ...(endpoint ? { endpoint } : {}),
      ...(options.timeouts ? { verifyTimeouts: options.timeouts } : {}),
      auditLog,
      warn: (line) => process.stderr.write(`${escapeControl(line)}\n`),
      account: who.account,
      ...(flags.recentUseHours !== undefined ? { recentUseHours: flags.recentUseHours } : {}),
    },
    ctx: {
      dryRun: Boolean(flags.dryRun),
      yes: Boolean(flags.yes),
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
      auditLog,
      caller: who.arn,
      header,
      force: Boolean(flags.force),
      // The choke point of every plan and progress line: role, user, file and secret names come from
      // the user or the endpoint and may carry terminal escapes, so they are printed escaped.
      out: (line) => process.stderr.write(`${escapeControl(line)}\n`),
      // A second SIGINT/SIGTERM mid-step: the state line, then out (executePlan says why exit 3).
      forceExit: (line) => {
        process.stderr.write(`nhiscan: ${escapeControl(line)}\n`);
        process.exit(3);
      },
      // Ctrl-C at the prompt (ExitPromptError) is a "no": nothing has changed yet. Anything else is an error.
      confirmTyped: (message, word) =>
        input({ message }, { output: process.stderr }).then(
          (typed) => typed.trim() === word,
          (err: unknown) => {
            if ((err as { name?: string })?.name === 'ExitPromptError') return false;
            throw err;
          },
        ),
      confirm: (message) =>
        confirm({ message, default: false }, { output: process.stderr }).catch((err: unknown) => {
          if ((err as { name?: string })?.name === 'ExitPromptError') return false;
          throw err;
        }),
    },
  };
}
