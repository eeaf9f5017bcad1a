import { confirm } from '@inquirer/prompts';
import type { Command } from 'commander';
import { createClients } from '../cloud/aws/clients.js';
import { describeAwsError } from '../cloud/aws/errors.js';
import { whoAmI } from '../cloud/aws/mutate.js';
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
}

/** Safety rails every mutating command shares. */
export function addRemediationOptions(cmd: Command): Command {
  return addAwsOptions(cmd)
    .option('--dry-run', 'show the plan and make no changes')
    .option('-y, --yes', 'apply without asking (required off a terminal)')
    .option('--audit-log <file>', 'append every action here (default: ~/.nhiscan/audit.jsonl)');
}

export async function remediationSetup(flags: RemediationFlags): Promise<{ env: RemediationEnv; ctx: RunContext }> {
  // The same flags, checks and timeouts as the read-only commands (createClients refuses bad ones).
  const options = awsClientOptions(flags);
  const clients = createClients(options);
  const endpoint = flags.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  let caller: string | null;
  try {
    caller = await whoAmI(clients);
  } catch (err) {
    // Only a refusal means the credentials are the problem; no answer or a bad endpoint is not.
    const d = describeAwsError(err);
    throw new ProviderError(`${d.kind === 'credentials' || d.kind === 'access-denied' ? 'no usable AWS credentials' : 'cannot reach AWS (sts:GetCallerIdentity)'}: ${d.message}; nothing was changed`);
  }
  const auditLog = flags.auditLog ?? defaultAuditLog();
  return {
    env: { clients, ...(endpoint ? { endpoint } : {}), ...(options.timeouts ? { verifyTimeouts: options.timeouts } : {}), auditLog, warn: (line) => process.stderr.write(`${escapeControl(line)}\n`) },
    ctx: {
      dryRun: Boolean(flags.dryRun),
      yes: Boolean(flags.yes),
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
      auditLog,
      caller,
      // The choke point of every plan and progress line: role, user, file and secret names come from
      // the user or the endpoint and may carry terminal escapes, so they are printed escaped.
      out: (line) => process.stderr.write(`${escapeControl(line)}\n`),
      // A second SIGINT/SIGTERM mid-step: the state line, then out (executePlan says why exit 3).
      forceExit: (line) => {
        process.stderr.write(`nhiscan: ${escapeControl(line)}\n`);
        process.exit(3);
      },
      // Ctrl-C at the prompt (ExitPromptError) is a "no": nothing has changed yet. Anything else is an error.
      confirm: (message) =>
        confirm({ message, default: false }, { output: process.stderr }).catch((err: unknown) => {
          if ((err as { name?: string })?.name === 'ExitPromptError') return false;
          throw err;
        }),
    },
  };
}
