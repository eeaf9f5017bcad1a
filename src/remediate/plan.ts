import { describeAwsError } from '../cloud/aws/errors.js';
import { ProviderError, UsageError } from '../errors.js';
import { appendAudit, type AuditEntry } from './audit-log.js';

export interface StepResult {
  requestId?: string | null;
  detail?: string;
}

export interface Step {
  action: string;
  target: string;
  /** What the step does, in the plan shown before anything runs. */
  describe: string;
  /** The account's state if this step fails: printed with the error, so nobody has to guess. */
  onFailure: string;
  run: () => Promise<StepResult>;
}

export interface RunContext {
  dryRun: boolean;
  yes: boolean;
  interactive: boolean;
  auditLog: string;
  caller: string | null;
  out: (line: string) => void;
  confirm: (question: string) => Promise<boolean>;
}

/** A step failed: exit 3, with the step and the state it left behind in the one-line message. */
export class StepFailed extends ProviderError {
  constructor(
    readonly step: Step,
    readonly reason: unknown,
  ) {
    super(`step "${step.describe}" failed: ${describeAwsError(reason).message}. State: ${step.onFailure}`);
  }
}

export function renderPlan(title: string, steps: Step[]): string[] {
  return [`Plan: ${title}`, ...steps.map((s, i) => `  ${i + 1}. ${s.describe}`)];
}

/**
 * Show the plan, stop there for --dry-run, ask (or require --yes off a terminal), then run the
 * steps in order, logging each. Nothing mutating runs before the confirmation.
 */
export async function executePlan(title: string, steps: Step[], ctx: RunContext): Promise<'done' | 'dry-run' | 'declined' | 'nothing'> {
  if (steps.length === 0) {
    ctx.out(`Nothing to do: ${title}`);
    return 'nothing';
  }
  for (const line of renderPlan(title, steps)) ctx.out(line);
  const log = (step: Step, result: AuditEntry['result'], r: StepResult = {}) =>
    appendAudit(ctx.auditLog, { time: new Date().toISOString(), caller: ctx.caller, action: step.action, target: step.target, result, ...(r.requestId !== undefined ? { requestId: r.requestId } : {}), ...(r.detail ? { detail: r.detail } : {}) });
  if (ctx.dryRun) {
    ctx.out('Dry run: no changes made.');
    for (const s of steps) await log(s, 'dry-run');
    return 'dry-run';
  }
  if (!ctx.yes) {
    if (!ctx.interactive) throw new UsageError('refusing to change anything without confirmation: re-run with --yes (or --dry-run to see the plan only)');
    if (!(await ctx.confirm('Apply this plan?'))) {
      ctx.out('Declined: no changes made.');
      return 'declined';
    }
  }
  for (const step of steps) {
    let result: StepResult;
    try {
      result = await step.run();
    } catch (err) {
      await log(step, 'failed', { detail: (err as Error)?.message?.split('\n')[0] ?? String(err) });
      throw new StepFailed(step, err);
    }
    await log(step, 'ok', result);
    ctx.out(`  ✓ ${step.describe}${result.detail ? ` (${result.detail})` : ''}`);
  }
  return 'done';
}
