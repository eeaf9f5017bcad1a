import { InvalidArgumentError, Option, type Command } from 'commander';
import { isBuiltinRuleId } from '../detect/registry.js';
import { atLeast, SEVERITIES, summarize, type Report, type Severity } from '../model.js';

/**
 * What `scan`, `aws` and `audit` share about the report they print. Each command adds these with
 * one call (addReportOptions); `conclude` (common.ts) reads them from the command's flags.
 */
export interface ReportFlags {
  severity?: Severity;
  quiet?: boolean;
  verbose?: boolean;
  only?: string[];
  exclude?: string[];
  html?: string;
}

/**
 * Rule ids of the leak join (src/score/correlate.ts): the only ones not in the rule registry, which
 * holds the content, structured, file, gate and cloud rules. test/report-filters.test.ts checks
 * that every rule id the demo audit reports, and every cloud rule, is known here or there.
 */
export const LEAK_RULE_IDS: ReadonlySet<string> = new Set([
  'aws-leaked-canary-token',
  'aws-leaked-foreign-key',
  'aws-leaked-key-active',
  'aws-leaked-key-inactive',
  'aws-leaked-key-not-found',
]);

export function isKnownRuleId(id: string): boolean {
  return isBuiltinRuleId(id) || LEAK_RULE_IDS.has(id);
}

/** `--only a,b --only c`: comma-separated and repeatable; an unknown id is a usage error (exit 2). */
function ruleList(value: string, previous: string[] | undefined): string[] {
  const ids = value.split(',').map((s) => s.trim());
  // Not echoed: an argument can be a pasted secret. `nhiscan rules list` names every content rule.
  if (ids.some((id) => !isKnownRuleId(id))) throw new InvalidArgumentError('unknown rule id (see nhiscan rules list, and the leak ids in README)');
  return [...new Set([...(previous ?? []), ...ids])];
}

/** The report options, added to a command in one call. */
export function addReportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--severity <severity>', 'show only findings at or above this severity (the summary still counts all; --fail-on still sees all)').choices([...SEVERITIES]))
    .option('-q, --quiet', 'text: print only the summary and the exit reason')
    .option('--verbose', 'text: show every occurrence and every evidence field')
    .addOption(new Option('--only <rules>', 'report only these rule ids (comma-separated, repeatable); also what --fail-on sees').argParser(ruleList))
    .addOption(new Option('--exclude <rules>', 'leave out these rule ids (comma-separated, repeatable); also from --fail-on').argParser(ruleList))
    .option('--html <file>', 'also write a self-contained HTML report (mode 0600)');
}

/**
 * --only and --exclude decide what is reported at all (as a check that did not run, in Prowler's
 * --checks/--excluded-checks sense): the summary, the findings and --fail-on all see the same set.
 */
export function selectRules(report: Report, flags: ReportFlags): Report {
  const only = flags.only?.length ? new Set(flags.only) : null;
  const exclude = new Set(flags.exclude ?? []);
  if (!only && !exclude.size) return report;
  const findings = report.findings.filter((f) => (!only || only.has(f.ruleId)) && !exclude.has(f.ruleId));
  const { scan, inventory, muted, durationMs } = report.summary;
  return {
    ...report,
    findings,
    summary: { ...summarize(findings, durationMs, scan), ...(inventory ? { inventory } : {}), ...(muted !== undefined ? { muted } : {}) },
  };
}

/**
 * --severity changes only what is shown: findings below it leave `findings` and are counted in
 * `summary.hidden`; the summary's counts and --fail-on still see them (gitleaks and Prowler users
 * expect a display filter not to turn a failing run green).
 */
export function showAtLeast(report: Report, severity: Severity | undefined): Report {
  if (!severity) return report;
  const shown = report.findings.filter((f) => atLeast(f.severity, severity));
  return { ...report, findings: shown, summary: { ...report.summary, hidden: report.findings.length - shown.length } };
}
