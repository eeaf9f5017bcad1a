import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { findBuiltinRule } from '../detect/registry.js';
import { isLeakFinding, isSecretFinding, severityRank, type Finding, type LeakFinding, type Report, type SecretFinding, type Severity, type SourceLocation } from '../model.js';
import { jsonSafe } from './escape.js';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
// GitHub code scanning orders alerts by this property (0.0 to 10.0).
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

const DEFAULT_HELP = 'Revoke the credential at its provider, then remove it from the source.';
const ACCOUNT_HELP = 'Each alert names the identity or key and the fix for it; `nhiscan audit` (or `nhiscan aws`) prints the same report as text.';

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
  const secret = rule ? rule.kind !== 'gate' && rule.kind !== 'cloud' : f.kind !== 'cloud';
  return {
    id: f.ruleId,
    name: f.ruleId.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: title },
    fullDescription: { text: rule?.revoke ? `${title}. ${rule.revoke}` : rule?.rationale ? `${title}. ${rule.rationale}` : title },
    // A cloud or leak rule's fix names one identity; the rule's help must hold for all its
    // alerts, so the fix goes into each result's message instead.
    help: { text: rule?.revoke ?? (isSecretFinding(f) ? (f.remediation?.hint ?? DEFAULT_HELP) : ACCOUNT_HELP) },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: { tags: ['security', ...(secret ? ['secret'] : []), ...(rule?.nhi ?? f.nhi)], 'security-severity': SECURITY_SEVERITY[severity] },
  };
}

/**
 * A path as a URI, one segment at a time: `encodeURI` would leave `#` and `?` alone, and a file
 * named `a#b.env` would then read as `a` with a fragment. Paths are relative to the scanned root;
 * a file scanned by its absolute path (`nhiscan scan /abs/file`) becomes a `file://` URI, which
 * upload-sarif relativizes against its checkout_path (a bare `/abs/file` would be a path inside
 * the repository to GitHub).
 */
export function pathUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * GitHub code scanning rejects a whole file when any result lacks
 * `physicalLocation.artifactLocation.uri`. An account finding has no file, so it gets a stable
 * pseudo-path built from its identity's ARN, documented in README:
 * `arn:aws:iam::123456789012:user/ci/svc-deploy` -> `.nhiscan/aws/123456789012/iam/user/ci/svc-deploy`,
 * `arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf` ->
 * `.nhiscan/aws/123456789012/secretsmanager/eu-west-1/secret/db-AbCdEf`. The same identity gives the
 * same path in every run (GitHub matches alerts across runs by path and fingerprint), and no
 * repository file is named like it.
 */
export function cloudArtifactUri(arn: string): string {
  const m = /^arn:[^:]+:([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  const segments = m ? [m[3] || 'global', m[1]!, ...(m[2] ? [m[2]] : []), ...m[4]!.split(/[:/]/)] : ['unknown', arn];
  return ['.nhiscan', 'aws', ...segments.filter(Boolean).map(encodeURIComponent)].join('/');
}

function physical(l: SourceLocation) {
  return { artifactLocation: { uri: pathUri(l.path) }, region: { startLine: Math.max(1, l.line), startColumn: Math.max(1, l.column) } };
}

function related(f: SecretFinding) {
  return f.occurrences.locations.slice(1).map((l, i) => ({
    id: i + 1,
    physicalLocation: physical(l),
    message: { text: l.commit ? `also introduced in ${l.commit.slice(0, 12)}` : 'also here' },
  }));
}

function provenance(f: SecretFinding) {
  const loc = f.location;
  return {
    inHead: f.inHead,
    occurrences: { commits: f.occurrences.commits, paths: f.occurrences.paths, blobs: f.occurrences.blobs },
    ...(loc.commit ? { commit: loc.commit, author: loc.author, date: loc.date } : {}),
  };
}

/** The leak's own facts, from its typed cloud part, for the alert's message. */
function leakDetail(f: LeakFinding): string {
  const c = f.cloud;
  const loc = f.leaked.location;
  const facts = [
    `key ${f.credential.id}`,
    `leaked in ${loc.path}${loc.line ? `:${loc.line}` : ''}${loc.commit ? ` (${loc.commit.slice(0, 12)}${loc.author ? ` by ${loc.author}` : ''})` : ''}`,
    c.exposure.days !== null ? `exposed ${c.exposure.days} day(s)` : null,
    c.state ? `${c.state.status}${c.state.lastUsed ? `, last used ${c.state.lastUsed.slice(0, 10)}${c.state.lastUsedService ? ` by ${c.state.lastUsedService}` : ''}` : ', never used'}` : null,
    c.usedAfterLeak ? 'used after the leak' : null,
    c.secretKeyLeakedToo ? 'secret key leaked beside it' : null,
  ];
  return facts.filter(Boolean).join('; ');
}

/** The finding's own fix, for the message of an account or leak alert. */
function fixOf(f: Finding): string {
  const r = f.remediation;
  return r ? `. Fix: ${r.command ?? r.hint}` : '';
}

/** The repository (several in an audit) and account of a result, from the one location shape. */
function whereProps(f: Finding): Record<string, string> {
  const w = f.where;
  if (!w) return {};
  return { ...(w.repository ? { repository: w.repository } : {}), ...(w.account ? { account: w.account } : {}), ...(w.region ? { region: w.region } : {}) };
}

function result(f: Finding, ruleIndex: number): Result {
  const base: Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.title },
    // GitHub deduplicates alerts across runs by this; it is a hash of rule and secret, not of the line.
    partialFingerprints: { 'nhiscanFingerprint/v1': f.fingerprint },
    properties: { severity: f.severity, nhi: f.nhiIds ?? f.nhi, ...(f.risk !== undefined ? { risk: f.risk } : {}), ...whereProps(f) },
  };
  if (isLeakFinding(f)) {
    // The alert points at the file and line where the key leaked; the identity rides along.
    base.message = { text: `${f.title}: ${f.identity.name} (${leakDetail(f)})${fixOf(f)}` };
    base.locations = [{ physicalLocation: physical(f.leaked.location), logicalLocations: [{ fullyQualifiedName: f.identity.arn, kind: f.identity.kind }] }];
    const more = related(f.leaked);
    if (more.length) base.relatedLocations = more;
    base.properties = { ...base.properties, ...provenance(f.leaked), keyId: f.credential.id, match: f.cloud.match, status: f.cloud.state?.status ?? null, usedAfterLeak: f.cloud.usedAfterLeak };
    return base;
  }
  if (!isSecretFinding(f)) {
    base.message = { text: `${f.title}: ${f.identity.name}${f.credential ? ` (${f.credential.id})` : ''}${fixOf(f)}` };
    base.locations = [
      {
        physicalLocation: { artifactLocation: { uri: cloudArtifactUri(f.identity.arn) }, region: { startLine: 1 } },
        logicalLocations: [{ fullyQualifiedName: f.identity.arn, kind: f.identity.kind }],
      },
    ];
    return base;
  }
  const loc = f.location;
  const detail = [f.validation, loc.commit ? `first introduced in ${loc.commit.slice(0, 12)} by ${loc.author ?? '?'}` : null, f.inHead === false ? 'not in HEAD' : null]
    .filter(Boolean)
    .join('; ');
  base.message = { text: `${f.title}${f.secret ? ` (${f.secret})` : ''}${detail ? `: ${detail}` : ''}` };
  base.locations = [{ physicalLocation: physical(loc) }];
  const more = related(f);
  if (more.length) base.relatedLocations = more;
  base.properties = { ...base.properties, ...provenance(f) };
  return base;
}

/**
 * GitHub code scanning's hard limits (docs: "SARIF results exceed limit", "SARIF file is too
 * large"): past them it rejects the whole upload. nhiscan writes one run, 1 location plus at most
 * 19 related ones per result and at most 12 tags per rule, so results and size are the limits it
 * can reach. The 10 MB is of the gzip-compressed file, as upload-sarif and the API send it.
 */
export const GITHUB_LIMITS = { results: 25_000, gzipBytes: 10 * 1024 * 1024 };
export type SarifLimits = typeof GITHUB_LIMITS;

/** The size GitHub counts: the file gzip-compressed. */
export function uploadSize(text: string): number {
  return gzipSync(text).length;
}

interface Cut {
  /** How many findings, from the top of the report (worst first), become results. */
  keep: number;
  /** Whether results carry their relatedLocations (the secret's other places). */
  related: boolean;
}

export function toSarif(report: Report, cut: Cut = { keep: GITHUB_LIMITS.results, related: true }, limits: SarifLimits = GITHUB_LIMITS): Log {
  const findings = report.findings.slice(0, cut.keep);
  const worst = new Map<string, Severity>();
  for (const f of findings) {
    const w = worst.get(f.ruleId);
    if (!w || severityRank(f.severity) > severityRank(w)) worst.set(f.ruleId, f.severity);
  }
  const rules: ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  for (const f of findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, rules.length);
      rules.push(ruleDescriptor(f, worst.get(f.ruleId)!));
    }
  }
  const results = findings.map((f) => result(f, index.get(f.ruleId)!));
  if (!cut.related) for (const r of results) delete r.relatedLocations;
  const omitted = report.findings.length - findings.length;
  // Said in the log itself: an upload that shows fewer alerts than the report must say why.
  const notes = [
    ...(omitted
      ? [`${omitted} of ${report.findings.length} finding(s) are not in this SARIF file (GitHub code scanning takes at most ${limits.results} results per run and ${limits.gzipBytes} bytes per gzip-compressed file); the JSON report (-f json) has them all`]
      : []),
    ...(!cut.related ? ['other places of each secret (relatedLocations) are left out to stay under GitHub\'s file size limit; the JSON report has them'] : []),
  ];
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
            toolExecutionNotifications: [
              ...report.coverage.gaps.map((g) => ({ level: 'error' as const, message: { text: `${g.scope}: ${g.reason}` } })),
              ...notes.map((text) => ({ level: 'warning' as const, message: { text } })),
            ],
          },
        ],
        results,
      },
    ],
  };
}

const serialise = (log: Log) => `${jsonSafe(JSON.stringify(log, null, 2))}\n`;

/**
 * The SARIF text, within GitHub's limits: the worst findings first (the report's order), then,
 * if the file is still too large, without related locations, then fewer results. The exit code
 * is the report's, never the SARIF's: a cut here hides nothing from --fail-on.
 */
export function renderSarif(report: Report, limits: SarifLimits = GITHUB_LIMITS): string {
  let cut: Cut = { keep: Math.min(report.findings.length, limits.results), related: true };
  for (;;) {
    const text = serialise(toSarif(report, cut, limits));
    // Compressing costs a pass over the text: only worth it once the raw text could be too large.
    const size = Buffer.byteLength(text) <= limits.gzipBytes ? 0 : uploadSize(text);
    if (size <= limits.gzipBytes || cut.keep === 0) return text;
    cut = cut.related ? { ...cut, related: false } : { ...cut, keep: Math.floor(((cut.keep * limits.gzipBytes) / size) * 0.95) };
  }
}
