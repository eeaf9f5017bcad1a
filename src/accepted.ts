import { applyBaseline, type Baseline, type BaselineScope } from './baseline.js';
import type { AwsInventory, Tag } from './cloud/aws/types.js';
import type { BaselineOutcome, CloudFinding, Finding, MuteOutcome, Report } from './model.js';
import { applyMutelist, mutedSummary, type MuteEntry } from './score/mutelist.js';

/** What `aws` and `audit` accept as known: the [[mutelist]] of the config, and the baseline file. */
export interface Acceptance {
  mutelist?: MuteEntry[];
  baseline?: Baseline | null;
  today?: string;
}

/** Tags by ARN across every inventory read (users, roles, secrets), for mutelist `tags`. */
function tagIndex(inventories: AwsInventory[]): Map<string, Tag[]> {
  const out = new Map<string, Tag[]>();
  for (const inv of inventories) for (const x of [...inv.users, ...inv.roles, ...inv.secrets]) out.set(x.arn, x.tags);
  return out;
}

/**
 * Mutelist first (accepted by rule, identity, account or tag, with a reason), then the baseline
 * (accepted by fingerprint). Neither drops anything silently: the report gains `mutelist` and
 * `baseline` sections and `summary.muted`, which the caller fills in with `finish`.
 */
export function accept(
  findings: Finding[],
  inventories: AwsInventory[],
  a: Acceptance,
  complete: boolean,
  scope: BaselineScope,
): { findings: Finding[]; mutelist?: MuteOutcome; baseline?: BaselineOutcome } {
  let kept = findings;
  let mutelist: MuteOutcome | undefined;
  let baseline: BaselineOutcome | undefined;
  const today = a.today ?? new Date().toISOString().slice(0, 10);
  if (a.mutelist?.length) {
    const tags = tagIndex(inventories);
    ({ findings: kept, outcome: mutelist } = applyMutelist(kept, a.mutelist, (f: CloudFinding) => tags.get(f.identity.arn) ?? [], today));
  }
  if (a.baseline) ({ findings: kept, outcome: baseline } = applyBaseline(kept, a.baseline, complete, today, scope));
  return { findings: kept, ...(mutelist ? { mutelist } : {}), ...(baseline ? { baseline } : {}) };
}

/** The report's sections for what was accepted; `summary.muted` only when a mutelist was given. */
export function withAccepted(report: Report, r: ReturnType<typeof accept>): Report {
  if (r.mutelist) report.summary.muted = mutedSummary(r.mutelist);
  return { ...report, ...(r.baseline ? { baseline: r.baseline } : {}), ...(r.mutelist ? { mutelist: r.mutelist } : {}) };
}
