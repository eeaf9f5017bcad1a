import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ProviderError, UsageError } from '../errors.js';
import { safeMessage } from '../safe-message.js';
import { auditReportKeys, checkIds, nextAfterRevoke, revokeDeleteCommand, resolveUser, revokeKeySteps, type ReportSkip, revokeSessionsPolicy } from '../remediate/access-keys.js';
import { putRolePolicy } from '../cloud/aws/mutate.js';
import { executePlan, type Step } from '../remediate/plan.js';
import { withGlobalOptions } from './common.js';
import { addRemediationOptions, remediationSetup, type RemediationFlags } from './remediation-options.js';

export function revokeCommand(setExit: (code: number) => void): Command {
  const revoke = new Command('revoke').description('deactivate leaked keys or kill a role\'s live sessions (plan, confirmation, audit log)');

  const key = new Command('access-key')
    .description('set an access key Inactive (reversible); --delete deletes it when already inactive')
    .argument('[keyId]', 'the access key id')
    .option('--user <name>', 'the owning user (default: looked up with GetAccessKeyLastUsed)')
    .option('--delete', 'delete the key (only when inactive, unless --force)')
    .option('--force', 'delete even an active key; act on a key used in the last --recent-use-hours without the typed confirmation')
    .option('--from-report <file>', 'revoke every key a saved `nhiscan audit -f json` report marks')
    .option('--only <which>', 'with --from-report: leaked-active, leaked-inactive or leaked (default)');
  addRemediationOptions(key);
  withGlobalOptions(key);
  key.action(async (keyId: string | undefined, flags: RemediationFlags & { user?: string; delete?: boolean; force?: boolean; fromReport?: string; only?: string }) => {
    if (!keyId && !flags.fromReport) throw new UsageError('give a key id or --from-report FILE');
    if (keyId && flags.fromReport) throw new UsageError('give a key id or --from-report, not both');
    let targets: Array<{ keyId: string; user?: string }>;
    let skipped: ReportSkip[] = [];
    let reportAccount: string | null = null;
    if (flags.fromReport) {
      let text: string;
      try {
        text = await readFile(flags.fromReport, 'utf8');
      } catch (err) {
        // The expected case: the file cannot be read (its errno, never its content).
        const code = (err as NodeJS.ErrnoException).code;
        if (typeof code !== 'string') throw err;
        throw new UsageError(`cannot read ${flags.fromReport}: ${code}`);
      }
      ({ targets, skipped, account: reportAccount } = auditReportKeys(text, flags.only, flags.fromReport));
    } else {
      // Before any AWS call: a pasted secret must not be sent anywhere, not even in the setup's calls.
      checkIds(keyId!, flags.user);
      targets = [{ keyId: keyId!, ...(flags.user ? { user: flags.user } : {}) }];
    }
    const { env, ctx } = await remediationSetup(flags);
    if (flags.fromReport) {
      // Refused before any call about its keys: in another account they would fail half-way ("user cannot be found").
      if (!reportAccount) throw new UsageError(`${flags.fromReport} does not say which AWS account it read, so nhiscan cannot check it is this one; re-run nhiscan audit -f json and give that report`);
      if (!env.account) throw new ProviderError('sts:GetCallerIdentity did not name the account of these credentials, so the report cannot be checked against it; nothing was changed');
      if (reportAccount !== env.account) throw new UsageError(`${flags.fromReport} is a report of account ${reportAccount}, but these credentials are in account ${env.account}; use credentials of ${reportAccount} (--profile), or a report of this account; nothing was changed`);
    }
    const steps: Step[] = [];
    // Keys with nothing to do, said out loud: a count line that does not match the steps hides a key.
    const noted: ReportSkip[] = [];
    const acted: Array<{ keyId: string; user: string; otherActive: string | null }> = [];
    for (const t of targets) {
      let planned: Step[];
      let user: string;
      let otherActive: string | null = null;
      try {
        user = await resolveUser(env, t.keyId, t.user);
        planned = await revokeKeySteps(env, t.keyId, { user, delete: Boolean(flags.delete), force: Boolean(flags.force), seen: (keys) => (otherActive = keys.find((k) => k.id !== t.keyId && k.status === 'Active')?.id ?? null) });
      } catch (err) {
        // From a report, a key that is no longer there (or not this user's) is listed, not fatal: the others still get revoked.
        if (!(err instanceof UsageError) || !flags.fromReport) throw err;
        skipped.push({ what: t.keyId, why: err.message });
        continue;
      }
      if (planned.length === 0) noted.push({ what: `${t.keyId} (${user})`, why: `already Inactive, nothing to do (to delete it: ${revokeDeleteCommand(env, t.keyId, user)})` });
      else acted.push({ keyId: t.keyId, user, otherActive });
      steps.push(...planned);
    }
    // What the report asks for but cannot be done is shown with the plan, and makes the run exit 3.
    for (const s of noted) ctx.out(`  skipped: ${s.what}: ${s.why}`);
    for (const s of skipped) ctx.out(`  skipped: ${s.what}: ${s.why}`);
    const title = flags.fromReport
      ? `revoke ${acted.length} key(s) from ${flags.fromReport}${noted.length + skipped.length ? ` (${noted.length + skipped.length} skipped, listed above)` : ''}`
      : `revoke ${keyId}`;
    const outcome = await executePlan(title, steps, ctx);
    if (skipped.length && outcome !== 'declined') {
      const first = skipped[0]!;
      throw new ProviderError(`incomplete: ${skipped.length} finding(s) of ${flags.fromReport} could not be acted on: ${first.what}: ${first.why}${outcome === 'done' ? '; the rest was done' : ''}`);
    }
    if ((outcome === 'done' || outcome === 'dry-run') && !flags.delete) for (const a of acted) for (const line of nextAfterRevoke(env, a.keyId, a.user, a.otherActive)) ctx.out(`Next: ${line}`);
    setExit(0);
  });

  const sessions = new Command('role-sessions')
    .description("invalidate a role's temporary credentials issued before now (inline deny on aws:TokenIssueTime)")
    .argument('<role>', 'role name');
  addRemediationOptions(sessions);
  withGlobalOptions(sessions);
  sessions.action(async (role: string, flags: RemediationFlags) => {
    // IAM's own rule for role names. Anything else is refused unsent and unechoed: a pasted secret
    // must not reach the plan, the audit log or AWS.
    if (!/^[\w+=,.@-]{1,64}$/.test(role)) throw new UsageError('that is not an IAM role name (1-64 of letters, digits and + = , . @ _ -); give the name, not an ARN');
    if ((await safeMessage(role)) !== role) throw new UsageError('that looks like a credential, not a role name; nothing was sent');
    const { env, ctx } = await remediationSetup(flags);
    const now = new Date();
    const doc = revokeSessionsPolicy(now);
    const step: Step = {
      action: 'revoke-role-sessions',
      target: role,
      describe: `attach inline policy NhiscanRevokeOlderSessions to role ${role}: deny * for sessions issued before ${now.toISOString()}`,
      state: {
        unchanged: () => `role ${role} unchanged; its sessions stay valid`,
        unknown: () => `the deny policy may or may not be on role ${role} (the call got no clear answer): check with aws iam get-role-policy --role-name ${role} --policy-name NhiscanRevokeOlderSessions`,
        done: () => `role ${role} denies every session issued before ${now.toISOString()}`,
      },
      run: () => putRolePolicy(env.clients, role, 'NhiscanRevokeOlderSessions', doc),
    };
    await executePlan(`revoke live sessions of ${role}`, [step], ctx);
    setExit(0);
  });

  return revoke.addCommand(key).addCommand(sessions);
}
