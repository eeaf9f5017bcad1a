// Evidence a reader can act on: the policy, the statement and the action behind a finding.
import type { PolicyStatement } from '../../cloud/aws/types.js';
import type { Evidence } from '../../model.js';
import { grantingStatement, provenanceOf } from '../policy.js';

/**
 * `policy`, `statement` and `action` of the first action's grant, and `grants`: one
 * "action: policy, statement" line per action. An action no statement grants (AdministratorAccess
 * attached but its document not exported) names `fallbackPolicy`. `shown` names the actions as the
 * reader should see them (the probe `s3:NhiscanProbe` stands for the wildcard `s3:*` it answers).
 */
export function grantEvidence(stmts: PolicyStatement[], actions: string[], fallbackPolicy?: string, shown: string[] = actions): Evidence {
  const lines: string[] = [];
  let first: { policy: string; statement: string; action: string } | null = null;
  for (const [i, probe] of actions.entries()) {
    const action = shown[i] ?? probe;
    const st = grantingStatement(stmts, probe);
    const where = st ? provenanceOf(st) : { policy: fallbackPolicy ?? 'unknown policy', statement: 'document not exported' };
    first ??= { ...where, action };
    lines.push(`${action}: ${where.policy}, ${where.statement}`);
  }
  return first ? { policy: first.policy, statement: first.statement, action: first.action, grants: lines } : {};
}

/** The same for a statement already known (trust and resource policies). */
export function statementEvidence(policy: string, stmts: PolicyStatement[], st: PolicyStatement): Evidence {
  const i = stmts.indexOf(st);
  const action = ([] as string[]).concat(st.Action ?? st.NotAction ?? []);
  return { policy, statement: st.Sid ? `Sid ${st.Sid}` : `Statement[${i}]`, action: action.join(', ') || '(none)' };
}
