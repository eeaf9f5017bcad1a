import type { Log, ReportingDescriptor, Result } from 'sarif';
import { builtinRules } from '../detect/rules/index.js';
import { isSecretFinding, type Finding, type Report, type Severity } from '../model.js';
import { jsonSafe } from './escape.js';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
// GitHub code scanning orders alerts by this property (0.0 to 10.0).
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

function ruleDescriptor(f: Finding): ReportingDescriptor {
  const rule = builtinRules.find((r) => r.id === f.ruleId);
  return {
    id: f.ruleId,
    name: f.ruleId.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: f.title },
    fullDescription: { text: rule?.revoke ? `${f.title}. ${rule.revoke}` : f.title },
    help: { text: f.remediation?.hint ?? 'Revoke the credential at its provider, then remove it from the source.' },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: { tags: ['security', 'secret', ...f.nhi], 'security-severity': SECURITY_SEVERITY[f.severity] },
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
  const rules: ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  for (const f of report.findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, rules.length);
      rules.push(ruleDescriptor(f));
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
            informationUri: 'https://www.npmjs.com/package/nhiscan',
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
