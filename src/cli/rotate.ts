import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { homedir } from 'node:os';
import { checkIds, defaultKeyFile, finishSteps, rotateKeyPlan, type StoreTarget } from '../remediate/access-keys.js';
import { executePlan } from '../remediate/plan.js';
import { rotateSecretSteps } from '../remediate/secrets.js';
import { withGlobalOptions, writeStdout } from './common.js';
import { addRemediationOptions, remediationSetup, type RemediationFlags } from './remediation-options.js';

interface RotateFlags extends RemediationFlags {
  user?: string;
  toSecret?: string;
  toFile?: string;
  print?: boolean;
  force?: boolean;
  deactivateOld?: boolean;
}

function storeTarget(flags: RotateFlags, keyId: string): StoreTarget {
  const chosen = [flags.toSecret, flags.toFile, flags.print].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('choose where the new key goes: at most one of --to-secret NAME|ARN, --to-file PATH or --print');
  // None named: a private file of the user's own, so the audit's fix line runs as printed and the
  // new key is never lost (the plan names the file; a re-run finds it and resumes).
  if (chosen === 0) return { kind: 'file', path: defaultKeyFile(keyId, homedir()), force: Boolean(flags.force), isDefault: true };
  if (flags.toSecret) return { kind: 'secret', id: flags.toSecret, force: Boolean(flags.force) };
  if (flags.toFile) return { kind: 'file', path: flags.toFile, force: Boolean(flags.force) };
  // Resolves only once the bytes reached the OS: a closed pipe or a full disk is a failed store.
  return { kind: 'print', write: (text) => writeStdout(text) };
}

export function rotateCommand(setExit: (code: number) => void): Command {
  const rotate = new Command('rotate').description('rotate an access key or a Secrets Manager secret, safely and resumably');

  const key = new Command('access-key')
    .description('create, store and verify a new key (for an inactive, revoked key: the old one stays Inactive); with --deactivate-old on an active key, verify it and deactivate the old one')
    .argument('<keyId>', 'the key to replace')
    .option('--user <name>', 'the owning user (default: looked up with GetAccessKeyLastUsed)')
    .option('--to-secret <nameOrArn>', 'store the new key in Secrets Manager ({AccessKeyId, SecretAccessKey}); created if missing')
    .option('--to-file <path>', 'store the new key as JSON in a 0600 file (refuses to overwrite without --force); default ~/.nhiscan/keys/replaces-KEYID.json')
    .option('--print', 'print the new key on stdout (only when asked)')
    .option('--force', 'overwrite an existing --to-file, or a --to-secret that holds something other than an access key; deactivate a key used in the last --recent-use-hours without the typed confirmation')
    .option('--deactivate-old', 'verify the new key, then set the old one Inactive');
  addRemediationOptions(key);
  withGlobalOptions(key);
  key.action(async (keyId: string, flags: RotateFlags) => {
    // Before any AWS call: a pasted secret must not be sent anywhere, not even in the setup's calls.
    checkIds(keyId, flags.user);
    const target = storeTarget(flags, keyId);
    const { env, ctx } = await remediationSetup(flags);
    const plan = await rotateKeyPlan(env, keyId, { ...(flags.user ? { user: flags.user } : {}), store: target, deactivateOld: Boolean(flags.deactivateOld) });
    if (plan.resumed) ctx.out(`Resuming: the new key ${plan.newKey()?.AccessKeyId} is already stored and exists.`);
    const outcome = await executePlan(`rotate ${keyId} (${plan.user})`, plan.steps, ctx);
    if (outcome === 'done' || outcome === 'nothing') for (const line of plan.next()) ctx.out(`Next: ${line}`);
    setExit(0);
  });

  const finish = new Command('finish')
    .description('delete the old, inactive key once it shows no use since it was deactivated')
    .argument('<keyId>', 'the old key')
    .option('--user <name>', 'the owning user')
    .option('--force', 'delete even if used since deactivation, or recently, or without a record of it');
  addRemediationOptions(finish);
  withGlobalOptions(finish);
  finish.action(async (keyId: string, flags: RotateFlags) => {
    checkIds(keyId, flags.user);
    const { env, ctx } = await remediationSetup(flags);
    await executePlan(`finish rotating ${keyId}`, await finishSteps(env, keyId, { ...(flags.user ? { user: flags.user } : {}), force: Boolean(flags.force) }), ctx);
    setExit(0);
  });

  const secret = new Command('secret').description('rotate a Secrets Manager secret now (RotateSecret)').argument('<nameOrArn>', 'the secret');
  addRemediationOptions(secret);
  withGlobalOptions(secret);
  secret.action(async (id: string, flags: RemediationFlags) => {
    const { env, ctx } = await remediationSetup(flags);
    const { name, steps } = await rotateSecretSteps(env, id);
    await executePlan(`rotate secret ${name}`, steps, ctx);
    setExit(0);
  });

  return rotate.addCommand(key).addCommand(finish).addCommand(secret);
}
