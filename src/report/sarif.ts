import type { Log, ReportingDescriptor, Result } from 'sarif';
import { findBuiltinRule } from '../detect/registry.js';
import { isSecretFinding, severityRank, type Finding, type Report, type Severity } from '../model.js';
import { jsonSafe } from './escape.js';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
// GitHub code scanning orders alerts by this property (0.0 to 10.0).
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

const DEFAULT_HELP = 'Revoke the credential at its provider, then remove it from the source.';

/**
 * A rule's metadata is the rule's own, from the registry: its severity, title and revoke text, not
 * those of whichever result came first (a result's severity can differ: a `[rules] severity`
 * override, an AWS check graded by what it found). Ids
 * the registry does not hold (AWS audit checks, a config's own [[rule]]) are described from their
 * first result, at the severity of their worst.
 */
function ruleDescriptor(f: Finding, worst: Severity): ReportingDescriptor {
  const rule = findBuiltinRule(f.ruleId);
  const severity = rule?.severity ?? worst;
  const title = rule?.title ?? f.title;
  // Credentials found in content or files (and leaked ones joined with their cloud state) are
  // secrets; a cloud check is about a live identity, the gate's check about the scan's own config.
  const secret = rule ? rule.kind !== 'gate' : f.kind !== 'cloud';
  return {
    id: f.ruleId,
    name: f.ruleId.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: title },
    fullDescription: { text: rule?.revoke ? `${title}. ${rule.revoke}` : title },
    help: { text: rule?.revoke ?? f.remediation?.hint ?? DEFAULT_HELP },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: { tags: ['security', ...(secret ? ['secret'] : []), ...(rule?.nhi ?? f.nhi)], 'security-severity': SECURITY_SEVERITY[severity] },
  };
}

function result(f: Finding, ruleIndex: number): Result {
  const base: Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.title },
    // GitHub deduplicates alerts across runs by this; it is a hash of rule and secret, not of the line.
    partialFingerprints: { 'nhiscanFingerprint/v1': f.fingerprint },
    properties: { severity: f.severity, nhi: f.nhi },
  };
  if (!isSecretFinding(f)) {
    base.message = { text: `${f.title}: ${f.identity.name}` };
    base.locations = [{ logicalLocations: [{ fullyQualifiedName: f.identity.arn, kind: f.identity.kind }] }];
    return base;
  }
  const loc = f.location;
  const detail = [f.validation, loc.commit ? `first introduced in ${loc.commit.slice(0, 12)} by ${loc.author ?? '?'}` : null, f.inHead === false ? 'not in HEAD' : null]
    .filter(Boolean)
    .join('; ');
  base.message = { text: `${f.title}${f.secret ? ` (${f.secret})` : ''}${detail ? `: ${detail}` : ''}` };
  base.locations = [
    {
      physicalLocation: {
        artifactLocation: { uri: encodeURI(loc.path) },
        region: { startLine: Math.max(1, loc.line), startColumn: Math.max(1, loc.column) },
      },
    },
  ];
  const related = f.occurrences.locations.slice(1).map((l, i) => ({
    id: i + 1,
    physicalLocation: { artifactLocation: { uri: encodeURI(l.path) }, region: { startLine: Math.max(1, l.line), startColumn: Math.max(1, l.column) } },
    message: { text: l.commit ? `also introduced in ${l.commit.slice(0, 12)}` : 'also here' },
  }));
  if (related.length) base.relatedLocations = related;
  base.properties = {
    ...base.properties,
    inHead: f.inHead,
    occurrences: { commits: f.occurrences.commits, paths: f.occurrences.paths, blobs: f.occurrences.blobs },
    ...(loc.commit ? { commit: loc.commit, author: loc.author, date: loc.date } : {}),
  };
  return base;
}

export function toSarif(report: Report): Log {
  const worst = new Map<string, Severity>();
  for (const f of report.findings) {
    const w = worst.get(f.ruleId);
    if (!w || severityRank(f.severity) > severityRank(w)) worst.set(f.ruleId, f.severity);
  }
  const rules: ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  for (const f of report.findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, rules.length);
      rules.push(ruleDescriptor(f, worst.get(f.ruleId)!));
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nhiscan',
            version: report.version,
            semanticVersion: report.version,
            // No informationUri: nhiscan has no public page yet, and a link to a 404 is worse than none.
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: report.coverage.complete,
            toolExecutionNotifications: report.coverage.gaps.map((g) => ({
              level: 'error' as const,
              message: { text: `${g.scope}: ${g.reason}` },
            })),
          },
        ],
        results: report.findings.map((f) => result(f, index.get(f.ruleId)!)),
      },
    ],
  };
}

export function renderSarif(report: Report): string {
  return `${jsonSafe(JSON.stringify(toSarif(report), null, 2))}\n`;
}
