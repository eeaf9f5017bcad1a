import { confirm } from '@inquirer/prompts';
import type { Command } from 'commander';
import { createClients } from '../cloud/aws/clients.js';
import { describeAwsError } from '../cloud/aws/errors.js';
import { whoAmI } from '../cloud/aws/mutate.js';
import { ProviderError } from '../errors.js';
import type { RemediationEnv } from '../remediate/access-keys.js';
import { defaultAuditLog } from '../remediate/audit-log.js';
import type { RunContext } from '../remediate/plan.js';
import { addAwsOptions } from './aws.js';
import type { GlobalFlags } from './common.js';

export interface RemediationFlags extends GlobalFlags {
  profile?: string;
  region?: string;
  endpointUrl?: string;
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
  const endpoint = flags.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  const clients = createClients({
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.region ? { region: flags.region } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
  let caller: string | null;
  try {
    caller = await whoAmI(clients);
  } catch (err) {
    throw new ProviderError(`no usable AWS credentials: ${describeAwsError(err).message}`);
  }
  const auditLog = flags.auditLog ?? defaultAuditLog();
  return {
    env: { clients, ...(endpoint ? { endpoint } : {}), auditLog },
    ctx: {
      dryRun: Boolean(flags.dryRun),
      yes: Boolean(flags.yes),
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
      auditLog,
      caller,
      out: (line) => process.stderr.write(`${line}\n`),
      // Ctrl-C at the prompt is a "no": nothing has changed yet.
      confirm: (message) => confirm({ message, default: false }, { output: process.stderr }).catch(() => false),
    },
  };
}
