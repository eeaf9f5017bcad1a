import { randomUUID } from 'node:crypto';
import { describeAwsError } from '../cloud/aws/errors.js';
import { ProviderError, UsageError } from '../errors.js';
import { appendAudit, AuditWriteError, prepareAudit, type AuditEntry } from './audit-log.js';

export interface StepResult {
  requestId?: string | null;
  detail?: string;
}

/**
 * What the account looks like around a step, printed with any failure so nobody has to guess.
 * Functions, because some facts (the new key's id) are only known once earlier steps ran.
 */
export interface StepState {
  /** The step changed nothing: its call was rejected, or never made. */
  unchanged: () => string;
  /** The call's outcome is unknown (no answer, a 5xx, a retried call); default `unchanged`. */
  unknown?: () => string;
  /** The step did what it says. */
  done: () => string;
  /** The state if the process is forced out in the middle of the step; default `unknown`. */
  midway?: () => string;
}

export interface Step {
  action: string;
  target: string;
  /** What the step does, in the plan shown before anything runs. */
  describe: string;
  state: StepState;
  /** The journal lets a compound step (create + store) record its own sub-actions. */
  run: (journal: Journal) => Promise<StepResult>;
  /** The key's last use, shown under the step: what a responder checks before pressing yes. */
  lastUse?: string;
  /** Set when the key was used recently: why this step may break something (needs --force or a typed confirmation). */
  recentUse?: string;
  /** The word typed to confirm a recent-use step (the key id). */
  confirmWord?: string;
  /** What the target looks like before and after the step, for the audit log (functions: ids come later). */
  before?: () => string;
  after?: () => string;
}

export interface RunContext {
  dryRun: boolean;
  yes: boolean;
  interactive: boolean;
  auditLog: string;
  caller: string | null;
  /** Printed above every plan: account, alias, caller, profile, region, endpoint, time. */
  header?: string[];
  /** --force: a step on a key used recently runs without the typed confirmation. */
  force?: boolean;
  out: (line: string) => void;
  confirm: (question: string) => Promise<boolean>;
  /** Ask the user to type `word`; true only when they did. */
  confirmTyped?: (question: string, word: string) => Promise<boolean>;
  /**
   * Set by the CLI: hold SIGINT/SIGTERM while the steps run (see executePlan). Called on a second
   * signal with the one state line, after the audit log is written; it ends the process.
   */
  forceExit?: (line: string) => never;
}

/** Audit records for one run. */
export interface Journal {
  /** Write an intent before a mutating call; throws AuditWriteError, and then the call must not be made. */
  intent(action: string, target: string, detail?: string, note?: StateNote): Promise<void>;
  /** Write any record, never throwing: a failure is kept in `broken` and ends the run after this step. */
  record(action: string, target: string, result: AuditEntry['result'], r?: StepResult & StateNote): Promise<void>;
  broken: AuditWriteError | null;
}

/** What a record says about the target around the action (audit evidence: the state before and after). */
export interface StateNote {
  before?: string;
  after?: string;
}

function journal(ctx: RunContext, plan: { id: string; title: string }): Journal {
  const write = (action: string, target: string, result: AuditEntry['result'], r: StepResult & StateNote = {}) =>
    appendAudit(ctx.auditLog, {
      time: new Date().toISOString(),
      caller: ctx.caller,
      action,
      target,
      result,
      ...(r.requestId !== undefined ? { requestId: r.requestId } : {}),
      ...(r.detail ? { detail: r.detail } : {}),
      // Every record names the plan it came from, so `nhiscan log` can show one run's records together.
      plan: plan.id,
      planTitle: plan.title,
      ...(r.before !== undefined ? { before: r.before } : {}),
      ...(r.after !== undefined ? { after: r.after } : {}),
    });
  const j: Journal = {
    broken: null,
    intent: async (action, target, detail, note = {}) => {
      if (j.broken) throw j.broken;
      await write(action, target, 'intent', { ...(detail ? { detail } : {}), ...note });
    },
    record: async (action, target, result, r) => {
      try {
        await write(action, target, result, r);
      } catch (err) {
        if (!(err instanceof AuditWriteError)) throw err;
        j.broken ??= err;
      }
    },
  };
  return j;
}

/**
 * A step that worked out the account's state itself (the create step: created, stored or not,
 * cleaned up or not), and recorded its own outcome in the journal.
 */
export class StepError extends Error {
  constructor(
    readonly why: string,
    readonly state: string,
  ) {
    super(why);
  }
}

/**
 * Did AWS refuse the call, so that it certainly changed nothing? A 4xx answer to a single attempt
 * says so; no answer, a 5xx or a retried call (an earlier attempt may have applied) do not. An
 * error with no HTTP metadata at all was never answered by AWS: only a refusal by name (denied,
 * throttled, no usable credentials) is taken as "nothing sent or nothing done".
 */
export function rejected(err: unknown): boolean {
  const m = (err as { $metadata?: { httpStatusCode?: number; attempts?: number } } | null)?.$metadata;
  if (!m) return ['access-denied', 'throttled', 'credentials'].includes(describeAwsError(err).kind);
  const status = m.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && (m.attempts ?? 1) <= 1;
}

/** A step failed: exit 3, with the step and the state it left behind, in full, in the one-line message. */
export class StepFailed extends ProviderError {
  constructor(
    readonly step: Step,
    readonly reason: unknown,
    later: number,
    broken: AuditWriteError | null,
  ) {
    const cause = reason instanceof StepError ? reason.why : describeAwsError(reason).message;
    const state = failureState(step, reason);
    super(`step "${step.describe}" failed: ${cause}${broken ? `; ${broken.message} either` : ''}. State: ${state}${later ? `. The ${later} later step(s) were not run` : ''}`);
  }
}

/** The state a failed step left: its own account (StepError), or what the kind of failure implies. */
function failureState(step: Step, reason: unknown): string {
  return reason instanceof StepError ? reason.state : rejected(reason) ? step.state.unchanged() : (step.state.unknown ?? step.state.unchanged)();
}

export function renderPlan(title: string, steps: Step[], header: string[] = []): string[] {
  return [
    ...header,
    `Plan: ${title}`,
    ...steps.flatMap((s, i) => [`  ${i + 1}. ${s.describe}`, ...(s.lastUse ? [`     ${s.lastUse}`] : []), ...(s.recentUse ? [`     warning: ${s.recentUse}`] : [])]),
  ];
}

/**
 * A step on a key used in the last hours may break the workload that uses it (or cut off an
 * attacker: nhiscan cannot tell which). Either way the responder decides knowingly: --force, or
 * typing the key id at the prompt. --yes alone is not enough, since a script cannot have read why.
 */
async function confirmRecentUse(steps: Step[], ctx: RunContext): Promise<boolean> {
  const recent = steps.filter((s) => s.recentUse);
  if (recent.length === 0 || ctx.force) return true;
  const first = recent[0]!;
  const word = first.confirmWord ?? 'yes';
  if (ctx.yes || !ctx.interactive || !ctx.confirmTyped) {
    throw new UsageError(`refusing: ${first.recentUse}${recent.length > 1 ? ` (and ${recent.length - 1} more key(s) used recently)` : ''}; re-run with --force to do it anyway (or on a terminal, type the key id when asked); nothing was changed`);
  }
  for (const s of recent) {
    if (!(await ctx.confirmTyped(`${s.recentUse}. Type ${s.confirmWord ?? 'yes'} to go ahead anyway:`, s.confirmWord ?? word))) return false;
  }
  return true;
}

/**
 * Check the audit log, show the plan, stop there for --dry-run, ask (or require --yes off a
 * terminal), then run the steps in order: an intent record before each, its outcome after.
 * Nothing mutating runs before the confirmation, nor without its intent on disk.
 */
export async function executePlan(title: string, steps: Step[], ctx: RunContext): Promise<'done' | 'dry-run' | 'declined' | 'nothing'> {
  if (steps.length === 0) {
    for (const line of ctx.header ?? []) ctx.out(line);
    ctx.out(`Nothing to do: ${title}`);
    return 'nothing';
  }
  await prepareAudit(ctx.auditLog);
  for (const line of renderPlan(title, steps, ctx.header)) ctx.out(line);
  const j = journal(ctx, { id: randomUUID(), title });
  if (ctx.dryRun) {
    for (const s of steps) await j.record(s.action, s.target, 'dry-run', s.before ? { before: s.before() } : {});
    if (j.broken) throw new ProviderError(`dry run: ${j.broken.message}; no changes made`);
    if (steps.some((s) => s.recentUse) && !ctx.force) ctx.out('Dry run: no changes made. A real run needs --force (or the key id typed at the prompt): a key above was used recently.');
    else ctx.out('Dry run: no changes made.');
    return 'dry-run';
  }
  if (!ctx.yes) {
    if (!ctx.interactive) throw new UsageError('refusing to change anything without confirmation: re-run with --yes (or --dry-run to see the plan only)');
    if (!(await ctx.confirm('Apply this plan?'))) {
      ctx.out('Declined: no changes made.');
      return 'declined';
    }
  }
  if (!(await confirmRecentUse(steps, ctx))) {
    ctx.out('Declined: no changes made.');
    return 'declined';
  }
  // While the steps run, a first SIGINT or SIGTERM does not kill the process mid-step (that would
  // leave, say, a created key whose store never finished): the current step finishes or fails and
  // runs its own clean-up, its outcome is recorded, and the run stops there with exit 3 (the plan
  // is incomplete, like any other stopped plan; 3, not 130, because the state line is the answer
  // the user needs, and scripts already treat 3 as "look at what is left"). A second signal forces
  // the exit, but only after printing the state the account may be in mid-step.
  const held = { signal: null as NodeJS.Signals | null, step: null as Step | null, forcing: false };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!held.signal) {
      held.signal = signal;
      return;
    }
    if (held.forcing || !ctx.forceExit) return;
    held.forcing = true;
    const step = held.step;
    const state = step ? (step.state.midway ?? step.state.unknown ?? step.state.unchanged)() : 'no step was running';
    const line = `forced to stop by a second ${signal}${step ? ` during step "${step.describe}"; its outcome is unknown` : ''}. State: ${state}`;
    // The intent already on disk says "outcome unknown"; the outcome record says why.
    const recorded = step ? j.record(step.action, step.target, 'failed', { detail: `forced to stop by a second ${signal}; outcome unknown` }) : Promise.resolve();
    void recorded.finally(() => ctx.forceExit!(line));
  };
  if (ctx.forceExit) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    return await runSteps(steps, ctx, j, held);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runSteps(steps: Step[], ctx: RunContext, j: Journal, held: { signal: NodeJS.Signals | null; step: Step | null }): Promise<'done'> {
  for (const [i, step] of steps.entries()) {
    const later = steps.length - i - 1;
    if (held.signal) throw new ProviderError(`interrupted by ${held.signal} before step "${step.describe}", so it was not run. State: ${step.state.unchanged()}`);
    held.step = step;
    // Captured before the call: the ok record states what was there before and what is there now.
    const before = step.before?.();
    try {
      await j.intent(step.action, step.target, undefined, before !== undefined ? { before } : {});
    } catch (err) {
      if (!(err instanceof AuditWriteError)) throw err;
      throw new ProviderError(`${err.message} before step "${step.describe}", so it was not run. State: ${step.state.unchanged()}${later ? `. The ${later} later step(s) were not run` : ''}`);
    }
    let result: StepResult;
    try {
      result = await step.run(j);
    } catch (err) {
      // Whatever the step threw, it failed: StepFailed works out the state from what is known.
      if (!(err instanceof StepError)) await j.record(step.action, step.target, 'failed', { detail: describeAwsError(err).message, after: failureState(step, err) });
      throw new StepFailed(step, err, later, j.broken);
    }
    await j.record(step.action, step.target, 'ok', { ...result, ...(before !== undefined ? { before } : {}), after: (step.after ?? step.state.done)() });
    if (j.broken) {
      throw new ProviderError(`step "${step.describe}" was done, but ${j.broken.message}, so nothing further was run. State: ${step.state.done()} (done, but not recorded in the audit log)${later ? `. The ${later} later step(s) were not run` : ''}`);
    }
    ctx.out(`  ✓ ${step.describe}${result.detail ? ` (${result.detail})` : ''}`);
    // Interrupted: this step is done and recorded; stop before the next one. (After the last
    // step there is nothing left to stop: the plan is complete.)
    if (held.signal && later) {
      throw new ProviderError(`interrupted by ${held.signal}: step "${step.describe}" was finished and recorded, and the ${later} later step(s) were not run. State: ${step.state.done()}`);
    }
  }
  held.step = null;
  return 'done';
}
